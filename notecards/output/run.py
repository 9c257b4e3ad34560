"""Run a large batch in chunks: load, plan and draw ``--split`` cards at a time (issue 4).

::

    loading.OrderStream(paths)            → Order | Reject, one at a time
       ▼
    planner.OrderPlanner.plan_order(order) → CardJob | Skipped | rejects   (as plan_batch)
       ▼  every --split cards
    parts.write_part(chunk)               → cards-001.pdf, envelopes-001.pdf … (staging folder)
       ▼  at the end
    manifest.csv, skipped.csv, rejects.csv, job.txt/job.json; move into place; one ledger
    transaction (the cards are read back from a journal file, never held together)

Memory holds one chunk of jobs plus small indexes (order ids seen, card key → card number,
per-customer order counts and last wording), so 100,000 orders peak close to 10,000. The
orders are the same as plan_batch's (one loader, one merge rule: see loading.stream); what
differs is that the PDFs' titles carry the batch date, not the batch id (the id hashes every
card key, so it is known only at the end); the id is in the ledger, job.json and job.txt.

A batch that may use several card formats (an occasion with its own ``card_format``), or
that asks for proofs or plotter files, runs through plan_batch + render_batch instead.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import warnings
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from notecards.handwriting.styles import register_bundled_fonts
from notecards.ledger import IssuedCard
from notecards.loading.stream import OrderStream
from notecards.models import Problem, Reject
from notecards.output.cardfile import sheet_layout
from notecards.output.commit import check_ledger_writable, commit_batch
from notecards.output.handoff import group_ticket, part_names
from notecards.output.isolation import render_isolated
from notecards.output.jobticket import combine_tickets, write_ticket
from notecards.output.manifest import MANIFEST_COLUMNS, write_rows
from notecards.output.parallel import DrawPool, StartAhead, worker_count
from notecards.output.parts import Part, write_part
from notecards.output.render import (
    MANIFEST_CSV,
    REJECTS_CSV,
    SKIPPED_CSV,
    BatchResult,
    Extra,
    Progress,
    issued_card,
    manifest_row,
)
from notecards.planning.batch import (
    BatchCounts,
    BatchIdentity,
    BatchSettings,
    CardJob,
    OrderPlanner,
    Skipped,
    load_options,
    plan_batch,
    unvoided_id,
)
from notecards.preflight.spec import PreflightQueue
from notecards.workers import fewer_collections, settle_heap, stop_ahead

STAGING = ".notecards-partial-stream"
_ISSUED_COLUMNS = (
    "card_key",
    "order_id",
    "customer_key",
    "occasion",
    "template",
    "variant",
    "recipient",
    "card_number",
    "is_reprint",
)


@fewer_collections()  # a batch's objects live long: the collector walks them less often
def run_batch(
    paths: Sequence[str | os.PathLike[str]],
    settings: BatchSettings,
    *,
    today: date,
    out_dir: str | os.PathLike[str],
    sheet: str | None = None,
    format_name: str | None = None,
    reprint: Sequence[str] = (),
    limit: int | None = None,
    progress: Progress | None = None,
    record: bool = True,
    now: datetime | None = None,
    extras: Sequence[Extra] = (),
    planning: Progress | None = None,
) -> BatchResult:
    """Run the day's batch on *paths*: the one place that chooses how a batch runs.

    With ``settings.production.split``, one card format and no *extras*, the batch is
    loaded, planned and drawn a part at a time (memory stays flat; see the module
    docstring); otherwise it runs plan_batch + render_batch. Either way it writes the same
    files into a staging folder, moves them into place, then records the batch in the
    ledger in one transaction, and returns the same BatchResult. *planning* is called once
    per order planned, *progress* once per card and envelope drawn.

    >>> done = run_batch(["orders.csv"], settings, today=date(2026, 11, 22),
    ...                  out_dir="out/")                               # doctest: +SKIP
    >>> done.summary()                                                  # doctest: +SKIP

    Raises:
        InputError: an input file cannot be read.
        TemplateError: a template is broken or names a missing variable.
        LedgerError: the ledger cannot be written (found before drawing), or another batch
            issued some of these cards meanwhile (nothing moved).
    """
    planner = OrderPlanner(settings, today, reprint=reprint, limit=limit, keep_layouts=True)
    formats = {settings.formats_for(o.card_format, o.envelope) for o in planner.occasions.values()}
    if not settings.production.split or extras or formats - {(settings.card, settings.envelope)}:
        ahead = StartAhead(settings, planning)
        ahead.expect(paths)
        try:
            plan = plan_batch(
                paths,
                settings,
                today=today,
                sheet=sheet,
                format_name=format_name,
                reprint=reprint,
                limit=limit,
                progress=ahead,
                keep_layouts=True,
                planned=ahead.job,
            )
            settle_heap()  # the plan lives until the batch ends
            # A card that fails while drawing (rare: planning checks every card) is rejected
            # alone.
            result, _ = render_isolated(
                plan, out_dir, progress=progress, record=record, now=now, extras=extras
            )
        finally:
            ahead.close()
            stop_ahead()
        return result
    out = Path(out_dir)
    if record:
        check_ledger_writable(settings.ledger_path)  # before anything is drawn
    out.mkdir(parents=True, exist_ok=True)
    staging = out / STAGING
    if staging.exists():  # left by a crashed run
        shutil.rmtree(staging)
    staging.mkdir()
    journal = staging / ".journal"  # read back at the end, never moved into place
    journal.mkdir()
    try:
        register_bundled_fonts()
        run = _Run(settings, today, staging, journal, progress, planning)
        run.plan_and_draw(
            OrderStream(paths, load_options(settings, sheet=sheet, format_name=format_name)),
            planner,
        )
        recorded = record and bool(run.cards or planner.suppress)  # orders alone: no batch
        files = commit_batch(
            settings.ledger_path if record else None,
            staging,
            out,
            batch_id=run.batch_id,
            batch_date=today,
            cards=_read_issued(journal) if run.cards else None,
            suppress=planner.suppress,
            skip=(journal,),
            reprint_only=bool(run.cards) and run.reprints == run.cards,
            now=now,
            log=planner.log,
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = BatchCounts(
        run.cards - run.reprints,
        planner.already,
        run.reprints,
        run.rows_read,
        run.rows_carded,
        run.rows_skipped,
        run.rows_rejected,
    )
    return BatchResult(
        run.batch_id,
        out,
        tuple(files),
        run.cards,
        run.card_pages,
        run.envelope_pages,
        recorded,
        counts,
        tuple(run.problems),
        tuple(run.findings),
        streamed=True,
    )


class _Run:
    """The bookkeeping of one streamed batch (counts, the open chunk, journal files)."""

    def __init__(
        self,
        settings: BatchSettings,
        today: date,
        staging: Path,
        journal: Path,
        progress: Progress | None,
        planning: Progress | None,
    ) -> None:
        self.settings, self.today, self.staging, self.journal = settings, today, staging, journal
        self.progress, self.planning = progress, planning
        self.size = settings.production.split
        self.layout = sheet_layout(settings)
        self.mail_stem = "" if settings.card.is_postcard else str(settings.production.mailing)
        self.identity = BatchIdentity(today)
        self.chunk: list[CardJob] = []
        self.parts = 0
        self.files: list[dict[str, object]] = []
        self.card_pages = self.envelope_pages = 0
        self.cards = self.reprints = 0
        self.rows_read = self.rows_carded = self.rows_skipped = self.rows_rejected = 0
        self.reject_columns: list[str] = []
        self.problems: list[Problem] = []
        self.findings: list[str] = []
        self.voided: frozenset[str] = frozenset()

    @property
    def batch_id(self) -> str:
        """Return the batch id (the same BatchIdentity as a BatchPlan's, never a voided one's)."""
        return unvoided_id(self.identity.value, self.voided)

    def plan_and_draw(self, stream: OrderStream, planner: OrderPlanner) -> None:
        """Plan every order of *stream* and draw each full chunk; then write the lists."""
        self.voided = planner.voided  # a voided batch keeps its id; this one takes the next
        preflight = self.settings.production.preflight
        with (
            PreflightQueue(workers=None if preflight else 0) as checks,
            DrawPool(worker_count(self.settings)) as pool,
            _Writer(self.journal / "manifest.csv") as manifest,
            _Writer(self.journal / "skipped.csv") as skipped,
            _Writer(self.journal / "rejects.jsonl") as rejects,
            _Writer(self.journal / "issued.csv") as issued,
        ):
            for item in stream:
                if isinstance(item, Reject):
                    self._reject([item], rejects)
                    continue
                if self.planning is not None:
                    self.planning(1)
                outcome = planner.plan_order(item)
                if isinstance(outcome, Skipped):
                    self.rows_skipped += len(outcome.order.source.rows)
                    skipped.row(
                        [
                            outcome.order.order_id,
                            outcome.order.display_name,
                            outcome.reason,
                            outcome.order.source.describe(),
                        ]
                    )
                elif isinstance(outcome, list):
                    self._reject(outcome, rejects)
                else:
                    if len(self.chunk) == self.size:
                        self._flush(manifest, checks if preflight else None, pool, last=False)
                    self._add(outcome, issued)
            if self.chunk:
                self._flush(manifest, checks if preflight else None, pool, last=True)
            self.findings = checks.results()
        self.rows_read = stream.rows_read
        self.problems = list(stream.problems)
        self.problems += (p for p in planner.problems() if p not in self.problems)
        self._write_lists()

    def _add(self, job: CardJob, issued: _Writer) -> None:
        self.identity.add(job.card_key)
        self.cards += 1
        self.reprints += job.is_reprint
        self.rows_carded += len(job.order.source.rows)
        card = issued_card(job)
        issued.row(
            [
                card.card_key,
                card.order_id,
                card.customer_key,
                card.occasion,
                card.template,
                card.variant,
                card.recipient,
                card.card_number,
                int(card.is_reprint),
                card.code,
            ]
        )
        self.chunk.append(job)

    def _reject(self, rejects: list[Reject], journal: _Writer) -> None:
        for reject in rejects:
            self.rows_rejected += 1
            for key, _ in reject.cells:
                if key not in self.reject_columns:
                    self.reject_columns.append(key)
            journal.line(
                json.dumps(
                    [reject.source, reject.sheet or "", reject.row, reject.reason, reject.cells],
                    ensure_ascii=False,
                )
            )

    def _flush(
        self, manifest: _Writer, checks: PreflightQueue | None, pool: DrawPool, *, last: bool
    ) -> None:
        # A part is drawn only when the next card exists or the input ends, so a batch
        # that fits in one part is named cards.pdf, as without streaming.
        parts = 1 if last and not self.parts else self.parts + 2
        cards_name = part_names(parts, self.parts, "cards")
        mail_name = part_names(parts, self.parts, self.mail_stem) if self.mail_stem else ""
        part: Part = write_part(
            f"{self.today.isoformat()}",
            self.settings,
            self.chunk,
            self.staging,
            cards_name,
            mail_name,
            self.layout,
            self.progress,
            checks,
            pool,
        )
        self.parts += 1
        self.files += part.files
        self.card_pages += part.card_pages
        self.envelope_pages += part.envelope_pages
        for job, place in zip(self.chunk, part.places, strict=True):
            manifest.row(manifest_row(job, place))
        self.chunk = []
        settle_heap(collect=True)  # the part's drawing is garbage now

    def _write_lists(self) -> None:
        staging, journal = self.staging, self.journal
        if self.cards:
            ticket = combine_tickets(
                [group_ticket(self.batch_id, self.settings, self.layout, self.cards, self.files)],
                self.findings,
            )
            write_ticket(staging, ticket)
            _copy_rows(journal / "manifest.csv", staging / MANIFEST_CSV, MANIFEST_COLUMNS)
        # Always written (a header alone when empty): scripts read them after every run.
        _copy_rows(
            journal / "skipped.csv",
            staging / SKIPPED_CSV,
            ("order_id", "recipient", "reason", "source"),
        )
        write_rows(
            staging / REJECTS_CSV,
            ("source", "sheet", "row", "reason", *self.reject_columns),
            _read_rejects(journal / "rejects.jsonl", self.reject_columns),
        )


class _Writer:
    """A journal file of CSV rows or text lines, appended to as the batch goes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> _Writer:
        self.handle = self.path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def row(self, cells: Sequence[object]) -> None:
        self.writer.writerow(cells)

    def line(self, text: str) -> None:
        self.handle.write(text + "\n")


def _copy_rows(source: Path, target: Path, columns: Sequence[str]) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        write_rows(target, columns, csv.reader(handle))


def _read_rejects(path: Path, columns: Sequence[str]) -> Iterator[list[object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            source, sheet, row, reason, cells = json.loads(line)
            values = dict(cells)
            yield [source, sheet, row, reason, *(values.get(c, "") for c in columns)]


def _read_issued(journal: Path) -> Iterator[IssuedCard]:
    with (journal / "issued.csv").open(encoding="utf-8", newline="") as handle:
        for (
            key,
            order_id,
            customer,
            occasion,
            template,
            variant,
            recipient,
            number,
            reprint,
            code,
        ) in csv.reader(handle):
            yield IssuedCard(
                key,
                order_id,
                customer,
                occasion,
                template,
                variant,
                recipient,
                int(number),
                reprint == "1",
                code,
            )


__all__ = ["STAGING", "run_batch", "run_batch_streaming"]


def run_batch_streaming(*args: Any, **kwargs: Any) -> BatchResult:
    """Deprecated: use :func:`run_batch` (the same arguments; it returns a BatchResult)."""
    warnings.warn(
        "notecards.run_batch_streaming is deprecated: use notecards.run_batch, which takes "
        "the same arguments and returns a BatchResult",
        DeprecationWarning,
        stacklevel=2,
    )
    return run_batch(*args, **kwargs)
