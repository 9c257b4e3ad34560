"""Write with a learned hand: joined pairs, never one form twice in a row, composed accents.

The sheet is filled in with Breip (as in test_learned_hand.py), but every box of a letter with
an acute accent and the "è" box are left empty: "é" must then be the writer's own "e" with an
acute from the base hand, "è" the writer's "e" with the grave of the writer's "à".
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pdfplumber
import pypdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from notecards.config import load_config
from notecards.handwriting import STYLES, HandStyle, draw_block, get_style, register_style_fonts
from notecards.handwriting import words as handwords
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.geometry import Box, Paragraph, TextBlock, fit_paragraphs
from notecards.layout.hand_sheet import sheet_layout
from notecards.learned.fontfile import glyph_name
from notecards.learned.learn import LearnReport, learn_hand
from notecards.workspace import init_workspace
from tests.handsheet import filled_sheet, photograph
from tests.handwriting.test_neighbours import assert_no_form_twice_in_a_row
from tests.pdfcheck import drawn_glyphs

EMPTY = "éáóúíÉè"  # every acute letter of the sheet, and è (à keeps its grave)
PAIRS_TEXT = (
    "Thank you for the little book and the coffee; we all hope it arrived soon and well. "
    "See you at the shop in three weeks, Anna and Otto."
)


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LearnReport, HandStyle]:
    """A shop whose hand "ruth" was learned from a photo of a sheet with empty boxes."""
    folder = tmp_path_factory.mktemp("ruth")
    init_workspace(folder)
    (letters,) = filled_sheet(sheet_layout("letter", signature=False), skip=EMPTY)
    photograph(letters, turn=-3.0, seed=11).save(folder / "sheet.png")
    report = learn_hand([folder / "sheet.png"], "ruth", folder / "notecards.toml")
    style = get_style("ruth", load_config(folder / "notecards.toml").hand_styles)
    register_bundled_fonts()
    register_style_fonts([style])
    return folder, report, style


#: A hand with no variation: every glyph where layout put it.
_STILL = {
    name: 0.0
    for name in (
        "baseline_jitter",
        "rotation_deg",
        "size_jitter",
        "tracking_jitter",
        "line_drift",
        "line_slope_deg",
        "margin_wander",
        "baseline_curve",
        "pressure",
    )
}


def _block(text: str, style: HandStyle, size: float = 22.0, width: float = 520.0) -> TextBlock:
    return fit_paragraphs(
        (Paragraph(text),),
        Box(30, 30, width, 300),
        pdfmetrics.stringWidth,
        lambda _char: style.font_name,
        max_size_pt=size,
        min_size_pt=size,
    )


def _pdf(block: TextBlock, style: HandStyle, seed: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(600, 360), invariant=1)
    draw_block(canvas, block, style, seed)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pixels(pdf: bytes, scale: float = 3.0) -> np.ndarray:
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    return np.asarray(image, dtype=np.float64)


# -- joined pairs ------------------------------------------------------------------------------


def test_joined_pairs_are_drawn_from_the_sheets_pairs(
    hand: tuple[Path, LearnReport, HandStyle],
) -> None:
    """Verify the content stream writes the sheet's pairs as one glyph each (a code whose
    ToUnicode is the two letters), as wide as the two letters, embedded from the pair's box,
    most of the times the pair occurs but not every time."""
    folder, _, style = hand
    learned = TTFont(str(folder / "ruth-hand.ttf"))
    block = _block(PAIRS_TEXT, style)
    joined: dict[str, int] = {}
    for seed in range(6):
        pdf = _pdf(block, style, f"joins:{seed}")
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        for text, font, code in drawn_glyphs(reader, 0):
            if len(text) != 2:
                continue
            joined[text] = joined.get(text, 0) + 1
            pdf_font = fonts[font].get_object()
            advance = pdf_font["/Widths"][code - pdf_font["/FirstChar"]]
            assert advance == pytest.approx(pdfmetrics.stringWidth(text, style.font_name, 1000))
            subset = TTFont(
                io.BytesIO(pdf_font["/FontDescriptor"]["/FontFile2"].get_object().get_data())
            )
            glyph = subset["glyf"][subset["cmap"].tables[0].cmap[code]]
            pair = learned["glyf"][glyph_name(text)]
            assert glyph.numberOfContours == pair.numberOfContours, text
            room = subset["hmtx"][subset["cmap"].tables[0].cmap[code]][0]
            assert -0.02 * room <= glyph.xMin and glyph.xMax <= 1.02 * room, text  # its room
    assert {"th", "oo", "ll", "ee", "tt", "an", "ou", "ff"} <= set(joined), joined
    # "th" is in the text 4 times, "ee" 3, … : joined mostly, not always.
    occurrences = 6 * sum(PAIRS_TEXT.count(pair) for pair in joined)
    assert 0.55 * occurrences <= sum(joined.values()) <= 0.95 * occurrences, joined


def test_joined_pairs_extract_as_words_and_change_the_drawing(
    hand: tuple[Path, LearnReport, HandStyle], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify pdfplumber and pypdf read the words, and that the pixels where a pair is
    joined differ from the same card written with no pair joined."""
    _, _, style = hand
    block = _block(PAIRS_TEXT, style)
    joined_pdf = _pdf(block, style, "joins:pixels")
    with pdfplumber.open(io.BytesIO(joined_pdf)) as pdf:
        words = [w["text"] for w in pdf.pages[0].extract_words(use_text_flow=True)]
        boxes = [c for c in pdf.pages[0].chars if len(c["text"]) == 2]
    assert words == PAIRS_TEXT.split()
    assert pypdf.PdfReader(io.BytesIO(joined_pdf)).pages[0].extract_text().split() == words
    assert len(boxes) >= 8
    monkeypatch.setattr(handwords, "JOIN_CHANCE", 0.0)
    handwords.word_tables.cache_clear()
    try:
        apart_pdf = _pdf(block, style, "joins:pixels")
    finally:
        monkeypatch.undo()
        handwords.word_tables.cache_clear()
    assert all(len(g[0]) == 1 for g in drawn_glyphs(apart_pdf, 0))
    with pdfplumber.open(io.BytesIO(apart_pdf)) as pdf:
        assert pdf.pages[0].extract_text(use_text_flow=True).split() == words
    scale = 3.0
    joined_px, apart_px = _pixels(joined_pdf, scale), _pixels(apart_pdf, scale)
    changed = 0
    for box in boxes:
        x0, x1 = int(box["x0"] * scale), int(box["x1"] * scale)
        y0, y1 = int(box["top"] * scale), int(box["bottom"] * scale)
        difference = np.abs(joined_px[y0:y1, x0:x1] - apart_px[y0:y1, x0:x1])
        changed += (difference > 64).mean() > 0.02
    assert changed >= 0.9 * len(boxes), (changed, len(boxes))


def test_joined_words_take_the_room_layout_measured(
    hand: tuple[Path, LearnReport, HandStyle],
) -> None:
    """Verify that with no variation every word, joins and all, starts and ends where
    drawString of the same line puts it: layout and wrapping are unchanged by joins."""
    _, _, style = hand
    still = replace(style, font_name=f"{style.font_name}-still", **_STILL)
    register_style_fonts([still])
    block = _block(PAIRS_TEXT, still, width=300.0)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(600, 360), invariant=1)
    for line in block.lines:
        canvas.setFont(still.font_name, block.size_pt)
        canvas.drawString(line.x_pt, line.baseline_pt, line.text)
    canvas.showPage()
    canvas.save()
    written = _pdf(block, still, "room")
    assert any(len(g[0]) == 2 for g in drawn_glyphs(written, 0))
    boxes = []
    for pdf in (buffer.getvalue(), written):
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            boxes.append(document.pages[0].extract_words())
    plain, joined = boxes
    assert [w["text"] for w in joined] == [w["text"] for w in plain] == PAIRS_TEXT.split()
    for a, b in zip(plain, joined, strict=True):
        assert b["x0"] == pytest.approx(a["x0"], abs=0.02), b["text"]
        assert b["x1"] == pytest.approx(a["x1"], abs=0.02), b["text"]


def test_no_form_twice_in_a_row_in_the_learned_hand(
    hand: tuple[Path, LearnReport, HandStyle],
) -> None:
    """Verify neighbouring same letters differ in glyph across spaces and line ends too."""
    _, _, style = hand
    counts = assert_no_form_twice_in_a_row(style)
    assert counts[" "] >= 400 and counts["\n"] >= 30 and counts[""] >= 50, counts


# -- accented letters from an empty box -----------------------------------------------------------


def test_empty_accent_boxes_are_reported_as_composed(
    hand: tuple[Path, LearnReport, HandStyle],
) -> None:
    folder, report, _ = hand
    (problem,) = [p for p in report.problems if "box “é”" in p]
    assert problem.endswith(
        "empty — your own “e” with the accent writes “é” instead; fill the box in and learn "
        "again to use your own."
    )
    cmap = TTFont(str(folder / "ruth-hand.ttf")).getBestCmap()
    for char in EMPTY:
        assert cmap[ord(char)] == glyph_name(char), char  # not the base hand's "base.…"


def _alone(char: str, style: HandStyle) -> np.ndarray:
    """Return the ink (True) of *char* written alone by the engine, always at one place."""
    block = _block(char, style, size=90.0)
    return _pixels(_pdf(block, style, "alone"), scale=2.0) < 128


@pytest.mark.parametrize("accented", ["é", "è", "É"])
def test_composed_accent_is_the_learned_letter_with_a_mark(
    hand: tuple[Path, LearnReport, HandStyle], accented: str
) -> None:
    """Verify the drawn é (è, É) is the learned e (E) below its x-height, pixel for pixel,
    with a mark above it, where the base hand's é is another letter; and that it extracts as
    itself."""
    _, _, style = hand
    # Each letter's first form (no alternates): the one the accent is composed on.
    plain = replace(style, font_name=f"{style.font_name}-plain", alternates=False, **_STILL)
    base = replace(STYLES["casual"], font_name="Caveat-plain", alternates=False, **_STILL)
    register_style_fonts([plain, base])
    letter = unicodedata.normalize("NFD", accented)[0]
    ours, composed, bundled = _alone(letter, plain), _alone(accented, plain), _alone(accented, base)
    rows = np.flatnonzero(ours.any(axis=1))
    top, bottom = rows[0], rows[-1] + 1
    body, mark = composed[top:bottom], composed[: top - 2]
    overlap = (body & ours[top:bottom]).sum() / (body | ours[top:bottom]).sum()
    elsewhere = (bundled[top:bottom] & ours[top:bottom]).sum() / (
        bundled[top:bottom] | ours[top:bottom]
    ).sum()
    assert overlap > 0.95, overlap
    assert elsewhere < 0.6, elsewhere
    assert mark.sum() > 0.05 * body.sum()  # the accent, above the letter
    pdf = _pdf(_block(f"Caf{accented} {accented}l{accented}ve", style), style, "extract")
    assert f"Caf{accented}" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert [c["text"] for c in document.pages[0].chars].count(accented) == 3
