"""Decide, order by order, what a batch does with each order: a card, a skip, or rejects.

The per-order half of planning, shared by ``pipeline.plan_batch`` (which keeps every job)
and ``output.run.run_batch`` (which, streaming, draws and forgets them chunk by chunk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import jinja2

from notecards.config import Config
from notecards.errors import (
    ConfigError,
    FontError,
    LayoutError,
    NotecardsError,
    TemplateBudgetError,
    TemplateError,
)
from notecards.layout.catalogue import CardFormat, EnvelopeFormat
from notecards.layout.panels import card_geometry
from notecards.ledger import open_ledger
from notecards.ledger.outcomes import OutcomeLog, codes_for, holdout_decisions, used_codes
from notecards.ledger.reviews import CardEdit, Gate, gate_reason, read_edits
from notecards.models import History, Order, Problem, Reject, Severity, customer_key
from notecards.planning.blame import blame
from notecards.planning.codes import CodeSource
from notecards.planning.compose import check_envelope, dropped_emoji, layout_card
from notecards.planning.jobs import CardJob, Skipped
from notecards.planning.messages import (
    RECENT_CARDS,
    check_templates,
    choose_variant,
    context_for,
    make_environment,
    message_from_text,
    render_message,
)
from notecards.planning.occasions import Occasion, choose_occasion, read_occasions
from notecards.planning.outcomes import Holdout, seen_order
from notecards.planning.production import production_problems
from notecards.planning.qrlinks import qr_link
from notecards.planning.warnings import batch_warnings
from notecards.settings import BatchSettings


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
        gate: Gate | str = Gate.BATCH,
        edits: Mapping[str, CardEdit] | None = None,
        proof: bool = False,
    ) -> None:
        self.settings, self.today, self.limit = settings, today, limit
        # The review desk's hook: stored edits change a card's wording; *gate* (see
        # ledger.reviews.gate_reason) decides whether held, skipped or unapproved cards print.
        self.gate = _gate(gate)
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
            self.edits = dict(edits) if edits is not None else read_edits(ledger)
            self.voided = frozenset(b.batch_id for b in ledger.batches() if b.voided_at)
            for order_id in reprint:
                for card in ledger.cards_for_order(order_id):
                    state.reprint_variants[card.card_key] = card.template
                    state.reprint_histories[card.card_key] = ledger.histories(card.card_key)
            self.codes = CodeSource(used_codes(ledger), codes_for(ledger, state.reprint_variants))
            self.log = OutcomeLog()
            """The orders read and holdout decisions, recorded with the batch."""
            self.holdout = Holdout(
                settings.config.results_holdout, holdout_decisions(ledger), self.log
            )
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
        seen = seen_order(order)
        if seen is not None:
            self.log.add_order(seen)
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
        if not is_reprint and self.holdout.holds(order, decision.occasion, self.today):
            return Skipped(order, "holdout group")
        edit = self.edits.get(key)
        require = settings.config.require_approval
        waiting = "" if is_reprint else gate_reason(edit, self.gate, require)
        if waiting:
            return Skipped(order, waiting)
        if self.limit is not None and self.cards >= self.limit:
            return Skipped(order, f"over --limit {self.limit}")
        message_text = ""
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
                self.codes,
                edit,
            )
            message_text = job.message.text
            occasion = decision.occasion
            job_card, job_envelope = settings.formats_for(occasion.card_format, occasion.envelope)
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
            # The envelope is laid out now too, so drawing meets no surprise (and, kept,
            # is not laid out again when drawn).
            envelope = check_envelope(job, settings)
            if self.keep_layouts:
                job = replace(job, content=content, envelope_layout=envelope)
            dropped = dropped_emoji(job, settings)
        except (LayoutError, FontError) as err:
            return _rejects(order, blame(order, err, message_text), str(err))
        except TemplateBudgetError as err:  # this card's message only (planning.budget)
            return _rejects(order, "", str(err))
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


def _gate(gate: Gate | str) -> Gate:
    """Return *gate* as a Gate ("batch", "approved" or "none" may be given as text).

    Raises:
        ConfigError: not a gate.
    """
    try:
        return Gate(gate)
    except ValueError:
        raise ConfigError(
            f'gate "{gate}" is not known: use one of {", ".join(Gate.words())}.'
        ) from None


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
    codes: CodeSource,
    edit: CardEdit | None = None,
) -> CardJob:
    customer = order.customer_key
    if edit is not None and edit.personal_line is not None:
        order = replace(order, personal_line=edit.personal_line)
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
    if not template and edit is not None and edit.variant in occasion.variants:
        template = edit.variant
    template = template or choose_variant(occasion.variants, key, recent[-RECENT_CARDS:])
    signer = (edit.signer if edit is not None else None) or order.signer or config.signer
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
    if is_reprint:
        code = codes.reprints.get(key, "")
    else:
        code = codes.code_for(key, occasion.code, _codes_file(occasion, config))
    context["code"] = code
    if edit is not None and edit.message is not None:
        message = message_from_text(
            edit.message,
            Path(template).stem,
            personal_line=order.personal_line,
            sign_off=occasion.sign_off,
            signer=signer,
        )
    else:
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
    qr_url = qr_link(url_template, order, occasion.slug, code) if url_template else ""
    return CardJob(number, key, order, occasion, message, template, qr_url, is_reprint, code=code)


def _codes_file(occasion: Occasion, config: Config) -> Path | None:
    """Return the occasion's codes file, a relative name resolved against notecards.toml."""
    if not occasion.codes:
        return None
    path = Path(occasion.codes)
    if path.is_absolute() or not config.source_path:
        return path
    return Path(config.source_path).parent / path
