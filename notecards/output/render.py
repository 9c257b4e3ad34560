"""Render a planned batch: write every file to a temporary folder, move them into place,
then record the batch in the ledger in one transaction.

A crash before the move leaves nothing behind; a crash between the move and the ledger leaves
the files but no ledger rows, and running the same command again completes the batch (the
same plan gives the same bytes and the same batch id).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from notecards.handwriting.styles import register_bundled_fonts
from notecards.ledger import IssuedCard, open_ledger
from notecards.ledger.outcomes import OutcomeLog, record_outcomes
from notecards.models import Problem
from notecards.output.handoff import CardPlace, write_handoff
from notecards.output.manifest import MANIFEST_COLUMNS, write_rejects, write_rows
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
        if plan.rejects:
            write_rejects(staging / REJECTS_CSV, plan.rejects)
        if plan.skipped:
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
    if record and (plan.jobs or plan.suppress or plan.log):
        record_batch(
            settings.ledger_path,
            plan.suppress,
            plan.batch_id,
            plan.batch_date,
            out,
            (issued_card(job) for job in plan.jobs) if plan.jobs else None,
            now,
            plan.log,
        )
        recorded = bool(plan.jobs or plan.suppress)  # the orders read alone are not a batch
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
    log: OutcomeLog | None = None,
) -> None:
    """Record a written batch in the ledger: new suppressions, its cards (if any), then the
    orders it read, its cards' codes and its holdout decisions (*log*, see ledger/outcomes.py).

    Raises:
        LedgerError: the ledger cannot be written; the files are in place, rerun to record.
    """
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with open_ledger(ledger_path) as ledger:
        for key, label in suppress:
            ledger.suppress(key, label, "do_not_contact in input", stamp)
        codes: dict[str, str] = {}

        def noting_codes(issued: Iterable[IssuedCard]) -> Iterator[IssuedCard]:
            for card in issued:
                if card.code:
                    codes[card.card_key] = card.code
                yield card

        if cards is not None:
            ledger.record_batch(
                batch_id, batch_date.isoformat(), stamp, str(out.resolve()), noting_codes(cards)
            )
        if log or codes:
            record_outcomes(ledger, log or OutcomeLog(), codes, stamp)


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
