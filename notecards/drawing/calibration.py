"""Draw the printer calibration sheet: targets to measure, and which numbers to write down.

Page 1 (front) has target A and two scale bars, page 2 (back, printed duplex) target B. The
user measures with a ruler and writes ``calibration.toml``; see production.read_calibration.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reportlab.lib.colors import CMYKColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.pages import make_canvas
from notecards.errors import ConfigError
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.catalogue import PAPER_SIZES, PaperSize
from notecards.layout.panels import page_geometry

TARGET_MM = 30.0
"""Targets sit this far from the left and top edges of the paper."""
SCALE_X_MM = 150.0
SCALE_Y_MM = 200.0
INK = CMYKColor(0, 0, 0, 1)
GREY = CMYKColor(0, 0, 0, 0.55)
PALE = CMYKColor(0, 0, 0, 0.2)
ACCENT = CMYKColor(0.05, 0.75, 0.65, 0.05)


def draw_calibration_sheet(target: str | Path | IO[bytes], paper: PaperSize) -> int:
    """Draw the two-page calibration sheet for *paper*; return the page count (2)."""
    page = page_geometry(paper.width_pt, paper.height_pt, 0.0, False)
    canvas = make_canvas(
        target,
        page,
        title="notecards printer calibration",
        author="notecards",
        subject="Print at 100 %, measure, write down",
        cmyk=True,
    )
    width, height = paper.width_pt, paper.height_pt
    _front(canvas, width, height, paper.name)
    canvas.showPage()
    _back(canvas, width, height)
    canvas.showPage()
    canvas.save()
    return 2


def _front(canvas: Canvas, width: float, height: float, paper_name: str) -> None:
    _frame(canvas, width, height)
    _target(canvas, width, height, "A")
    left = 62 * mm
    canvas.setFillColor(INK)
    canvas.setFont("NotoSerif", 17)
    canvas.drawString(left, height - 26 * mm, "Printer calibration")
    canvas.setFont("NotoSans", 8.5)
    canvas.setFillColor(GREY)
    canvas.drawString(
        left,
        height - 32 * mm,
        f"notecards · {paper_name} paper · print page 1 on the front and page 2 on the back",
    )
    steps = (
        (
            "1",
            "Print both pages at 100 % (\u201cActual size\u201d; turn \u201cFit to page\u201d "
            "off), double-sided if you print cards double-sided.",
        ),
        (
            "2",
            "With a millimetre ruler, measure from the paper\u2019s LEFT edge to the centre of "
            "target A, and from the TOP edge to it.",
        ),
        ("3", "Measure the two scale bars end to end."),
        ("4", "Turn the sheet over and measure target B the same way, as you look at the back."),
        (
            "5",
            "Write the numbers into calibration.toml as below, then use "
            "--calibration calibration.toml (or [printer] calibration in notecards.toml).",
        ),
    )
    y = height - 44 * mm
    for number, text in steps:
        canvas.setFillColor(ACCENT)
        canvas.setFont("NotoSans-Bold", 9)
        canvas.drawString(left, y, number)
        canvas.setFillColor(INK)
        y = _wrapped(canvas, text, left + 5 * mm, y, width - left - 5 * mm - 30 * mm, 9)
        y -= 2.2 * mm
    _formula_box(canvas, left, y - 4 * mm, width - left - 30 * mm)
    _scale_bars(canvas, width, height)


def _back(canvas: Canvas, width: float, height: float) -> None:
    _frame(canvas, width, height)
    _target(canvas, width, height, "B")
    canvas.setFillColor(INK)
    canvas.setFont("NotoSerif", 14)
    canvas.drawString(62 * mm, height - 26 * mm, "Back of the calibration sheet")
    canvas.setFont("NotoSans", 9)
    _wrapped(
        canvas,
        "Measure target B from the LEFT and TOP edges as you look at this side. "
        "back_offset_x = 30 - (distance from left); back_offset_y = (distance from top) "
        "- 30. If this page came out upside down, set the printer to flip on the "
        "other edge (--duplex long-edge / short-edge) and print again.",
        62 * mm,
        height - 34 * mm,
        width - 78 * mm,
        9,
    )


def _frame(canvas: Canvas, width: float, height: float) -> None:
    """Draw a pale frame 5 mm inside the paper: where it is missing, the printer cannot print."""
    canvas.setStrokeColor(PALE)
    canvas.setLineWidth(0.5)
    canvas.setDash(2, 2)
    canvas.rect(5 * mm, 5 * mm, width - 10 * mm, height - 10 * mm)
    canvas.setDash()
    canvas.setFillColor(GREY)
    canvas.setFont("NotoSans", 6)
    canvas.drawCentredString(
        width / 2,
        7 * mm,
        "Dashed frame 5 mm from the edge: where it is missing, keep card content farther in.",
    )


def _target(canvas: Canvas, width: float, height: float, name: str) -> None:
    """Draw a crosshair target TARGET_MM from the left and top edges, with its name."""
    x, y = TARGET_MM * mm, height - TARGET_MM * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.3)
    canvas.line(x - 12 * mm, y, x + 12 * mm, y)
    canvas.line(x, y - 12 * mm, x, y + 12 * mm)
    canvas.circle(x, y, 5 * mm)
    canvas.circle(x, y, 2.5 * mm)
    canvas.setFillColor(ACCENT)
    canvas.setFont("NotoSans-Bold", 14)
    canvas.drawString(x + 6.5 * mm, y + 6.5 * mm, name)
    canvas.setFillColor(GREY)
    canvas.setFont("NotoSans", 6.5)
    canvas.drawString(x - 12 * mm, y - 16 * mm, f"should be {TARGET_MM:.0f} mm from the")
    canvas.drawString(x - 12 * mm, y - 19 * mm, "left edge and from the top edge")


def _scale_bars(canvas: Canvas, width: float, height: float) -> None:
    x0, y0 = 20 * mm, 28 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    canvas.line(x0, y0, x0 + SCALE_X_MM * mm, y0)
    for tick in range(0, int(SCALE_X_MM) + 1, 10):
        size = 3 * mm if tick % 50 == 0 else 1.5 * mm
        canvas.line(x0 + tick * mm, y0, x0 + tick * mm, y0 + size)
    canvas.setFillColor(INK)
    canvas.setFont("NotoSans", 7.5)
    canvas.drawString(
        x0,
        y0 - 4.5 * mm,
        f"C: horizontal scale bar, {SCALE_X_MM:.0f} mm -> scale_x = {SCALE_X_MM:.0f} / measured",
    )
    vx, vy = width - 20 * mm, y0
    canvas.line(vx, vy, vx, vy + SCALE_Y_MM * mm)
    for tick in range(0, int(SCALE_Y_MM) + 1, 10):
        size = 3 * mm if tick % 50 == 0 else 1.5 * mm
        canvas.line(vx, vy + tick * mm, vx - size, vy + tick * mm)
    canvas.saveState()
    canvas.translate(vx + 3.5 * mm, vy)
    canvas.rotate(90)
    canvas.drawString(
        0, 0, f"D: vertical scale bar, {SCALE_Y_MM:.0f} mm -> scale_y = {SCALE_Y_MM:.0f} / measured"
    )
    canvas.restoreState()


def _formula_box(canvas: Canvas, x: float, top: float, width: float) -> None:
    lines = (
        "# calibration.toml",
        'name = "My printer"',
        'offset_x = "__ mm"        # 30 - A from the left edge',
        'offset_y = "__ mm"        # A from the top edge - 30',
        'back_offset_x = "__ mm"   # 30 - B from the left edge',
        'back_offset_y = "__ mm"   # B from the top edge - 30',
        "scale_x = 1.000           # 150 / C",
        "scale_y = 1.000           # 200 / D",
    )
    leading = 4.6 * mm
    box_height = leading * len(lines) + 5 * mm
    canvas.setFillColor(CMYKColor(0, 0, 0, 0.05))
    canvas.setStrokeColor(PALE)
    canvas.roundRect(x, top - box_height, width, box_height, 3 * mm, stroke=1, fill=1)
    canvas.setFillColor(INK)
    canvas.setFont("NotoSans", 8.5)
    for index, line in enumerate(lines):
        canvas.drawString(x + 4 * mm, top - 5.5 * mm - index * leading, line)
    canvas.setFillColor(GREY)
    canvas.setFont("NotoSans", 7)
    canvas.drawString(
        x,
        top - box_height - 4.5 * mm,
        "Example: A measured 31.5 mm from the left and 29 mm from the top gives",
    )
    canvas.drawString(x, top - box_height - 8 * mm, 'offset_x = "-1.5mm" and offset_y = "-1mm".')


def _wrapped(canvas: Canvas, text: str, x: float, y: float, width: float, size: float) -> float:
    """Draw *text* wrapped to *width*; return the baseline below the last line."""
    font = "NotoSans"
    canvas.setFont(font, size)
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if canvas.stringWidth(candidate, font, size) > width and line:
            canvas.drawString(x, y, line)
            y -= size * 1.35
            line = word
        else:
            line = candidate
    if line:
        canvas.drawString(x, y, line)
        y -= size * 1.35
    return y


def write_calibration_sheet(path: str | Path, paper: str = "letter") -> int:
    """Write the printer calibration sheet for *paper* to *path*; return its page count.

    Raises:
        ConfigError: an unknown paper.
    """
    if paper not in PAPER_SIZES:
        raise ConfigError(f'"{paper}" is not a paper. Choose one of: {", ".join(PAPER_SIZES)}.')
    register_bundled_fonts()
    return draw_calibration_sheet(Path(path), PAPER_SIZES[paper])
