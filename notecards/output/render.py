"""Render a planned batch: check the ledger can be written, write every file to a temporary
folder, then record the batch pending, move the files into place and complete it
(``output.commit``).

A crash before the move leaves nothing behind; a crash between the move and the ledger
leaves a pending batch that the next command completes (see ``ledger.pending``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from notecards.handwriting.styles import register_bundled_fonts
from notecards.ledger import IssuedCard
from notecards.models import Problem
from notecards.output.commit import check_ledger_writable, commit_batch
from notecards.output.commit import move_into_place as move_into_place  # re-exported
from notecards.output.handoff import write_handoff
from notecards.output.manifest import MANIFEST_COLUMNS, write_rejects, write_rows
from notecards.output.parts import CardPlace
from notecards.planning.batch import BatchCounts, BatchPlan
from notecards.planning.jobs import CardJob

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
    """What a batch wrote and did: the one result of every way a batch runs."""

    batch_id: str
    out_dir: Path
    files: tuple[Path, ...]
    cards: int
    card_pages: int
    envelope_pages: int
    recorded: bool
    counts: BatchCounts
    """Where every input row went (see summary())."""
    problems: tuple[Problem, ...] = ()
    """Warnings and the reasons of rejected rows, located."""
    findings: tuple[str, ...] = ()
    """Preflight findings on the batch's own files (see handoff.write_handoff)."""
    streamed: bool = False
    """True when the batch was loaded, planned and drawn a ``split`` part at a time."""

    def summary(self) -> str:
        """Return the one-line summary; its three row counts add up to the rows read."""
        return self.counts.summary()


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
        LedgerError: the ledger cannot be written (found before drawing), or another batch
            issued some of these cards meanwhile (AlreadyIssuedError: nothing moved).
    """
    out = Path(out_dir)
    settings = plan.settings
    if record and (plan.jobs or plan.suppress or plan.log):
        check_ledger_writable(settings.ledger_path)  # before anything is drawn
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".notecards-partial-{plan.batch_id}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        register_bundled_fonts()
        card_pages = envelope_pages = 0
        findings: tuple[str, ...] = ()
        if plan.jobs:
            manifest = partial(_write_manifest, plan, staging / MANIFEST_CSV)
            handoff = write_handoff(plan, staging, progress, while_checking=manifest)
            card_pages, envelope_pages = handoff.card_pages, handoff.envelope_pages
            findings = handoff.findings
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
        recorded = record and bool(plan.jobs or plan.suppress)  # orders read alone: no batch
        files = commit_batch(
            settings.ledger_path if record else None,
            staging,
            out,
            batch_id=plan.batch_id,
            batch_date=plan.batch_date,
            cards=(issued_card(job) for job in plan.jobs) if plan.jobs else None,
            suppress=plan.suppress,
            reprint_only=bool(plan.jobs) and all(job.is_reprint for job in plan.jobs),
            now=now,
            log=plan.log,
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BatchResult(
        plan.batch_id,
        out,
        tuple(files),
        len(plan.jobs),
        card_pages,
        envelope_pages,
        recorded,
        plan.counts,
        plan.problems,
        findings,
    )


@dataclass(frozen=True, slots=True)
class PrintFiles:
    """A batch's print files in memory, exactly as :func:`render_batch` writes them."""

    files: dict[str, bytes]
    """File name → bytes: cards.pdf, envelopes.pdf or labels.pdf, split parts, format groups."""
    places: tuple[CardPlace, ...]
    """Where every card's pages and envelope (or label) are, in card order."""


def render_files(plan: BatchPlan, progress: Progress | None = None) -> PrintFiles:
    """Return *plan*'s print files as bytes, made by the very code a batch runs.

    The hand-off (:func:`handoff.write_handoff`) writes into a temporary folder, with every
    production option of the plan (colour mode, imposition, labels, split, calibration), and
    the files are read back. Nothing is written elsewhere, nothing is recorded, and the
    self-preflight is left to the batch.
    """
    if not plan.jobs:
        return PrintFiles({}, ())
    register_bundled_fonts()
    with tempfile.TemporaryDirectory(prefix="notecards-proof-") as folder:
        handoff = write_handoff(plan, Path(folder), progress, preflight=False)
        files = {name: (Path(folder) / name).read_bytes() for name in handoff.files}
    return PrintFiles(files, handoff.places)


def render_pdfs(plan: BatchPlan, progress: Progress | None = None) -> tuple[bytes, bytes]:
    """Return the cards PDF and the envelopes (or labels) PDF of *plan* as bytes.

    With one file of each, these are the very bytes :func:`render_batch` writes. When a batch
    writes several (``split`` parts, cards of several formats), their pages are gathered in
    card order into one PDF each, page for page from the printed files. Nothing is recorded.
    """
    printed = render_files(plan, progress)
    if not printed.files:
        return b"", b""
    cards_files = {place.cards_file for place in printed.places}
    mail_files = {place.envelope_file for place in printed.places if place.envelope_file}
    return (
        _gather(printed, cards_files, lambda place: (place.cards_file, place.cards_pages)),
        _gather(printed, mail_files, lambda place: (place.envelope_file, place.envelope_page)),
    )


def _gather(
    printed: PrintFiles,
    names: set[str],
    where: Callable[[CardPlace], tuple[str, str]],
) -> bytes:
    """Return the one file of *names*, or their pages in card order as one PDF."""
    if not names:
        return b""
    if len(names) == 1:
        return printed.files[next(iter(names))]
    readers = {name: PdfReader(BytesIO(printed.files[name])) for name in names}
    writer = PdfWriter()
    seen: set[tuple[str, int]] = set()
    for place in printed.places:
        name, pages = where(place)
        if not name:
            continue
        for page in page_range(pages):
            if (name, page) not in seen:  # a label sheet or imposed sheet holds several cards
                seen.add((name, page))
                writer.add_page(readers[name].pages[page - 1])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def page_range(pages: str) -> range:
    """Return the 1-based page numbers of a manifest page field: "3-4" or "7"."""
    first, _, last = pages.partition("-")
    return range(int(first), int(last or first) + 1)


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
        job.code,
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
        job.code,
    )
