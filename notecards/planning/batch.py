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

The per-order decisions live in planner.OrderPlanner; streaming.run_batch_streaming runs
the same stages a ``--split`` part at a time for batches too large to plan whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from os import PathLike
from pathlib import Path

from notecards.config import Config
from notecards.layout.catalogue import (
    CardFormat,
    EnvelopeFormat,
    card_format,
    envelope_format,
    parse_length_pt,
)
from notecards.loading import LoadOptions, load_orders
from notecards.models import LoadResult, Problem, Reject
from notecards.paths import default_templates_dir
from notecards.planning.occasions import Occasion
from notecards.planning.planner import CardJob, OrderPlanner, Skipped
from notecards.planning.production import Production, make_production
from notecards.wording import plural

__all__ = [
    "BatchPlan",
    "BatchSettings",
    "CardJob",
    "OrderPlanner",
    "Skipped",
    "load_inputs",
    "make_settings",
    "plan_batch",
]


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """The resolved choices a batch runs with (config file + command line)."""

    config: Config
    card: CardFormat
    envelope: EnvelopeFormat
    bleed_pt: float
    crop_marks: bool
    templates_dir: Path
    ledger_path: Path
    production: Production = Production()
    """Colour mode, imposition, split, labels, calibration (see production.py)."""
    fixed_card: bool = False
    """The card format was given on the command line: it wins over occasions' own formats."""
    fixed_envelope: bool = False
    """The envelope was given on the command line: every card goes in it."""

    def for_job(self, job: CardJob) -> BatchSettings:
        """Return these settings with *job*'s own card format and envelope."""
        card = job.card or self.card
        envelope = job.envelope or self.envelope
        if card == self.card and envelope == self.envelope:
            return self
        return replace(self, card=card, envelope=envelope)

    def formats_for(self, occasion: Occasion) -> tuple[CardFormat, EnvelopeFormat]:
        """Return the card format and envelope of *occasion*'s cards.

        The command line wins for every card; otherwise an occasion's own ``card_format``
        (with its ``envelope``, or that card's own) wins over ``[cards] format``, because a
        shop that set graduation cards to a7-folded means it.

        Raises:
            ConfigError: the occasion names an unknown format.
        """
        if self.fixed_card or not (occasion.card_format or occasion.envelope):
            return self.card, self.envelope
        card = card_format(occasion.card_format) if occasion.card_format else self.card
        if self.fixed_envelope:
            return card, self.envelope
        if occasion.envelope:
            return card, envelope_format(occasion.envelope)
        if card == self.card:
            return card, self.envelope
        return card, envelope_format(card.envelope or "a2")


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
    voided_ids: frozenset[str] = frozenset()
    """Batches voided in the ledger: a batch never takes the id of a voided one."""

    @property
    def batch_id(self) -> str:
        """Return the batch's id: its date and a hash of its cards (the same plan, same id).

        When a batch of that id was voided, the next free ``-2``, ``-3`` … follows, so the
        voided batch keeps its record and the new one gets its own.
        """
        digest = hashlib.sha1("\n".join(j.card_key for j in self.jobs).encode()).hexdigest()
        return unvoided_id(f"{self.batch_date.isoformat()}-{digest[:8]}", self.voided_ids)

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
        reprints = sum(1 for job in self.jobs if job.is_reprint)
        return summary_line(
            len(self.jobs) - reprints,
            self.already_issued,
            reprints,
            self.rows_read,
            self.rows_carded,
            self.rows_skipped,
            len(self.rejects),
        )


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


def summary_line(
    new: int, already: int, reprints: int, rows_read: int, carded: int, skipped: int, rejected: int
) -> str:
    """Return a batch's one-line summary (the same words for a plan and a streamed batch).

    >>> summary_line(12, 0, 0, 14, 12, 1, 1)
    '12 new cards, 0 already issued — 14 rows read: 12 carded, 1 skipped, 1 rejected'
    """
    return (
        f"{new} new card{'s' if new != 1 else ''}, {already} already issued"
        f"{f', {reprints} reprinted' if reprints else ''}"
        f" — {plural(rows_read, 'row')} read: "
        f"{carded} carded, {skipped} skipped, {rejected} rejected"
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
    proof: bool = False,
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
    """
    loaded = (
        inputs
        if isinstance(inputs, LoadResult)
        else load_inputs(inputs, settings, sheet=sheet, format_name=format_name)
    )
    planner = OrderPlanner(
        settings, today, reprint=reprint, limit=limit, keep_layouts=keep_layouts, proof=proof
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
        planner.voided,
    )
