"""Draw envelopes: one page each, in card order; the return address is one shared form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from typing import IO

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.pages import DEFAULT_INK_LIMIT, make_canvas, save_canvas, set_solid_black
from notecards.handwriting import draw_block
from notecards.layout.catalogue import EnvelopeFormat
from notecards.layout.envelope import EnvelopeLayout
from notecards.layout.geometry import SetLine, TextBlock
from notecards.layout.panels import MARKER_INSET_PT, page_geometry

ADDRESS_INK = Color(0, 0, 0)  # solid black: gray 0 in RGB, 100 % K overprinting in CMYK
RETURN_INK = Color(0.25, 0.25, 0.25)
LABEL_GREY = Color(0.62, 0.62, 0.62)


def draw_envelopes(
    target: str | Path | IO[bytes],
    envelope: EnvelopeFormat,
    layouts: Iterable[tuple[EnvelopeLayout, str]],
    *,
    shop_name: str,
    title: str,
    progress: Callable[[int], None] | None = None,
    cmyk: bool = False,
    ink_limit: float = DEFAULT_INK_LIMIT,
) -> int:
    """Draw one page per (layout, label) into *target*; return the page count."""
    writer = EnvelopeWriter(envelope, shop_name=shop_name, cmyk=cmyk, ink_limit=ink_limit)
    for layout, label in layouts:
        writer.add(layout, label)
        if progress is not None:
            progress(1)
    return writer.save(target, title)


class EnvelopeWriter:
    """An envelopes file drawn a page at a time, its title and place given when it is saved
    (a batch may start drawing its envelopes before it knows its id)."""

    def __init__(
        self,
        envelope: EnvelopeFormat,
        *,
        shop_name: str,
        cmyk: bool = False,
        ink_limit: float = DEFAULT_INK_LIMIT,
    ) -> None:
        self.cmyk = cmyk
        self.pages = 0
        self._out = BytesIO()
        self._canvas = make_canvas(
            self._out,
            page_geometry(envelope.width_pt, envelope.height_pt, 0.0, False),
            title="",
            author=shop_name,
            subject="Envelopes, in card order",
            cmyk=cmyk,
            ink_limit=ink_limit,
        )
        self._has_return_form = False

    def add(self, layout: EnvelopeLayout, label: str) -> None:
        """Draw one envelope page: the return address, the delivery address, the card number."""
        canvas = self._canvas
        if not self._has_return_form and layout.return_lines:
            canvas.beginForm("return-address")
            _draw_lines(canvas, layout.return_lines, layout.return_size_pt, RETURN_INK)
            canvas.endForm()
            self._has_return_form = True
        if layout.return_lines:
            canvas.doForm("return-address")
        if layout.hand is not None:  # hand-addressed: written, not printed
            block = TextBlock(
                layout.recipient_lines,
                layout.read_area,
                layout.recipient_size_pt,
                layout.recipient_size_pt * 1.22,
            )
            draw_block(canvas, block, layout.hand, layout.seed, cmyk=self.cmyk)
        else:
            _draw_lines(canvas, layout.recipient_lines, layout.recipient_size_pt, ADDRESS_INK)
        # The card number, tiny, in the lower-left corner: outside the read area and the
        # barcode clear zone, so the envelope can be matched to its card when packing.
        canvas.setFillColor(LABEL_GREY)
        canvas.setFont("NotoSans", 5)
        canvas.drawString(MARKER_INSET_PT, MARKER_INSET_PT, label)  # a printer's margin
        canvas.showPage()
        self.pages += 1

    def save(self, target: str | Path | IO[bytes], title: str) -> int:
        """Write the file to *target* with *title*; return its page count."""
        save_canvas(self._canvas, self._out, target, title)
        return self.pages


def _draw_lines(canvas: Canvas, lines: tuple[SetLine, ...], size_pt: float, ink: Color) -> None:
    canvas.saveState()
    if ink == ADDRESS_INK:
        set_solid_black(canvas)
    else:
        canvas.setFillColor(ink)
    text = canvas.beginText()
    for line in lines:
        x = line.x_pt
        for run in line.runs:
            text.setTextOrigin(x, line.baseline_pt)
            text.setFont(run.font, size_pt)
            text.textOut(run.text)
            x += run.width_pt
    canvas.drawText(text)
    canvas.restoreState()
