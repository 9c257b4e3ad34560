"""Decide, order by order, what a batch does with each order: a card, a skip, or rejects.

The per-order half of planning, shared by ``pipeline.plan_batch`` (which keeps every job)
and ``streaming.run_batch_streaming`` (which draws and forgets them chunk by chunk).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from notecards.config import Config
from notecards.errors import ConfigError, FontError, LayoutError, NotecardsError, TemplateError
from notecards.layout.card import CardContent, check_envelope, dropped_emoji, layout_card
from notecards.layout.catalogue import CardFormat, EnvelopeFormat
from notecards.layout.panels import card_geometry
from notecards.ledger import open_ledger
from notecards.models import History, Order, Problem, Reject, Severity, customer_key
from notecards.planning.messages import (
    Message,
    check_templates,
    choose_variant,
    context_for,
    make_environment,
    render_message,
)
from notecards.planning.occasions import Occasion, choose_occasion, read_occasions
from notecards.planning.production import production_problems
from notecards.planning.qrlinks import qr_link
from notecards.planning.warnings import batch_warnings

if TYPE_CHECKING:
    from notecards.planning.batch import BatchSettings


@dataclass(frozen=True, slots=True)
class CardJob:
    """One card to print: who, which occasion and wording, and its identity."""

    card_number: int
    card_key: str
    order: Order
    occasion: Occasion
    message: Message
    template: str
    qr_url: str = ""
    is_reprint: bool = False
    content: CardContent | None = None
    """The laid-out card (filled while planning, so a plan that exists can be drawn)."""
    card: CardFormat | None = None
    """The card's format when its occasion chose one (None: the batch's)."""
    envelope: EnvelopeFormat | None = None
    """The card's envelope when its occasion chose one (None: the batch's)."""

    @property
    def seed(self) -> str:
        """Return the seed of the card's handwriting: its identity, so reprints match."""
        return self.card_key


@dataclass(frozen=True, slots=True)
class Skipped:
    """An order that gets no card in this batch, and why."""

    order: Order
    reason: str


@dataclass
class _Planner:
    """Mutable bookkeeping while a plan is built (not exposed)."""

    issued: set[str]
    histories: dict[tuple[str, str], History]
    suppressed: set[str]
    reprint: frozenset[str]
    reprint_variants: dict[str, str] = field(default_factory=dict)
    reprint_histories: dict[str, dict[tuple[str, str], History]] = field(default_factory=dict)
    in_batch_keys: dict[str, int] = field(default_factory=dict)
    orders_seen: dict[str, int] = field(default_factory=dict)
    last_variant: dict[tuple[str, str], str] = field(default_factory=dict)


class OrderPlanner:
    """Decide, order by order, what a batch does: a card, a skip, or rejected rows.

    plan_batch and the streaming batch (streaming.py) share it, so both decide alike. It
    keeps only small per-card and per-customer indexes, never the jobs themselves.

    Raises (from plan_order):
        TemplateError: a template is broken or names a missing variable.
        ConfigError: a setting is unusable.
    """

    def __init__(
        self,
        settings: BatchSettings,
        today: date,
        *,
        reprint: Sequence[str] = (),
        limit: int | None = None,
        keep_layouts: bool = True,
        proof: bool = False,
    ) -> None:
        self.settings, self.today, self.limit = settings, today, limit
        self.proof = proof
        """Proofs: plan cards already issued too, as they would print (preview)."""
        self.keep_layouts = keep_layouts
        self.occasions = read_occasions(settings.templates_dir, settings.config.occasions)
        self.env = make_environment(settings.templates_dir)
        # A broken template file concerns every card: stop before anything is drawn.
        check_templates(self.env, [v for o in self.occasions.values() for v in o.variants])
        with open_ledger(settings.ledger_path, create=False) as ledger:
            state = _Planner(
                ledger.issued_keys(),
                ledger.histories(),
                set(ledger.suppressions()),
                frozenset(reprint),
            )
            self.voided = frozenset(b.batch_id for b in ledger.batches() if b.voided_at)
            for order_id in reprint:
                for card in ledger.cards_for_order(order_id):
                    state.reprint_variants[card.card_key] = card.template
                    state.reprint_histories[card.card_key] = ledger.histories(card.card_key)
        self.state = state
        self.reprint = tuple(reprint)
        self.geometries = {
            settings.card.name: card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
        }
        self.cards = 0
        self.already = 0
        self.suppress: list[tuple[str, str]] = []
        self.used: dict[tuple[CardFormat, EnvelopeFormat], None] = {}
        self.reprinted: set[str] = set()
        self.row_problems: list[Problem] = []
        self.occasions_used: dict[str, Occasion] = {}

    def plan_order(self, order: Order) -> CardJob | Skipped | list[Reject]:
        """Return what becomes of *order*: its card (numbered in turn), a skip, or rejects.

        Whatever goes wrong with one order rejects that order only (its rows go to
        rejects.csv with the reason); only problems of every card stop the batch.

        Raises:
            ConfigError: a setting is unusable (every card would fail).
            TemplateError: a template is broken for every card (not just this row's data).
        """
        try:
            return self._plan_order(order)
        except ConfigError:
            raise
        except TemplateError as err:
            if err.whole_batch:
                raise
            return _rejects(order, "", str(err))
        except NotecardsError as err:
            return _rejects(order, _column_of(err, order), str(err))
        except Exception as err:  # a fault no check foresaw must still cost one order only
            return _rejects(
                order,
                "",
                f"could not be planned ({type(err).__name__}: {err}) — check this row's "
                "values; if they look right, report it with this row",
            )

    def _plan_order(self, order: Order) -> CardJob | Skipped | list[Reject]:
        state, settings, reprint = self.state, self.settings, self.reprint
        if reprint and order.order_id not in state.reprint:
            return Skipped(order, "not asked to reprint")
        keys = _person_keys(order)
        if order.do_not_contact:
            self.suppress.append((keys[0], order.display_name))
            return Skipped(order, "do not contact (added to the suppression list)")
        if any(key in state.suppressed for key in keys):
            return Skipped(order, "suppressed: asked not to be contacted")
        decision = choose_occasion(order, self.today, self.occasions)
        if decision.occasion is None:
            if decision.skip_reason.startswith("unknown occasion"):
                return _rejects(order, "occasion", decision.skip_reason)
            return Skipped(order, decision.skip_reason)
        key = decision.card_key
        is_reprint = bool(reprint)
        if key in state.in_batch_keys:
            return Skipped(order, f"same card as card {state.in_batch_keys[key]} in this batch")
        if key in state.issued and not is_reprint:
            self.already += 1
            if not self.proof:
                return Skipped(order, "already issued")
        if is_reprint and key not in state.reprint_variants:
            return Skipped(order, "reprint asked, but this card was never issued")
        if self.limit is not None and self.cards >= self.limit:
            return Skipped(order, f"over --limit {self.limit}")
        try:
            job = _make_job(
                order,
                decision.occasion,
                key,
                decision.occasion_date,
                self.today,
                self.cards + 1,
                self.env,
                state,
                settings.config,
                is_reprint,
            )
            job_card, job_envelope = settings.formats_for(decision.occasion)
            if job_card != settings.card or job_envelope != settings.envelope:
                job = replace(job, card=job_card, envelope=job_envelope)
            if job_card.name not in self.geometries:
                self.geometries[job_card.name] = card_geometry(
                    job_card, settings.bleed_pt, settings.crop_marks
                )
            # Laying out checks that the message fits and every character can be drawn.
            # The layout is kept for inspection unless the caller wants a lean plan (the CLI:
            # at 100,000 orders the kept layouts would be most of the memory); drawing lays a
            # card out again, identically, when it is not kept.
            content = layout_card(job, settings, self.geometries[job_card.name])
            if self.keep_layouts:
                job = replace(job, content=content)
            # The envelope is laid out now too, so drawing meets no surprise.
            check_envelope(job, settings)
            dropped = dropped_emoji(job, settings)
        except (LayoutError, FontError) as err:
            return _rejects(order, _column_of(err, order), str(err))
        if dropped:
            path, row = order.source.locations()[0]
            self.row_problems.append(
                Problem(
                    Severity.WARNING,
                    path,
                    row,
                    "",
                    f"order {order.order_id or order.display_name}: emoji "
                    f"{' '.join(dropped)} left off the card (no bundled font draws emoji)",
                    "nothing to do; take them out of the row to silence this",
                    order.source.sheet,
                )
            )
        state.in_batch_keys[key] = job.card_number
        self.cards += 1
        self.used[(job_card, job_envelope)] = None
        self.occasions_used.setdefault(decision.occasion.slug, decision.occasion)
        if is_reprint:
            self.reprinted.add(order.order_id)
        return job

    def problems(self) -> list[Problem]:
        """Return the batch-wide findings, once every order is planned."""
        settings = self.settings
        used = self.used or {(settings.card, settings.envelope): None}
        problems: list[Problem] = list(self.row_problems)
        for used_card, used_envelope in used:  # warn once about each envelope actually used
            problems += (
                p
                for p in production_problems(
                    used_card, used_envelope, settings.production, settings.config.home_country
                )
                if p not in problems
            )
        problems += (
            p
            for p in batch_warnings(
                self.used, self.occasions_used, settings.config, settings.templates_dir, self.cards
            )
            if p not in problems
        )
        for order_id in self.reprint:
            if order_id not in self.reprinted:
                problems.append(
                    Problem(
                        Severity.WARNING,
                        "reprint",
                        None,
                        "",
                        f"order {order_id}: not found in the input or never "
                        "issued, so not reprinted",
                    )
                )
        return problems


def _column_of(err: NotecardsError, order: Order) -> str:
    """Return the column *err* points at: the personal line when the fault is there."""
    char = getattr(err, "char", "")
    if char:
        return "personal_line" if char in order.personal_line else ""
    return "personal_line" if isinstance(err, LayoutError) and order.personal_line else ""


def _person_keys(order: Order) -> tuple[str, ...]:
    """Return every suppression key that identifies the person of *order*."""
    name_key = customer_key("", order.display_name, order.address.postal_code)
    return (order.customer_key, name_key) if order.email else (name_key,)


def _rejects(order: Order, column: str, reason: str) -> list[Reject]:
    """Return one Reject per input row of *order* (so the row counts still add up)."""
    cells = tuple(
        (k, v)
        for k, v in (
            ("order_id", order.order_id),
            ("name", order.display_name),
            ("email", order.email),
        )
        if v
    )
    text = f"{column}: {reason}" if column else reason
    return [
        Reject(path, row, text, cells, sheet=order.source.sheet)
        for path, row in order.source.locations()
    ]


def _make_job(
    order: Order,
    occasion: Occasion,
    key: str,
    occasion_date: date | None,
    today: date,
    number: int,
    env: jinja2.Environment,
    state: _Planner,
    config: Config,
    is_reprint: bool,
) -> CardJob:
    customer = order.customer_key
    # A reprint sees the history as it stood when the card was first issued, so it says
    # exactly the same thing; a new card sees the ledger plus this batch so far.
    histories = state.reprint_histories.get(key, {}) if is_reprint else state.histories
    past = histories.get((customer, occasion.slug)) or histories.get((customer, ""), History())
    in_batch_orders = 0 if is_reprint else state.orders_seen.get(customer, 0)
    last = state.last_variant.get((customer, occasion.slug)) or past.last_variant
    history = History(past.previous_cards, past.previous_orders + in_batch_orders, last)
    avoid = next((v for v in occasion.variants if last in (v, Path(v).stem)), "")
    template = state.reprint_variants.get(key) if is_reprint else None
    template = template or choose_variant(occasion.variants, key, avoid)
    signer = order.signer or config.signer
    context = context_for(
        order,
        occasion,
        today=today,
        occasion_date=occasion_date,
        history=history,
        shop_name=config.shop_name,
        signer=signer,
        greeting_fallback=config.greeting_fallback,
    )
    message = render_message(
        env,
        template,
        context,
        personal_line=order.personal_line,
        sign_off=occasion.sign_off,
        signer=signer,
    )
    if order.order_id:
        state.orders_seen[customer] = in_batch_orders + 1
    state.last_variant[(customer, occasion.slug)] = template
    url_template = occasion.qr_url if occasion.qr else ""
    if occasion.qr and config.qr_url:
        url_template = config.qr_url
    qr_url = qr_link(url_template, order, occasion.slug) if url_template else ""
    return CardJob(number, key, order, occasion, message, template, qr_url, is_reprint)
