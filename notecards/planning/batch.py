"""THE core: plan a batch (pure given its inputs), then render it. CLI and library share it.

::

    orders.csv / orders.xlsx
       │ loading.load_orders(paths)             → LoadResult (orders, rejects, problems)
       ▼
    occasions.choose_occasion(order, today)     → Decision (occasion + card key, or skip)
       ▼  ledger: already issued? suppressed? last wording for this person?
    messages.render_message(env, variant, ctx)  → Message (paragraphs)
       ▼
    layout.layout_card / envelopes.layout_envelope → TextBlock, EnvelopeLayout  (pure)
       ▼
    rendering.render_batch(plan, out_dir)       → cards.pdf, envelopes.pdf, manifest.csv,
                                                  rejects.csv, then one ledger transaction

The per-order decisions live in planner.OrderPlanner; output.run.run_batch runs
the same stages a ``--split`` part at a time for batches too large to plan whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from os import PathLike
from pathlib import Path

from notecards.config import Config
from notecards.layout.catalogue import (
    card_format,
    envelope_format,
    parse_length_pt,
)
from notecards.ledger.outcomes import OutcomeLog
from notecards.ledger.reviews import CardEdit, Gate, load_fixes
from notecards.loading import LoadOptions, load_orders
from notecards.loading.fixes import apply_fixes
from notecards.models import LoadResult, Problem, Reject
from notecards.paths import default_templates_dir
from notecards.planning.jobs import CardJob, Skipped
from notecards.planning.planner import OrderPlanner
from notecards.planning.production import make_production
from notecards.settings import BatchSettings, Production
from notecards.wording import plural

__all__ = [
    "BatchCounts",
    "BatchIdentity",
    "BatchPlan",
    "BatchSettings",
    "CardJob",
    "OrderPlanner",
    "Skipped",
    "load_inputs",
    "make_settings",
    "plan_batch",
]


def make_settings(
    config: Config | None = None,
    *,
    card: str | None = None,
    envelope: str | None = None,
    bleed: str | None = None,
    crop_marks: bool | None = None,
    templates_dir: str | PathLike[str] | None = None,
    ledger_path: str | PathLike[str] | None = None,
    production: Production | None = None,
) -> BatchSettings:
    """Return BatchSettings: explicit arguments win over *config*, which wins over defaults.

    Raises:
        ConfigError: an unknown card or envelope format, or a bad bleed.
    """
    config = config or Config()
    card_spec = card_format(card or config.card_format)
    envelope_name = envelope or config.envelope or card_spec.envelope or "a2"
    templates = Path(templates_dir or config.templates_dir or default_templates_dir())
    return BatchSettings(
        config=config,
        card=card_spec,
        envelope=envelope_format(envelope_name),
        bleed_pt=parse_length_pt(bleed or config.bleed),
        crop_marks=config.crop_marks if crop_marks is None else crop_marks,
        templates_dir=templates,
        ledger_path=Path(ledger_path or config.ledger_path),
        production=production or make_production(config),
        fixed_card=bool(card),
        fixed_envelope=bool(envelope),
    )


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """Everything a batch will do, computed without writing anything."""

    settings: BatchSettings
    batch_date: date
    jobs: tuple[CardJob, ...]
    skipped: tuple[Skipped, ...]
    rejects: tuple[Reject, ...]
    problems: tuple[Problem, ...]
    rows_read: int
    formats: tuple[str, ...] = ()
    suppress: tuple[tuple[str, str], ...] = ()
    """(key, label) of people who asked in this input not to be contacted."""
    already_issued: int = 0
    log: OutcomeLog | None = None
    """The orders read and holdout decisions, recorded with the batch (ledger/outcomes.py)."""

    voided_ids: frozenset[str] = frozenset()
    """Batches voided in the ledger: a batch never takes the id of a voided one."""

    @property
    def batch_id(self) -> str:
        """Return the batch's id: its date and a hash of its cards (the same plan, same id).

        When a batch of that id was voided, the next free ``-2``, ``-3`` … follows, so the
        voided batch keeps its record and the new one gets its own.
        """
        identity = BatchIdentity(self.batch_date)
        for job in self.jobs:
            identity.add(job.card_key)
        return unvoided_id(identity.value, self.voided_ids)

    @property
    def counts(self) -> BatchCounts:
        """Return the batch's counts: cards, already issued, and where every row went."""
        reprints = sum(1 for job in self.jobs if job.is_reprint)
        return BatchCounts(
            len(self.jobs) - reprints,
            self.already_issued,
            reprints,
            self.rows_read,
            self.rows_carded,
            self.rows_skipped,
            len(self.rejects),
        )

    @property
    def rows_carded(self) -> int:
        """Return how many input rows ended in a card of this batch."""
        return sum(len(job.order.source.rows) for job in self.jobs)

    @property
    def rows_skipped(self) -> int:
        """Return how many input rows were skipped (issued, suppressed, not due)."""
        return sum(len(skip.order.source.rows) for skip in self.skipped)

    def summary(self) -> str:
        """Return the one-line summary; its three row counts add up to the rows read."""
        return self.counts.summary()


def unvoided_id(base: str, voided: frozenset[str]) -> str:
    """Return *base*, or the first of ``base-2``, ``base-3`` … that no voided batch has.

    >>> unvoided_id("2026-11-22-abcd1234", frozenset({"2026-11-22-abcd1234"}))
    '2026-11-22-abcd1234-2'
    """
    candidate, n = base, 1
    while candidate in voided:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class BatchIdentity:
    """A batch's id, built card by card: its date and a hash of its card keys in order.

    The same cards give the same id, so running the same command again completes the same
    batch; a planned and a streamed batch of the same cards share it.

    >>> identity = BatchIdentity(date(2026, 11, 22))
    >>> identity.add("k1"); identity.value
    '2026-11-22-...'
    """

    def __init__(self, batch_date: date) -> None:
        self._date = batch_date
        self._digest = hashlib.sha1()
        self._cards = 0

    def add(self, card_key: str) -> None:
        """Count the next card, by its key."""
        self._digest.update(f"{chr(10) if self._cards else ''}{card_key}".encode())
        self._cards += 1

    @property
    def value(self) -> str:
        """Return the id of the cards added so far: ``2026-11-22-1a2b3c4d``."""
        return f"{self._date.isoformat()}-{self._digest.hexdigest()[:8]}"


@dataclass(frozen=True, slots=True)
class BatchCounts:
    """What a batch did with its input: the numbers behind its summary line."""

    new: int
    already_issued: int
    reprints: int
    rows_read: int
    rows_carded: int
    rows_skipped: int
    rows_rejected: int

    def summary(self) -> str:
        """Return the one-line summary; its three row counts add up to the rows read.

        >>> BatchCounts(12, 0, 0, 14, 12, 1, 1).summary()
        '12 new cards, 0 already issued — 14 rows read: 12 carded, 1 skipped, 1 rejected'
        """
        return (
            f"{self.new} new card{'s' if self.new != 1 else ''}, "
            f"{self.already_issued} already issued"
            f"{f', {self.reprints} reprinted' if self.reprints else ''}"
            f" — {plural(self.rows_read, 'row')} read: {self.rows_carded} carded, "
            f"{self.rows_skipped} skipped, {self.rows_rejected} rejected"
        )


def load_inputs(
    paths: Sequence[str | PathLike[str]],
    settings: BatchSettings,
    *,
    sheet: str | None = None,
    format_name: str | None = None,
) -> LoadResult:
    """Return the orders of *paths*, read with the choices in *settings*' config.

    Raises:
        InputError: a file cannot be read.
        ConfigError: an input choice in the config is not valid.
    """
    return load_orders(list(paths), load_options(settings, sheet=sheet, format_name=format_name))


def load_options(
    settings: BatchSettings, *, sheet: str | None = None, format_name: str | None = None
) -> LoadOptions:
    """Return how inputs are read, from *settings*' config and the command line."""
    config = settings.config
    return LoadOptions(
        home_country=config.home_country,
        sheet=sheet,
        format_name=format_name,
        date_order=config.date_order,
        gift_card_to=config.gift_card_to,
        gift_address=config.gift_address,
        mappings=config.formats,
    )


def plan_batch(
    inputs: Sequence[str | PathLike[str]] | LoadResult,
    settings: BatchSettings,
    *,
    today: date,
    sheet: str | None = None,
    format_name: str | None = None,
    reprint: Sequence[str] = (),
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    keep_layouts: bool = True,
    gate: Gate | str = Gate.BATCH,
    edits: Mapping[str, CardEdit] | None = None,
    proof: bool = False,
    planned: Callable[[CardJob], None] | None = None,
) -> BatchPlan:
    """Return the plan for a batch on *today*: cards, skips and rejects. Writes nothing.

    With *proof*, cards already issued are planned too, exactly as they would print (for
    proofs); ``already_issued`` then counts how many of the jobs were issued before.

    >>> settings = make_settings()
    >>> plan = plan_batch(["orders.csv"], settings, today=date(2026, 11, 22))  # doctest: +SKIP
    >>> plan.summary()  # doctest: +SKIP
    '14 new cards, 0 already issued — 15 rows read: 14 carded, 0 skipped, 1 rejected'

    Raises:
        InputError: an input file cannot be read.
        TemplateError: a template is broken or names a missing variable.
        ConfigError: a setting is unusable.

    *planned* is called with each card as soon as it is planned (the batch draws its
    cards meanwhile: output/early.py).

    *gate* and *edits* are the review desk's: ``Gate.BATCH`` leaves out cards held or
    skipped in review (and unapproved ones under ``[review] require_approval``),
    ``Gate.APPROVED`` keeps only approved cards, ``Gate.NONE`` plans them all (the words
    "batch", "approved" and "none" do too); *edits* replaces the edits stored in the ledger
    (the desk tries an edit before keeping it).
    """
    if isinstance(inputs, LoadResult):
        loaded = inputs
    else:
        loaded = load_inputs(inputs, settings, sheet=sheet, format_name=format_name)
        # Rows fixed on the review page (kept in the ledger, not in the export) plan as fixed.
        fixes = load_fixes(settings.ledger_path)
        loaded = apply_fixes(loaded, fixes, load_options(settings, format_name=format_name))
    planner = OrderPlanner(
        settings,
        today,
        reprint=reprint,
        limit=limit,
        keep_layouts=keep_layouts,
        gate=gate,
        edits=edits,
        proof=proof,
    )
    jobs: list[CardJob] = []
    skipped: list[Skipped] = []
    rejects = list(loaded.rejects)
    for order in loaded.orders:
        if progress is not None:
            progress(1)
        outcome = planner.plan_order(order)
        if isinstance(outcome, CardJob):
            jobs.append(outcome)
            if planned is not None:  # e.g. to draw its envelope while the rest is planned
                planned(outcome)
        elif isinstance(outcome, Skipped):
            skipped.append(outcome)
        else:
            rejects.extend(outcome)
    problems = list(loaded.problems)
    problems += (p for p in planner.problems() if p not in problems)
    return BatchPlan(
        settings,
        today,
        tuple(jobs),
        tuple(skipped),
        tuple(rejects),
        tuple(problems),
        loaded.rows_read,
        loaded.formats,
        tuple(planner.suppress),
        planner.already,
        planner.log,
        planner.voided,
    )
