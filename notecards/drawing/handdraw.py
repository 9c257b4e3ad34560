"""Draw the handwritten parts of a card: the message block and the signature."""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from ..geometry import Box, TextBlock
from ..handwriting import HandStyle

INKS = {"blue-black": Color(0.10, 0.15, 0.32), "blue": Color(0.12, 0.25, 0.62),
        "black": Color(0.1, 0.1, 0.1)}


def draw_message(canvas: Canvas, block: TextBlock, hand: HandStyle, seed: str) -> None:
    """Draw *block* in one text object."""
    text = canvas.beginText()
    text.setFillColor(INKS.get(hand.ink, INKS["blue-black"]))
    for line in block.lines:
        x = line.x_pt
        for run in line.runs:
            text.setTextOrigin(x, line.baseline_pt)
            text.setFont(run.font, block.size_pt)
            text.textOut(run.text)
            x += run.width_pt
    canvas.drawText(text)


def draw_signature(canvas: Canvas, name: str, box: Box, hand: HandStyle, seed: str) -> None:
    """Draw the signer's name in a script face inside *box*."""
    canvas.setFillColor(INKS.get(hand.ink, INKS["blue-black"]))
    canvas.setFont("Sacramento", box.height_pt * 0.6)
    canvas.drawString(box.x_pt, box.y_pt + box.height_pt * 0.3, name)
