"""Draw a postcard's address side furniture: divider, stamp square, address, card number."""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.envelopes import ADDRESS_INK, LABEL_GREY, RETURN_INK, _draw_lines
from notecards.layout.envelope import EnvelopeLayout
from notecards.layout.geometry import Box
from notecards.layout.panels import MARKER_INSET_PT
from notecards.layout.postcard import divider_x

RULE_GREY = Color(0.78, 0.78, 0.78)


def draw_address_side(canvas: Canvas, trim: Box, layout: EnvelopeLayout, label: str) -> None:
    """Draw the address half of a postcard's back (the message is drawn by the caller)."""
    x = divider_x(trim)
    canvas.saveState()
    canvas.setStrokeColor(RULE_GREY)
    canvas.setLineWidth(0.5)
    # The rule stops above the barcode clear zone: nothing may be printed there.
    canvas.line(x, layout.clear_zone.top_pt + 6, x, trim.top_pt - 0.35 * 72)
    stamp = layout.postage_area
    canvas.setDash(1.5, 2)
    canvas.rect(stamp.x_pt + 8, stamp.y_pt + 4, stamp.width_pt - 12, stamp.height_pt - 8)
    canvas.setDash()
    canvas.setFillColor(RULE_GREY)
    canvas.setFont("NotoSans", 5)
    centre = stamp.x_pt + 2 + stamp.width_pt / 2
    canvas.drawCentredString(centre, stamp.y_pt + stamp.height_pt / 2 + 1, "PLACE")
    canvas.drawCentredString(centre, stamp.y_pt + stamp.height_pt / 2 - 6, "STAMP HERE")
    canvas.restoreState()
    if layout.return_lines:
        _draw_lines(canvas, layout.return_lines, layout.return_size_pt, RETURN_INK)
    _draw_lines(canvas, layout.recipient_lines, layout.recipient_size_pt, ADDRESS_INK)
    # The card number in the lower-left corner: left of the clear zone, inside the safe area.
    canvas.setFillColor(LABEL_GREY)
    canvas.setFont("NotoSans", 5)
    canvas.drawString(trim.x_pt + MARKER_INSET_PT, trim.y_pt + MARKER_INSET_PT, label)
