"""Draw address-label sheets: one page per sheet, labels in card order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from reportlab.lib.colors import Color

from notecards.drawing.envelopes import ADDRESS_INK, LABEL_GREY, _draw_lines
from notecards.drawing.pages import DEFAULT_INK_LIMIT, make_canvas
from notecards.layout.labels import LABEL_PADDING_PT, LabelLayout, LabelSheet
from notecards.layout.panels import page_geometry


def draw_labels(
    target: str | Path | IO[bytes],
    sheet: LabelSheet,
    labels: Iterable[LabelLayout],
    *,
    shop_name: str,
    title: str,
    cmyk: bool = False,
    ink_limit: float = DEFAULT_INK_LIMIT,
    guides: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Draw every label of *labels* (already placed on *sheet*); return the page count.

    *guides* outlines each label in a pale line, for a test print on plain paper.
    """
    page = page_geometry(sheet.paper_width_pt, sheet.paper_height_pt, 0.0, False)
    canvas = make_canvas(
        target,
        page,
        title=title,
        author=shop_name,
        subject=f"Address labels, {sheet.title}, in card order",
        cmyk=cmyk,
        ink_limit=ink_limit,
    )
    pages = 0
    on_page = 0
    for layout in labels:
        if guides and on_page == 0:
            canvas.setStrokeColor(Color(0.85, 0.85, 0.85))
            canvas.setLineWidth(0.3)
            for box in sheet.boxes():
                canvas.roundRect(box.x_pt, box.y_pt, box.width_pt, box.height_pt, 6)
        _draw_lines(canvas, layout.lines, layout.size_pt, ADDRESS_INK)
        # The card number, tiny, in the label's top-right corner: above the address, where
        # USPS allows non-address printing, and it lets the packer match label and card. It
        # keeps the address's padding from the die cut (labels shift ~1 mm on a desktop).
        canvas.setFillColor(LABEL_GREY)
        canvas.setFont("NotoSans", 4.5)
        canvas.drawRightString(
            layout.box.right_pt - LABEL_PADDING_PT,
            layout.box.top_pt - LABEL_PADDING_PT - 4.5 * 0.72,
            layout.label,
        )
        on_page += 1
        if progress is not None:
            progress(1)
        if on_page == sheet.per_sheet:
            canvas.showPage()
            pages += 1
            on_page = 0
    if on_page:
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages
