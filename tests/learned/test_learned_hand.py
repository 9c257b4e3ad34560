"""Learn a hand from a photographed sample sheet and write cards with it.

The sheet is filled in with Breip (tests/data/hand, SIL OFL), a handwriting font notecards
does not bundle, photographed badly (turned, blurred, noisy, unevenly lit) and learned; the
cards drawn with the learned hand must show Breip's letter shapes, keep their text, and be
read back by tesseract.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pdfplumber
import pypdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from notecards.cli.main import main
from notecards.config import load_config
from notecards.drawing.hand_sheet import draw_hand_sheet
from notecards.errors import ScanError
from notecards.handwriting import STYLES, draw_block, get_style, register_style_fonts
from notecards.handwriting.alternates import read_alternates
from notecards.handwriting.outlines import varied_font
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.geometry import Box, Paragraph, fit_paragraphs
from notecards.layout.hand_sheet import (
    ACCENTED_LOWER,
    ACCENTED_UPPER,
    DIGITS,
    LOWER,
    MARK_PT,
    PAIRS,
    PUNCTUATION,
    UPPER,
    sheet_layout,
)
from notecards.learned.learn import LearnReport, learn_hand
from notecards.paths import default_fonts_dir
from tests.handsheet import SIGNATURE, SOURCE_FONT, filled_sheet

LETTERS = LOWER + UPPER + DIGITS
# ``shop``, the shop whose hand "maya" was learned, is the session's (tests/learned/conftest.py).


# -- the sheet ---------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_sheet_has_every_box_inside_the_marks_and_none_overlap(paper: str) -> None:
    layout = sheet_layout(paper)
    texts = [box.text for box in layout.boxes]
    for char in LOWER:
        assert texts.count(char) >= 3
    for char in UPPER + DIGITS + PUNCTUATION + ACCENTED_LOWER + ACCENTED_UPPER:
        assert char in texts
    assert set(PAIRS) <= set(texts)
    (left, top), _, (right, bottom), _ = layout.marks
    boxes = layout.page_boxes(0)
    for box in boxes:
        # Between the marks' outer edges, and clear of them vertically.
        assert left - MARK_PT / 2 <= box.x_pt and box.x_pt + box.w_pt <= right + MARK_PT / 2
        assert bottom + MARK_PT / 2 <= box.y_pt and box.y_pt + box.h_pt <= top - MARK_PT / 2
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            overlap_x = min(a.x_pt + a.w_pt, b.x_pt + b.w_pt) - max(a.x_pt, b.x_pt)
            overlap_y = min(a.y_pt + a.h_pt, b.y_pt + b.h_pt) - max(a.y_pt, b.y_pt)
            assert overlap_x <= 0.01 or overlap_y <= 0.01, (a.label, b.label)


def test_printed_sheet_draws_boxes_labels_guides_and_marks(tmp_path: Path) -> None:
    layout = sheet_layout("a4")
    path = tmp_path / "sheet.pdf"
    assert draw_hand_sheet(path, layout) == 2
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert (page.width, page.height) == pytest.approx((595.28, 841.89), abs=0.01)
        rects = page.rects
        marks = [r for r in rects if r["fill"] and abs(r["width"] - MARK_PT) < 0.01]
        assert len(marks) == 4
        outlines = {(round(r["x0"], 1), round(r["top"], 1)) for r in rects if not r["fill"]}
        words = page.extract_words()
        for box in layout.page_boxes(0):
            top = layout.height_pt - box.y_pt - box.h_pt
            assert (round(box.x_pt, 1), round(top, 1)) in outlines
            # The label sits inside the box's top-left corner.
            label = [
                w
                for w in words
                if w["text"] == box.label
                and box.x_pt <= w["x0"] <= box.x_pt + 6
                and top <= w["top"] <= top + 8
            ]
            assert label, box.label
        guides = [
            line for line in page.lines if abs(line["top"] - line["bottom"]) < 0.01
        ]  # the dotted baseline of every box
        assert len(guides) >= len(layout.page_boxes(0))
        assert "Sign here" in pdf.pages[1].extract_text()


# -- learning ------------------------------------------------------------------------------


def test_learning_reports_the_empty_box_and_writes_the_shop_settings(
    shop: tuple[Path, LearnReport],
) -> None:
    folder, report = shop
    assert set(LOWER + DIGITS + "".join(PAIRS)) <= set("".join(report.learned))
    assert "Q" not in report.learned and "P" in report.learned
    assert len(report.problems) == 1
    assert re.search(
        r"sheet\.png: box “Q” \(row \d+, column \d+\): empty — the casual hand", report.problems[0]
    )
    config = load_config(folder / "notecards.toml")
    style = get_style(config.hand, config.hand_styles)
    assert Path(style.font_path) == folder / "maya-hand.ttf"
    assert config.signers["Maya"].image == str(folder / "maya-signature.svg")
    assert config.signers["Maya"].style == "signature"  # the sample's entry, kept


def test_learned_font_has_alternates_the_engine_draws_and_pairs(
    shop: tuple[Path, LearnReport],
) -> None:
    folder, _ = shop
    font_path = folder / "maya-hand.ttf"
    alternates = read_alternates(str(font_path))
    for char in LOWER:
        assert len(alternates[ord(char)]) == 2, char  # the 2nd and 3rd box of each letter
    font = TTFont(str(font_path))
    cmap = font.getBestCmap()
    assert ord("Q") in cmap and cmap[ord("Q")].startswith("base.")  # the base hand fills in
    ligatures = {
        "".join(chr(int(part[3:], 16)) for part in name.split(".")[0].split("_"))
        for name in font.getGlyphOrder()
        if "_" in name
    }
    assert ligatures == set(PAIRS)
    features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"salt", "liga"} <= features


def _shape(font_path: Path, char: str) -> np.ndarray:
    """Return *char* of *font_path* as a 64×64 ink image, scaled to its ink box and softened."""
    font = ImageFont.truetype(str(font_path), 120)
    image = Image.new("L", (260, 260), 0)
    ImageDraw.Draw(image).text((60, 200), char, font=font, fill=255, anchor="ls")
    box = image.getbbox()
    assert box, char
    ink = image.crop(box)
    side = max(ink.size)
    square = Image.new("L", (side, side), 0)
    square.paste(ink, ((side - ink.width) // 2, (side - ink.height) // 2))
    soft = square.resize((64, 64), Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(2))
    return np.asarray(soft, dtype=np.float64)


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def test_learned_letters_match_the_writers_letters_not_a_bundled_hand(
    shop: tuple[Path, LearnReport],
) -> None:
    folder, _ = shop
    learned = folder / "maya-hand.ttf"
    letters = LETTERS.replace("Q", "")
    ours = {c: _similarity(_shape(SOURCE_FONT, c), _shape(learned, c)) for c in letters}
    bundled = {
        name: {c: _similarity(_shape(SOURCE_FONT, c), _shape(path, c)) for c in letters}
        for name, path in (
            (name, default_fonts_dir() / f"{name}.ttf")
            for name in ("Caveat-Regular", "IndieFlower-Regular", "Kalam-Light")
        )
    }
    mean = float(np.mean(list(ours.values())))
    best_bundled = max(float(np.mean(list(s.values()))) for s in bundled.values())
    assert mean > 0.85, sorted(ours.items(), key=lambda kv: kv[1])[:5]
    assert mean > best_bundled + 0.15, (mean, best_bundled)
    closer = sum(ours[c] > max(s[c] for s in bundled.values()) for c in letters)
    assert closer >= 0.95 * len(letters), closer


# -- cards written with it --------------------------------------------------------------------


@pytest.fixture(scope="module")
def cards(shop: tuple[Path, LearnReport]) -> Path:
    from click.testing import CliRunner

    folder, _ = shop
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(folder / "orders.csv"),
            "--config",
            str(folder / "notecards.toml"),
            "--out",
            str(folder / "out"),
            "--date",
            "2026-11-22",
            "--limit",
            "2",
            "--quiet",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return folder / "out" / "cards.pdf"


def test_cards_embed_the_learned_hand_and_keep_their_words(cards: Path) -> None:
    reader = pypdf.PdfReader(cards)
    inside = reader.pages[1]
    fonts = {str(f.get_object()["/BaseFont"]) for f in inside["/Resources"]["/Font"].values()}
    assert any("maya" in name for name in fonts), fonts
    text = inside.extract_text()
    assert "Ada" in text and "lavender" in text.lower() and "gratitude" in text


def test_a_learned_hand_writes_the_same_forms_wherever_the_shop_folder_is(
    shop: tuple[Path, LearnReport], tmp_path: Path
) -> None:
    """Verify a learned font (a family name, no full name) gets the same varied letter forms
    in another folder: they were seeded by its path, so moving the shop, or the tests'
    temporary folders, changed every card and what OCR read."""
    folder, _ = shop
    moved = tmp_path / "moved" / "maya-hand.ttf"
    moved.parent.mkdir()
    shutil.copyfile(folder / "maya-hand.ttf", moved)
    here = varied_font(str(folder / "maya-hand.ttf"), 2)
    there = varied_font(str(moved), 2)
    assert here[1] and here[0] == there[0] and here[1:] == there[1:]


def test_cards_are_signed_with_the_learned_signature(cards: Path) -> None:
    reader = pypdf.PdfReader(cards)
    xobjects = reader.pages[1]["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Form" for x in xobjects.values())
    assert SIGNATURE not in reader.pages[1].extract_text()  # drawn, not typed


def test_tesseract_reads_a_line_written_in_the_learned_hand(
    shop: tuple[Path, LearnReport], tmp_path: Path
) -> None:
    tesseract = shutil.which("tesseract")
    assert tesseract, "install tesseract-ocr (apt) to run this test"
    folder, _ = shop
    config = load_config(folder / "notecards.toml")
    style = get_style("maya", config.hand_styles)
    register_bundled_fonts()
    register_style_fonts([style])
    line = "Thank you for your kind words"  # tesseract reads it whole in Breip itself
    block = fit_paragraphs(
        (Paragraph(line),),
        Box(20, 20, 560, 60),
        pdfmetrics.stringWidth,
        lambda char: style.font_name,
        max_size_pt=26,
        min_size_pt=20,
    )
    found = 0
    for seed in ("ocr:1", "ocr:2", "ocr:3"):  # three cards, three sets of pen movements
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(600, 100), invariant=1)
        draw_block(canvas, block, style, seed)
        canvas.showPage()
        canvas.save()
        extracted = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
        assert extracted.split() == line.split()
        document = pdfium.PdfDocument(buffer.getvalue())
        # At 150 dpi the x-height is the ~25 px tesseract reads best.
        document[0].render(scale=150 / 72, grayscale=True).to_pil().save(tmp_path / "line.png")
        document.close()
        read = subprocess.run(
            [tesseract, str(tmp_path / "line.png"), "-", "--psm", "7"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words = set(re.findall(r"[a-z]+", read.lower()))
        found += sum(word in words for word in line.lower().split())
    # Breip itself reads 6 of 6; handwriting turned and jittered by the engine, most of them.
    assert found >= 14, found  # of 18


# -- bad photos ----------------------------------------------------------------------------


def test_bad_photos_give_located_errors_that_say_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "notecards.toml"
    config.write_text("[shop]\n", encoding="utf-8")
    Image.new("L", (800, 1000), 225).save(tmp_path / "blank.png")
    rng = np.random.default_rng(1)
    Image.fromarray((rng.random((900, 700)) * 255).astype(np.uint8)).save(tmp_path / "noise.png")
    (tmp_path / "text.png").write_text("not an image", encoding="utf-8")
    for name, message in (
        ("blank.png", "of the 4 black corner squares — photograph or scan the whole page"),
        ("noise.png", "of the 4 black corner squares"),
        ("text.png", "not an image notecards can read"),
        ("missing.png", "no such file"),
    ):
        with pytest.raises(ScanError, match=re.escape(message)) as caught:
            learn_hand([tmp_path / name], "maya", config)
        assert str(caught.value).startswith(f"{tmp_path / name}: ")
    assert config.read_text(encoding="utf-8") == "[shop]\n"  # nothing written


def test_an_empty_sheet_turned_upside_down_in_a_pdf_is_found_and_refused(
    tmp_path: Path,
) -> None:
    layout = sheet_layout("a4", signature=False)
    (page,) = filled_sheet(layout, dpi=100, skip="".join({b.text for b in layout.boxes}))
    page.rotate(180).save(tmp_path / "empty.pdf")
    config = tmp_path / "notecards.toml"
    config.write_text("[shop]\n", encoding="utf-8")
    with pytest.raises(ScanError, match="only 0 of the plain lower-case letters") as caught:
        learn_hand([tmp_path / "empty.pdf"], "maya", config)
    assert str(caught.value).startswith(f"{tmp_path / 'empty.pdf'}: ")


def test_cli_writes_the_sheet_and_reports_a_bad_scan(tmp_path: Path) -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(main, ["hand", "sheet", "--out", str(out), "--no-signature"])
    assert result.exit_code == 0, result.output
    assert len(pypdf.PdfReader(out).pages) == 1
    (tmp_path / "notecards.toml").write_text("[shop]\n", encoding="utf-8")
    result = runner.invoke(
        main,
        ["hand", "learn", str(out), "--name", "maya", "--config", str(tmp_path / "notecards.toml")],
    )
    assert result.exit_code == 1
    assert "only 0 of the plain lower-case letters" in result.output
    assert STYLES  # the bundled hands stay as they are
