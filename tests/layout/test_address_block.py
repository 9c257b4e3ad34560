"""The address block both envelopes and postcards use: fitting its size, placing its lines."""

from __future__ import annotations

import pytest

from notecards.layout.address_block import fit_size, set_address, set_return_address
from notecards.layout.geometry import Box


def _measure(text: str, font: str, size: float) -> float:
    return len(text) * size * 0.5


FITS = {"measure": _measure, "font_for": "F"}


def test_fit_size_steps_down_until_the_widest_line_fits():
    size, widest = fit_size(
        ["short", "a longer line"], 60.0, max_size_pt=12, min_size_pt=6, step_pt=0.5, **FITS
    )
    assert (size, widest) == (9.0, 58.5)  # 13 characters × 9 pt × 0.5; 9.5 pt would be 61.75


def test_fit_size_stops_at_the_minimum_when_nothing_fits():
    size, widest = fit_size(["x" * 100], 10.0, max_size_pt=10, min_size_pt=8, step_pt=0.25, **FITS)
    assert size == 8.0 and widest == pytest.approx(400.0)


def test_fit_size_keeps_the_largest_size_when_it_fits():
    assert fit_size(["ok"], 100.0, max_size_pt=11.5, min_size_pt=8, step_pt=0.5, **FITS) == (
        11.5,
        11.5,
    )


def test_set_address_places_a_block_lift_of_the_way_up_its_area():
    area = Box(10, 20, 200, 100)
    lines = set_address(["one", "two", "three"], 30.0, area, 10.0, lift=0.5, **FITS)
    block = 10 * 0.76 + 2 * 12.2 + 10 * 0.24  # first ascent, two leadings, last descent
    bottom = 20 + (100 - block) / 2
    assert [line.x_pt for line in lines] == [30.0] * 3
    assert lines[0].baseline_pt == pytest.approx(bottom + block - 7.6)
    assert [
        round(a.baseline_pt - b.baseline_pt, 6) for a, b in zip(lines, lines[1:], strict=False)
    ] == [
        12.2,
        12.2,
    ]
    assert all(line.role == "address" for line in lines)
    assert lines[2].width_pt == pytest.approx(len("three") * 5)


def test_set_address_sits_on_the_bottom_when_the_area_is_too_low():
    (line,) = set_address(["tall"], 0.0, Box(0, 50, 100, 2), 10.0, lift=0.42, **FITS)
    assert line.baseline_pt == pytest.approx(50 + 2.4)  # the block's bottom on the area's


def test_set_return_address_hangs_from_its_top():
    lines = set_return_address(["Shop", "1 Mill St"], 18.0, 200.0, 8.0, **FITS)
    assert [(line.x_pt, line.baseline_pt) for line in lines] == [
        (18.0, pytest.approx(200 - 6.4)),
        (18.0, pytest.approx(200 - 16.4)),
    ]
