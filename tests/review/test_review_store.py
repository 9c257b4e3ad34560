"""The review desk's storage: its own tables in the ledger, reached by migration."""

from __future__ import annotations

import socket
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from notecards.cli.main import main
from notecards.errors import LedgerError
from notecards.ledger import open_ledger
from notecards.ledger.reviews import (
    CardEdit,
    Gate,
    ReviewStatus,
    gate_reason,
    load_edits,
    load_fixes,
    save_edit,
    save_fix,
)
from notecards.ledger.schema import MIGRATIONS
from tests.conftest import make_order

NOON = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


def test_a_first_release_ledger_gains_the_review_tables_and_keeps_its_cards(tmp_path: Path):
    path = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO batches VALUES ('b1', '2026-11-01', 't', 'out', 1, NULL)")
    db.execute("INSERT INTO cards VALUES ('k1', '1', 'c', 'thank-you', 't', 'v', 'A', 'b1', 1, 0)")
    db.commit()
    db.close()
    assert load_edits(path) == {}  # read-only open of an old ledger: migrated, nothing lost
    save_edit(path, CardEdit("k1", personal_line="Hello", status="approved"), now=NOON)
    with open_ledger(path) as ledger:
        assert ledger.issued_keys() == {"k1"}
    assert load_edits(path)["k1"] == CardEdit(
        "k1", personal_line="Hello", status="approved", updated_at="2026-12-02T12:00:00+00:00"
    )


def test_edits_replace_and_fixes_merge_per_key(tmp_path: Path):
    path = tmp_path / "ledger.sqlite"
    assert load_edits(path) == {} and load_fixes(path) == {}
    assert not path.exists()  # reading never creates a ledger
    save_edit(path, CardEdit("k", message="One", signer="Sam"))
    save_edit(path, CardEdit("k", message="Two"))
    stored = load_edits(path)["k"]
    assert stored.message == "Two" and stored.signer is None and stored.edited
    assert not CardEdit("k", status="held").edited
    save_fix(path, "orders.csv:1010", {"address_line1": "12 Pike Street"})
    save_fix(path, "orders.csv:row 9", {"name": "Grace Liu"})
    assert load_fixes(path) == {
        "orders.csv:1010": {"address_line1": "12 Pike Street"},
        "orders.csv:row 9": {"name": "Grace Liu"},
    }


def test_a_status_is_stored_as_its_word_and_read_back_as_the_member(tmp_path: Path):
    path = tmp_path / "ledger.sqlite"
    save_edit(path, CardEdit("k", status="held", reason="check the name"))
    assert load_edits(path)["k"].status is ReviewStatus.HELD
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT status FROM card_reviews").fetchall() == [("held",)]


def test_an_unknown_status_in_the_ledger_names_the_file_and_the_card(tmp_path: Path):
    path = tmp_path / "ledger.sqlite"
    save_edit(path, CardEdit("thank-you:1001", status=ReviewStatus.APPROVED))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE card_reviews SET status = 'printed'")
    with pytest.raises(LedgerError) as err:
        load_edits(path)
    assert str(err.value).startswith(
        f"{path}: the review of card thank-you:1001 has the unknown status 'printed' (known: "
        "pending, approved, held, skipped)."
    )


def test_a_gate_is_a_member_or_its_word():
    held = CardEdit("k", status=ReviewStatus.HELD)
    assert gate_reason(held, Gate.BATCH, False) == gate_reason(held, "batch", False)
    assert gate_reason(held, "batch", False) == "held in review"
    assert gate_reason(held, Gate.NONE, False) == ""
    with pytest.raises(ValueError):
        gate_reason(held, "sometimes", False)


def test_review_on_a_busy_port_says_what_to_do(runner: CliRunner, write_orders, tmp_path: Path):
    orders = write_orders([make_order()])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(
            main,
            ["review", str(orders), "--out", str(tmp_path / "out"), "--port", str(port)]
            + ["--ledger", str(tmp_path / "l.sqlite"), "--no-browser", "--date", "2026-11-22"],
        )
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Choose another --port" in result.output
