"""What a batch notes for the results: the orders it read, and who is in the holdout group.

The holdout group (``[results] holdout = 0.05``) is a random, recorded share of customers who
would get a just-because card (an occasion with ``rule = "cadence"``) and do not, so the
results can compare them with those who did. Thank-you and birthday cards are never withheld.
Each customer is decided once, by a hash of their customer key (deterministic: the same
customer is decided alike on every machine), and the decision is kept in the ledger, so a
later change of the rate never moves someone already decided.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from notecards.choices import Rule
from notecards.ledger.outcomes import HoldoutDecision, OutcomeLog, SeenOrder
from notecards.models import Order
from notecards.planning.occasions import Occasion

#: The rule of the occasions a holdout may withhold (never every-order or birthday).
HOLDOUT_RULES = frozenset({Rule.CADENCE})


def parse_amount(text: str) -> float | None:
    """Return the amount written in *text* ("$1,234.50", "1.234,50 €"), or None.

    >>> parse_amount("$1,234.50"), parse_amount("1.234,50 €"), parse_amount("12,5")
    (1234.5, 1234.5, 12.5)
    >>> parse_amount("") is None
    True
    """
    cleaned = re.sub(r"[^\d,.\-]", "", text)
    if not re.search(r"\d", cleaned):
        return None
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        thousands = re.fullmatch(r"-?\d{1,3}(,\d{3})+", cleaned)
        cleaned = cleaned.replace(",", "") if thousands else cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def seen_order(order: Order) -> SeenOrder | None:
    """Return what the results keep of *order* (None for a contact without an order id)."""
    if not order.order_id:
        return None
    return SeenOrder(
        order.order_id,
        order.customer_key,
        order.order_date,
        parse_amount(order.total),
        order.discount_code.strip(),
    )


def holdout_draw(customer_key: str) -> float:
    """Return a number in [0, 1) fixed for *customer_key* (uniform over customers)."""
    digest = hashlib.sha256(f"notecards-holdout:{customer_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class Holdout:
    """Decides who is held out, remembering decisions the ledger already holds."""

    def __init__(self, rate: float, decided: dict[str, bool], log: OutcomeLog) -> None:
        self.rate, self.decided, self.log = rate, decided, log

    def holds(self, order: Order, occasion: Occasion, today: date) -> bool:
        """Return True when *order*'s customer is in the holdout group for *occasion*."""
        if self.rate <= 0 or occasion.rule not in HOLDOUT_RULES:
            return False
        customer = order.customer_key
        if customer in self.decided:
            return self.decided[customer]
        held = holdout_draw(customer) < self.rate
        self.decided[customer] = held
        self.log.holdout[customer] = HoldoutDecision(
            customer, occasion.slug, held, self.rate, today
        )
        return held
