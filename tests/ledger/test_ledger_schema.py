"""The ledger's schema is versioned: older ledgers are migrated in place, newer ones refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from notecards.errors import LedgerError
from notecards.ledger import IssuedCard, open_ledger
from notecards.ledger.schema import MIGRATIONS, SCHEMA_VERSION, schema_version


def _first_release_ledger(path: Path) -> None:
    """A ledger as the first release wrote it: its tables, no user_version, one batch."""
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute(
        "INSERT INTO batches VALUES ('b1', '2026-11-01', '2026-11-01T09:00', 'out', 1, NULL)"
    )
    db.execute(
        "INSERT INTO cards VALUES ('k1', '1001', 'c1', 'thank-you', 't', 'v1', 'Ada', 'b1', 1, 0)"
    )
    db.commit()
    db.close()


def test_a_first_release_ledger_is_migrated_in_place_and_keeps_its_cards(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    _first_release_ledger(path)
    with open_ledger(path) as ledger:
        assert ledger.issued_keys() == {"k1"}
    db = sqlite3.connect(path)
    assert schema_version(db) == SCHEMA_VERSION
    db.close()


def test_a_ledger_from_a_newer_notecards_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with open_ledger(path) as ledger:
        ledger.record_batch(
            "b1",
            "2026-11-01",
            "2026-11-01T09:00",
            "out",
            [IssuedCard("k1", "1001", "c1", "thank-you", "t", "v1", "Ada", 1)],
        )
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="newer notecards"):
        with open_ledger(path):
            pass
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is a spreadsheet, not a database" * 40)
    with pytest.raises(LedgerError, match="not a notecards ledger"):
        with open_ledger(path):
            pass
