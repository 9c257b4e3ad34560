"""Realism read back from rendered cards: letter forms, pressure, ink, margins, signature.

The sample batch is drawn once (render_pdfs, the bytes a batch writes); every check opens the
PDF: the glyph codes and operators of its content streams, pdfplumber's character boxes, and
pixels rendered by pdfium.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from io import BytesIO
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from notecards import make_settings, plan_batch, render_pdfs
from notecards.config import Config
from notecards.paths import sample_orders_path
from tests.pdfcheck import drawn_glyphs


@pytest.fixture(scope="module", params=["casual", "neat"])
def cards(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    tmp: Path = tmp_path_factory.mktemp("realism")
    settings = make_settings(
        Config(
            shop_name="Juniper & Pine",
            signer="Maya",
            hand=request.param,
            ledger_path=str(tmp / "ledger.sqlite"),
        )
    )
    plan = plan_batch([sample_orders_path()], settings, today=date(2026, 11, 22))
    return render_pdfs(plan)[0]


_glyphs = drawn_glyphs  # the page's text glyphs in drawing order: (letter, font, code)


def test_neighbouring_letters_never_share_a_form(cards):
    """Verify no two identical neighbouring letters are drawn with the same glyph, and that
    frequent letters are drawn in three or more forms in the batch (font alternates and varied
    outlines)."""
    reader = PdfReader(BytesIO(cards))
    pairs = 0
    every: list[tuple[str, str, int]] = []
    for number in range(1, len(reader.pages), 2):  # the insides
        glyphs = _glyphs(reader, number)
        for a, b in zip(glyphs, glyphs[1:], strict=False):
            if a[0] == b[0] and a[0].isalpha():  # side by side, as in "ll", "ee", "oo"
                pairs += 1
                assert (a[1], a[2]) != (b[1], b[2]), a
        every += [g for g in glyphs if g[0].isalpha() and g[0].islower()]
    forms: dict[str, set[tuple[str, int]]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for letter, font, code in every:
        forms[letter].add((font, code))
        counts[letter] += 1
    frequent = [letter for letter, n in counts.items() if n >= 30]
    assert len(frequent) >= 8
    assert all(len(forms[letter]) >= 3 for letter in frequent), {
        letter: len(forms[letter]) for letter in frequent
    }
    assert pairs >= 5


def test_pressure_and_ink_vary_along_lines(cards):
    """Verify stroke widths change within lines and ink tints between lines."""
    reader = PdfReader(BytesIO(cards))
    for number in range(1, len(reader.pages), 2):
        widths, tints = set(), set()
        for operands, operator in ContentStream(
            reader.pages[number].get_contents(), reader
        ).operations:
            if operator == b"w":
                widths.add(float(operands[0]))
            elif operator in (b"rg", b"g", b"k"):  # the ink's own colour space
                tints.add(tuple(float(v) for v in operands))
        assert len(widths) >= 8, widths
        assert len(tints) >= 4, tints


def test_right_margin_is_ragged(cards):
    """Verify lines break short of the edge where the next word would still have fitted."""
    early = lines_seen = 0
    with pdfplumber.open(BytesIO(cards)) as pdf:
        for page in pdf.pages[1::2]:
            words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
            inside = [w for w in words if w["x0"] > page.width / 2 and w["top"] > 20]
            rows: dict[int, list[dict[str, float]]] = defaultdict(list)
            for word in inside:
                rows[round(word["top"] / 8)].append(word)
            ordered = [sorted(rows[k], key=lambda w: w["x0"]) for k in sorted(rows)]
            edge = max(row[-1]["x1"] for row in ordered)
            for row, following in zip(ordered, ordered[1:], strict=False):
                if row[-1]["text"].endswith((",", ".", "!")):
                    continue  # a paragraph's end, or the greeting
                lines_seen += 1
                gap = edge - row[-1]["x1"]
                if gap > following[0]["x1"] - following[0]["x0"] + 4:
                    early += 1
    assert lines_seen >= 20
    assert early >= 2, (early, lines_seen)


def _stroke_px(image: np.ndarray) -> float:
    runs = []
    for row in image:
        edges = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
        runs.extend(np.where(edges == -1)[0] - np.where(edges == 1)[0])
    return float(np.median(runs)) if runs else 0.0


def test_signature_has_the_weight_of_the_body(cards):
    """Verify the signature's strokes are as thick as the message's, measured in pixels."""
    document = pdfium.PdfDocument(cards)
    try:
        with pdfplumber.open(BytesIO(cards)) as pdf:
            page = pdf.pages[1]
            chars = [c for c in page.chars if c["x0"] > page.width / 2]
            signature = [c for c in chars if "Sacramento" in c["fontname"]]
            body = [c for c in chars if "Sacramento" not in c["fontname"] and c["text"].isalpha()]
        scale = 6
        image = np.asarray(document[1].render(scale=scale).to_pil().convert("L")) < 140

        def crop(group: list[dict[str, float]]) -> np.ndarray:
            x0, x1 = min(c["x0"] for c in group), max(c["x1"] for c in group)
            y0, y1 = min(c["top"] for c in group), max(c["bottom"] for c in group)
            return image[int(y0 * scale) : int(y1 * scale), int(x0 * scale) : int(x1 * scale)]

        sig = _stroke_px(crop(signature))
        text = _stroke_px(crop(body))
    finally:
        document.close()
    assert signature and body
    assert 0.75 <= sig / text <= 1.3, (sig, text)
