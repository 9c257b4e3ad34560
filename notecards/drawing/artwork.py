"""Front-panel artwork: vector motifs drawn once per file as form XObjects and reused.

Each motif draws into a unit box of 100 × 100 (origin lower left); callers scale it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.pages import hex_color

Motif = Callable[[Canvas, str], None]


def _leaf(
    canvas: Canvas, x: float, y: float, length: float, angle_deg: float, width: float
) -> None:
    """Fill one almond-shaped leaf from (x, y) pointing at *angle_deg*."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.rotate(angle_deg)
    path = canvas.beginPath()
    path.moveTo(0, 0)
    path.curveTo(length * 0.3, width, length * 0.75, width * 0.9, length, 0)
    path.curveTo(length * 0.75, -width * 0.9, length * 0.3, -width, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def sprig(canvas: Canvas, accent: str) -> None:
    """Draw a botanical sprig: a curved stem with alternating leaves and a few berries."""
    canvas.setStrokeColor(hex_color(accent))
    canvas.setLineWidth(1.4)
    canvas.setLineCap(1)
    stem = canvas.beginPath()
    stem.moveTo(50, 4)
    stem.curveTo(44, 35, 58, 62, 50, 96)
    canvas.drawPath(stem, stroke=1, fill=0)
    for index in range(7):
        t = 0.12 + index * 0.12
        y = 4 + 92 * t
        x = 50 + 6 * math.sin(t * math.pi * 1.3) - 2
        side = 1 if index % 2 == 0 else -1
        canvas.setFillColor(hex_color(accent, tint=0.1 + 0.12 * (index % 3)))
        size = 22 - index * 1.6
        _leaf(canvas, x, y, size, 90 - side * 52 + side * index * 2, size * 0.32)
    canvas.setFillColor(hex_color(accent, tint=0.45))
    for bx, by, radius in ((62, 84, 2.4), (66, 78, 2.0), (37, 70, 2.2)):
        canvas.circle(bx, by, radius, stroke=0, fill=1)


def balloons(canvas: Canvas, accent: str) -> None:
    """Draw three balloons on curling strings, with a little confetti."""
    specs = ((34, 62, 15, 0.0), (56, 72, 17, 0.35), (72, 56, 14, 0.6))
    canvas.setLineWidth(0.7)
    for cx, cy, radius, _tint in specs:
        canvas.setStrokeColor(hex_color(accent, tint=0.3))
        string = canvas.beginPath()
        string.moveTo(cx, cy - radius * 1.18)
        string.curveTo(cx - 6, cy - radius - 14, cx + 8, cy - radius - 26, 52, 4)
        canvas.drawPath(string, stroke=1, fill=0)
    for cx, cy, radius, tint in specs:
        canvas.setFillColor(hex_color(accent, tint=tint))
        canvas.ellipse(
            cx - radius, cy - radius * 1.15, cx + radius, cy + radius * 1.15, stroke=0, fill=1
        )
        knot = canvas.beginPath()
        knot.moveTo(cx - 2.2, cy - radius * 1.15 - 2.6)
        knot.lineTo(cx + 2.2, cy - radius * 1.15 - 2.6)
        knot.lineTo(cx, cy - radius * 1.15 + 0.5)
        knot.close()
        canvas.drawPath(knot, stroke=0, fill=1)
        canvas.setFillColor(hex_color("#ffffff"))
        canvas.ellipse(
            cx - radius * 0.55,
            cy + radius * 0.25,
            cx - radius * 0.25,
            cy + radius * 0.7,
            stroke=0,
            fill=1,
        )
    for index, (x, y) in enumerate(((14, 88), (88, 90), (90, 30), (12, 34), (24, 96), (80, 98))):
        canvas.setFillColor(hex_color(accent, tint=0.2 + 0.15 * (index % 3)))
        canvas.circle(x, y, 1.6, stroke=0, fill=1)


def wildflowers(canvas: Canvas, accent: str) -> None:
    """Draw three thin stems with five-petal flowers and small leaves."""
    stems = ((38, 70, -8), (52, 86, 0), (66, 64, 9))
    canvas.setLineWidth(1.0)
    for top_x, top_y, lean in stems:
        canvas.setStrokeColor(hex_color("#5b7553"))
        path = canvas.beginPath()
        path.moveTo(50 + lean * 0.2, 4)
        path.curveTo(50 + lean * 0.4, 30, top_x - lean * 0.3, top_y - 30, top_x, top_y)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.setFillColor(hex_color("#5b7553", tint=0.25))
        _leaf(canvas, 50 + lean * 0.35, 24, 12, 90 + (40 if lean <= 0 else -40), 3.5)
    for index, (x, y, _lean) in enumerate(stems):
        canvas.setFillColor(hex_color(accent, tint=0.15 + 0.2 * index))
        for petal in range(5):
            angle = math.radians(90 + petal * 72)
            canvas.circle(
                x + 5.2 * math.cos(angle), y + 5.2 * math.sin(angle), 4.2, stroke=0, fill=1
            )
        canvas.setFillColor(hex_color("#e2b53c"))
        canvas.circle(x, y, 2.6, stroke=0, fill=1)


def mortarboard(canvas: Canvas, accent: str) -> None:
    """Draw a graduation cap with its tassel, and three small stars."""
    canvas.setFillColor(hex_color(accent, tint=0.15))
    base = canvas.beginPath()
    base.moveTo(30, 46)
    base.lineTo(30, 32)
    base.curveTo(40, 24, 60, 24, 70, 32)
    base.lineTo(70, 46)
    base.close()
    canvas.drawPath(base, stroke=0, fill=1)
    canvas.setFillColor(hex_color(accent))
    board = canvas.beginPath()
    board.moveTo(50, 70)
    board.lineTo(92, 52)
    board.lineTo(50, 36)
    board.lineTo(8, 52)
    board.close()
    canvas.drawPath(board, stroke=0, fill=1)
    canvas.setStrokeColor(hex_color("#c9a227"))
    canvas.setLineWidth(1.3)
    tassel = canvas.beginPath()
    tassel.moveTo(50, 53)
    tassel.lineTo(80, 46)
    tassel.lineTo(80, 28)
    canvas.drawPath(tassel, stroke=1, fill=0)
    canvas.setFillColor(hex_color("#c9a227"))
    canvas.rect(78, 20, 4, 9, stroke=0, fill=1)
    canvas.circle(50, 53, 2.2, stroke=0, fill=1)
    for x, y, radius in ((18, 84, 5), (84, 88, 4), (66, 96, 3)):
        _star(canvas, x, y, radius)


def _star(canvas: Canvas, x: float, y: float, radius: float) -> None:
    path = canvas.beginPath()
    for point in range(10):
        r = radius if point % 2 == 0 else radius * 0.42
        angle = math.radians(90 + point * 36)
        px, py = x + r * math.cos(angle), y + r * math.sin(angle)
        if point == 0:
            path.moveTo(px, py)
        else:
            path.lineTo(px, py)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


MOTIFS: dict[str, Motif] = {
    "sprig": sprig,
    "balloons": balloons,
    "wildflowers": wildflowers,
    "mortarboard": mortarboard,
}


def motif_for(name: str) -> Motif:
    """Return the motif called *name*; an unknown name gets the sprig (warned by the pipeline)."""
    return MOTIFS.get(name, sprig)
