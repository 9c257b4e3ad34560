"""Write one part of a batch: its cards file and its envelopes or labels, on one core or two,
each file handed to the preflight checkers as soon as it is written; say where every card is.

Two ways to use a second core (``output/parallel.py``): a big batch's cards were drawn in
the worker while it planned (``output/early.py``), and this process draws the envelopes while
the worker saves the cards; otherwise this process draws the cards while the worker draws
(and checks) the envelopes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from notecards.drawing.labels import draw_labels
from notecards.drawing.sheets import has_room_for_marks
from notecards.layout.catalogue import Fold
from notecards.layout.fonts import CLEAN_FALLBACKS, chain, measure
from notecards.layout.imposition import SheetLayout, position_of, sheet_count
from notecards.layout.labels import LabelSheet, layout_label
from notecards.layout.panels import PRINTABLE_MARGIN_PT
from notecards.output.cardfile import cards_title, write_cards
from notecards.output.early import EarlyCards
from notecards.output.parallel import DrawPool, take_early, write_envelopes
from notecards.output.pdfx import finish_pdf
from notecards.planning.compose import recipient_lines
from notecards.planning.jobs import CardJob
from notecards.preflight.spec import PreflightQueue, PreflightSpec, spec_for_card, spec_for_envelope
from notecards.settings import BatchSettings, Mailing
from notecards.wording import plural
from notecards.workers import stop_pool

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class CardPlace:
    """Where one card's pages and its envelope (or label) are in the hand-off files."""

    card_number: int
    cards_file: str
    cards_pages: str
    envelope_file: str
    envelope_page: str
    position: str = ""


@dataclass(frozen=True, slots=True)
class Part:
    """One part (or one format group) of the hand-off: its files and where each card is."""

    files: list[dict[str, Any]]
    places: list[CardPlace]
    card_pages: int
    envelope_pages: int
    ticket: dict[str, Any]


def write_part(
    batch_id: str,
    settings: BatchSettings,
    chunk: Sequence[CardJob],
    folder: Path,
    cards_name: str,
    mail_name: str,
    layout: SheetLayout | None,
    progress: Progress | None,
    checks: PreflightQueue | None,
    pool: DrawPool | None = None,
) -> Part:
    """Write one part: *chunk*'s cards into *cards_name*, their envelopes or labels into
    *mail_name* ("" for postcards); submit both to *checks* when given.

    *batch_id* goes into the PDFs' titles. The returned part has no ticket. With *pool*,
    a second process draws too: the cards, when it drew them while the batch was planning
    (output/early.py), else the envelopes, while this one draws the cards.
    """
    job = _PartJob(
        batch_id, settings, chunk, folder, cards_name, mail_name, layout, progress, checks
    )
    early = take_early() if pool is not None else None
    if early is not None:
        assert pool is not None
        if early.broken:  # its worker died: stop what is left of it, draw everything here
            stop_pool(early.executor, interrupted=True)
        else:
            pool.adopt(early.executor)  # stopped with the pool
        if not early.matches(settings, chunk):
            early.abandon()
            early = None
    if early is not None:
        pages, count = _write_early(job, early)
    else:
        pages, count = _write_alongside(job, pool)
    files = [{"file": cards_name, "pages": pages, "content": _cards_content(layout, len(chunk))}]
    if job.mailing:
        files.append(
            {
                "file": mail_name,
                "pages": count,
                "content": f"{len(chunk)} {job.mailing}, in card order",
            }
        )
    places = _places(settings, chunk, cards_name, mail_name, layout)
    return Part(files, places, pages, count, {})


@dataclass(frozen=True, slots=True)
class _PartJob:
    """What writing one part needs (write_part's arguments)."""

    batch_id: str
    settings: BatchSettings
    chunk: Sequence[CardJob]
    folder: Path
    cards_name: str
    mail_name: str
    layout: SheetLayout | None
    progress: Progress | None
    checks: PreflightQueue | None

    @property
    def mailing(self) -> Mailing | None:
        """Return what goes with the cards: envelopes, labels, or None (postcards)."""
        return self.settings.production.mailing if self.mail_name else None

    def envelopes_title(self) -> str:
        """Return the title of the part's envelopes file."""
        return f"{self.settings.config.shop_name} envelopes {self.batch_id}"

    def submit_cards(self) -> None:
        """Hand the finished cards file to the checkers."""
        if self.checks is not None:
            spec = _card_spec(self.settings, self.layout)
            self.checks.submit(self.folder / self.cards_name, spec, self.cards_name)

    def submit_mail(self) -> None:
        """Hand the finished envelopes or labels file to the checkers."""
        if self.checks is not None and self.mailing:
            labels = self.settings.production.labels if self.mailing is Mailing.LABELS else None
            spec = _mail_spec(self.settings, labels)
            self.checks.submit(self.folder / self.mail_name, spec, self.mail_name)

    def write_labels(self, progress: Progress | None) -> int:
        """Write and finish the part's labels file; return its page count."""
        path = self.folder / self.mail_name
        count = _write_labels(self.settings, self.batch_id, self.chunk, path, progress)
        finish_pdf(path, standard=self.settings.production.pdfx)
        return count


def _write_alongside(job: _PartJob, pool: DrawPool | None) -> tuple[int, int]:
    """Draw the cards here, the envelopes in the pool's worker meanwhile (or here too)."""
    settings, checks = job.settings, job.checks
    envelopes = None
    if job.mailing is Mailing.ENVELOPES:  # drawn alongside the cards when a worker is free
        envelopes = (pool or DrawPool(1)).start(
            job.folder / job.mail_name,
            settings,
            job.chunk,
            job.envelopes_title(),
            job.progress,
            _mail_spec(settings, None),
            checked=checks is not None,
        )
    cards_path = job.folder / job.cards_name
    pages = write_cards(settings, job.batch_id, job.chunk, cards_path, job.layout, job.progress)
    finish_pdf(cards_path, standard=settings.production.pdfx)
    job.submit_cards()
    if envelopes is None:
        count = job.write_labels(job.progress) if job.mailing is Mailing.LABELS else 0
        job.submit_mail()
        return pages, count
    count, checked = envelopes()
    if checks is not None and checked is not None:  # checked by the worker
        pages_found, document = checked
        mail_path = job.folder / job.mail_name
        spec = _mail_spec(settings, None)
        checks.add_checked(mail_path, spec, job.mail_name, pages_found, document)
    else:
        job.submit_mail()
    return pages, count


def _write_early(job: _PartJob, early: EarlyCards) -> tuple[int, int]:
    """Have the worker save the cards it drew while planning, and draw the envelopes or
    labels here meanwhile; the cards file is checked as soon as it is saved."""
    settings = job.settings
    cards_path = job.folder / job.cards_name
    saved = early.finish(cards_path, cards_title(settings, job.batch_id))
    submitted = False

    def drawn(count: int) -> None:  # the mail's progress: submit the cards once saved
        nonlocal submitted
        if job.progress is not None:
            job.progress(count)
        if not submitted and saved.done() and saved.exception() is None:
            job.submit_cards()
            submitted = True

    count = 0
    if job.mailing is Mailing.ENVELOPES:
        path = job.folder / job.mail_name
        count = write_envelopes(path, settings, job.chunk, job.envelopes_title(), drawn)
    elif job.mailing is Mailing.LABELS:
        count = job.write_labels(drawn)
    try:
        pages = saved.result()
    except Exception:  # noqa: BLE001 - a card failed there (or the worker died): draw here
        pages = write_cards(settings, job.batch_id, job.chunk, cards_path, job.layout, None)
        finish_pdf(cards_path, standard=settings.production.pdfx)
    if job.progress is not None:
        job.progress(len(job.chunk))
    if not submitted:
        job.submit_cards()
    job.submit_mail()
    return pages, count


def _cards_content(layout: SheetLayout | None, cards: int) -> str:
    if layout is None:
        return f"{plural(cards, 'card')}, one per page pair"
    return f"{plural(cards, 'card')}, {layout.per_sheet}-up, front/back per sheet"


def _write_labels(
    settings: BatchSettings,
    batch_id: str,
    chunk: Sequence[CardJob],
    path: Path,
    progress: Progress | None,
) -> int:
    sheet = settings.production.labels
    assert sheet is not None
    boxes = sheet.boxes()
    fonts = chain("NotoSans", CLEAN_FALLBACKS)
    labels = (
        layout_label(
            boxes[i % sheet.per_sheet],
            recipient_lines(job, settings),
            f"№ {job.card_number}",
            measure=measure,
            font_for=fonts,
        )
        for i, job in enumerate(chunk)
    )
    return draw_labels(
        path,
        sheet,
        labels,
        shop_name=settings.config.shop_name,
        title=f"{settings.config.shop_name} labels {batch_id}",
        cmyk=settings.production.cmyk,
        ink_limit=settings.production.ink_limit,
        progress=progress,
    )


def _places(
    settings: BatchSettings,
    chunk: Sequence[CardJob],
    cards_name: str,
    mail_name: str,
    layout: SheetLayout | None,
) -> list[CardPlace]:
    pages = settings.card.pages_per_card
    sheet = settings.production.labels
    sheets = sheet_count(len(chunk), layout.per_sheet) if layout is not None else 0
    places = []
    for index, job in enumerate(chunk):
        position = []
        if layout is not None:
            sheet_index, slot = position_of(index, sheets)
            first = sheet_index * pages + 1
            row, col = divmod(slot, layout.columns)
            position.append(
                f"sheet {sheet_index + 1} slot {slot + 1} (row {row + 1}, column {col + 1})"
            )
        else:
            first = index * pages + 1
        envelope_page = str(index + 1) if mail_name else ""
        if sheet is not None:
            label_sheet, label = sheet.position(index)
            envelope_page = str(label_sheet)
            position.append(f"label {label} on label sheet {label_sheet}")
        places.append(
            CardPlace(
                job.card_number,
                cards_name,
                f"{first}-{first + pages - 1}",
                mail_name,
                envelope_page,
                "; ".join(position),
            )
        )
    return places


def _card_spec(settings: BatchSettings, layout: SheetLayout | None) -> PreflightSpec:
    """Return what the cards files are checked against. Imposed or calibrated sheets are the
    paper's size, not the card's: their size is not compared, but their marks and margins
    are (they go through a desktop printer or a guillotine)."""
    production = settings.production
    spec = replace(
        spec_for_card(settings.card, settings.bleed_pt),
        require_cmyk=production.cmyk,
        ink_limit=production.ink_limit,
        pdfx=production.pdfx,
        crop_marks=settings.crop_marks if layout is None else has_room_for_marks(layout),
        fold_marks=settings.crop_marks
        and layout is None
        and settings.card.folded
        and settings.card.fold is Fold.SIDE,
    )
    if layout is not None or production.calibration is not None:
        return replace(spec, any_size=True, printable_margin_pt=PRINTABLE_MARGIN_PT)
    return spec


def _mail_spec(settings: BatchSettings, labels: LabelSheet | None) -> PreflightSpec:
    """Return what envelopes (or label sheets) are checked against: printed on a desktop, so
    text keeps out of the unprintable margin."""
    production = settings.production
    spec = spec_for_envelope(settings.envelope)
    if labels is not None:
        spec = replace(spec, any_size=True)
    return replace(
        spec,
        require_cmyk=production.cmyk,
        ink_limit=production.ink_limit,
        pdfx=production.pdfx,
        printable_margin_pt=PRINTABLE_MARGIN_PT if labels is None else 0.0,
    )
