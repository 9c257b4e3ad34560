"""A QR code is drawn as the same bytes as reportlab's path.rect and drawPath write them."""

from __future__ import annotations

from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.cards import draw_qr
from notecards.layout.geometry import Box
from notecards.layout.qrcodes import dark_runs, qr_matrix


def _page(draw) -> bytes:  # type: ignore[no-untyped-def]
    out = BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=0)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_qr_rectangles_are_the_path_objects_bytes():
    matrix = qr_matrix("https://lark.example/r/7001?c=97214")
    box = Box(100.0, 80.0, 54.0, 54.0)

    def obvious(canvas: Canvas) -> None:
        module = box.width_pt / len(matrix)
        canvas.saveState()
        canvas.setFillGray(0)
        path = canvas.beginPath()
        for row, col, length in dark_runs(matrix):
            path.rect(
                box.x_pt + col * module, box.top_pt - (row + 1) * module, length * module, module
            )
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()

    def drawn(canvas: Canvas) -> None:
        draw_qr(canvas, matrix, box)

    assert len(dark_runs(matrix)) > 100
    assert _page(drawn) == _page(obvious)
