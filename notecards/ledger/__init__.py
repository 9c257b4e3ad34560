"""The ledger: which cards were issued in which batch, and who asked not to be contacted.

SQLite from the standard library. A batch is recorded in one transaction after its files are in
place, so a crash leaves no rows for cards that were never written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notecards.errors import LedgerError
from notecards.ledger.schema import COLUMNS, migrate
from notecards.models import History

#: How many of a person's latest wordings per occasion a History carries.
RECENT_VARIANTS = 5


@dataclass(frozen=True, slots=True)
class IssuedCard:
    """One card row as the ledger records it."""

    card_key: str
    order_id: str
    customer_key: str
    occasion: str
    template: str
    variant: str
    recipient: str
    card_number: int
    is_reprint: bool = False
    code: str = ""
    """The code printed on the card ("" without one); kept in card_codes (outcomes.py)."""


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One batch as the ledger records it."""

    batch_id: str
    batch_date: str
    created_at: str
    out_dir: str
    cards: int
    voided_at: str | None
    pending: bool = False


class AlreadyIssuedError(LedgerError):
    """Another batch recorded some of this batch's cards while it ran; nothing was recorded."""


class Ledger:
    """An open ledger database. Use ``open_ledger(path)`` as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @property
    def connection(self) -> sqlite3.Connection:
        """Return the open connection, for packages that keep their own tables' SQL."""
        return self._db

    def issued_keys(self) -> set[str]:
        """Return the card keys issued in batches that were not voided."""
        rows = self._query(
            "SELECT c.card_key FROM cards c JOIN batches b USING (batch_id) "
            "WHERE b.voided_at IS NULL AND c.is_reprint = 0"
        )
        return {row[0] for row in rows}

    def histories(self, until_card: str | None = None) -> dict[tuple[str, str], History]:
        """Return History per (customer_key, occasion), from batches that were not voided.

        With *until_card*, the history is as it stood just before that card was first issued
        (a reprint must say exactly what the original said).
        """
        rows = self._query(
            "SELECT c.customer_key, c.occasion, c.variant, c.order_id, c.card_key FROM cards c "
            "JOIN batches b USING (batch_id) WHERE b.voided_at IS NULL AND c.is_reprint = 0 "
            "ORDER BY b.created_at, c.rowid"
        )
        result: dict[tuple[str, str], History] = {}
        orders: dict[str, set[str]] = {}
        for customer, occasion, variant, order_id, card_key in rows:
            if card_key == until_card:
                break
            if order_id:
                orders.setdefault(customer, set()).add(order_id)
            previous = result.get((customer, occasion), History())
            recent = (*previous.recent_variants, variant)[-RECENT_VARIANTS:]
            result[(customer, occasion)] = History(previous.previous_cards + 1, 0, variant, recent)
        for (customer, occasion), history in list(result.items()):
            result[(customer, occasion)] = History(
                history.previous_cards,
                len(orders.get(customer, ())),
                history.last_variant,
                history.recent_variants,
            )
        for customer, ids in orders.items():
            result.setdefault((customer, ""), History(0, len(ids), ""))
        return result

    def record_batch(
        self,
        batch_id: str,
        batch_date: str,
        created_at: str,
        out_dir: str,
        cards: Iterable[IssuedCard],
        *,
        pending: str | None = None,
    ) -> None:
        """Record a batch and its cards in one transaction (replacing a voided twin).

        *cards* may be a generator: it is read once, so a streamed batch of 100,000 cards
        is never held in memory. With *pending* (see ``ledger.commit``) the batch is recorded
        as pending: its cards count as issued, and the next command completes or rolls it back.

        The transaction takes the write lock first (BEGIN IMMEDIATE) and checks, before it
        commits, that no card of this batch was issued by another batch meanwhile.

        Raises:
            AlreadyIssuedError: another batch issued some of these cards first; nothing is
                recorded.
            LedgerError: the ledger cannot be written.
        """
        count = 0

        def rows() -> Iterator[tuple[object, ...]]:
            nonlocal count
            for c in cards:
                count += 1
                yield (
                    c.card_key,
                    c.order_id,
                    c.customer_key,
                    c.occasion,
                    c.template,
                    c.variant,
                    c.recipient,
                    batch_id,
                    c.card_number,
                    int(c.is_reprint),
                )

        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM cards WHERE batch_id = ?", (batch_id,))
                self._db.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
                self._db.execute(
                    "INSERT INTO batches (batch_id, batch_date, created_at, out_dir, cards, "
                    "voided_at, pending) VALUES (?, ?, ?, ?, 0, NULL, ?)",
                    (batch_id, batch_date, created_at, out_dir, pending),
                )
                self._db.executemany(
                    f"INSERT INTO cards ({', '.join(COLUMNS['cards'])}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows(),
                )
                self._db.execute(
                    "UPDATE batches SET cards = ? WHERE batch_id = ?", (count, batch_id)
                )
                _refuse_twice(self._db, self.path, batch_id)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as err:
            raise LedgerError(
                f"{self.path}: could not record batch {batch_id}: {err}. Check that the "
                "ledger and its folder are writable; nothing was recorded."
            ) from err

    def check_writable(self) -> None:
        """Check that a batch could be recorded, writing nothing: call it before drawing.

        Raises:
            LedgerError: the file or its folder is read-only, or a table has a column this
                notecards does not fill (added by another program) and that cannot be empty.
        """
        for table, columns in COLUMNS.items():
            found = {row[1] for row in self._query(f"PRAGMA table_info({table})")}
            missing = [c for c in columns if c not in found]
            if missing:
                raise LedgerError(
                    f"{self.path}: table {table} has no column {', '.join(missing)}; the "
                    "ledger was changed by another program. Restore it from a backup or "
                    "point --ledger at another file; nothing was drawn or recorded."
                )
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                # Real writes (rolled back): a read-only file or folder, or an extra column
                # that cannot be left empty, fails here rather than after the PDFs are drawn.
                self._db.execute(
                    "INSERT INTO batches (batch_id, batch_date, created_at, out_dir, cards) "
                    "VALUES ('~probe', '', '', '', 0)"
                )
                self._db.execute(
                    f"INSERT INTO cards ({', '.join(COLUMNS['cards'])}) "
                    "VALUES ('~probe', '', '', '', '', '', '', '~probe', 0, 0)"
                )
            finally:
                self._db.execute("ROLLBACK")
        except sqlite3.Error as err:
            raise LedgerError(
                f"{self.path}: the ledger cannot be written ({err}). Make the file and its "
                "folder writable (or remove a column another program added), or point "
                "--ledger at another file; nothing was drawn or recorded."
            ) from err

    def void_batch(self, batch_id: str, when: str) -> int:
        """Mark *batch_id* void so its cards are issued again; return how many cards it had.

        Raises:
            LedgerError: no such batch.
        """
        with self._db:
            cursor = self._db.execute(
                "UPDATE batches SET voided_at = ? WHERE batch_id = ? AND voided_at IS NULL",
                (when, batch_id),
            )
        if cursor.rowcount == 0:
            voided = self._query(
                "SELECT voided_at FROM batches WHERE batch_id = ? AND voided_at IS NOT NULL",
                (batch_id,),
            )
            if voided:
                raise LedgerError(
                    f'{self.path}: batch "{batch_id}" was already voided on {voided[0][0]}; '
                    "its cards are issued again by the next batch. Nothing to do."
                )
            known = ", ".join(b.batch_id for b in self.batches()[-5:]) or "none yet"
            raise LedgerError(
                f'{self.path}: no batch "{batch_id}" to void (recent: {known}). '
                "Run `notecards batches` to list them."
            )
        row = self._query("SELECT cards FROM batches WHERE batch_id = ?", (batch_id,))
        return int(row[0][0])

    def batches(self) -> list[BatchRecord]:
        """Return every batch, oldest first."""
        return [
            BatchRecord(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))
            for row in self._query(
                "SELECT batch_id, batch_date, created_at, out_dir, cards, voided_at, "
                "pending IS NOT NULL FROM batches ORDER BY created_at, batch_id"
            )
        ]

    def cards_for_order(self, order_id: str) -> list[IssuedCard]:
        """Return the cards issued for *order_id* (reprints included)."""
        rows = self._query(
            "SELECT card_key, order_id, customer_key, occasion, template, variant, recipient, "
            "card_number, is_reprint FROM cards WHERE order_id = ? ORDER BY rowid",
            (order_id,),
        )
        return [
            IssuedCard(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                is_reprint=bool(row[8]),
            )
            for row in rows
        ]

    def suppress(self, key: str, label: str, reason: str, added_on: str) -> None:
        """Add a person to the suppression list (idempotent)."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO suppressions VALUES (?, ?, ?, ?)",
                (key, label, reason, added_on),
            )

    def unsuppress(self, key: str) -> bool:
        """Remove a person from the suppression list; return True when they were on it."""
        with self._db:
            cursor = self._db.execute("DELETE FROM suppressions WHERE key = ?", (key,))
        return cursor.rowcount > 0

    def suppressions(self) -> dict[str, tuple[str, str, str]]:
        """Return key → (label, reason, added_on) for everyone suppressed."""
        return {
            row[0]: (row[1], row[2], row[3])
            for row in self._query(
                "SELECT key, label, reason, added_on FROM suppressions ORDER BY added_on, key"
            )
        }

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return list(self._db.execute(sql, params))
        except sqlite3.Error as err:
            raise LedgerError(
                f"{self.path}: cannot read the ledger ({err}). Restore it from a "
                "backup or point --ledger at another file."
            ) from err


def _refuse_twice(db: sqlite3.Connection, path: Path, batch_id: str) -> None:
    """Raise AlreadyIssuedError when a card of *batch_id* is also in another live batch."""
    clash = list(
        db.execute(
            "SELECT c.order_id, c.batch_id FROM cards c JOIN batches b USING (batch_id) "
            "WHERE b.voided_at IS NULL AND c.is_reprint = 0 AND c.batch_id != ? AND c.card_key "
            "IN (SELECT card_key FROM cards WHERE batch_id = ? AND is_reprint = 0)",
            (batch_id, batch_id),
        )
    )
    if clash:
        orders = ", ".join(sorted({order for order, _ in clash})[:5])
        others = ", ".join(sorted({other for _, other in clash}))
        raise AlreadyIssuedError(
            f"{path}: {len(clash)} card(s) of batch {batch_id} were issued meanwhile by batch "
            f"{others} (orders {orders}{' …' if len(clash) > 5 else ''}); nothing was recorded "
            "or moved into place. Run the same command again: it prints only the cards not "
            "issued yet."
        )


@contextmanager
def open_ledger(path: Path, *, create: bool = True) -> Iterator[Ledger]:
    """Open (and create, unless *create* is False) the ledger at *path*.

    Raises:
        LedgerError: the file is not a notecards ledger or cannot be opened.
    """
    if not create and not path.exists():
        connection = sqlite3.connect(":memory:")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(str(path))
        except sqlite3.Error as err:
            raise LedgerError(f"{path}: cannot open the ledger ({err}).") from err
    try:
        migrate(connection, path)
        yield Ledger(connection, path)
    finally:
        connection.close()
