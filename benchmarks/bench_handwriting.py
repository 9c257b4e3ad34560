"""Benchmark the realism budget: handwriting at most 1.5 times as slow as whole-string drawing.

Issue 5 set the budget; issue 13 added varied letter outlines, pressure and ink along a line,
bowed baselines, a weighted signature and hand-addressed envelopes, reported here as the
realism cost per card (not a timed test: run it by hand).

Run ``python benchmarks/bench_handwriting.py [cards]`` (default 2,000; 10000 for the issue's
size). Every run starts with no planned word shapes, as a fresh process does.

* "realistic batch": orders from ``bench_batch.write_orders`` (names, items and personal lines
  vary per card, wording from the bundled templates) are planned once, then ``cards.pdf`` is
  drawn end to end (fronts, QR codes, labels, crop marks, save) twice: with the handwriting
  engine, and with each TextBlock's lines drawn whole by ``drawString`` (the benchmark swaps
  ``draw_block`` for that; there is no user option for it).
* "template" and "unique": only the message text, 6 lines a card, drawn into one canvas and
  saved. "unique" shuffles the words of every card, so no line repeats: the worst case.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from notecards import make_settings, plan_batch
from notecards.config import Config
from notecards.drawing import cards as card_drawing
from notecards.handwriting import (
    STYLES,
    draw_block,
    font_file,
    ink_color,
    register_style_fonts,
    signatures,
)
from notecards.handwriting import words as handwords
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.geometry import Box, Paragraph, fit_paragraphs
from notecards.layout.panels import card_geometry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import write_orders  # noqa: E402  (the lead's realistic order generator)

MESSAGE = (
    "Thank you so much for your order of the blue teapot and the two matching cups. "
    "We hope they bring you many happy afternoons, and that the tea tastes even better "
    "from them. With warm wishes from all of us,"
)


TARGET = 1.5


def _blocks(cards: int, font: str, *, unique: bool = False) -> list[object]:
    box = Box(30, 30, 360, 240)
    words = MESSAGE.split()
    blocks = []
    for n in range(cards):
        if unique:
            random.Random(n).shuffle(words)
        message = " ".join(words)
        blocks.append(
            fit_paragraphs(
                [Paragraph(f"Dear Ada {n},"), Paragraph(message), Paragraph(f"Order {10000 + n}")],
                box,
                pdfmetrics.stringWidth,
                lambda _c: font,
                max_size_pt=15,
                min_size_pt=8,
            )
        )
    return blocks


def _time(blocks: list[object], draw: object) -> float:
    handwords.word_tables.cache_clear()  # plan every word again, as a fresh process does
    start = time.process_time()
    canvas = Canvas(io.BytesIO(), pagesize=(420, 298), invariant=1)
    for n, block in enumerate(blocks):
        draw(canvas, block, n)  # type: ignore[operator]
        canvas.showPage()
    canvas.save()
    return time.process_time() - start


def plain_block(
    canvas: Canvas, block: object, style: object, _seed: str, *, cmyk: bool = False
) -> None:
    """Draw *block* the way whole-string drawing would: one ``drawString`` per font run."""
    canvas.setFillColorRGB(*ink_color(style.ink))  # type: ignore[attr-defined]
    size = block.size_pt  # type: ignore[attr-defined]
    for line in block.lines:  # type: ignore[attr-defined]
        x = line.x_pt
        for run in line.runs:
            canvas.setFont(run.font, size)
            canvas.drawString(x, line.baseline_pt, run.text)
            x += run.width_pt


def realistic(cards: int) -> tuple[float, float, int, int]:
    """Return (plain s, hand s, lines, distinct lines) drawing a realistic batch's cards.pdf."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        orders = folder / "orders.csv"
        write_orders(orders, cards)
        settings = make_settings(
            Config(
                shop_name="Bench Shop",
                return_address=("1 Main St", "Portland, ME 04101"),
                ledger_path=str(folder / "ledger.sqlite"),
            )
        )
        plan = plan_batch([orders], settings, today=date(2026, 11, 22))
    register_bundled_fonts()
    geometry = card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
    contents = [job.content for job in plan.jobs]
    lines = [line.text for c in contents for line in c.message.lines]  # type: ignore[union-attr]
    hand = card_drawing.draw_block

    def run(draw: object) -> float:
        card_drawing.draw_block = signatures.draw_block = draw  # type: ignore[assignment]
        handwords.word_tables.cache_clear()
        start = time.process_time()
        card_drawing.draw_cards(
            io.BytesIO(),
            geometry,
            contents,  # type: ignore[arg-type]
            shop_name="Bench Shop",
            title="bench",
        )
        return time.process_time() - start

    try:
        run(hand)  # warm fonts, forms and tables once
        best = {"plain": 1e9, "hand": 1e9}
        for _ in range(3):
            best["plain"] = min(best["plain"], run(plain_block))
            best["hand"] = min(best["hand"], run(hand))
    finally:
        card_drawing.draw_block = signatures.draw_block = hand
    return best["plain"], best["hand"], len(lines), len(set(lines))


def envelopes(cards: int) -> tuple[float, float]:
    """Return (sans s, hand s) drawing a realistic batch's envelopes.pdf both ways."""
    from notecards import render_pdfs

    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        orders = folder / "orders.csv"
        write_orders(orders, cards)
        for font in ("sans", "hand"):
            config = Config(
                shop_name="Bench Shop",
                return_address=("1 Main St", "Portland, ME 04101"),
                ledger_path=str(folder / f"{font}.sqlite"),
                envelope_font=font,
            )
            plan = plan_batch([orders], make_settings(config), today=date(2026, 11, 22))
            render_pdfs(plan)  # warm fonts once
            start = time.process_time()
            render_pdfs(plan)
            times[font] = time.process_time() - start
    return times["sans"], times["hand"]


def font_variation_cost() -> float:
    """Return the one-off CPU seconds of giving every letter of the hands its varied outlines."""
    from notecards.handwriting.outlines import varied_font

    varied_font.cache_clear()
    start = time.process_time()
    for style in {s.font_path: s for s in STYLES.values()}.values():
        varied_font(str(font_file(style)), style.outline_forms)
    return time.process_time() - start


def _verdict(ratio: float) -> str:
    return f"{ratio:.2f}  (target <= {TARGET}: {'met' if ratio <= TARGET else 'MISSED'})"


def main(cards: int = 2000) -> None:
    """Print plain and handwritten timings, content bytes and the ratios against the target."""
    style = STYLES["casual"]
    register_style_fonts([style])

    def plain(canvas: Canvas, block: object, _n: int) -> None:
        canvas.setFont(style.font_name, block.size_pt)  # type: ignore[attr-defined]
        for line in block.lines:  # type: ignore[attr-defined]
            canvas.drawString(line.x_pt, line.baseline_pt, line.text)

    def hand(canvas: Canvas, block: object, n: int) -> None:
        draw_block(canvas, block, style, f"order-{n}:thank_you")  # type: ignore[arg-type]

    out = sys.stdout
    out.write(f"{cards} cards; CPU seconds, best of 3 runs, each starting with no planned shapes\n")
    plain_s, hand_s, lines, distinct = realistic(cards)
    real = hand_s / plain_s
    out.write(
        f"\nrealistic batch: cards.pdf end to end ({lines} message lines, {distinct} "
        f"distinct)\n  whole strings: {plain_s:.3f} s\n  handwriting:   {hand_s:.3f} s\n"
        f"  ratio:         {_verdict(real)}\n"
        f"  realism cost per card: {1000 * (hand_s - plain_s) / cards:.2f} ms "
        f"({1000 * plain_s / cards:.2f} ms whole strings, {1000 * hand_s / cards:.2f} ms written: "
        "varied outlines, pressure, ink, bowed baselines, signature weight)\n"
        f"  once per process: varied outlines of the bundled hands {font_variation_cost():.2f} s\n"
    )
    sans_s, hand_env_s = envelopes(min(cards, 500))
    out.write(
        f"\nenvelopes ({min(cards, 500)}, cards and envelopes drawn, render_pdfs): "
        f"printed sans {sans_s:.3f} s, hand-addressed {hand_env_s:.3f} s\n"
    )
    ratios = {}
    for kind in ("template", "unique"):
        blocks = _blocks(cards, style.font_name, unique=kind == "unique")
        lines = sum(len(b.lines) for b in blocks)  # type: ignore[attr-defined]
        hand(Canvas(io.BytesIO()), blocks[0], 0)  # warm the per-style tables once
        best = {"plain": 1e9, "hand": 1e9}
        for _ in range(3):
            best["plain"] = min(best["plain"], _time(blocks, plain))
            best["hand"] = min(best["hand"], _time(blocks, hand))
        ratios[kind] = best["hand"] / best["plain"]
        out.write(
            f"\n{kind} message text only, casual hand ({lines} lines; content "
            f"{_bytes(blocks, plain)} vs {_bytes(blocks, hand)} bytes/card)\n"
            f"  plain drawString: {best['plain']:.3f} s\n"
            f"  handwriting:      {best['hand']:.3f} s\n"
            f"  ratio:            {_verdict(ratios[kind])}\n"
        )
    out.write(
        f"\nrealistic batch {_verdict(real)}\nall-unique lines {_verdict(ratios['unique'])}\n"
    )


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
