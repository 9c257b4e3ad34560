"""Print the handwriting sample sheet laid out by :func:`~notecards.layout.hand_sheet.sheet_layout`.

Registration marks and box edges are dark so a phone photo finds them; the corner labels and
the baseline guides are pale grey, so the learner's ink threshold drops them with the paper.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.pages import make_canvas
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.hand_sheet import LABEL_PT, MARGIN_PT, MARK_PT, SheetBox, SheetLayout
from notecards.layout.panels import page_geometry

MARK = Color(0, 0, 0)
EDGE = Color(0.45, 0.45, 0.45)
#: Pale enough to fall above the learner's ink threshold (ink is darker than ~0.55 of paper).
LABEL = Color(0.62, 0.62, 0.62)
GUIDE = Color(0.78, 0.78, 0.78)

_INSTRUCTIONS = (
    "Write one character per box in your usual pen, sitting on the dotted line; "
    "pairs joined, as you write them.",
    "Then scan at 300 dpi or photograph the page flat, all four black squares in view, "
    "and run: notecards hand learn scan.png --name YOURNAME",
)


def draw_hand_sheet(target: str | Path | IO[bytes], layout: SheetLayout) -> int:
    """Draw *layout* as a PDF to *target*; return its page count."""
    register_bundled_fonts()
    page = page_geometry(layout.width_pt, layout.height_pt, 0.0, False)
    canvas = make_canvas(
        target,
        page,
        title="notecards handwriting sample sheet",
        author="notecards",
        subject=f"Handwriting sample sheet ({layout.paper})",
    )
    for number in range(layout.pages):
        _marks(canvas, layout)
        _header(canvas, layout, number)
        for box in layout.page_boxes(number):
            _box(canvas, box)
        canvas.showPage()
    canvas.save()
    return layout.pages


def _marks(canvas: Canvas, layout: SheetLayout) -> None:
    canvas.setFillColor(MARK)
    for x, y in layout.marks:
        canvas.rect(x - MARK_PT / 2, y - MARK_PT / 2, MARK_PT, MARK_PT, stroke=0, fill=1)


def _header(canvas: Canvas, layout: SheetLayout, number: int) -> None:
    left = MARGIN_PT + MARK_PT + 10
    top = layout.height_pt - MARGIN_PT - 9
    canvas.setFillColor(MARK)
    canvas.setFont("NotoSans-Bold", 10)
    title = "Your handwriting" if number == 0 else "Your signature (optional)"
    canvas.drawString(left, top, title)
    canvas.setFillColor(EDGE)
    canvas.setFont("NotoSans", 6.5)
    lines = (
        _INSTRUCTIONS
        if number == 0
        else ("Sign as you sign a card; it becomes your signature on every card.",)
    )
    for index, line in enumerate(lines):
        canvas.drawString(left, top - 11 - index * 8, line)


def _box(canvas: Canvas, box: SheetBox) -> None:
    canvas.setStrokeColor(EDGE)
    canvas.setLineWidth(0.8)
    canvas.setDash()
    canvas.rect(box.x_pt, box.y_pt, box.w_pt, box.h_pt, stroke=1, fill=0)
    canvas.setStrokeColor(GUIDE)
    canvas.setLineWidth(0.5)
    canvas.setDash(1.5, 1.5)
    canvas.line(box.x_pt + 3, box.baseline_pt, box.x_pt + box.w_pt - 3, box.baseline_pt)
    canvas.setDash()
    canvas.setFillColor(LABEL)
    canvas.setFont("NotoSans", LABEL_PT)
    canvas.drawString(box.x_pt + 2, box.y_pt + box.h_pt - LABEL_PT - 1, box.label)
