"""Benchmark: 2,000 cards x 6 lines, plain ``drawString`` vs ``handwriting.draw_block``.

Run ``python benchmarks/bench_handwriting.py [cards]``. Each side draws every card into one
canvas and saves it (the save encodes and deflates the content streams, so it is counted).
Issue 5's budget: handwriting at most 1.5 times as slow as whole-string drawing.

Two batches are timed. "template": like a real batch, every card says the same message to a
different name (line shapes are planned once per variant and reused). "unique": every line of
every card is different text (the words shuffled per card), the worst case for that reuse.
"""

from __future__ import annotations

import io
import random
import sys
import time

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from notecards.geometry import Box, Paragraph, fit_paragraphs
from notecards.handwriting import STYLES, draw_block, register_style_fonts

MESSAGE = ("Thank you so much for your order of the blue teapot and the two matching cups. "
           "We hope they bring you many happy afternoons, and that the tea tastes even better "
           "from them. With warm wishes from all of us,")


TARGET = 1.5


def _blocks(cards: int, font: str, *, unique: bool = False) -> list[object]:
    box = Box(30, 30, 360, 240)
    words = MESSAGE.split()
    blocks = []
    for n in range(cards):
        if unique:
            random.Random(n).shuffle(words)
        message = " ".join(words)
        blocks.append(fit_paragraphs([Paragraph(f"Dear Ada {n},"), Paragraph(message),
                                      Paragraph(f"Order {10000 + n}")], box,
                                     pdfmetrics.stringWidth, lambda _c: font, max_size_pt=15,
                                     min_size_pt=8))
    return blocks


def _time(blocks: list[object], draw: object) -> float:
    start = time.perf_counter()
    canvas = Canvas(io.BytesIO(), pagesize=(420, 298), invariant=1)
    for n, block in enumerate(blocks):
        draw(canvas, block, n)  # type: ignore[operator]
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def main(cards: int = 2000) -> None:
    """Print plain and handwritten timings, content bytes and the ratio against the target."""
    style = STYLES["casual"]
    register_style_fonts([style])

    def plain(canvas: Canvas, block: object, _n: int) -> None:
        canvas.setFont(style.font_name, block.size_pt)  # type: ignore[attr-defined]
        for line in block.lines:  # type: ignore[attr-defined]
            canvas.drawString(line.x_pt, line.baseline_pt, line.text)

    def hand(canvas: Canvas, block: object, n: int) -> None:
        draw_block(canvas, block, style, f"order-{n}:thank_you")  # type: ignore[arg-type]

    out = sys.stdout
    out.write(f"{cards} cards, casual hand; best of 3 runs, each drawing and saving one PDF\n")
    worst = 0.0
    for kind in ("template", "unique"):
        blocks = _blocks(cards, style.font_name, unique=kind == "unique")
        lines = sum(len(b.lines) for b in blocks)  # type: ignore[attr-defined]
        hand(Canvas(io.BytesIO()), blocks[0], 0)  # warm the per-style tables once
        best = {"plain": 1e9, "hand": 1e9}
        for _ in range(3):
            best["plain"] = min(best["plain"], _time(blocks, plain))
            best["hand"] = min(best["hand"], _time(blocks, hand))
        ratio = best["hand"] / best["plain"]
        worst = max(worst, ratio)
        out.write(f"\n{kind} batch ({lines} lines; content {_bytes(blocks, plain)} vs "
                  f"{_bytes(blocks, hand)} bytes/card)\n"
                  f"  plain drawString: {best['plain']:.3f} s\n"
                  f"  handwriting:      {best['hand']:.3f} s\n"
                  f"  ratio:            {ratio:.2f}  (target <= {TARGET}: "
                  f"{'met' if ratio <= TARGET else 'MISSED'})\n")
    out.write(f"\nworst ratio {worst:.2f} against the target of {TARGET}: "
              f"{'met' if worst <= TARGET else 'MISSED'}\n")


def _bytes(blocks: list[object], draw: object) -> int:
    """Return the average uncompressed content bytes per card over the first 50 cards."""
    canvas = Canvas(io.BytesIO(), pagesize=(420, 298), invariant=1)
    total = 0
    for n, block in enumerate(blocks[:50]):
        draw(canvas, block, n)  # type: ignore[operator]
        total += len(" ".join(canvas._code))
        canvas.showPage()
    return total // min(50, len(blocks))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
