"""Benchmark: 2,000 cards x 8 lines, plain ``drawString`` vs ``handwriting.draw_block``.

Run ``python benchmarks/bench_handwriting.py [cards]``. Each side draws every card into one
canvas and saves it (the save compresses the bigger content streams, so it is counted). The
issue's budget is a ratio of at most 1.5.
"""

from __future__ import annotations

import io
import sys
import time

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from notecards.geometry import Box, Paragraph, fit_paragraphs
from notecards.handwriting import STYLES, draw_block, register_style_fonts

MESSAGE = ("Thank you so much for your order of the blue teapot and the two matching cups. "
           "We hope they bring you many happy afternoons, and that the tea tastes even better "
           "from them. With warm wishes from all of us,")


def _blocks(cards: int, font: str) -> list[object]:
    box = Box(30, 30, 360, 240)
    return [fit_paragraphs([Paragraph(f"Dear Ada {n},"), Paragraph(MESSAGE),
                            Paragraph(f"Order {10000 + n}")], box, pdfmetrics.stringWidth,
                           lambda _c: font, max_size_pt=15, min_size_pt=8)
            for n in range(cards)]


def _time(blocks: list[object], draw: object) -> float:
    start = time.perf_counter()
    canvas = Canvas(io.BytesIO(), pagesize=(420, 298), invariant=1)
    for n, block in enumerate(blocks):
        draw(canvas, block, n)  # type: ignore[operator]
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def main(cards: int = 2000) -> None:
    """Print the plain and handwritten timings and their ratio."""
    style = STYLES["casual"]
    register_style_fonts([style])
    blocks = _blocks(cards, style.font_name)
    lines = sum(len(b.lines) for b in blocks)  # type: ignore[attr-defined]

    def plain(canvas: Canvas, block: object, _n: int) -> None:
        canvas.setFont(style.font_name, block.size_pt)  # type: ignore[attr-defined]
        for line in block.lines:  # type: ignore[attr-defined]
            canvas.drawString(line.x_pt, line.baseline_pt, line.text)

    def hand(canvas: Canvas, block: object, n: int) -> None:
        draw_block(canvas, block, style, f"order-{n}:thank_you")  # type: ignore[arg-type]

    hand(Canvas(io.BytesIO()), blocks[0], 0)  # warm the per-style caches once
    best = {"plain": 1e9, "hand": 1e9}
    for _ in range(3):
        best["plain"] = min(best["plain"], _time(blocks, plain))
        best["hand"] = min(best["hand"], _time(blocks, hand))
    sys.stdout.write(f"{cards} cards, {lines} lines\n"
                     f"plain drawString: {best['plain']:.3f} s\n"
                     f"handwriting:      {best['hand']:.3f} s\n"
                     f"ratio:            {best['hand'] / best['plain']:.2f}\n")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
