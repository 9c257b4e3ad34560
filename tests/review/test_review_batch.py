"""The review desk and `batch`: stored edits print as edited, holds wait, nothing prints twice."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from notecards.cli.main import main
from notecards.config import load_config
from notecards.errors import ConfigError
from notecards.ledger.reviews import CardEdit, gate_reason
from notecards.planning.batch import make_settings
from notecards.review import Review
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_texts

DATE = TODAY.isoformat()


@pytest.fixture
def orders(write_orders) -> Path:
    return write_orders(
        [
            make_order(order_id="2001", first_name="Ada", email="ada@example.com"),
            make_order(order_id="2002", first_name="Ben", email="ben@example.com"),
            make_order(order_id="2003", first_name="Cleo", email="cleo@example.com"),
            make_order(order_id="2004", first_name="Dev", email="dev@example.com"),
            make_order(order_id="2005", first_name="Eve", email="e@example.com", address_line1=""),
        ]
    )


def batch(runner: CliRunner, orders: Path, out: Path, ledger: Path, *more: str):
    result = runner.invoke(
        main,
        ["batch", str(orders), "--out", str(out), "--ledger", str(ledger), "--date", DATE, *more],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result


def card_texts(out: Path) -> list[str]:
    return [" ".join(t.split()) for t in page_texts(out / "cards.pdf")]


def skipped(out: Path) -> dict[str, str]:
    with (out / "skipped.csv").open(encoding="utf-8-sig") as handle:
        return {row["order_id"]: row["reason"] for row in csv.DictReader(handle)}


def test_batch_after_review_prints_nothing_twice_and_keeps_edits(
    runner: CliRunner, orders: Path, tmp_path: Path
):
    ledger = tmp_path / "ledger.sqlite"
    desk = Review([orders], make_settings(ledger_path=ledger), today=TODAY, out_dir=tmp_path / "a")
    desk.edit(1, {"personal_line": "Approved and edited on the desk.", "status": "approved"})
    desk.edit(2, {"status": "held"})
    desk.edit(3, {"personal_line": "Edited, never approved."})
    desk.edit(4, {"status": "skipped", "reason": "asked us not to"})
    desk.print_approved()
    assert "Approved and edited on the desk." in card_texts(tmp_path / "a")[1]

    batch(runner, orders, tmp_path / "b", ledger)
    texts = card_texts(tmp_path / "b")
    assert len(texts) == 2  # only card 3: the approved one is issued, 2 held, 4 skipped
    assert "Edited, never approved." in texts[1] and "2003" in texts[0]
    reasons = skipped(tmp_path / "b")
    assert reasons["2001"] == "already issued"
    assert reasons["2002"] == "held in review"
    assert reasons["2004"] == "skipped in review: asked us not to"

    again = batch(runner, orders, tmp_path / "c", ledger)
    assert "0 new cards, 2 already issued" in again.output
    assert not (tmp_path / "c" / "cards.pdf").exists()

    # A reprint of the approved card says what was printed: the edit is kept. (Next day:
    # a same-day reprint of a one-card batch gets that batch's id and replaces its rows.)
    reprint = runner.invoke(
        main,
        ["batch", str(orders), "--out", str(tmp_path / "d"), "--ledger", str(ledger)]
        + ["--date", "2026-11-23", "--reprint", "2001"],
        catch_exceptions=False,
    )
    assert reprint.exit_code == 0, reprint.output
    assert "Approved and edited on the desk." in card_texts(tmp_path / "d")[1]

    # The held card comes back in the next review, still held.
    later = Review([orders], make_settings(ledger_path=ledger), today=TODAY, out_dir=tmp_path)
    assert [(c["order_id"], c["status"]) for c in later.cards()] == [
        ("2002", "held"),
        ("2004", "skipped"),
    ]


def test_require_approval_prints_only_approved_cards(
    runner: CliRunner, orders: Path, tmp_path: Path
):
    ledger = tmp_path / "ledger.sqlite"
    config = tmp_path / "notecards.toml"
    config.write_text(
        f'[ledger]\npath = "{ledger.name}"\n\n[review]\nrequire_approval = true\n',
        encoding="utf-8",
    )
    settings = make_settings(load_config(config))
    desk = Review([orders], settings, today=TODAY, out_dir=tmp_path / "a")
    desk.edit(2, {"status": "approved", "signer": "The team"})
    result = runner.invoke(
        main,
        ["batch", str(orders), "--out", str(tmp_path / "b"), "--config", str(config)]
        + ["--date", DATE],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    texts = card_texts(tmp_path / "b")
    assert len(texts) == 2 and "2002" in texts[0]
    reasons = skipped(tmp_path / "b")
    assert reasons["2001"] == reasons["2003"] == "not approved in review"


def test_require_approval_must_be_true_or_false(tmp_path: Path):
    config = tmp_path / "notecards.toml"
    config.write_text('[review]\nrequire_approval = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="require_approval must be true or false"):
        load_config(config)


def test_gate_reasons():
    approved = CardEdit("k", status="approved")
    assert gate_reason(None, "batch", False) == ""
    assert gate_reason(None, "batch", True) == "not approved in review"
    assert gate_reason(approved, "batch", True) == ""
    assert gate_reason(approved, "approved", False) == ""
    assert gate_reason(CardEdit("k", status="held"), "none", True) == ""


def test_a_fix_made_in_review_is_used_by_batch(runner: CliRunner, orders: Path, tmp_path: Path):
    ledger = tmp_path / "ledger.sqlite"
    desk = Review([orders], make_settings(ledger_path=ledger), today=TODAY, out_dir=tmp_path)
    (reject,) = desk.rejects()
    assert "street address is empty" in reject["reason"]
    desk.fix(reject["number"], {"address_line1": "3 Mill Road"})
    assert desk.rejects() == []
    batch(runner, orders, tmp_path / "b", ledger)
    texts = card_texts(tmp_path / "b")
    assert len(texts) == 10 and "2005" in texts[8]


def test_review_command_prints_its_address_and_stops_on_ctrl_c(orders: Path, tmp_path: Path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "notecards", "review", str(orders), "--out", str(tmp_path / "out")]
        + ["--ledger", str(tmp_path / "ledger.sqlite"), "--date", DATE, "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = lines[2].strip()
        assert url.startswith("http://127.0.0.1:") and "/?token=" in url, lines
        base, token = url.split("/?token=")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        request = urllib.request.Request(
            f"{base}/api/cards/1",
            data=json.dumps({"status": "approved"}).encode(),
            method="PATCH",
            headers={"X-Notecards-Token": token, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.load(response)["status"] == "approved"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/api/cards", timeout=30)
        assert refused.value.code == 403
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Stopped" in err
    # Nothing is lost: the approval is in the ledger.
    settings = make_settings(ledger_path=tmp_path / "ledger.sqlite")
    desk = Review([orders], settings, today=TODAY, out_dir=tmp_path)
    assert desk.card(1)["status"] == "approved"


def test_each_card_shows_the_warnings_of_its_own_rows(write_orders, tmp_path: Path):
    path = write_orders(
        [
            make_order(order_id="3001", first_name="ADA", last_name="WHITFIELD"),
            make_order(order_id="3002", email="b@example.com", postal_code="5401"),
            make_order(order_id="3003", email="c@example.com"),
        ],
        name="warned.csv",
    )
    settings = make_settings(ledger_path=tmp_path / "ledger.sqlite")
    desk = Review([path], settings, today=TODAY, out_dir=tmp_path)
    warnings = {c["order_id"]: c["warnings"] for c in desk.cards()}
    assert len(warnings["3001"]) == 1 and '"ADA" to "Ada"' in warnings["3001"][0]
    assert len(warnings["3002"]) == 1 and "leading zero" in warnings["3002"][0]
    assert warnings["3003"] == []
