"""Draw cards: one canvas per file, shared artwork as form XObjects, the message by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from typing import IO

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

from notecards.drawing.artwork import motif_for
from notecards.drawing.pages import (
    DEFAULT_INK_LIMIT,
    draw_crop_marks,
    hex_color,
    make_canvas,
    save_canvas,
    set_solid_black,
)
from notecards.drawing.postcards import draw_address_side
from notecards.handwriting import draw_block
from notecards.handwriting.signatures import draw_signature, line_weight_pt
from notecards.internals import fill_rects
from notecards.layout.fonts import SIGNATURE_FALLBACKS, chain, measure
from notecards.layout.geometry import Box
from notecards.layout.panels import CardGeometry, marker_anchor
from notecards.layout.qrcodes import CAPTION_PT, Matrix, caption_baseline_pt, dark_runs
from notecards.planning.jobs import CardContent
from notecards.planning.occasions import FrontDesign

LABEL_GREY = Color(0.62, 0.62, 0.62)
CODE_GREY = Color(0.25, 0.25, 0.25)
CAPTION_GREY = Color(0.35, 0.35, 0.35)


def draw_cards(
    target: str | Path | IO[bytes],
    geometry: CardGeometry,
    contents: Iterable[CardContent],
    *,
    shop_name: str,
    title: str,
    progress: Callable[[int], None] | None = None,
    cmyk: bool = False,
    ink_limit: float = DEFAULT_INK_LIMIT,
) -> int:
    """Draw every card of *contents* (two pages each) into *target*; return the page count.

    With *cmyk* every colour is written as CMYK, at most *ink_limit* (see pages.make_canvas).
    """
    writer = CardWriter(geometry, shop_name=shop_name, cmyk=cmyk, ink_limit=ink_limit)
    for content in contents:
        writer.add(content)
        if progress is not None:
            progress(1)
    return writer.save(target, title)


class CardWriter:
    """A cards file drawn a card at a time, its title and place given when it is saved (a
    batch may start drawing its cards, in a worker, before it knows its id)."""

    def __init__(
        self,
        geometry: CardGeometry,
        *,
        shop_name: str,
        cmyk: bool = False,
        ink_limit: float = DEFAULT_INK_LIMIT,
    ) -> None:
        self.geometry = geometry
        self.shop_name = shop_name
        self.cmyk = cmyk
        self.pages = 0
        self._out = BytesIO()
        self._canvas = make_canvas(
            self._out,
            geometry.page,
            title="",
            author=shop_name,
            subject="Greeting cards, print-ready",
            cmyk=cmyk,
            ink_limit=ink_limit,
        )
        self._forms: set[str] = set()
        card = geometry.card
        self._folds = (geometry.front.x_pt,) if card.folded and card.fold == "side" else ()

    def add(self, content: CardContent) -> None:
        """Draw one card: the outside (front and back), then the inside."""
        canvas, geometry, folds = self._canvas, self.geometry, self._folds
        _ensure_forms(canvas, geometry, content, self.shop_name, self._forms)
        canvas.doForm(_front_form(content.occasion))
        if geometry.back is not None:
            canvas.doForm(_back_form(content.occasion))
            _draw_label(canvas, geometry.safe(geometry.back), geometry.page.trim, content.label)
        draw_crop_marks(canvas, geometry.page, folds)
        canvas.showPage()
        _ensure_caption_form(canvas, content, self._forms)
        _draw_inside(canvas, geometry, content, cmyk=self.cmyk)
        if content.address is not None:
            draw_address_side(canvas, geometry.page.trim, content.address, content.label)
        elif geometry.back is None:
            _draw_label(
                canvas, geometry.safe(geometry.message_panel), geometry.page.trim, content.label
            )
        draw_crop_marks(canvas, geometry.page, folds)
        canvas.showPage()
        self.pages += 2

    def save(self, target: str | Path | IO[bytes], title: str) -> int:
        """Write the file to *target* with *title*; return its page count."""
        save_canvas(self._canvas, self._out, target, title)
        return self.pages


def _front_form(occasion: str) -> str:
    return f"front-{occasion}"


def _back_form(occasion: str) -> str:
    return f"back-{occasion}"


def _ensure_forms(
    canvas: Canvas, geometry: CardGeometry, content: CardContent, shop_name: str, forms: set[str]
) -> None:
    # A form must be defined before anything is drawn on the current page (reportlab
    # restarts the page's accumulators when a form ends), so this runs first on each page.
    name = _front_form(content.occasion)
    if name not in forms:
        box = geometry.front
        canvas.beginForm(name)
        _draw_front(canvas, box, content.front)
        canvas.endForm()
        forms.add(name)
    if geometry.back is not None and _back_form(content.occasion) not in forms:
        canvas.beginForm(_back_form(content.occasion))
        _draw_back(canvas, geometry.safe(geometry.back), content.front, shop_name)
        canvas.endForm()
        forms.add(_back_form(content.occasion))


def _ensure_caption_form(canvas: Canvas, content: CardContent, forms: set[str]) -> None:
    if content.qr is None or content.qr_box is None or not content.qr_caption:
        return
    name = f"qrcaption-{content.occasion}"
    if name in forms:
        return
    canvas.beginForm(name)
    box = content.qr_box
    canvas.setFillColor(CAPTION_GREY)
    canvas.setFont("NotoSerif-Italic", CAPTION_PT)
    baseline = caption_baseline_pt(box.y_pt, box.width_pt)
    canvas.drawCentredString(box.x_pt + box.width_pt / 2, baseline, content.qr_caption)
    canvas.endForm()
    forms.add(name)


def _draw_front(canvas: Canvas, panel: Box, front: FrontDesign) -> None:
    """Draw the front design: motif, script title and a quiet subtitle, centred as one group.

    Sizes follow the panel's smaller side, so portrait (folded) and landscape (flat) fronts
    both keep generous margins; the group sits a little above the middle (optical centre).
    """
    width, height = panel.width_pt, panel.height_pt
    motif_size = min(width * 0.46, height * 0.34)
    title_size = min(width * 0.15, height * 0.12)
    max_width = width * 0.80
    title_width = measure(front.title, front.title_font, title_size)
    if title_width > max_width:
        title_size *= max_width / title_width
    sub_size = max(7.0, min(width * 0.026, height * 0.022))
    # Script capitals rise ~0.75 em; descenders fall ~0.45 em below the baseline.
    group = (
        motif_size
        + title_size * 0.25
        + title_size * 0.75
        + title_size * 0.5
        + (sub_size * 1.6 if front.subtitle else 0)
    )
    top = panel.top_pt - (height - group) * 0.45
    motif_y = top - motif_size
    title_y = motif_y - title_size * 0.25 - title_size * 0.75
    centre = panel.x_pt + width / 2
    canvas.saveState()
    canvas.translate(centre - motif_size / 2, motif_y)
    canvas.scale(motif_size / 100, motif_size / 100)
    motif_for(front.motif)(canvas, front.accent)
    canvas.restoreState()
    canvas.setFillColor(hex_color(front.accent))
    canvas.setFont(front.title_font, title_size)
    canvas.drawCentredString(centre, title_y, front.title)
    if front.subtitle:
        text = front.subtitle.upper()
        spacing = sub_size * 0.28
        sub_width = measure(text, "NotoSerif", sub_size) + spacing * (len(text) - 1)
        canvas.setFillColor(hex_color(front.accent, tint=0.15))
        text_object = canvas.beginText(
            centre - sub_width / 2, title_y - title_size * 0.5 - sub_size * 1.6
        )
        text_object.setFont("NotoSerif", sub_size)
        text_object.setCharSpace(spacing)
        text_object.textOut(text)
        canvas.drawText(text_object)


def _draw_back(canvas: Canvas, safe: Box, front: FrontDesign, shop_name: str) -> None:
    """Draw the back panel: a small motif and the shop's name, as on bought stationery."""
    centre = safe.x_pt + safe.width_pt / 2
    mark = safe.width_pt * 0.11
    canvas.saveState()
    canvas.translate(centre - mark / 2, safe.y_pt + safe.height_pt * 0.12 + 16)
    canvas.scale(mark / 100, mark / 100)
    motif_for(front.motif)(canvas, front.accent)
    canvas.restoreState()
    size = 6.5
    text = shop_name.upper()
    spacing = 1.4
    width = measure(text, "NotoSerif", size) + spacing * (len(text) - 1)
    text_object = canvas.beginText(centre - width / 2, safe.y_pt + safe.height_pt * 0.12)
    text_object.setFont("NotoSerif", size)
    text_object.setCharSpace(spacing)
    text_object.setFillColor(hex_color(front.accent, tint=0.1))
    text_object.textOut(text)
    canvas.drawText(text_object)


def _draw_label(canvas: Canvas, safe: Box, trim: Box, label: str) -> None:
    """Draw the tiny packing label (card number) in the lower right of a safe area, clear of
    a desktop printer's unprintable margin (see panels.marker_anchor)."""
    canvas.setFillColor(LABEL_GREY)
    canvas.setFont("NotoSans", 5)
    canvas.drawRightString(*marker_anchor(safe, trim), label)


def _signature_runs(font_name: str) -> Callable[[str], list[tuple[str, str]]]:
    """Return how a signature in *font_name* is split: its face, then the world's fallbacks."""
    return chain(font_name, SIGNATURE_FALLBACKS).runs


def _draw_inside(
    canvas: Canvas, geometry: CardGeometry, content: CardContent, *, cmyk: bool = False
) -> None:
    # The hand writes its own colour operators (not through the canvas), so it is told.
    draw_block(canvas, content.message, content.hand, content.seed, cmyk=cmyk)
    draw_signature(
        canvas,
        content.signer,
        content.signature_box,
        content.seed,
        ink=content.hand.ink,
        cmyk=cmyk,
        runs_of=_signature_runs,
        weight_pt=line_weight_pt(content.hand, content.message.size_pt),
    )
    if content.qr is not None and content.qr_box is not None:
        draw_qr(canvas, content.qr, content.qr_box)
        if content.qr_caption:
            canvas.doForm(f"qrcaption-{content.occasion}")
    if content.code_line and content.code_box is not None:
        _draw_code_line(canvas, content.code_box, content.code_line)


def _draw_code_line(canvas: Canvas, safe: Box, line: str) -> None:
    """Print the card's code small and plain under the writing, aligned with its left edge."""
    canvas.setFillColor(CODE_GREY)
    canvas.setFont("NotoSans", 7.5)
    canvas.drawString(safe.x_pt, safe.y_pt + 4, line)


def draw_qr(canvas: Canvas, matrix: Matrix, box: Box) -> None:
    """Draw *matrix* as vector rectangles filling *box* (quiet zone lies outside the box).

    A run of dark modules at the same place in the same box is the same rectangle on every
    card, so each is formatted once (per box and module size).
    """
    modules = len(matrix)
    module = box.width_pt / modules
    canvas.saveState()
    set_solid_black(canvas)
    x, top = box.x_pt, box.top_pt
    placed = _QR_RECTS.get((x, top, module))
    if placed is None or len(placed) > 50_000:
        placed = _QR_RECTS[(x, top, module)] = {}
    rects = []
    for run in dark_runs(matrix):
        rect = placed.get(run)
        if rect is None:
            row, col, length = run
            corner = (x + col * module, top - (row + 1) * module)
            rect = placed[run] = f"{fp_str((*corner, length * module, module))} re"
        rects.append(rect)
    fill_rects(canvas, rects)
    canvas.restoreState()


#: Each QR rectangle formatted so far, by (box x, box top, module size), then by run.
_QR_RECTS: dict[tuple[float, float, float], dict[tuple[int, int, int], str]] = {}
