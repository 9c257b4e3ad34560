"""Canvases and page furniture: boxes, crop marks, colours. The only place a Canvas is made."""

from __future__ import annotations

from functools import partial
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from reportlab import rl_config
from reportlab.lib.colors import CMYKColor, Color, toColor
from reportlab.pdfgen.canvas import Canvas

from notecards.internals import pack_last_page, share_page_parts
from notecards.layout.panels import PageGeometry

#: Crop marks start this far outside the bleed box, so they never show on a trimmed card.
MARK_OFFSET_PT = 3.0
MARK_LENGTH_PT = 12.0
#: The most ink a colour may lay down by default: C + M + Y + K = 300 % (config: ink_limit).
DEFAULT_INK_LIMIT = 3.0
#: Fold marks are dashed (crop marks are solid), so nobody cuts where the card folds.
FOLD_DASH = (2, 2)


class PrintCanvas(Canvas):  # type: ignore[misc]
    """A reportlab Canvas that writes colours the way a print shop's RIP wants them.

    In an RGB file, neutral greys and black are written as DeviceGray (``g``/``G``), so a RIP
    prints them with black ink alone instead of building them from four inks. In a CMYK file
    every colour is converted as it is set (see to_cmyk) and capped at the ink limit.
    """

    cmyk = False

    def showPage(self) -> None:  # noqa: N802  # reportlab's name
        """End the page, its content compressed at once (see internals.pack_last_page):
        the same bytes, without holding every page's text until the save."""
        super().showPage()
        pack_last_page(self)

    def save(self) -> None:
        """Write the file with Flate-compressed streams only.

        reportlab's default wraps every stream in ASCII85 as well (a quarter bigger, and
        encoded for nothing: print files are binary); the setting is global, so it is
        changed for this save only. The pages' equal resources, boxes and transitions are
        formatted once (internals.share_page_parts: the same bytes, a third faster).
        """
        before = rl_config.useA85
        rl_config.useA85 = 0
        share_page_parts(self)
        try:
            super().save()
        finally:
            rl_config.useA85 = before

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:  # noqa: N802,N803
        gray = None if self.cmyk else neutral_gray(aColor)
        if gray is None:
            super().setFillColor(aColor, alpha)
        else:
            self.setFillGray(gray, alpha)

    def setStrokeColor(self, aColor: Any, alpha: Any = None) -> None:  # noqa: N802,N803
        gray = None if self.cmyk else neutral_gray(aColor)
        if gray is None:
            super().setStrokeColor(aColor, alpha)
        else:
            self.setStrokeGray(gray, alpha)


def neutral_gray(color: object) -> float | None:
    """Return the gray level of *color* when it is an RGB neutral (r = g = b), else None."""
    if isinstance(color, CMYKColor):
        return None
    try:
        value = toColor(color)
    except ValueError:
        return None
    if isinstance(value, CMYKColor) or getattr(value, "alpha", 1) not in (None, 1):
        return None
    red, green, blue = value.red, value.green, value.blue
    if abs(red - green) < 1e-6 and abs(green - blue) < 1e-6:
        return float(red)
    return None


def make_canvas(
    target: str | Path | IO[bytes],
    page: PageGeometry,
    *,
    title: str,
    author: str,
    subject: str = "",
    cmyk: bool = False,
    ink_limit: float = DEFAULT_INK_LIMIT,
) -> Canvas:
    """Return a deterministic canvas for pages of *page*'s geometry.

    ``invariant`` fixes dates and ids, so the same input gives the same bytes. The initial
    font is a bundled TrueType face, so no unembedded Helvetica is ever referenced. With
    *cmyk*, every colour set on the canvas is converted to CMYK as it is set (greys become
    pure K, as shops ask for black text; no colour lays down more than *ink_limit*, 3.0 =
    300 %), so the file has no RGB colour at all. Without, greys are written as DeviceGray.
    """
    trim = page.trim
    bleed = page.bleed
    canvas = PrintCanvas(
        target if not isinstance(target, Path) else str(target),
        pagesize=(page.width_pt, page.height_pt),
        invariant=1,
        pageCompression=1,
        initialFontName="NotoSans",
        initialFontSize=10,
        trimBox=(trim.x_pt, trim.y_pt, trim.right_pt, trim.top_pt),
        bleedBox=(bleed.x_pt, bleed.y_pt, bleed.right_pt, bleed.top_pt),
        enforceColorSpace=partial(to_cmyk, ink_limit=ink_limit) if cmyk else None,
    )
    canvas.cmyk = cmyk
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("notecards")
    canvas.setProducer("notecards")
    canvas.setSubject(subject)
    return canvas


def save_canvas(canvas: Canvas, out: BytesIO, target: str | Path | IO[bytes], title: str) -> None:
    """Save *canvas*, drawn into *out*, with *title*, and write the file to *target*: a
    writer that starts a file before it knows its name and title (cards and envelopes drawn
    while a batch plans) opens its canvas on a buffer and saves it here."""
    canvas.setTitle(title)
    canvas.save()
    data = out.getvalue()
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)


def set_solid_black(canvas: Canvas) -> None:
    """Fill with solid black: gray 0 in an RGB file; 100 % K, overprinting, in a CMYK one.

    Text, QR codes and barcodes use it: one ink cannot print out of register, and black
    printed over a tint (overprint) leaves no white gap when the sheet shifts.
    """
    if getattr(canvas, "cmyk", False):
        canvas.setFillColor(CMYKColor(0, 0, 0, 1))
        canvas.setFillOverprint(True)
        canvas.setOverprintMask(True)
    else:
        canvas.setFillGray(0)


def draw_crop_marks(canvas: Canvas, page: PageGeometry, folds: tuple[float, ...] = ()) -> None:
    """Draw crop marks at the trim corners, and fold marks at *folds* (x in points).

    Both stay in the slug, outside the bleed. Crop marks are solid; fold marks are dashed,
    so nobody cuts where the card should be folded.
    """
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
    canvas.drawPath(path, stroke=1, fill=0)
    if folds:
        canvas.setDash(FOLD_DASH)
        fold_path = canvas.beginPath()
        for x in folds:
            for y, direction in ((trim.y_pt - gap_y, -1), (trim.top_pt + gap_y, 1)):
                fold_path.moveTo(x, y)
                fold_path.lineTo(x, y + direction * MARK_LENGTH_PT)
        canvas.drawPath(fold_path, stroke=1, fill=0)
    canvas.restoreState()


def registration() -> CMYKColor:
    """Return the colour of crop marks (100 % of all four inks, as print shops expect)."""
    return CMYKColor(1, 1, 1, 1)


def to_cmyk(color: object, ink_limit: float = DEFAULT_INK_LIMIT) -> CMYKColor:
    """Return *color* (a reportlab colour, name or tuple) as CMYK; CMYK passes unchanged.

    Greys map to black ink only (K), never a four-colour build. Other colours use the plain
    device conversion (K = 1 − max(R, G, B)), which is what a shop's RIP would do without an
    ICC profile; shops that want managed colour convert the RGB file themselves. C, M and Y
    are scaled down (K kept) until the colour lays down at most *ink_limit* (3.0 = 300 %).
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
    inks = cyan + magenta + yellow
    if inks + black > ink_limit and inks > 0:
        scale = max(0.0, ink_limit - black - 0.0003) / inks  # room for rounding
        cyan, magenta, yellow = cyan * scale, magenta * scale, yellow * scale
    return CMYKColor(
        round(cyan, 4), round(magenta, 4), round(yellow, 4), round(black, 4), alpha=alpha
    )


def hex_color(value: str, *, tint: float = 0.0) -> Color:
    """Return the colour "#rrggbb", mixed with white by *tint* (0 = as is, 1 = white)."""
    text = value.lstrip("#")
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return Color(*(c + (1 - c) * tint for c in (red, green, blue)))
