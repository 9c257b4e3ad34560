"""Render a planned batch: write every file to a temporary folder, move them into place,
then record the batch in the ledger in one transaction.

A crash before the move leaves nothing behind; a crash between the move and the ledger leaves
the files but no ledger rows, and running the same command again completes the batch (the
same plan gives the same bytes and the same batch id).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import IO

from pypdf import PdfReader, PdfWriter

from notecards.drawing.cards import draw_cards
from notecards.drawing.envelopes import draw_envelopes
from notecards.layout.card import layout_card, layout_envelope_for
from notecards.layout.fonts import register_bundled_fonts
from notecards.layout.panels import card_geometry
from notecards.ledger import IssuedCard, open_ledger
from notecards.output.handoff import CardPlace, FormatGroup, format_groups, write_handoff
from notecards.output.manifest import MANIFEST_COLUMNS, write_rejects, write_rows
from notecards.planning.batch import BatchPlan, CardJob

CARDS_PDF = "cards.pdf"
ENVELOPES_PDF = "envelopes.pdf"
MANIFEST_CSV = "manifest.csv"
REJECTS_CSV = "rejects.csv"
SKIPPED_CSV = "skipped.csv"

Progress = Callable[[int], None]
Extra = Callable[[BatchPlan, Path], None]
"""Writes more outputs of a batch (proofs, plotter files) into its staging folder, after the
PDFs and the manifest are there; what it writes is moved into place with everything else."""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a rendered batch wrote."""

    batch_id: str
    out_dir: Path
    files: tuple[Path, ...]
    cards: int
    card_pages: int
    envelope_pages: int
    recorded: bool
    findings: tuple[str, ...] = ()
    """Preflight findings on the batch's own files (see handoff.write_handoff)."""


def render_batch(
    plan: BatchPlan,
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    record: bool = True,
    now: datetime | None = None,
    extras: Sequence[Extra] = (),
) -> BatchResult:
    """Write the batch's files into *out_dir* and record it in the ledger.

    *progress* is called with 1 for every card drawn and every envelope drawn (so a batch of
    N cards reports 2N steps). With no cards, no PDFs are written (yesterday's files in the
    same folder are left alone), but rejects and skips are.

    Raises:
        LayoutError, FontError: a card cannot be drawn (checked while planning, so rare).
        LedgerError: the ledger cannot be written; the files are in place, rerun to record.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".notecards-partial-{plan.batch_id}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    settings = plan.settings
    try:
        register_bundled_fonts()
        card_pages = envelope_pages = 0
        findings: tuple[str, ...] = ()
        if plan.jobs:
            handoff = write_handoff(plan, staging, progress)
            card_pages, envelope_pages = handoff.card_pages, handoff.envelope_pages
            findings = handoff.findings
            _write_manifest(plan, staging / MANIFEST_CSV, handoff.places)
            for extra in extras:
                extra(plan, staging)
        # Always written (a header alone when empty): scripts read them after every run.
        write_rejects(staging / REJECTS_CSV, plan.rejects)
        write_rows(
            staging / SKIPPED_CSV,
            ("order_id", "recipient", "reason", "source"),
            (
                [s.order.order_id, s.order.display_name, s.reason, s.order.source.describe()]
                for s in plan.skipped
            ),
        )
        files = move_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    recorded = False
    if record and (plan.jobs or plan.suppress):
        record_batch(
            settings.ledger_path,
            plan.suppress,
            plan.batch_id,
            plan.batch_date,
            out,
            (issued_card(job) for job in plan.jobs) if plan.jobs else None,
            now,
        )
        recorded = True
    return BatchResult(
        plan.batch_id,
        out,
        tuple(files),
        len(plan.jobs),
        card_pages,
        envelope_pages,
        recorded,
        findings,
    )


def move_into_place(staging: Path, out: Path, skip: Sequence[Path] = ()) -> list[Path]:
    """Move every file and folder of *staging* into *out* (replacing same-named ones)."""
    files = []
    for item in sorted(staging.iterdir()):
        if item in skip:
            continue
        target = out / item.name
        if item.is_dir() and target.is_dir():  # e.g. plotter/ of an earlier run
            shutil.rmtree(target)
        os.replace(item, target)
        files.append(target)
    return files


def record_batch(
    ledger_path: Path,
    suppress: Sequence[tuple[str, str]],
    batch_id: str,
    batch_date: date,
    out: Path,
    cards: Iterable[IssuedCard] | None,
    now: datetime | None = None,
) -> None:
    """Record a written batch in the ledger: new suppressions, then its cards (if any).

    Raises:
        LedgerError: the ledger cannot be written; the files are in place, rerun to record.
    """
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with open_ledger(ledger_path) as ledger:
        for key, label in suppress:
            ledger.suppress(key, label, "do_not_contact in input", stamp)
        if cards is not None:
            ledger.record_batch(batch_id, batch_date.isoformat(), stamp, str(out.resolve()), cards)


def render_pdfs(plan: BatchPlan, progress: Progress | None = None) -> tuple[bytes, bytes]:
    """Return the cards and envelopes PDFs of *plan* as bytes, exactly as a batch writes them.

    Nothing is written and nothing is recorded: proofs are rasterised from these bytes.
    """
    register_bundled_fonts()
    cards, envelopes = BytesIO(), BytesIO()
    if plan.jobs:
        _draw(plan, cards, envelopes, progress)
    return cards.getvalue(), envelopes.getvalue()


def _draw(
    plan: BatchPlan,
    cards_target: Path | IO[bytes],
    envelopes_target: Path | IO[bytes],
    progress: Progress | None,
) -> tuple[int, int]:
    groups = format_groups(plan)
    if len(groups) > 1:
        return _draw_mixed(plan, groups, cards_target, envelopes_target, progress)
    settings = plan.settings
    config = settings.config
    geometry = card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
    contents = (job.content or layout_card(job, settings, geometry) for job in plan.jobs)
    card_pages = draw_cards(
        cards_target,
        geometry,
        contents,
        shop_name=config.shop_name,
        title=f"{config.shop_name} cards {plan.batch_id}",
        progress=progress,
    )
    envelopes = ((layout_envelope_for(job, settings), f"№ {job.card_number}") for job in plan.jobs)
    envelope_pages = draw_envelopes(
        envelopes_target,
        settings.envelope,
        envelopes,
        shop_name=config.shop_name,
        title=f"{config.shop_name} envelopes {plan.batch_id}",
        progress=progress,
    )
    return card_pages, envelope_pages


def _draw_mixed(
    plan: BatchPlan,
    groups: Sequence[FormatGroup],
    cards_target: Path | IO[bytes],
    envelopes_target: Path | IO[bytes],
    progress: Progress | None,
) -> tuple[int, int]:
    """Draw each format on its own pages, then put the pages back in card order."""
    cards, envelopes = PdfWriter(), PdfWriter()
    where: dict[int, tuple[PdfReader, PdfReader, int]] = {}
    for group in groups:
        part_cards, part_envelopes = BytesIO(), BytesIO()
        _draw(
            replace(plan, settings=group.settings, jobs=group.jobs),
            part_cards,
            part_envelopes,
            progress,
        )
        card_reader = PdfReader(part_cards)
        envelope_reader = PdfReader(part_envelopes)
        for index, job in enumerate(group.jobs):
            where[job.card_number] = (card_reader, envelope_reader, index)
    for job in plan.jobs:
        card_reader, envelope_reader, index = where[job.card_number]
        pages = plan.settings.card.pages_per_card
        for page in range(index * pages, (index + 1) * pages):
            cards.add_page(card_reader.pages[page])
        envelopes.add_page(envelope_reader.pages[index])
    cards.write(cards_target)
    envelopes.write(envelopes_target)
    return len(cards.pages), len(envelopes.pages)


def _write_manifest(plan: BatchPlan, path: Path, places: Sequence[CardPlace]) -> None:
    write_rows(
        path,
        MANIFEST_COLUMNS,
        (manifest_row(job, place) for job, place in zip(plan.jobs, places, strict=True)),
    )


def manifest_row(job: CardJob, place: CardPlace) -> list[object]:
    """Return *job*'s manifest row (MANIFEST_COLUMNS), its card being at *place*."""
    order = job.order
    return [
        job.card_number,
        order.order_id,
        order.display_name,
        job.occasion.slug,
        job.template,
        job.message.variant,
        place.cards_pages,
        place.envelope_page,
        place.cards_file,
        place.envelope_file,
        "yes" if job.is_reprint else "",
        order.email,
        order.address.city,
        order.address.postal_code,
        order.address.country,
        "; ".join(order.items),
        order.recipient_note,
        job.card_key,
        order.source.describe(),
        place.position,
    ]


def issued_card(job: CardJob) -> IssuedCard:
    """Return the ledger row of *job*."""
    order = job.order
    return IssuedCard(
        job.card_key,
        order.order_id,
        order.customer_key,
        job.occasion.slug,
        job.template,
        job.message.variant,
        order.display_name,
        job.card_number,
        job.is_reprint,
    )
