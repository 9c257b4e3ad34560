"""Never the same form twice in a row, read from the PDF: inside words, across spaces and
across line ends (issue 13).

A text where most words start with the letter the word before ended with ("as soon", "tea
at") is written into a narrow box, so many lines also end and start with the same letter; the
content stream's glyph codes are read back in reading order.
"""

from __future__ import annotations

import io

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from notecards.handwriting import STYLES, HandStyle, draw_block, register_style_fonts
from notecards.layout.geometry import Box, Paragraph, TextBlock, fit_paragraphs
from tests.pdfcheck import drawn_glyphs, neighbour_pairs

_VOCABULARY = (
    "as soon now wet tea all lamp post this so only yes sea apple each home eat take every "
    "yellow want tiny year red dog good day sweet time end dear road draw warm more even "
    "night thanks stop pen nest trip pass seem mild do old lot tall lost add dim map pot tin "
    "new win need dust test kind delta art tram mug grass slow wool lid deep pear rest"
).split()


def chained_text(words: int = 140) -> str:
    """Return *words* words, each starting with the letter the one before it ended with
    (where the vocabulary has one)."""
    out = ["as"]
    used = {"as": 1}
    while len(out) < words:
        last = out[-1][-1]
        options = [w for w in _VOCABULARY if w[0] == last] or _VOCABULARY
        word = min(options, key=lambda w: (used.get(w, 0), w))
        used[word] = used.get(word, 0) + 1
        out.append(word)
    return " ".join(out)


def chained_block(font_name: str, width_pt: float = 300.0) -> TextBlock:
    """Return the chained text laid out in a box *width_pt* wide."""
    return fit_paragraphs(
        (Paragraph(chained_text()),),
        Box(20, 20, width_pt, 700),
        pdfmetrics.stringWidth,
        lambda _char: font_name,
        max_size_pt=16,
        min_size_pt=16,
    )


def written(block: TextBlock, style: HandStyle, seed: str) -> bytes:
    """Return a one-page PDF with *block* written in *style*."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(360, 760), invariant=1)
    draw_block(canvas, block, style, seed)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def assert_no_form_twice_in_a_row(style: HandStyle, seeds: int = 6) -> dict[str, int]:
    """Check every pair of neighbouring same letters on pages written in *style*; return how
    many pairs were checked inside words, across spaces and across line ends."""
    counts = {"": 0, " ": 0, "\n": 0}
    for n in range(seeds):
        pdf = written(chained_block(style.font_name), style, f"neighbours:{n}")
        for a, b, between in neighbour_pairs(drawn_glyphs(pdf, 0)):
            assert (a[1], a[2]) != (b[1], b[2]), (a, b, repr(between), n)
            counts[between] += 1
    return counts


@pytest.mark.parametrize("name", ["casual", "neat", "loose"])
def test_no_form_twice_in_a_row_across_words_and_lines(name: str) -> None:
    """Verify neighbouring same letters are drawn with different glyphs (codes from the
    content stream), across spaces and line ends as well as inside words."""
    style = STYLES[name]
    register_style_fonts([style])
    counts = assert_no_form_twice_in_a_row(style)
    # Without the check across words, ~20 % of the pairs across spaces and line ends repeat.
    assert counts[" "] >= 500, counts
    assert counts["\n"] >= 40, counts
    assert counts[""] >= 100, counts
