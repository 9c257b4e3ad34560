"""Handwriting engine: variation is measured in the PDF, not eyeballed (issue 5)."""

from __future__ import annotations

import io
import math
from dataclasses import replace

import pdfplumber
import pypdf
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from notecards.errors import ConfigError
from notecards.handwriting import (
    STYLES,
    HandStyle,
    draw_block,
    get_style,
    ink_color,
    ink_color_cmyk,
    max_excursion_pt,
    place_glyphs,
    plan_block,
    register_style_fonts,
    style_from_mapping,
)
from notecards.layout.geometry import Box, Paragraph, TextBlock, fit_paragraphs
from tests.conftest import ROOT

FONTS = ROOT / "fonts"
FALLBACK = "HW-NotoSans"
CARD = Box(0, 0, 419.53, 297.64)
OUTER = CARD.inset(28)
TEXT = [
    Paragraph("Dear Ada,"),
    Paragraph(
        "Thank you for the balloon, the coffee and the toffee. Kalimera, Σοφία!", space_before=0.5
    ),
    Paragraph("See you soon! Order 10042", space_before=0.5),
]


def _zero(style: HandStyle) -> HandStyle:
    return replace(
        style,
        baseline_jitter=0,
        rotation_deg=0,
        size_jitter=0,
        tracking_jitter=0,
        line_drift=0,
        line_slope_deg=0,
        margin_wander=0,
        pressure=0,
        baseline_curve=0,
    )


def _block(style: HandStyle, size: float = 16.0) -> TextBlock:
    register_style_fonts([style])
    if FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FALLBACK, str(FONTS / "NotoSans-Regular.ttf")))
    face = pdfmetrics.getFont(style.font_name).face

    def font_for(char: str) -> str:
        return style.font_name if ord(char) in face.charToGlyph else FALLBACK

    inner = OUTER.inset(max_excursion_pt(style, size, extra_fonts=[FALLBACK]))
    return fit_paragraphs(
        TEXT, inner, pdfmetrics.stringWidth, font_for, max_size_pt=size, min_size_pt=size
    )


def _pdf(block: TextBlock, style: HandStyle | None, seed: str = "10042:thank_you") -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(CARD.width_pt, CARD.height_pt), invariant=1)
    if style is None:
        for line in block.lines:
            x = line.x_pt
            for run in line.runs:
                canvas.setFont(run.font, block.size_pt)
                canvas.drawString(x, line.baseline_pt, run.text)
                x += run.width_pt
    else:
        draw_block(canvas, block, style, seed)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _chars(pdf: bytes) -> list[dict[str, object]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return list(doc.pages[0].chars)


@pytest.fixture(params=["casual", "neat", "loose"])
def style(request: pytest.FixtureRequest) -> HandStyle:
    return STYLES[request.param]


def test_draw_block_same_seed_is_byte_identical(style: HandStyle) -> None:
    """Verify a reprint gives the same bytes and another card differs."""
    block = _block(style)
    assert _pdf(block, style) == _pdf(block, style)
    assert _pdf(block, style) != _pdf(block, style, seed="10043:thank_you")


def test_draw_block_text_is_extractable(style: HandStyle) -> None:
    """Verify pdfplumber and pypdf read the words with normal spacing."""
    pdf = _pdf(_block(style), style)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        # In stream order: a fallback face (Greek in Noto) is taller than the hand, so sorting
        # by position can lift a tilted word onto a line of its own.
        plumbed = doc.pages[0].extract_text(use_text_flow=True)
    extracted = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for text in (plumbed, extracted):
        assert "Dear Ada," in text
        assert "Order 10042" in text
        assert "the balloon, the coffee and the toffee." in text.replace("\n", " ")
        assert "Σοφία" in text


def test_draw_block_zero_amounts_match_straight_drawing(style: HandStyle) -> None:
    """Verify that with every amount at zero each glyph sits where drawString puts it."""
    zero = _zero(style)
    block = _block(zero)
    plain, hand = _chars(_pdf(block, None)), _chars(_pdf(block, zero))
    assert [c["text"] for c in hand] == [c["text"] for c in plain]
    for a, b in zip(plain, hand, strict=False):
        assert b["x0"] == pytest.approx(a["x0"], abs=0.02)
        assert b["top"] == pytest.approx(a["top"], abs=0.02)
        assert b["size"] == pytest.approx(a["size"], abs=0.01)


def test_draw_block_glyphs_stay_in_box(style: HandStyle) -> None:
    """Verify no glyph leaves the box layout was given before the max_excursion inset."""
    block = _block(style)
    for seed in range(12):
        for char in _chars(_pdf(block, style, seed=f"order-{seed}")):
            y0, y1 = CARD.height_pt - char["bottom"], CARD.height_pt - char["top"]
            assert OUTER.x_pt - 0.01 <= char["x0"] and char["x1"] <= OUTER.right_pt + 0.01
            assert OUTER.y_pt - 0.01 <= y0 and y1 <= OUTER.top_pt + 0.01, char["text"]


def _angle(char: dict[str, object]) -> float:
    a, b, *_ = char["matrix"]  # type: ignore[misc]
    return math.degrees(math.atan2(b, a))


def test_draw_block_repeated_letters_differ_within_bounds(style: HandStyle) -> None:
    """Verify "ll", "ff", "ee", "oo" differ in baseline, size or angle, within the style."""
    block = _block(style)
    chars = _chars(_pdf(block, style))
    size = block.size_pt
    pairs = [
        (a, b)
        for a, b in zip(chars, chars[1:], strict=False)
        if a["text"] == b["text"] and a["text"].isalpha()
    ]
    assert len(pairs) >= 5
    for a, b in pairs:
        assert (
            abs(a["bottom"] - b["bottom"]) > 0.01
            or abs(a["size"] - b["size"]) > 0.01
            or abs(_angle(a) - _angle(b)) > 0.01
        )
    for char in chars:
        assert abs(_angle(char)) <= style.rotation_deg + style.line_slope_deg + 0.01
    placed = place_glyphs(block, style, "10042:thank_you")
    assert [p.char for p in placed] == [c["text"] for c in chars]
    for p, char in zip(placed, chars, strict=False):
        assert abs(p.size_pt / size - 1) <= style.size_jitter + 1e-9
        assert p.angle_deg == pytest.approx(_angle(char), abs=0.01)
        # pdfminer keeps Ts (rise) out of the matrix, so only x is compared exactly.
        assert p.x_pt == pytest.approx(char["matrix"][4], abs=0.05)  # type: ignore[index]


def test_draw_block_alternates_alternate_in_caveat() -> None:
    """Verify neighbouring identical letters use different glyphs yet extract as letters."""
    style = STYLES["casual"]
    block = _block(style)
    font = pdfmetrics.getFont(style.font_name)
    for line, plan in zip(block.lines, plan_block(block, style, "10042"), strict=False):
        for run, run_plan in zip(line.runs, plan.runs, strict=False):
            for i in range(1, len(run.text)):
                if run.text[i] == run.text[i - 1] and ord(run.text[i]) in font.forms:
                    gids = [font.face.charToGlyph[ord(c)] for c in run_plan.text[i - 1 : i + 1]]
                    assert gids[0] != gids[1], run.text
    drawn = "".join(c["text"] for c in _chars(_pdf(block, style)))
    assert "balloon" in drawn and "toffee" in drawn


def test_draw_block_content_stays_compact(style: HandStyle) -> None:
    """Verify the cost stays low (issue 5): a few bytes per glyph, no per-glyph operators."""
    block = _block(style)
    canvas = Canvas(io.BytesIO())
    draw_block(canvas, block, style, "10042:thank_you")
    content = canvas._code[-1]
    glyphs = sum(len(line.text) for line in block.lines)
    assert len(content) <= 20 * glyphs
    assert content.count(" Tm ") <= glyphs / 4  # one matrix per few words
    assert " Tz " not in content.replace("100 Tz", "")  # heights live in the matrices


def test_draw_block_template_lines_vary_between_cards(style: HandStyle) -> None:
    """Verify cards sharing a template still differ line by line, reprints never do."""
    block = _block(style)
    seeds = [f"order-{n}" for n in range(40)]
    shapes = {plan.shape for seed in seeds for plan in plan_block(block, style, seed)[1:2]}
    origins = {plan_block(block, style, seed)[1].y_pt for seed in seeds}
    assert len(shapes) >= 10 and len(origins) == len(seeds)
    assert plan_block(block, style, "order-1") == plan_block(block, style, "order-1")


def test_get_style_unknown_lists_known_names() -> None:
    """Verify the full error text for an unknown style."""
    with pytest.raises(ConfigError) as err:
        get_style("fancy")
    assert str(err.value) == (
        'Unknown handwriting style "fancy". Known styles: casual, loose, neat, script, signature.'
    )


def test_style_from_mapping_builds_custom_style() -> None:
    """Verify a TOML-like table makes a style, and bad values are refused."""
    style = get_style(
        "mine",
        {
            "mine": {
                "base": "neat",
                "font_path": "Caveat-Regular.ttf",
                "rotation_deg": 0.5,
                "ink": "black",
            }
        },
    )
    assert (style.name, style.rotation_deg, style.ink) == ("mine", 0.5, "black")
    assert style.font_name == "mine-Caveat-Regular"
    assert style.baseline_jitter == STYLES["neat"].baseline_jitter
    with pytest.raises(ConfigError, match="must be a number"):
        style_from_mapping("bad", {"size_jitter": "lots"})
    with pytest.raises(ConfigError, match="unknown setting"):
        style_from_mapping("bad", {"wobble": 1})


def test_ink_color_known_and_unknown() -> None:
    """Verify inks in RGB and CMYK, and the error for an unknown ink."""
    assert len(ink_color("blue-black")) == 3 and len(ink_color_cmyk("blue")) == 4
    with pytest.raises(ConfigError, match="Unknown ink"):
        ink_color("green")


def test_max_excursion_grows_with_amounts() -> None:
    """Verify the excursion scales with size and is larger for looser styles."""
    neat, loose = STYLES["neat"], STYLES["loose"]
    register_style_fonts([neat, loose])
    assert max_excursion_pt(neat, 20) == pytest.approx(2 * max_excursion_pt(neat, 10))
    assert max_excursion_pt(loose, 14) > max_excursion_pt(_zero(loose), 14)


def test_draw_block_joins_caveats_ft_and_reads_the_words() -> None:
    """Verify Caveat's own joined "ft" (its liga) is drawn, as wide as "f" and "t", mostly
    but not always, and the words still extract (issue 13)."""
    style = STYLES["casual"]
    text = "A gift after a soft left turn, and a swift raft. " * 3
    register_style_fonts([style])
    block = fit_paragraphs(
        [Paragraph(text.strip())],
        OUTER,
        pdfmetrics.stringWidth,
        lambda _char: style.font_name,
        max_size_pt=14,
        min_size_pt=14,
    )
    joined = apart = 0
    for seed in range(4):
        pdf = _pdf(block, style, seed=f"ft:{seed}")
        chars = _chars(pdf)
        for char in chars:
            if char["text"] == "ft":
                joined += 1
                # Its advance (at the font size 1 the text is set in) is "f" and "t"'s.
                width = pdfmetrics.stringWidth("ft", style.font_name, 1)
                assert char["adv"] == pytest.approx(width, abs=1e-6)
        apart += sum(a["text"] + b["text"] == "ft" for a, b in zip(chars, chars[1:], strict=False))
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            assert doc.pages[0].extract_text(use_text_flow=True).split() == text.split()
    assert joined >= 2 * apart > 0, (joined, apart)


def test_a_hands_tables_are_seeded_by_its_ink_as_a_word() -> None:
    """Verify inks as an enum left every hand's seeded tables (and so every card) as they were."""
    from notecards.handwriting.plan import _seed_text

    text = _seed_text(get_style("loose"))
    assert "ink='blue'" in text and "Ink." not in text
    assert "font_path='IndieFlower-Regular.ttf'" in text


@pytest.mark.parametrize(
    "text", ["notecards-hand:JT-1:birthday", "", "notecards-hand-word:7:Σοφία "]
)
def test_seeded_draws_what_random_random_draws(text: str) -> None:
    """Verify the fast seeding gives every block and word the numbers random.Random gave."""
    import random

    from notecards.handwriting.words import seeded

    fast, reference = seeded(text), random.Random(text).random
    assert [fast() for _ in range(50)] == [reference() for _ in range(50)]
