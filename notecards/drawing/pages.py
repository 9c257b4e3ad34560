"""Canvases and page furniture: boxes, crop marks, colours. The only place a Canvas is made."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reportlab.lib.colors import CMYKColor, Color, toColor
from reportlab.pdfgen.canvas import Canvas

from notecards.layout.panels import PageGeometry

#: Crop marks start this far outside the bleed box, so they never show on a trimmed card.
MARK_OFFSET_PT = 3.0
MARK_LENGTH_PT = 12.0


def make_canvas(
    target: str | Path | IO[bytes],
    page: PageGeometry,
    *,
    title: str,
    author: str,
    subject: str = "",
    cmyk: bool = False,
) -> Canvas:
    """Return a deterministic canvas for pages of *page*'s geometry.

    ``invariant`` fixes dates and ids, so the same input gives the same bytes. The initial
    font is a bundled TrueType face, so no unembedded Helvetica is ever referenced. With
    *cmyk*, every colour set on the canvas is converted to CMYK as it is set (greys become
    pure K, as shops ask for black text), so the file has no RGB colour at all.
    """
    trim = page.trim
    bleed = page.bleed
    canvas = Canvas(
        target if not isinstance(target, Path) else str(target),
        pagesize=(page.width_pt, page.height_pt),
        invariant=1,
        pageCompression=1,
        initialFontName="NotoSans",
        initialFontSize=10,
        trimBox=(trim.x_pt, trim.y_pt, trim.right_pt, trim.top_pt),
        bleedBox=(bleed.x_pt, bleed.y_pt, bleed.right_pt, bleed.top_pt),
        enforceColorSpace=to_cmyk if cmyk else None,
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("notecards")
    canvas.setProducer("notecards")
    canvas.setSubject(subject)
    return canvas


def draw_crop_marks(canvas: Canvas, page: PageGeometry, folds: tuple[float, ...] = ()) -> None:
    """Draw crop marks at the trim corners (and fold marks at *folds*, x in points)."""
    if not page.crop_marks:
        return
    trim, bleed = page.trim, page.bleed
    canvas.saveState()
    canvas.setStrokeColor(registration())
    canvas.setLineWidth(0.25)
    gap_x = trim.x_pt - bleed.x_pt + MARK_OFFSET_PT
    gap_y = trim.y_pt - bleed.y_pt + MARK_OFFSET_PT
    path = canvas.beginPath()
    for x in (trim.x_pt, trim.right_pt):
        for y, direction in ((trim.y_pt - gap_y, -1), (trim.top_pt + gap_y, 1)):
            path.moveTo(x, y)
            path.lineTo(x, y + direction * MARK_LENGTH_PT)
    for y in (trim.y_pt, trim.top_pt):
        for x, direction in ((trim.x_pt - gap_x, -1), (trim.right_pt + gap_x, 1)):
            path.moveTo(x, y)
            path.lineTo(x + direction * MARK_LENGTH_PT, y)
    for x in folds:
        for y, direction in ((trim.y_pt - gap_y, -1), (trim.top_pt + gap_y, 1)):
            path.moveTo(x, y)
            path.lineTo(x, y + direction * MARK_LENGTH_PT * 0.6)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


def registration() -> CMYKColor:
    """Return the colour of crop marks (100 % of all four inks, as print shops expect)."""
    return CMYKColor(1, 1, 1, 1)


def to_cmyk(color: object) -> CMYKColor:
    """Return *color* (a reportlab colour, name or tuple) as CMYK; CMYK passes unchanged.

    Greys map to black ink only (K), never a four-colour build. Other colours use the plain
    device conversion (K = 1 − max(R, G, B)), which is what a shop's RIP would do without an
    ICC profile; shops that want managed colour convert the RGB file themselves.
    """
    value = toColor(color)
    if isinstance(value, CMYKColor):
        return value
    red, green, blue = value.red, value.green, value.blue
    alpha = getattr(value, "alpha", None)
    if abs(red - green) < 1e-6 and abs(green - blue) < 1e-6:
        return CMYKColor(0, 0, 0, round(1 - red, 4), alpha=alpha)
    black = 1 - max(red, green, blue)
    cyan, magenta, yellow = ((1 - c - black) / (1 - black) for c in (red, green, blue))
    return CMYKColor(
        round(cyan, 4), round(magenta, 4), round(yellow, 4), round(black, 4), alpha=alpha
    )


def hex_color(value: str, *, tint: float = 0.0) -> Color:
    """Return the colour "#rrggbb", mixed with white by *tint* (0 = as is, 1 = white)."""
    text = value.lstrip("#")
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return Color(*(c + (1 - c) * tint for c in (red, green, blue)))
