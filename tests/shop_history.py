"""A generated year of a shop's history, written straight into a ledger, with planted effects.

- thank-you cards in two wordings: 25 % of customers who got wording A order again within
  60 days of the card, 45 % of those who got wording B (and nobody else returns in 90 days);
- half of those who return type the card's code at checkout, in lower case with spaces;
- customers due a just-because card are held out at HOLDOUT_RATE: 35 % of those who got the
  card order again within 90 days, 15 % of those held out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from notecards.ledger import IssuedCard, open_ledger
from notecards.ledger.outcomes import HoldoutDecision, OutcomeLog, SeenOrder, record_outcomes
from notecards.planning.codes import CodeSource
from notecards.planning.outcomes import holdout_draw

START = date(2025, 1, 6)  # a Monday
VARIANT_A = "thank-you/messages/a.j2"
VARIANT_B = "thank-you/messages/b.j2"
RETURN_60 = {VARIANT_A: 0.25, VARIANT_B: 0.45}
HOLDOUT_RATE = 0.3
RETURN_90_CARDED, RETURN_90_HELD = 0.35, 0.15


@dataclass
class History:
    orders: list[SeenOrder] = field(default_factory=list)
    batches: dict[date, list[IssuedCard]] = field(default_factory=dict)
    holdout: list[HoldoutDecision] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)


def _monday_after(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


def generate(customers: int = 1200, lapsed: int = 600, seed: int = 7) -> History:
    rng = random.Random(seed)
    history = History()
    codes = CodeSource(())
    number = 0

    def order(customer: str, day: date, code: str = "") -> None:
        order_id = f"#{1000 + len(history.orders)}"
        total = round(rng.uniform(20, 120), 2)
        history.orders.append(SeenOrder(order_id, customer, day, total, code))

    def card(customer: str, occasion: str, variant: str, day: date, key: str) -> str:
        nonlocal number
        number += 1
        code = codes.code_for(key, "THANKS-{code}", None) if occasion == "thank-you" else ""
        batch = _monday_after(day)
        history.batches.setdefault(batch, []).append(
            IssuedCard(key, "", customer, occasion, variant, variant, customer, number, code=code)
        )
        if code:
            history.codes[key] = code
        return code

    for i in range(customers):
        customer = f"email:buyer{i}@example.com"
        first = START + timedelta(days=rng.randrange(0, 240))
        order(customer, first)
        variant = VARIANT_A if rng.random() < 0.5 else VARIANT_B
        code = card(customer, "thank-you", variant, first, f"thank-you:{customer}:1")
        sent = _monday_after(first)
        if rng.random() < RETURN_60[variant]:
            again = sent + timedelta(days=rng.randrange(5, 56))
            typed = code.lower().replace("-", " ") if rng.random() < 0.5 else ""
            order(customer, again, typed)
            card(customer, "thank-you", variant, again, f"thank-you:{customer}:2")
        elif rng.random() < 0.3:
            order(customer, sent + timedelta(days=rng.randrange(120, 250)))
    for i in range(lapsed):
        customer = f"email:lapsed{i}@example.com"
        due = START + timedelta(days=rng.randrange(100, 250))
        order(customer, due - timedelta(days=200))
        held = holdout_draw(customer) < HOLDOUT_RATE
        decided = _monday_after(due)
        history.holdout.append(
            HoldoutDecision(customer, "just-because", held, HOLDOUT_RATE, decided)
        )
        if not held:
            card(customer, "just-because", "just-because/messages/a.j2", due, f"jb:{customer}")
        if rng.random() < (RETURN_90_HELD if held else RETURN_90_CARDED):
            order(customer, decided + timedelta(days=rng.randrange(3, 88)))
    return history


def write_ledger(history: History, path: Path) -> Path:
    with open_ledger(path) as ledger:
        for day, cards in sorted(history.batches.items()):
            ledger.record_batch(
                f"{day.isoformat()}-gen", day.isoformat(), day.isoformat(), "out", cards
            )
        log = OutcomeLog()
        for seen in history.orders:
            log.add_order(seen)
        for decision in history.holdout:
            log.holdout[decision.customer_key] = decision
        record_outcomes(ledger, log, history.codes, "2026-01-01T00:00:00")
    return path
