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
from notecards.errors import FontError, LayoutError
from notecards.layout.card import CardContent, layout_card
from notecards.layout.catalogue import CardFormat, EnvelopeFormat
from notecards.layout.panels import card_geometry
from notecards.ledger import open_ledger
from notecards.models import History, Order, Problem, Reject, Severity, customer_key
from notecards.planning.messages import (
    RECENT_CARDS,
    Message,
    choose_variant,
    context_for,
    make_environment,
    render_message,
)
from notecards.planning.occasions import Occasion, choose_occasion, read_occasions
from notecards.planning.production import production_problems
from notecards.planning.qrlinks import qr_link

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
    recent_variants: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


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
    ) -> None:
        self.settings, self.today, self.limit = settings, today, limit
        self.keep_layouts = keep_layouts
        self.occasions = read_occasions(settings.templates_dir, settings.config.occasions)
        self.env = make_environment(settings.templates_dir)
        with open_ledger(settings.ledger_path, create=False) as ledger:
            state = _Planner(
                ledger.issued_keys(),
                ledger.histories(),
                set(ledger.suppressions()),
                frozenset(reprint),
            )
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

    def plan_order(self, order: Order) -> CardJob | Skipped | list[Reject]:
        """Return what becomes of *order*: its card (numbered in turn), a skip, or rejects."""
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
        except (LayoutError, FontError) as err:
            return _rejects(order, "personal_line" if order.personal_line else "", str(err))
        state.in_batch_keys[key] = job.card_number
        self.cards += 1
        self.used[(job_card, job_envelope)] = None
        if is_reprint:
            self.reprinted.add(order.order_id)
        return job

    def problems(self) -> list[Problem]:
        """Return the batch-wide findings, once every order is planned."""
        settings = self.settings
        used = self.used or {(settings.card, settings.envelope): None}
        problems: list[Problem] = []
        for used_card, used_envelope in used:  # warn once about each envelope actually used
            problems += (
                p
                for p in production_problems(
                    used_card, used_envelope, settings.production, settings.config.home_country
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
    recent = state.recent_variants.get((customer, occasion.slug))
    if recent is None or is_reprint:
        recent = past.recent_variants or ((past.last_variant,) if past.last_variant else ())
    history = History(
        past.previous_cards,
        past.previous_orders + in_batch_orders,
        recent[-1] if recent else "",
        recent,
    )
    template = state.reprint_variants.get(key) if is_reprint else None
    template = template or choose_variant(occasion.variants, key, recent[-RECENT_CARDS:])
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
        tone=config.tone,
        seed=key,
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
    if not is_reprint:
        state.recent_variants[(customer, occasion.slug)] = (*recent, Path(template).stem)[
            -RECENT_CARDS:
        ]
    url_template = occasion.qr_url if occasion.qr else ""
    if occasion.qr and config.qr_url:
        url_template = config.qr_url
    qr_url = qr_link(url_template, order, occasion.slug) if url_template else ""
    return CardJob(number, key, order, occasion, message, template, qr_url, is_reprint)
