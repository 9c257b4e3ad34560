"""The review desk's tables in the ledger: edits and statuses per card key, fixes per order.

Everything typed on the review page lives here (schema step "review desk" in
``ledger/schema.py``), so closing the browser loses nothing and ``batch`` sees the same edits.
This module depends only on the ledger and the records below it: the planner reads edits
through :func:`read_edits` while it plans.

Two tabs editing the same card: last write wins, field by field. A PATCH stores only the
fields it names, so one tab's signer and the other tab's personal line both survive; when
both change the same field, the later request's value is kept.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from notecards.errors import LedgerError
from notecards.ledger import Ledger, open_ledger

#: A card's review status. Pending cards print with ``batch`` unless
#: ``[review] require_approval = true``; held and skipped cards never print until changed.
STATUSES = ("pending", "approved", "held", "skipped")


@dataclass(frozen=True, slots=True)
class CardEdit:
    """What the review desk stored for one card key (None: not edited, use the template)."""

    card_key: str
    personal_line: str | None = None
    message: str | None = None
    """The whole message body as plain text (paragraphs split by blank lines); data only."""
    signer: str | None = None
    variant: str | None = None
    """The message template to use, e.g. ``thank-you/messages/02-personal.j2``."""
    status: str = "pending"
    reason: str = ""
    """Why the card was skipped (or held), as typed."""
    updated_at: str = ""

    @property
    def edited(self) -> bool:
        """Return True when any of the card's wording was changed on the review page."""
        return any(
            value is not None
            for value in (self.personal_line, self.message, self.signer, self.variant)
        )


def gate_reason(edit: CardEdit | None, gate: str, require_approval: bool) -> str:
    """Return why a card does not print under *gate*, or "" when it prints.

    *gate* is ``"none"`` (the review desk plans every card), ``"batch"`` (held and skipped
    cards wait; with *require_approval* only approved cards print) or ``"approved"`` (only
    approved cards: "Print approved cards").

    >>> gate_reason(None, "batch", False)
    ''
    >>> gate_reason(CardEdit("k", status="held"), "batch", False)
    'held in review'
    >>> gate_reason(None, "approved", False)
    'not approved in review'
    """
    if gate == "none":
        return ""
    status = edit.status if edit is not None else "pending"
    if status == "held":
        return "held in review"
    if status == "skipped":
        reason = edit.reason if edit is not None else ""
        return f"skipped in review{f': {reason}' if reason else ''}"
    if status != "approved" and (gate == "approved" or require_approval):
        return "not approved in review"
    return ""


def read_edits(ledger: Ledger) -> dict[str, CardEdit]:
    """Return card key → CardEdit for every card the review desk touched."""
    rows = _query(
        ledger,
        "SELECT card_key, personal_line, message, signer, variant, status, reason, updated_at "
        "FROM card_reviews",
    )
    return {row[0]: CardEdit(*row) for row in rows}


def load_edits(ledger_path: Path) -> dict[str, CardEdit]:
    """Return the stored edits of the ledger at *ledger_path* (none when it does not exist)."""
    with open_ledger(ledger_path, create=False) as ledger:
        return read_edits(ledger)


def save_edit(ledger_path: Path, edit: CardEdit, now: datetime | None = None) -> CardEdit:
    """Store *edit* (replacing the card's row) and return it with its time stamp."""
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    edit = replace(edit, updated_at=stamp)
    with open_ledger(ledger_path) as ledger:
        _write(
            ledger,
            "INSERT OR REPLACE INTO card_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                edit.card_key,
                edit.personal_line,
                edit.message,
                edit.signer,
                edit.variant,
                edit.status,
                edit.reason,
                edit.updated_at,
            ),
        )
    return edit


def load_fixes(ledger_path: Path) -> dict[str, dict[str, str]]:
    """Return fix key → {column: value} for every rejected order fixed on the review page."""
    with open_ledger(ledger_path, create=False) as ledger:
        rows = _query(ledger, "SELECT fix_key, fields FROM row_fixes")
    return {key: dict(json.loads(fields)) for key, fields in rows}


def save_fix(
    ledger_path: Path, fix_key: str, fields: dict[str, str], now: datetime | None = None
) -> None:
    """Store the fixed *fields* of the rejected order *fix_key* (replacing an earlier fix)."""
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with open_ledger(ledger_path) as ledger:
        _write(
            ledger,
            "INSERT OR REPLACE INTO row_fixes VALUES (?, ?, ?)",
            (fix_key, json.dumps(fields, sort_keys=True), stamp),
        )


def _query(ledger: Ledger, sql: str) -> list[tuple[str, ...]]:
    try:
        return list(ledger.connection.execute(sql))
    except sqlite3.Error as err:
        raise LedgerError(
            f"{ledger.path}: cannot read the review desk's edits ({err}). Restore the ledger "
            "from a backup or point --ledger at another file."
        ) from err


def _write(ledger: Ledger, sql: str, params: tuple[object, ...]) -> None:
    try:
        with ledger.connection:
            ledger.connection.execute(sql, params)
    except sqlite3.Error as err:
        raise LedgerError(
            f"{ledger.path}: cannot store the review (err: {err}). Check that the ledger file "
            "and its folder are writable; the edit was not kept."
        ) from err
