"""Lay out an envelope's address side by USPS rules. Pure functions, points.

* Delivery address inside the OCR read area: 5/8 in to 2 3/4 in above the bottom edge, 1/2 in
  from the sides (USPS Pub 28, appendix A1).
* Barcode clear zone: the bottom 5/8 in across the rightmost 4 3/4 in stays empty.
* Return address in the upper left; the upper right is left free for postage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import inch

from notecards.handwriting import HandStyle, max_excursion_pt
from notecards.layout.catalogue import EnvelopeFormat
from notecards.layout.geometry import Box, FontFor, Measure, Run, SetLine, measure_runs, split_runs

READ_AREA_BOTTOM_PT = 0.625 * inch
READ_AREA_TOP_PT = 2.75 * inch
READ_AREA_SIDE_PT = 0.5 * inch
CLEAR_ZONE_HEIGHT_PT = 0.625 * inch
CLEAR_ZONE_WIDTH_PT = 4.75 * inch
RETURN_MARGIN_PT = 0.3 * inch
POSTAGE_BOX_PT = 1.0 * inch


@dataclass(frozen=True, slots=True)
class EnvelopeLayout:
    """Everything drawn on one envelope."""

    width_pt: float
    height_pt: float
    return_lines: tuple[SetLine, ...]
    return_size_pt: float
    recipient_lines: tuple[SetLine, ...]
    recipient_size_pt: float
    read_area: Box
    clear_zone: Box
    postage_area: Box
    hand: HandStyle | None = None
    """The hand that writes the delivery address (None: printed in the layout's fonts)."""
    seed: str = ""
    """What varies the hand from envelope to envelope (the card's identity)."""


def read_area(env: EnvelopeFormat) -> Box:
    """Return the OCR read area of *env* (where the whole delivery address must sit)."""
    top = min(READ_AREA_TOP_PT, env.height_pt - 0.25 * inch)
    return Box(
        READ_AREA_SIDE_PT,
        READ_AREA_BOTTOM_PT,
        env.width_pt - 2 * READ_AREA_SIDE_PT,
        top - READ_AREA_BOTTOM_PT,
    )


def clear_zone(env: EnvelopeFormat) -> Box:
    """Return the barcode clear zone of *env* (nothing may be printed there)."""
    width = min(CLEAR_ZONE_WIDTH_PT, env.width_pt)
    return Box(env.width_pt - width, 0.0, width, CLEAR_ZONE_HEIGHT_PT)


def layout_envelope(
    env: EnvelopeFormat,
    return_lines: Sequence[str],
    recipient_lines: Sequence[str],
    *,
    measure: Measure,
    font_for: FontFor,
    max_size_pt: float = 11.5,
    min_size_pt: float = 8.5,
    return_size_pt: float = 8.0,
    hand: HandStyle | None = None,
    seed: str = "",
) -> EnvelopeLayout:
    """Return the layout of one envelope.

    The recipient block starts a little left of the centre (where people expect it) and moves
    left, then shrinks, until its longest line fits inside the read area. With *hand* the
    address is written in it: the area is inset by how far the hand's glyphs may wander
    (``max_excursion_pt``), so every glyph stays inside the read area.
    """
    real_area = read_area(env)
    area = real_area
    if hand is not None:
        area = real_area.inset(max_excursion_pt(hand, max_size_pt, extra_fonts=_fallbacks(hand)))
    zone = clear_zone(env)
    postage = Box(
        env.width_pt - RETURN_MARGIN_PT - POSTAGE_BOX_PT,
        env.height_pt - RETURN_MARGIN_PT - POSTAGE_BOX_PT,
        POSTAGE_BOX_PT,
        POSTAGE_BOX_PT,
    )
    lines = [line for line in recipient_lines if line.strip()]
    size = max_size_pt
    while True:
        widest = max((measure_runs(line, size, measure, font_for) for line in lines), default=0.0)
        preferred_x = env.width_pt * 0.40
        x = min(preferred_x, area.right_pt - widest)
        if x >= area.x_pt or size <= min_size_pt:
            x = max(x, area.x_pt)
            break
        size = round(size - 0.5, 2)
    leading = size * 1.22
    block_height = size * 0.76 + leading * max(len(lines) - 1, 0) + size * 0.24
    # Centre the block in the read area, nudged down a little: it reads as "addressed".
    bottom = area.y_pt + max(0.0, (area.height_pt - block_height) * 0.42)
    first_baseline = bottom + block_height - size * 0.76
    recipient = tuple(
        _set_line(line, x, first_baseline - index * leading, size, measure, font_for)
        for index, line in enumerate(lines)
    )
    return_block = tuple(
        _set_line(
            line,
            RETURN_MARGIN_PT,
            env.height_pt - RETURN_MARGIN_PT - return_size_pt * (0.8 + 1.25 * index),
            return_size_pt,
            measure,
            font_for,
        )
        for index, line in enumerate(return_lines)
    )
    return EnvelopeLayout(
        env.width_pt,
        env.height_pt,
        return_block,
        return_size_pt,
        recipient,
        size,
        real_area,
        zone,
        postage,
        hand,
        seed,
    )


def _fallbacks(hand: HandStyle) -> tuple[str, ...]:
    """Return the registered fallback font the hand's address lines may use."""
    from reportlab.pdfbase import pdfmetrics

    return tuple(n for n in ("NotoSans", "Delius") if n in pdfmetrics.getRegisteredFontNames())


def _set_line(
    text: str, x: float, baseline: float, size: float, measure: Measure, font_for: FontFor
) -> SetLine:
    runs = tuple(
        Run(part, font, measure(part, font, size)) for part, font in split_runs(text, font_for)
    )
    return SetLine(runs, x, baseline, sum(r.width_pt for r in runs), role="address")
