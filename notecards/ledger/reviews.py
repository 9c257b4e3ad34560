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

from notecards.choices import Choice
from notecards.errors import LedgerError
from notecards.ledger import Ledger, open_ledger


class ReviewStatus(Choice):
    """A card's review status. Pending cards print with ``batch`` unless
    ``[review] require_approval = true``; held and skipped cards never print until changed."""

    PENDING = "pending"
    APPROVED = "approved"
    HELD = "held"
    SKIPPED = "skipped"


#: The statuses as the review page and its API write them.
STATUSES = ReviewStatus.words()


class Gate(Choice):
    """Which cards a plan keeps, by their review status (see :func:`gate_reason`)."""

    NONE = "none"
    """Every card (the review desk plans them all)."""
    BATCH = "batch"
    """Not held or skipped ones; with ``require_approval``, approved ones only."""
    APPROVED = "approved"
    """Approved ones only ("Print approved cards")."""


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
    status: ReviewStatus = ReviewStatus.PENDING
    reason: str = ""
    """Why the card was skipped (or held), as typed."""
    updated_at: str = ""

    def __post_init__(self) -> None:
        # The status may be given as its word ("held"); it is kept as the member.
        if not isinstance(self.status, ReviewStatus):
            object.__setattr__(self, "status", ReviewStatus(self.status))

    @property
    def edited(self) -> bool:
        """Return True when any of the card's wording was changed on the review page."""
        return any(
            value is not None
            for value in (self.personal_line, self.message, self.signer, self.variant)
        )


def gate_reason(edit: CardEdit | None, gate: Gate | str, require_approval: bool) -> str:
    """Return why a card does not print under *gate* (a Gate or its word), or "" when it prints.

    >>> gate_reason(None, Gate.BATCH, False)
    ''
    >>> gate_reason(CardEdit("k", status=ReviewStatus.HELD), Gate.BATCH, False)
    'held in review'
    >>> gate_reason(None, Gate.APPROVED, False)
    'not approved in review'
    """
    gate = Gate(gate)
    if gate is Gate.NONE:
        return ""
    status = edit.status if edit is not None else ReviewStatus.PENDING
    if status is ReviewStatus.HELD:
        return "held in review"
    if status is ReviewStatus.SKIPPED:
        reason = edit.reason if edit is not None else ""
        return f"skipped in review{f': {reason}' if reason else ''}"
    if status is not ReviewStatus.APPROVED and (gate is Gate.APPROVED or require_approval):
        return "not approved in review"
    return ""


def read_edits(ledger: Ledger) -> dict[str, CardEdit]:
    """Return card key → CardEdit for every card the review desk touched."""
    rows = _query(
        ledger,
        "SELECT card_key, personal_line, message, signer, variant, status, reason, updated_at "
        "FROM card_reviews",
    )
    edits = {}
    for key, personal_line, message, signer, variant, status, reason, updated_at in rows:
        try:
            known = ReviewStatus(status)
        except ValueError:
            raise LedgerError(
                f"{ledger.path}: the review of card {key} has the unknown status {status!r} "
                f"(known: {', '.join(STATUSES)}). Was it written by a newer notecards? "
                "Restore the ledger from a backup or use that version."
            ) from None
        edits[key] = CardEdit(
            key, personal_line, message, signer, variant, known, reason, updated_at
        )
    return edits


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
                str(edit.status),
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
