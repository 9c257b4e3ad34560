"""Proofs: PNG pictures of cards and envelopes, rasterised from the very PDF bytes that print.

There is no second drawing path: :func:`write_proofs` asks :func:`output.render.render_files`
for the batch's print files (the bytes ``notecards batch`` would write for the same plan, with
every production option) and renders pages of them with pdfium; :func:`write_batch_proofs`
does the same from a batch's written ``cards.pdf``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter

from notecards.output.render import CARDS_PDF, PrintFiles, page_range, render_files
from notecards.paths import default_fonts_dir
from notecards.planning.batch import BatchPlan

PROOFS_DIR = "proofs"
CONTACT_SHEET = "contact-sheet.png"
#: Proof pages are rendered at this resolution (enough to read every word and scan the QR).
PROOF_DPI = 150
#: A contact sheet stays below this many pixels, however big the batch (thumbnails shrink).
SHEET_BUDGET_PX = 36_000_000
SHEET_WIDTH_PX = 2400
BACKDROP = (236, 233, 228)
CAPTION_INK = (70, 70, 70)


@dataclass(frozen=True, slots=True)
class ProofFiles:
    """What a preview wrote: per-card proofs, envelope proofs and the contact sheet."""

    cards: tuple[Path, ...]
    envelopes: tuple[Path, ...]
    contact_sheet: Path | None

    @property
    def all(self) -> tuple[Path, ...]:
        """Return every file written, in a stable order."""
        sheet = (self.contact_sheet,) if self.contact_sheet else ()
        return (*self.cards, *self.envelopes, *sheet)


def render_pdfium_page(page: pdfium.PdfPage, dpi: float) -> Image.Image:
    """Return an open pdfium *page* as an RGB image at *dpi*."""
    bitmap = page.render(scale=dpi / 72)
    try:
        image: Image.Image = bitmap.to_pil().convert("RGB")
        return image
    finally:
        bitmap.close()


def render_page(
    pdf: bytes | pdfium.PdfDocument, index: int, *, dpi: float = PROOF_DPI
) -> Image.Image:
    """Return page *index* of *pdf* as an RGB image at *dpi*."""
    document = pdf if isinstance(pdf, pdfium.PdfDocument) else pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        try:
            return render_pdfium_page(page, dpi)
        finally:
            page.close()
    finally:
        if document is not pdf:
            document.close()


def write_proofs(
    plan: BatchPlan, out_dir: str | Path, *, limit: int = 3, dpi: float = PROOF_DPI
) -> ProofFiles:
    """Write PNG proofs of the first *limit* cards of *plan*, and a contact sheet of them all.

    Writes ``card-001-outside.png``, ``card-001-inside.png``, ``envelope-001.png`` … and
    ``contact-sheet.png`` into *out_dir*. The pages come from the print files a batch would
    write for the same plan, with every production option: on imposed sheets a card's proof
    is its sheet, and on a label sheet its envelope proof is that sheet. Nothing goes to the
    ledger.

    >>> write_proofs(plan, "proofs/", limit=1).all  # doctest: +SKIP
    (PosixPath('proofs/card-001-outside.png'), ..., PosixPath('proofs/contact-sheet.png'))
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    printed = render_files(plan)
    if not plan.jobs:
        return ProofFiles((), (), None)
    cards: list[Path] = []
    envelopes: list[Path] = []
    documents = {name: pdfium.PdfDocument(data) for name, data in printed.files.items()}
    try:
        for place in printed.places[:limit]:
            n = place.card_number
            sides = zip(("outside", "inside"), page_range(place.cards_pages), strict=False)
            for side, page in sides:
                path = out / f"card-{n:03d}-{side}.png"
                render_page(documents[place.cards_file], page - 1, dpi=dpi).save(path)
                cards.append(path)
            if place.envelope_file:
                path = out / f"envelope-{n:03d}.png"
                page = int(place.envelope_page)
                render_page(documents[place.envelope_file], page - 1, dpi=dpi).save(path)
                envelopes.append(path)
        sheet = out / CONTACT_SHEET
        cells = _sheet_cells(plan, printed)
        contact_sheet(
            pdfium.PdfDocument(render_pdfs_from(printed, cells)),
            [label for _, label in cells],
            pages_per_card=plan.settings.card.pages_per_card,
            title=_sheet_title(plan),
        ).save(sheet, optimize=True)
    finally:
        for document in documents.values():
            document.close()
    return ProofFiles(tuple(cards), tuple(envelopes), sheet)


def _sheet_cells(plan: BatchPlan, printed: PrintFiles) -> list[tuple[tuple[str, str], str]]:
    """Return the contact sheet's cells: (file, pages) and caption, in card order.

    One card per cell, or one imposed sheet per cell captioned with every card on it.
    """
    captions = dict(zip((job.card_number for job in plan.jobs), card_labels(plan), strict=True))
    cells: dict[tuple[str, str], list[str]] = {}
    for place in printed.places:
        cells.setdefault((place.cards_file, place.cards_pages), []).append(
            captions[place.card_number]
        )
    return [
        (
            where,
            labels[0]
            if len(labels) == 1
            else "  ·  ".join(label.split("  ·  ")[0] for label in labels),
        )
        for where, labels in cells.items()
    ]


def render_pdfs_from(printed: PrintFiles, cells: Sequence[tuple[tuple[str, str], str]]) -> bytes:
    """Return one PDF of the pages of *cells*, in order, copied from the print files."""
    readers = {name: PdfReader(BytesIO(data)) for name, data in printed.files.items()}
    writer = PdfWriter()
    for (name, pages), _ in cells:
        for page in page_range(pages):
            writer.add_page(readers[name].pages[page - 1])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def write_batch_proofs(plan: BatchPlan, folder: Path) -> None:
    """Write ``proofs/contact-sheet.png`` from the ``cards.pdf`` already in *folder*.

    A :data:`rendering.Extra`: ``render_batch(plan, out, extras=[write_batch_proofs])``.
    """
    cards_path = folder / CARDS_PDF
    if not plan.jobs or not cards_path.exists():
        return
    target = folder / PROOFS_DIR
    target.mkdir(exist_ok=True)
    document = pdfium.PdfDocument(cards_path.read_bytes())
    try:
        contact_sheet(
            document,
            card_labels(plan),
            pages_per_card=plan.settings.card.pages_per_card,
            title=_sheet_title(plan),
        ).save(target / CONTACT_SHEET, optimize=True)
    finally:
        document.close()


def card_labels(plan: BatchPlan) -> tuple[str, ...]:
    """Return the caption of every card on a contact sheet: number, order id, recipient."""
    labels = []
    for job in plan.jobs:
        parts = [
            f"№ {job.card_number}",
            job.order.order_id,
            job.order.display_name,
            job.occasion.slug,
        ]
        labels.append("  ·  ".join(part for part in parts if part))
    return tuple(labels)


def _sheet_title(plan: BatchPlan) -> str:
    count = len(plan.jobs)
    return (
        f"{plan.settings.config.shop_name} — batch {plan.batch_id} — "
        f"{count} card{'s' if count != 1 else ''}"
    )


def contact_sheet(
    cards: bytes | pdfium.PdfDocument,
    labels: Sequence[str],
    *,
    pages_per_card: int = 2,
    title: str = "",
    width_px: int = SHEET_WIDTH_PX,
) -> Image.Image:
    """Return a contact sheet of every card in *cards*: each card's pages side by side.

    Cards are numbered by their position (``labels[i]`` captions card i + 1). Thumbnails shrink
    so the sheet stays under :data:`SHEET_BUDGET_PX`, whatever the size of the batch.
    """
    document = cards if isinstance(cards, pdfium.PdfDocument) else pdfium.PdfDocument(cards)
    try:
        count = len(document) // pages_per_card
        if count == 0:
            return Image.new("RGB", (width_px, 200), BACKDROP)
        page_w, page_h = document[0].get_size()
        gap = 24
        cell_ratio = pages_per_card * page_w / page_h  # cell width over thumbnail height
        # Largest thumbnail height whose grid fits the width and the pixel budget.
        thumb_h = 260
        while thumb_h > 40:
            cols = max(1, (width_px - gap) // int(thumb_h * cell_ratio + 2 * gap))
            rows = math.ceil(count / cols)
            if rows * (thumb_h + 3 * gap) * width_px <= SHEET_BUDGET_PX:
                break
            thumb_h -= 10
        thumb_w = round(thumb_h * page_w / page_h)
        cell_w = pages_per_card * thumb_w + (pages_per_card - 1) * gap // 2
        cols = max(1, min(count, (width_px - gap) // (cell_w + gap)))
        rows = math.ceil(count / cols)
        caption_px = max(11, min(22, thumb_h // 11))
        head = 90 if title else gap
        cell_h = thumb_h + caption_px * 2 + gap
        sheet = Image.new("RGB", (width_px, head + rows * cell_h + gap), BACKDROP)
        draw = ImageDraw.Draw(sheet)
        caption_font = _font("NotoSans-Regular.ttf", caption_px)
        left = (width_px - cols * cell_w - (cols - 1) * gap) // 2
        if title:
            draw.text((left, 34), title, fill=CAPTION_INK, font=_font("NotoSerif-Regular.ttf", 30))
        for card in range(count):
            row, col = divmod(card, cols)
            x = left + col * (cell_w + gap)
            y = head + row * cell_h
            for offset in range(pages_per_card):
                thumb = render_page(
                    document, card * pages_per_card + offset, dpi=72 * thumb_h / page_h
                ).resize((thumb_w, thumb_h))
                _paste_with_shadow(sheet, thumb, (x + offset * (thumb_w + gap // 2), y))
            label = labels[card] if card < len(labels) else f"№ {card + 1}"
            draw.text(
                (x, y + thumb_h + caption_px // 2 + 4),
                _fit(draw, label, caption_font, cell_w),
                fill=CAPTION_INK,
                font=caption_font,
            )
        return sheet
    finally:
        if document is not cards:
            document.close()


def _paste_with_shadow(sheet: Image.Image, thumb: Image.Image, at: tuple[int, int]) -> None:
    """Paste *thumb* at *at* over a soft drop shadow (cards on a table, not boxes on a grid)."""
    pad = 8
    shadow = Image.new("L", (thumb.width + 2 * pad, thumb.height + 2 * pad), 0)
    ImageDraw.Draw(shadow).rectangle((pad, pad, pad + thumb.width, pad + thumb.height), fill=70)
    shadow = shadow.filter(ImageFilter.GaussianBlur(4))
    sheet.paste((150, 145, 138), (at[0] - pad + 2, at[1] - pad + 3), shadow)
    sheet.paste(thumb, at)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """Return *text*, shortened with an ellipsis until it fits *width* pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(default_fonts_dir() / name), size)
