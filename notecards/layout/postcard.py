"""The address side of a USPS postcard: message left, address right, clear zones kept. Pure.

Rules (PRINT-AND-POSTAL-FACTS.md §3): the delivery address inside the OCR read area (5/8 in to
2 3/4 in above the bottom edge, 1/2 in from the sides); the bottom 5/8 in across the rightmost
4 3/4 in left empty for the barcode; postage in the upper right; return address upper left.
A 4 × 6 in card of 0.007–0.016 in stock pays the postcard price.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import inch

from notecards.layout.address_block import fit_size, set_address, set_return_address
from notecards.layout.envelope import (
    CLEAR_ZONE_HEIGHT_PT,
    CLEAR_ZONE_WIDTH_PT,
    POSTAGE_BOX_PT,
    READ_AREA_BOTTOM_PT,
    READ_AREA_SIDE_PT,
    READ_AREA_TOP_PT,
    EnvelopeLayout,
)
from notecards.layout.geometry import Box, FontFor, Measure

#: The message takes the left half of the address side; the address starts past this line.
DIVIDER_FRACTION = 0.5
#: The message panel starts this high, so no handwriting reaches the barcode clear zone.
MESSAGE_BOTTOM_PT = 0.45 * inch
POSTAGE_MARGIN_PT = 0.25 * inch
RETURN_MARGIN_PT = 0.25 * inch


def message_panel(trim: Box, return_lines: int = 0, return_size_pt: float = 7.0) -> Box:
    """Return the message panel of a postcard's address side (left half, above the clear zone).

    Return-address lines, when there are any, sit above the message in the upper left.
    """
    top_reserve = (
        RETURN_MARGIN_PT + return_size_pt * 1.25 * return_lines + 4 if return_lines else 0.0
    )
    return Box(
        trim.x_pt,
        trim.y_pt + MESSAGE_BOTTOM_PT,
        trim.width_pt * DIVIDER_FRACTION,
        trim.height_pt - MESSAGE_BOTTOM_PT - top_reserve,
    )


def divider_x(trim: Box) -> float:
    """Return the x of the thin line between the message and the address."""
    return trim.x_pt + trim.width_pt * DIVIDER_FRACTION


def read_area(trim: Box) -> Box:
    """Return the part of the USPS OCR read area right of the divider (page coordinates)."""
    left = max(divider_x(trim) + 0.15 * inch, trim.x_pt + READ_AREA_SIDE_PT)
    right = trim.right_pt - READ_AREA_SIDE_PT
    top = min(READ_AREA_TOP_PT, trim.height_pt - POSTAGE_MARGIN_PT - POSTAGE_BOX_PT - 4)
    return Box(left, trim.y_pt + READ_AREA_BOTTOM_PT, right - left, top - READ_AREA_BOTTOM_PT)


def clear_zone(trim: Box) -> Box:
    """Return the barcode clear zone of the card (page coordinates)."""
    width = min(CLEAR_ZONE_WIDTH_PT, trim.width_pt)
    return Box(trim.right_pt - width, trim.y_pt, width, CLEAR_ZONE_HEIGHT_PT)


def postage_area(trim: Box) -> Box:
    """Return the stamp square in the upper right (page coordinates)."""
    return Box(
        trim.right_pt - POSTAGE_MARGIN_PT - POSTAGE_BOX_PT,
        trim.top_pt - POSTAGE_MARGIN_PT - POSTAGE_BOX_PT,
        POSTAGE_BOX_PT,
        POSTAGE_BOX_PT,
    )


def layout_postcard_address(
    trim: Box,
    return_lines: Sequence[str],
    recipient_lines: Sequence[str],
    *,
    measure: Measure,
    font_for: FontFor,
    max_size_pt: float = 10.5,
    min_size_pt: float = 8.0,
    return_size_pt: float = 7.0,
) -> EnvelopeLayout:
    """Return the address side's address layout, in page coordinates of the card page.

    The block is left-aligned at the read area's left edge and shrinks (never below 8 pt, the
    USPS minimum) until its widest line fits; it sits in the lower part of the read area.
    """
    area = read_area(trim)
    lines = [line for line in recipient_lines if line.strip()]
    size, _ = fit_size(
        lines,
        area.width_pt,
        max_size_pt=max_size_pt,
        min_size_pt=min_size_pt,
        step_pt=0.25,
        measure=measure,
        font_for=font_for,
    )
    recipient = set_address(
        lines, area.x_pt, area, size, lift=0.35, measure=measure, font_for=font_for
    )
    returned = set_return_address(
        return_lines,
        trim.x_pt + RETURN_MARGIN_PT,
        trim.top_pt - RETURN_MARGIN_PT,
        return_size_pt,
        measure=measure,
        font_for=font_for,
    )
    return EnvelopeLayout(
        trim.width_pt,
        trim.height_pt,
        returned,
        return_size_pt,
        recipient,
        size,
        area,
        clear_zone(trim),
        postage_area(trim),
    )
