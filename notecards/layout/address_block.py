"""Set an address block: the size its widest line fits at, and its lines in place. Pure, points.

An envelope (:mod:`notecards.layout.envelope`) and a postcard's address side
(:mod:`notecards.layout.postcard`) place their addresses the same way and differ only in
where: the delivery address shrinks until its widest line fits the room it has, then sits in
the read area as a block; the return address is a stack of small lines from the upper left.
"""

from __future__ import annotations

from collections.abc import Sequence

from notecards.layout.geometry import Box, FontFor, Measure, Run, SetLine, split_runs

#: Baseline to baseline, in font sizes.
ADDRESS_LEADING = 1.22
RETURN_LEADING = 1.25


def fit_size(
    lines: Sequence[str],
    room_pt: float,
    *,
    max_size_pt: float,
    min_size_pt: float,
    step_pt: float,
    measure: Measure,
    font_for: FontFor,
) -> tuple[float, float]:
    """Return (size, widest line at that size): from *max_size_pt* down by *step_pt*, the
    first size whose widest line is at most *room_pt*; *min_size_pt* (or just below it) when
    none is.

    >>> fit_size(["ab", "abcd"], 40.0, max_size_pt=12, min_size_pt=8, step_pt=0.5,
    ...          measure=lambda text, font, size: len(text) * size, font_for=lambda c: "F")
    (10.0, 40.0)
    """
    runs = [split_runs(line, font_for) for line in lines]  # split once, measured per size
    size = max_size_pt
    while True:
        widest = max(
            (sum(measure(part, font, size) for part, font in line) for line in runs), default=0.0
        )
        if widest <= room_pt or size <= min_size_pt:
            return size, widest
        size = round(size - step_pt, 2)


def set_address(
    lines: Sequence[str],
    x_pt: float,
    area: Box,
    size_pt: float,
    *,
    lift: float,
    measure: Measure,
    font_for: FontFor,
) -> tuple[SetLine, ...]:
    """Return *lines* set at *size_pt* from *x_pt*, as a block in *area*.

    The block sits *lift* of the way up the room *area* leaves above it (0: at the bottom,
    0.5: centred), so an address reads as placed, not pasted to an edge.
    """
    leading = size_pt * ADDRESS_LEADING
    block_height = size_pt * 0.76 + leading * max(len(lines) - 1, 0) + size_pt * 0.24
    bottom = area.y_pt + max(0.0, (area.height_pt - block_height) * lift)
    first_baseline = bottom + block_height - size_pt * 0.76
    return tuple(
        set_line(line, x_pt, first_baseline - index * leading, size_pt, measure, font_for)
        for index, line in enumerate(lines)
    )


def set_return_address(
    lines: Sequence[str],
    x_pt: float,
    top_pt: float,
    size_pt: float,
    *,
    measure: Measure,
    font_for: FontFor,
) -> tuple[SetLine, ...]:
    """Return the return-address *lines* set at *size_pt*, hanging from *top_pt* at *x_pt*."""
    return tuple(
        set_line(
            line,
            x_pt,
            top_pt - size_pt * (0.8 + RETURN_LEADING * index),
            size_pt,
            measure,
            font_for,
        )
        for index, line in enumerate(lines)
    )


def set_line(
    text: str, x: float, baseline: float, size: float, measure: Measure, font_for: FontFor
) -> SetLine:
    """Return one address line: its runs in their fonts, measured, at (*x*, *baseline*)."""
    runs = tuple(
        Run(part, font, measure(part, font, size)) for part, font in split_runs(text, font_for)
    )
    return SetLine(runs, x, baseline, sum(r.width_pt for r in runs), role="address")
