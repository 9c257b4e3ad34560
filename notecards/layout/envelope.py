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
from notecards.layout.address_block import fit_size, set_address, set_return_address
from notecards.layout.catalogue import EnvelopeFormat
from notecards.layout.geometry import Box, FontFor, Measure, SetLine

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
    # The block starts a little left of the centre, moving left as far as the read area lets
    # it; only then does it shrink. (A read area starting right of that point leaves no room.)
    preferred_x = env.width_pt * 0.40
    size, widest = fit_size(
        lines,
        area.right_pt - area.x_pt if preferred_x >= area.x_pt else -1.0,
        max_size_pt=max_size_pt,
        min_size_pt=min_size_pt,
        step_pt=0.5,
        measure=measure,
        font_for=font_for,
    )
    x = max(min(preferred_x, area.right_pt - widest), area.x_pt)
    # Centred in the read area, nudged down a little: it reads as "addressed".
    recipient = set_address(lines, x, area, size, lift=0.42, measure=measure, font_for=font_for)
    return_block = set_return_address(
        return_lines,
        RETURN_MARGIN_PT,
        env.height_pt - RETURN_MARGIN_PT,
        return_size_pt,
        measure=measure,
        font_for=font_for,
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
