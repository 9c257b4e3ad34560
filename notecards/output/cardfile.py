"""One cards file: the cards drawn from their layouts, then imposed or calibrated when the
production asks, under the file's name and title.

The hand-off draws a part's cards here (:func:`write_cards`); a big batch draws them earlier,
in a worker, as they are planned (``output/early.py``), with the same writer and the same
:func:`save_cards`, so the file is the same bytes either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from io import BytesIO
from pathlib import Path

from notecards.drawing.cards import CardWriter
from notecards.drawing.sheets import calibrate, impose
from notecards.layout.catalogue import Fold
from notecards.layout.imposition import Matrix, SheetLayout, layout_sheet
from notecards.layout.panels import CardGeometry, card_geometry
from notecards.planning.compose import layout_card
from notecards.planning.jobs import CardContent, CardJob
from notecards.settings import BatchSettings

Progress = Callable[[int], None]
Fixes = tuple[Matrix, Matrix]  # the front pages' and the back pages' calibration


def sheet_layout(settings: BatchSettings) -> SheetLayout | None:
    """Return the imposition layout of *settings*' card, or None for one card per page pair."""
    paper = settings.production.imposition
    if paper is None:
        return None
    geometry = card_geometry(settings.card, settings.bleed_pt, False)
    return layout_sheet(
        paper,
        geometry.page.trim,
        settings.bleed_pt,
        crop_marks=settings.crop_marks,
        flip=settings.production.flip,
        fold=settings.card.fold if settings.card.folded else Fold.SIDE,
    )


def cards_title(settings: BatchSettings, batch_id: str) -> str:
    """Return the title a batch's cards files carry."""
    return f"{settings.config.shop_name} cards {batch_id}"


def drawn_geometry(settings: BatchSettings, layout: SheetLayout | None) -> CardGeometry:
    """Return the geometry cards are drawn in: imposed sheets get their own marks, so a card
    bound for a sheet is drawn without the crop-mark slug."""
    crop_marks = settings.crop_marks and layout is None
    return card_geometry(settings.card, settings.bleed_pt, crop_marks)


def keeps_layouts(settings: BatchSettings, layout: SheetLayout | None) -> bool:
    """Return True when the cards are drawn from planning's layouts as they are (False: the
    slug differs, and each card is laid out again for the sheet)."""
    return layout is None or not settings.crop_marks


def open_cards(settings: BatchSettings, layout: SheetLayout | None) -> CardWriter:
    """Return an empty cards file for *settings*, to be imposed on *layout* when saved."""
    production = settings.production
    return CardWriter(
        drawn_geometry(settings, layout),
        shop_name=settings.config.shop_name,
        cmyk=production.cmyk,
        ink_limit=production.ink_limit,
    )


def card_content(job: CardJob, settings: BatchSettings, layout: SheetLayout | None) -> CardContent:
    """Return what is drawn of *job*'s card: planning's layout when it fits the file."""
    if job.content is not None and keeps_layouts(settings, layout):
        return job.content
    # Laid out with the crop-mark slug, drawn without it: lay out again (cheap, deterministic).
    flat = settings if keeps_layouts(settings, layout) else replace(settings, crop_marks=False)
    return layout_card(job, flat, drawn_geometry(settings, layout))


def save_cards(
    writer: CardWriter,
    settings: BatchSettings,
    path: Path,
    layout: SheetLayout | None,
    title: str,
) -> int:
    """Save *writer*'s cards at *path* (imposed on *layout*, calibrated when the production
    says); return the page count of the file."""
    fixes = _fixes(settings)
    if layout is None and fixes is None:
        return writer.save(path, title)
    buffer = BytesIO()
    pages = writer.save(buffer, title)
    if layout is None and fixes is not None:
        calibrate(buffer.getvalue(), path, fixes)
        return pages
    assert layout is not None
    sheets = impose(
        buffer.getvalue(),
        layout,
        path,
        pages_per_card=settings.card.pages_per_card,
        crop_marks=True,  # a sheet of several cards is always cut: mark where
        calibration=fixes,
        title=title,
    )
    return sheets * settings.card.pages_per_card


def write_cards(
    settings: BatchSettings,
    batch_id: str,
    chunk: Sequence[CardJob],
    path: Path,
    layout: SheetLayout | None,
    progress: Progress | None,
) -> int:
    """Draw *chunk*'s cards into *path*; return the page count of the file."""
    writer = open_cards(settings, layout)
    for content in _contents(settings, chunk, layout):
        writer.add(content)
        if progress is not None:
            progress(1)
    return save_cards(writer, settings, path, layout, cards_title(settings, batch_id))


def _contents(
    settings: BatchSettings, chunk: Sequence[CardJob], layout: SheetLayout | None
) -> Iterator[CardContent]:
    return (card_content(job, settings, layout) for job in chunk)


def _fixes(settings: BatchSettings) -> Fixes | None:
    calibration = settings.production.calibration
    if calibration is None or calibration.is_identity:
        return None
    return (calibration.matrix(), calibration.matrix(back=True))
