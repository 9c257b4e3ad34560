"""The ledger's schema, versioned: each step brings a ledger from one version to the next.

SQLite's ``PRAGMA user_version`` holds the version a ledger is at. Opening a ledger applies
every step it lacks, in one transaction, so an older ledger is migrated in place and a
ledger from a newer notecards is refused before anything is read or written.

To change the schema, append a step; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from notecards.errors import LedgerError

#: Step *n* (1-based) brings a ledger from version n-1 to version n.
MIGRATIONS: tuple[str, ...] = (
    # 1: batches, their cards, and the suppression list (the first release).
    """
    CREATE TABLE IF NOT EXISTS batches (
        batch_id   TEXT PRIMARY KEY,
        batch_date TEXT NOT NULL,
        created_at TEXT NOT NULL,
        out_dir    TEXT NOT NULL,
        cards      INTEGER NOT NULL,
        voided_at  TEXT
    );
    CREATE TABLE IF NOT EXISTS cards (
        card_key     TEXT NOT NULL,
        order_id     TEXT NOT NULL,
        customer_key TEXT NOT NULL,
        occasion     TEXT NOT NULL,
        template     TEXT NOT NULL,
        variant      TEXT NOT NULL,
        recipient    TEXT NOT NULL,
        batch_id     TEXT NOT NULL REFERENCES batches(batch_id),
        card_number  INTEGER NOT NULL,
        is_reprint   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS cards_key ON cards(card_key);
    CREATE INDEX IF NOT EXISTS cards_customer ON cards(customer_key);
    CREATE TABLE IF NOT EXISTS suppressions (
        key      TEXT PRIMARY KEY,
        label    TEXT NOT NULL,
        reason   TEXT NOT NULL,
        added_on TEXT NOT NULL
    );
    """,
    # 2: results (did the cards bring customers back?): the orders every export showed, the
    # code printed on each card, and who was held out of just-because cards (see
    # notecards/ledger/outcomes.py, which keeps the SQL that reads and writes them).
    """
    CREATE TABLE IF NOT EXISTS orders_seen (
        order_id      TEXT PRIMARY KEY,
        customer_key  TEXT NOT NULL,
        order_date    TEXT,
        total         REAL,
        discount_code TEXT NOT NULL DEFAULT '',
        discount_key  TEXT NOT NULL DEFAULT '',
        first_seen    TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS orders_seen_customer ON orders_seen(customer_key);
    CREATE INDEX IF NOT EXISTS orders_seen_discount ON orders_seen(discount_key);
    CREATE TABLE IF NOT EXISTS card_codes (
        card_key TEXT PRIMARY KEY,
        code     TEXT NOT NULL,
        code_key TEXT NOT NULL UNIQUE
    );
    CREATE TABLE IF NOT EXISTS holdout (
        customer_key TEXT PRIMARY KEY,
        occasion     TEXT NOT NULL,
        held         INTEGER NOT NULL,
        rate         REAL NOT NULL,
        decided_on   TEXT NOT NULL
    );
    """,
    # 3: the review desk (notecards/ledger/reviews.py): per card key, the edits typed in the
    # browser and the card's review status; per rejected order, the fields fixed there.
    """
    CREATE TABLE IF NOT EXISTS card_reviews (
        card_key      TEXT PRIMARY KEY,
        personal_line TEXT,
        message       TEXT,
        signer        TEXT,
        variant       TEXT,
        status        TEXT NOT NULL DEFAULT 'pending',
        reason        TEXT NOT NULL DEFAULT '',
        updated_at    TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS row_fixes (
        fix_key    TEXT PRIMARY KEY,
        fields     TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # 4: a batch is recorded as pending (which files, staged where) before its files are moved
    # into place, and completed after; the next command resolves one a crash left pending.
    """
    ALTER TABLE batches ADD COLUMN pending TEXT
    """,
)

#: The columns this notecards writes, per table: a ledger missing one is refused up front.
COLUMNS: dict[str, tuple[str, ...]] = {
    "batches": ("batch_id", "batch_date", "created_at", "out_dir", "cards", "voided_at", "pending"),
    "cards": (
        "card_key",
        "order_id",
        "customer_key",
        "occasion",
        "template",
        "variant",
        "recipient",
        "batch_id",
        "card_number",
        "is_reprint",
    ),
    "suppressions": ("key", "label", "reason", "added_on"),
}

SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(connection: sqlite3.Connection) -> int:
    """Return the version the open ledger is at (0 for a new, empty file)."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection, path: Path) -> int:
    """Bring the ledger at *path* to :data:`SCHEMA_VERSION`; return the version it was at.

    Raises:
        LedgerError: the ledger was written by a newer notecards, or is not a ledger.
    """
    try:
        found = schema_version(connection)
    except sqlite3.DatabaseError as err:
        raise LedgerError(
            f"{path}: not a notecards ledger ({err}). Point --ledger at the right file; "
            "notecards never overwrites an unknown file."
        ) from err
    if found > SCHEMA_VERSION:
        raise LedgerError(
            f"{path}: this ledger was written by a newer notecards (schema version {found}; "
            f"this one knows up to {SCHEMA_VERSION}). Upgrade notecards "
            "(pip install -U notecards) before using it; nothing was changed."
        )
    if found == SCHEMA_VERSION:
        return found
    try:
        # executescript() commits first; run each step's statements in one explicit transaction.
        connection.execute("BEGIN IMMEDIATE")
        for step in MIGRATIONS[found:]:
            for statement in _statements(step):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except sqlite3.DatabaseError as err:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise LedgerError(
            f"{path}: cannot bring the ledger to schema version {SCHEMA_VERSION} ({err}). "
            "Check that the file and its folder are writable, or point --ledger at the "
            "right file; nothing was changed."
        ) from err
    return found


def _statements(script: str) -> list[str]:
    """Split a migration step into statements (no step uses ';' inside a literal)."""
    return [s.strip() for s in script.split(";") if s.strip()]
