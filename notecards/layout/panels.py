"""Where everything goes on a card and its page: boxes, panels and safe areas. Pure functions.

Coordinates are PDF points with the origin at the lower left of the page (MediaBox). With
bleed ``b`` and crop-mark slug ``s`` the trim box starts at ``(b + s, b + s)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import inch

from notecards.layout.catalogue import CardFormat, Fold
from notecards.layout.geometry import Box
from notecards.layout.postcard import message_panel as postcard_message_panel

#: Text and QR modules stay this far inside the trim (and the fold): cuts shift up to 1/16 in.
SAFE_PT = 0.125 * inch
#: Room for crop marks outside the bleed when they are on.
SLUG_PT = 0.25 * inch
#: Desktop printers leave about 1/4 in unprinted at the paper's edge; a card printed 2-up on
#: Letter has its trim there. Card-number markers keep at least this far from the trim.
PRINTABLE_MARGIN_PT = 0.25 * inch
#: The card-number marker's baseline and right end sit this far inside the trim (its 5 pt
#: letters then stay clear of the printable margin, descenders included).
MARKER_INSET_PT = PRINTABLE_MARGIN_PT + 2


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """One printed page: media size and the trim and bleed boxes on it."""

    width_pt: float
    height_pt: float
    trim: Box
    bleed: Box
    crop_marks: bool


@dataclass(frozen=True, slots=True)
class CardGeometry:
    """The panels of a card on its two pages.

    Folded cards: page 1 (outside) = back panel | front panel; page 2 (inside) = inside left
    | inside right (the message). Flat cards: page 1 = front design, page 2 = message side.
    """

    card: CardFormat
    page: PageGeometry
    front: Box
    back: Box | None
    inside_left: Box | None
    message_panel: Box

    def safe(self, panel: Box) -> Box:
        """Return the part of *panel* that text and codes may use."""
        return panel.inset(SAFE_PT)


def page_geometry(
    width_pt: float, height_pt: float, bleed_pt: float, crop_marks: bool
) -> PageGeometry:
    """Return the media size and boxes for a trim of *width_pt* × *height_pt*."""
    margin = bleed_pt + (SLUG_PT if crop_marks else 0.0)
    trim = Box(margin, margin, width_pt, height_pt)
    bleed = Box(
        margin - bleed_pt, margin - bleed_pt, width_pt + 2 * bleed_pt, height_pt + 2 * bleed_pt
    )
    return PageGeometry(width_pt + 2 * margin, height_pt + 2 * margin, trim, bleed, crop_marks)


def card_geometry(card: CardFormat, bleed_pt: float, crop_marks: bool = False) -> CardGeometry:
    """Return the panels of *card* printed with *bleed_pt* of bleed."""
    page = page_geometry(card.sheet_width_pt, card.sheet_height_pt, bleed_pt, crop_marks)
    trim = page.trim
    if not card.folded:
        # A postcard's back is its address side: the message keeps to the left half.
        panel = postcard_message_panel(trim) if card.is_postcard else trim
        return CardGeometry(
            card, page, front=trim, back=None, inside_left=None, message_panel=panel
        )
    if card.fold is Fold.SIDE:
        left = Box(trim.x_pt, trim.y_pt, card.width_pt, card.height_pt)
        right = Box(trim.x_pt + card.width_pt, trim.y_pt, card.width_pt, card.height_pt)
        return CardGeometry(
            card, page, front=right, back=left, inside_left=left, message_panel=right
        )
    bottom = Box(trim.x_pt, trim.y_pt, card.width_pt, card.height_pt)
    top = Box(trim.x_pt, trim.y_pt + card.height_pt, card.width_pt, card.height_pt)
    # Tent fold: the front is the lower half of the outside; the message the lower inside half.
    return CardGeometry(card, page, front=bottom, back=top, inside_left=top, message_panel=bottom)


@dataclass(frozen=True, slots=True)
class MessageAreas:
    """The writing area of the message panel, and what is reserved below it."""

    writing: Box
    signature: Box


def message_areas(panel: Box, *, excursion_pt: float = 0.0) -> MessageAreas:
    """Return the writing box and the signature reserve of a message panel.

    Margins are generous on purpose (stationery, not a form): about 11 % of the panel width
    at the sides and 9 % at the top. *excursion_pt* is how far handwriting jitter may move a
    glyph; the writing box shrinks by it so no glyph ever leaves the safe area.
    """
    side = max(SAFE_PT, panel.width_pt * 0.11) + excursion_pt
    top = max(SAFE_PT, panel.height_pt * 0.09) + excursion_pt
    bottom = max(SAFE_PT, panel.height_pt * 0.07) + excursion_pt
    signature_height = min(0.75 * inch, panel.height_pt * 0.18)
    inner = panel.inset(side, bottom, side, top)
    signature = Box(inner.x_pt, inner.y_pt, inner.width_pt, signature_height)
    writing = Box(
        inner.x_pt,
        inner.y_pt + signature_height,
        inner.width_pt,
        inner.height_pt - signature_height,
    )
    return MessageAreas(writing, signature)


def marker_anchor(safe: Box, trim: Box) -> tuple[float, float]:
    """Return (right end, baseline) of a card-number marker in the lower right of *safe*.

    It keeps inside *safe* and at least MARKER_INSET_PT from every edge of the page's *trim*.
    """
    right = min(safe.right_pt, trim.right_pt - MARKER_INSET_PT)
    return right, max(safe.y_pt + 2, trim.y_pt + MARKER_INSET_PT)


def qr_box(panel: Box, size_pt: float = 0.8 * inch) -> Box:
    """Return where the QR code sits on *panel*: centred, in the lower third, inside safe."""
    x = panel.x_pt + (panel.width_pt - size_pt) / 2
    y = panel.y_pt + max(SAFE_PT + 0.45 * inch, panel.height_pt * 0.18)
    return Box(x, y, size_pt, size_pt)
