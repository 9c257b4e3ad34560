"""Text layout: wrapping and fitting (pure, with a fake measure), fonts and fallback on cards."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.errors import LayoutError
from notecards.layout.geometry import Box, Paragraph, fit_paragraphs, wrap_text
from notecards.output.manifest import safe_cell
from tests.conftest import TODAY, make_order
from tests.pdfcheck import chars, page_texts


def fake_measure(text: str, font: str, size: float) -> float:
    return len(text) * size * 0.5


def test_wrap_text_breaks_between_words():
    lines = wrap_text("one two three four", 40, 10, fake_measure, "F")
    assert lines == ["one two", "three", "four"]


def test_wrap_text_refuses_a_word_wider_than_the_box():
    assert wrap_text("unbreakable", 20, 10, fake_measure, "F") is None


def test_fit_shrinks_until_it_fits():
    box = Box(0, 0, 100, 60)
    block = fit_paragraphs(
        [Paragraph("word " * 12)], box, fake_measure, "F", max_size_pt=20, min_size_pt=6
    )
    assert block.size_pt < 20
    assert all(line.width_pt <= box.width_pt + 1e-6 for line in block.lines)


def test_fit_raises_layout_error_naming_the_remedy():
    with pytest.raises(LayoutError, match="Shorten the message"):
        fit_paragraphs(
            [Paragraph("word " * 500)],
            Box(0, 0, 100, 60),
            fake_measure,
            "F",
            max_size_pt=12,
            min_size_pt=8,
        )


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("abcdefgh  "), min_size=1, max_size=300),
    width=st.floats(min_value=60, max_value=400),
    height=st.floats(min_value=60, max_value=400),
)
def test_fit_lines_stay_inside_the_box(text, width, height):
    """Verify for any text and box: every line inside, or a LayoutError."""
    box = Box(10, 20, width, height)
    try:
        block = fit_paragraphs(
            [Paragraph(text), Paragraph("Warmly,", space_before=0.4)],
            box,
            fake_measure,
            "F",
            max_size_pt=18,
            min_size_pt=6,
        )
    except LayoutError:
        return
    for line in block.lines:
        assert box.x_pt - 1e-6 <= line.x_pt
        assert line.x_pt + line.width_pt <= box.right_pt + 1e-6
        assert line.baseline_pt + block.size_pt * 0.8 <= box.top_pt + 1e-6
        assert line.baseline_pt - block.size_pt * 0.25 >= box.y_pt - 1e-6


def run(tmp_path, write_orders, rows, **config):
    settings_ = make_settings(Config(ledger_path=str(tmp_path / "l.sqlite"), **config))
    plan = plan_batch([write_orders(rows)], settings_, today=TODAY)
    return plan, render_batch(plan, tmp_path / "out")


def test_greek_and_cyrillic_names_use_the_fallback_face(tmp_path, write_orders):
    """Verify characters the handwriting face lacks are drawn by the bundled fallback."""
    plan, _ = run(
        tmp_path,
        write_orders,
        [
            make_order(first_name="Νίκος", last_name="Παππάς"),
            make_order(order_id="2", first_name="Олег", email="o@example.com"),
        ],
    )
    assert len(plan.jobs) == 2
    inside = chars(tmp_path / "out" / "cards.pdf", 1)
    greek = [c for c in inside if c["text"] in "Νίκος"]
    assert greek and all("NotoSans" in c["fontname"] for c in greek)
    assert "Νίκος" in page_texts(tmp_path / "out" / "cards.pdf")[1]
    cyrillic = [c for c in chars(tmp_path / "out" / "cards.pdf", 3) if c["text"] in "Олег"]
    assert cyrillic and all("Caveat" in c["fontname"] for c in cyrillic)  # Caveat has it


def test_undrawable_character_rejects_the_row(tmp_path, write_orders):
    """Verify a character no bundled font can draw rejects the row before drawing."""
    plan, _ = run(
        tmp_path,
        write_orders,
        [
            make_order(first_name="Ada", personal_line="Enjoy \U00013000"),  # a hieroglyph
            make_order(order_id="2", email="b@example.com"),
        ],
    )
    assert len(plan.jobs) == 1
    assert plan.rejects[0].row == 2
    assert "U+13000" in plan.rejects[0].reason
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["row"] == "2" and "U+13000" in rows[0]["reason"]
    assert "personal_line" in rows[0]["reason"]


def test_emoji_no_font_draws_are_dropped_with_a_warning(tmp_path, write_orders):
    """Verify an emoji costs no card: it is left off the card and the batch warns."""
    plan, _ = run(
        tmp_path,
        write_orders,
        [make_order(first_name="Ada", personal_line="Enjoy \U0001f389\u2764\ufe0f")],
    )
    assert len(plan.jobs) == 1 and not plan.rejects
    warnings = [p for p in plan.problems if "emoji" in p.message]
    assert len(warnings) == 1 and warnings[0].row == 2
    text = page_texts(tmp_path / "out" / "cards.pdf")[1]
    assert "Enjoy" in text and "\U0001f389" not in text


def test_long_personal_line_shrinks_then_rejects(tmp_path, write_orders):
    """Verify a long message is set smaller, and an impossible one is rejected, not clipped."""
    long_line = "We loved packing this for you. " * 6
    endless = "So many words. " * 200
    plan, _ = run(
        tmp_path,
        write_orders,
        [
            make_order(order_id="1"),
            make_order(order_id="2", personal_line=long_line),
            make_order(order_id="3", personal_line=endless),
        ],
    )
    sizes = {job.order.order_id: job.content.message.size_pt for job in plan.jobs}
    assert set(sizes) == {"1", "2"} and sizes["2"] < sizes["1"]
    assert "does not fit" in plan.rejects[0].reason


def test_manifest_cells_are_spreadsheet_safe(tmp_path, write_orders):
    """Verify a name starting with = is written so a spreadsheet shows it as text."""
    run(tmp_path, write_orders, [make_order(first_name='=HYPERLINK("x")', last_name="")])
    manifest = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in manifest
    assert safe_cell("+1") == "'+1" and safe_cell("-") == "'-" and safe_cell("@a") == "'@a"
    assert safe_cell("Ada") == "Ada"


def test_custom_hand_style_from_config(tmp_path, write_orders):
    """Verify a shop's own style (a bundled face, calmer variation) is used for its cards."""
    from notecards.config import load_config

    config_path = tmp_path / "notecards.toml"
    config_path.write_text(
        '[cards]\nhand = "mine"\n[hand_styles.mine]\nbase = "neat"\n'
        'font_path = "IndieFlower-Regular.ttf"\nrotation_deg = 0\n',
        encoding="utf-8",
    )
    settings_ = make_settings(load_config(config_path), ledger_path=tmp_path / "l.sqlite")
    plan = plan_batch([write_orders([make_order()])], settings_, today=TODAY)
    render_batch(plan, tmp_path / "out")
    fonts = {c["fontname"].split("+")[-1] for c in chars(tmp_path / "out" / "cards.pdf", 1)}
    assert "IndieFlower" in fonts  # the message
    assert not fonts & {"Caveat-Regular", "Kalam-Regular"}  # no built-in hand used
