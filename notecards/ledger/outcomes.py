"""What followed the cards: orders seen in exports, codes on cards, the holdout group.

The SQL of the results tables (schema step 2). Batches and ``notecards record`` write here;
``notecards results`` reads. Everything is idempotent: reading the same export again, or
recording the same batch again, changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from notecards.errors import LedgerError
from notecards.ledger import Ledger


@dataclass(frozen=True, slots=True)
class SeenOrder:
    """One order as an export showed it (the facts the results need, nothing more)."""

    order_id: str
    customer_key: str
    order_date: date | None
    total: float | None
    discount_code: str = ""


@dataclass(frozen=True, slots=True)
class HoldoutDecision:
    """Whether a customer eligible for a just-because card is in the holdout group."""

    customer_key: str
    occasion: str
    held: bool
    rate: float
    decided_on: date


@dataclass
class OutcomeLog:
    """What a batch learnt while planning, recorded with the batch (or by ``record``)."""

    orders: dict[str, SeenOrder] = field(default_factory=dict)
    holdout: dict[str, HoldoutDecision] = field(default_factory=dict)

    def add_order(self, order: SeenOrder) -> None:
        """Remember *order* (the first sight of an order id wins within one batch)."""
        if order.order_id and order.order_id not in self.orders:
            self.orders[order.order_id] = order

    def __bool__(self) -> bool:
        return bool(self.orders or self.holdout)


def normalise_code(text: str) -> str:
    """Return a code folded for matching: upper case, no spaces, hyphens or underscores.

    >>> normalise_code(" thanks - 7kq4 m9px ")
    'THANKS7KQ4M9PX'
    """
    return "".join(c for c in text.upper() if c not in " -_\t\u00a0")


def record_outcomes(ledger: Ledger, log: OutcomeLog, codes: Mapping[str, str], when: str) -> None:
    """Record the orders, card codes (card key → code) and holdout decisions of one batch.

    Raises:
        LedgerError: the ledger cannot be written.
    """
    db = ledger.connection
    try:
        with db:
            db.executemany(
                "INSERT INTO orders_seen VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(order_id) DO UPDATE SET "
                "order_date = COALESCE(orders_seen.order_date, excluded.order_date), "
                "total = COALESCE(orders_seen.total, excluded.total), "
                "discount_code = CASE WHEN orders_seen.discount_code = '' "
                "THEN excluded.discount_code ELSE orders_seen.discount_code END, "
                "discount_key = CASE WHEN orders_seen.discount_key = '' "
                "THEN excluded.discount_key ELSE orders_seen.discount_key END",
                (
                    (
                        o.order_id,
                        o.customer_key,
                        o.order_date.isoformat() if o.order_date else None,
                        o.total,
                        o.discount_code,
                        normalise_code(o.discount_code),
                        when,
                    )
                    for o in log.orders.values()
                ),
            )
            db.executemany(
                "INSERT OR REPLACE INTO card_codes VALUES (?, ?, ?)",
                ((key, code, normalise_code(code)) for key, code in codes.items() if code),
            )
            db.executemany(
                "INSERT OR IGNORE INTO holdout VALUES (?, ?, ?, ?, ?)",
                (
                    (d.customer_key, d.occasion, int(d.held), d.rate, d.decided_on.isoformat())
                    for d in log.holdout.values()
                ),
            )
    except sqlite3.Error as err:
        raise LedgerError(
            f"{ledger.path}: could not record the orders and codes ({err}) — check that the "
            "ledger is writable and run the same command again (nothing is counted twice)."
        ) from err


def used_codes(ledger: Ledger) -> set[str]:
    """Return the normalised codes already printed on cards."""
    return {str(row[0]) for row in _rows(ledger, "SELECT code_key FROM card_codes")}


def codes_for(ledger: Ledger, card_keys: Iterable[str]) -> dict[str, str]:
    """Return card key → code for those of *card_keys* that have one."""
    wanted = set(card_keys)
    if not wanted:
        return {}
    return {
        str(key): str(code)
        for key, code in _rows(ledger, "SELECT card_key, code FROM card_codes")
        if key in wanted
    }


def holdout_decisions(ledger: Ledger) -> dict[str, bool]:
    """Return customer key → held, for every customer already decided."""
    return {
        str(key): bool(held)
        for key, held in _rows(ledger, "SELECT customer_key, held FROM holdout")
    }


#: The queries behind ``notecards results``: one table each, read whole.
TABLES: dict[str, str] = {
    "cards": (
        "SELECT c.card_key, c.order_id, c.customer_key, c.occasion, c.template, c.variant, "
        "b.batch_date AS sent_on, COALESCE(k.code, '') AS code, "
        "COALESCE(k.code_key, '') AS code_key FROM cards c JOIN batches b USING (batch_id) "
        "LEFT JOIN card_codes k USING (card_key) "
        "WHERE b.voided_at IS NULL AND c.is_reprint = 0 ORDER BY b.batch_date, c.rowid"
    ),
    "orders": (
        "SELECT order_id, customer_key, order_date, total, discount_code, discount_key "
        "FROM orders_seen ORDER BY order_date, order_id"
    ),
    "holdout": (
        "SELECT customer_key, occasion, held, rate, decided_on FROM holdout "
        "ORDER BY decided_on, customer_key"
    ),
}


def read_table(ledger: Ledger, name: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """Return the column names and rows of the results table *name* (see :data:`TABLES`)."""
    try:
        cursor = ledger.connection.execute(TABLES[name])
    except sqlite3.Error as err:
        raise LedgerError(
            f"{ledger.path}: cannot read the ledger ({err}) — restore it from a backup or "
            "point --ledger at another file."
        ) from err
    columns = [d[0] for d in cursor.description]
    return columns, list(cursor)


def _rows(ledger: Ledger, sql: str) -> list[tuple[object, ...]]:
    try:
        return list(ledger.connection.execute(sql))
    except sqlite3.Error as err:
        raise LedgerError(
            f"{ledger.path}: cannot read the ledger ({err}) — restore it from a backup or "
            "point --ledger at another file."
        ) from err
