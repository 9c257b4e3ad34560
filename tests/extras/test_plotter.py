"""Plotter output: single-stroke SVG paths of each card's message, inside its writing area."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from notecards import handwriting, make_settings, plan_batch
from notecards.cli.main import main
from notecards.config import Config
from notecards.extras.plotter import Glyph, _fit_into, card_svg, plot_card, write_plotter_svgs
from notecards.layout.geometry import Box
from notecards.layout.panels import card_geometry
from notecards.paths import sample_orders_path
from tests.conftest import TODAY

SVG = "{http://www.w3.org/2000/svg}"
MM = 25.4 / 72


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("plotter")
    settings = make_settings(
        Config(shop_name="Juniper & Pine", signer="Maya", ledger_path=str(tmp / "ledger.sqlite"))
    )
    return plan_batch([sample_orders_path()], settings, today=TODAY)


@pytest.fixture(scope="module")
def panel(plan) -> Box:
    settings = plan.settings
    return card_geometry(settings.card, settings.bleed_pt, settings.crop_marks).message_panel


def svg_points(svg: str) -> list[tuple[float, float]]:
    root = ET.fromstring(svg)
    points = []
    for path in root.iter(f"{SVG}path"):
        points += [
            (float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path.get("d", ""))
        ]
    return points


def test_plotter_svg_has_only_stroked_paths(plan, panel):
    """Verify the SVG holds only <g> and <path fill="none"> elements: real strokes, no text."""
    svg = card_svg(plot_card(plan.jobs[0].content, panel))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    tags = {element.tag for element in root.iter()} - {root.tag}
    assert tags == {f"{SVG}g", f"{SVG}path"}
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) > 100
    assert all(path.get("fill") == "none" for path in paths)
    assert all(re.fullmatch(r"(M[\d.,]+( L[\d.,]+)+ ?)+", path.get("d")) for path in paths)
    group = root.find(f"{SVG}g")
    assert group.get("fill") == "none" and group.get("stroke", "").startswith("#")


def test_plotter_svg_is_panel_sized_in_mm_with_points_viewbox(plan, panel):
    """Verify width/height are the message panel in mm and the viewBox is in points."""
    root = ET.fromstring(card_svg(plot_card(plan.jobs[0].content, panel)))
    assert root.get("width") == f"{panel.width_pt * MM:.2f}mm"
    assert root.get("height") == f"{panel.height_pt * MM:.2f}mm"
    assert root.get("viewBox") == f"0 0 {panel.width_pt:.2f} {panel.height_pt:.2f}"


@pytest.mark.parametrize("index", range(12))
def test_plotter_every_point_inside_the_writing_area(plan, panel, index):
    """Verify every stroke point of every sample card lies inside its writing area."""
    card = plot_card(plan.jobs[index].content, panel)
    area = card.area
    content = plan.jobs[index].content
    assert area.contains(content.message.box) and area.contains(content.signature_box)
    points = svg_points(card_svg(card))
    assert points
    for x, y in points:
        px, py = x + panel.x_pt, panel.top_pt - y
        assert area.x_pt - 0.01 <= px <= area.right_pt + 0.01
        assert area.y_pt - 0.01 <= py <= area.top_pt + 0.01


def test_plotter_writes_the_message_lines_and_signature(plan, panel):
    """Verify one stroke group per message line plus one for the signature, all characters."""
    content = plan.jobs[4].content  # José: an accent and an inverted exclamation mark
    card = plot_card(content, panel)
    assert len(card.lines) == len(content.message.lines) + 1
    assert card.missing == ()
    written = "".join(g.char for g in card.lines[0])
    assert written == content.message.lines[0].text.replace(" ", "")
    assert "".join(g.char for g in card.lines[-1]) == "Maya"


def test_plotter_same_seed_same_svg_other_card_other_svg(plan, panel):
    """Verify the output is seeded: same card, same bytes; another card, other strokes."""
    first = plan.jobs[0].content
    assert card_svg(plot_card(first, panel)) == card_svg(plot_card(first, panel))
    reseeded = replace(first, seed="another-card")
    assert card_svg(plot_card(reseeded, panel)) != card_svg(plot_card(first, panel))
    assert card_svg(plot_card(plan.jobs[1].content, panel)) != card_svg(plot_card(first, panel))


def test_plotter_follows_the_handwriting_variation(plan, panel, monkeypatch):
    """Verify glyphs move with the engine's placements, with a seeded fallback without them."""
    content = plan.jobs[0].content
    engine = card_svg(plot_card(content, panel))
    monkeypatch.setattr(handwriting, "place_glyphs", None)
    fallback = card_svg(plot_card(content, panel))
    assert fallback != engine
    assert fallback == card_svg(plot_card(content, panel))


def test_plotter_reports_characters_without_strokes(plan, panel):
    """Verify a character with no stroke form is left out and reported, not drawn wrong."""
    content = plan.jobs[0].content
    line = content.message.lines[0]
    run = replace(line.runs[0], text=line.runs[0].text + "漢")
    block = replace(
        content.message,
        lines=(replace(line, runs=(run, *line.runs[1:])), *content.message.lines[1:]),
    )
    card = plot_card(replace(content, message=block), panel)
    assert card.missing == ("漢",)


def test_fit_into_shrinks_strokes_that_leave_the_area():
    """Verify the final guard moves and scales strokes back inside the area."""
    area = Box(0, 0, 100, 50)
    glyph = Glyph("x", (((-10.0, -5.0), (150.0, 60.0)),))
    (fitted,) = _fit_into(((glyph,),), area)
    (stroke,) = fitted[0].strokes
    for x, y in stroke:
        assert 0 <= x <= 100 and 0 <= y <= 50


def test_write_plotter_svgs_one_file_per_card(plan, tmp_path: Path):
    """Verify write_plotter_svgs writes plotter/card-0001.svg … for every card."""
    write_plotter_svgs(plan, tmp_path)
    names = sorted(p.name for p in (tmp_path / "plotter").iterdir())
    assert names == [f"card-{n:04d}.svg" for n in range(1, len(plan.jobs) + 1)]


def test_cli_batch_plotter_svg(runner, tmp_path: Path):
    """Verify `batch --plotter svg` writes the plotter folder with the PDFs, nothing partial."""
    result = runner.invoke(
        main,
        [
            "batch",
            str(sample_orders_path()),
            "--date",
            TODAY.isoformat(),
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(tmp_path / "ledger.sqlite"),
            "--plotter",
            "svg",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {tmp_path / 'out' / 'plotter'}" in result.output
    assert len(list((tmp_path / "out" / "plotter").glob("card-*.svg"))) == 12
    assert not list((tmp_path / "out").glob(".notecards-partial-*"))
    bad = runner.invoke(
        main,
        ["batch", str(sample_orders_path()), "--out", str(tmp_path / "x"), "--plotter", "hpgl"],
    )
    assert bad.exit_code == 2


def test_plotter_crash_leaves_nothing_half_written(plan, tmp_path: Path):
    """Verify a failure after the SVGs are staged leaves no PDFs and no plotter folder."""
    from notecards.output.render import render_batch

    def boom(plan, folder: Path) -> None:
        assert (folder / "plotter" / "card-0001.svg").exists()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        render_batch(plan, tmp_path / "out", record=False, extras=[write_plotter_svgs, boom])
    assert list((tmp_path / "out").iterdir()) == []
