"""The results report: recovers a planted effect, says "too few to tell", opens in Chromium."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

import notecards
from notecards.cli.main import main
from notecards.ledger import open_ledger
from notecards.ledger.schema import MIGRATIONS, SCHEMA_VERSION, schema_version
from notecards.results.report import write_report
from notecards.results.stats import TOO_FEW
from tests import shop_history
from tests.conftest import dedent, make_order

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> notecards.Results:
    path = tmp_path_factory.mktemp("year") / "ledger.sqlite"
    shop_history.write_ledger(shop_history.generate(), path)
    return notecards.results(path)


def _row(table: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    rows = table[mask]
    assert len(rows) == 1, where
    return rows.iloc[0]


def test_the_report_recovers_the_planted_wording_effect_within_its_interval(
    year: notecards.Results,
) -> None:
    for variant, truth in shop_history.RETURN_60.items():
        for window in (60, 90):  # everyone who came back did so within 60 days
            row = _row(year.returns, occasion="thank-you", variant=variant, window_days=window)
            assert row["low"] <= truth <= row["high"], (variant, window, row.to_dict())
            assert row["customers"] > 500 and row["note"] == ""
    a = _row(year.returns, variant=shop_history.VARIANT_A, window_days=90)
    b = _row(year.returns, variant=shop_history.VARIANT_B, window_days=90)
    assert a["high"] < b["low"]  # the better wording is told apart
    timing = _row(year.timing, occasion="thank-you", variant=shop_history.VARIANT_B)
    assert timing["median_low"] <= timing["median_days"] <= timing["median_high"]
    assert 20 <= timing["median_days"] <= 40  # returns were planted 5-55 days after the card


def test_the_holdout_difference_is_recovered_with_its_interval(year: notecards.Results) -> None:
    difference = year.holdout.iloc[-1]
    assert difference["group"].startswith("difference")
    truth = shop_history.RETURN_90_CARDED - shop_history.RETURN_90_HELD
    assert difference["low"] <= truth <= difference["high"]
    assert difference["low"] > 0
    held = _row(year.holdout, group="held out (no card)")
    assert held["low"] <= shop_history.RETURN_90_HELD <= held["high"]


def test_codes_redeemed_are_counted_case_and_space_insensitively(
    year: notecards.Results,
) -> None:
    redeemed = year.redemptions.dropna(subset=["redeemed_on"])
    assert len(redeemed) > 150
    assert (redeemed["days_to_redeem"] >= 5).all() and (redeemed["days_to_redeem"] <= 56).all()
    typed = year.orders.set_index("order_id").loc[redeemed["redeemed_by_order"], "discount_code"]
    assert all(t == t.lower() and " " in t for t in typed)  # typed "thanks abcd2345"
    overall = _row(year.codes, occasion="(all)")
    assert overall["redeemed"] == len(redeemed)


def test_a_tiny_history_is_too_few_to_tell(tmp_path: Path) -> None:
    path = shop_history.write_ledger(
        shop_history.generate(customers=12, lapsed=6), tmp_path / "l.sqlite"
    )
    small = notecards.results(path)
    assert set(small.returns["note"]) == {TOO_FEW}
    assert set(small.timing["note"]) == {TOO_FEW}
    assert set(small.holdout["note"]) == {TOO_FEW}
    html, _ = write_report(small, tmp_path / "out")
    assert html.read_text(encoding="utf-8").count("too few to tell (n=") >= 6


def test_quiet_customers_are_listed_longest_unheard_from_first(year: notecards.Results) -> None:
    quiet = year.quiet_customers
    assert list(quiet["days_since_we_wrote"]) == sorted(quiet["days_since_we_wrote"], reverse=True)
    assert quiet["customer_key"].is_unique
    assert len(quiet) == 1800  # every customer of the generated year


def test_the_library_returns_dataframes_and_since_keeps_later_cards(
    year: notecards.Results, tmp_path: Path
) -> None:
    assert all(isinstance(t, pd.DataFrame) for t in year.tables().values())
    assert {"cards", "orders", "returns", "timing", "codes", "holdout"} <= set(year.tables())
    weeks = year.cards_per_week
    assert weeks["cards"].sum() == len(year.cards)


def test_since_keeps_only_cards_sent_from_that_day(tmp_path: Path) -> None:
    path = shop_history.write_ledger(shop_history.generate(200, 50), tmp_path / "l.sqlite")
    every = notecards.results(path)
    later = notecards.results(path, since=pd.Timestamp("2025-06-01").date())
    assert 0 < len(later.cards) < len(every.cards)
    assert later.cards["sent_on"].min() >= pd.Timestamp("2025-06-01")


def test_the_page_opens_in_headless_chromium_without_errors_and_charts_have_alt_text(
    year: notecards.Results, tmp_path: Path
) -> None:
    html, csv_path = write_report(year, tmp_path / "out", title="Juniper & Pine")
    text = html.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "<script" not in text
    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
        )
        page.goto(html.as_uri())
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.alt, e.naturalWidth, e.src.slice(0, 22)])"
        )
        browser.close()
    assert errors == [] and outside == []
    assert len(images) == 4
    for alt, width, src in images:
        assert len(alt) > 40 and width > 300 and src == "data:image/png;base64,"
    with csv_path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["table"] for r in rows} == {
        "ordered again",
        "next order",
        "codes redeemed",
        "holdout",
    }


def test_a_ledger_from_the_previous_release_is_migrated_and_reported(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(path)  # schema version 1, as the previous release wrote it
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO batches VALUES ('b1', '2026-11-01', '2026-11-01T09:00', 'o', 1, NULL)")
    db.execute(
        "INSERT INTO cards VALUES ('thank-you:1001', '1001', 'email:ada@example.com', "
        "'thank-you', 't', 'v1', 'Ada', 'b1', 1, 0)"
    )
    db.commit()
    db.close()
    old = notecards.results(path)
    assert len(old.cards) == 1 and old.orders.empty and old.redemptions.empty
    db = sqlite3.connect(path)
    assert schema_version(db) == SCHEMA_VERSION
    assert {"orders_seen", "card_codes", "holdout"} <= {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    db.close()
    result = runner.invoke(main, ["results", "--ledger", str(path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "1 cards, 0 orders" in result.output


def test_holdout_withholds_just_because_cards_from_a_recorded_share(
    tmp_path: Path, runner: CliRunner, write_orders
) -> None:
    rows = [
        make_order(
            order_id="",
            first_name=f"P{i}",
            email=f"p{i}@example.com",
            last_order_date="2026-03-01",
        )
        for i in range(40)
    ]
    rows += [make_order(order_id=f"{2000 + i}", email=f"p{i}@example.com") for i in range(5)]
    orders = write_orders(rows)
    config = tmp_path / "notecards.toml"
    config.write_text(
        dedent(
            """
            [ledger]
            path = "ledger.sqlite"
            [results]
            holdout = 0.3
            """
        ),
        encoding="utf-8",
    )
    args = ["batch", str(orders), "--config", str(config), "--date", "2026-11-22", "--quiet"]
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "b1")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "b1" / "skipped.csv").open(encoding="utf-8-sig") as handle:
        held_rows = [r for r in csv.DictReader(handle) if r["reason"] == "holdout group"]
    with (tmp_path / "b1" / "manifest.csv").open(encoding="utf-8-sig") as handle:
        occasions = [r["occasion"] for r in csv.DictReader(handle)]
    assert occasions.count("thank-you") == 5  # thank-you cards are never withheld
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        decided = dict(ledger.connection.execute("SELECT customer_key, held FROM holdout"))
    assert len(decided) == 40 and sum(decided.values()) == len(held_rows)
    assert 4 <= len(held_rows) <= 20  # about 30 % of 40
    assert occasions.count("just-because") == 40 - len(held_rows)
    # Decided once: a later run with holdout raised moves nobody already decided.
    config.write_text(config.read_text().replace("0.3", "0.45"), encoding="utf-8")
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "b2")])
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        again = dict(ledger.connection.execute("SELECT customer_key, held FROM holdout"))
    assert again == decided


def test_holdout_is_off_by_default_and_checked(
    tmp_path: Path, runner: CliRunner, write_orders
) -> None:
    orders = write_orders(
        [make_order(order_id="", email="q@example.com", last_order_date="2026-03-01")]
    )
    config = tmp_path / "notecards.toml"
    config.write_text('[ledger]\npath = "ledger.sqlite"\n', encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "batch",
            str(orders),
            "--config",
            str(config),
            "--out",
            str(tmp_path / "b"),
            "--date",
            "2026-11-22",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        assert ledger.connection.execute("SELECT COUNT(*) FROM holdout").fetchone()[0] == 0
    config.write_text("[results]\nholdout = 0.9\n", encoding="utf-8")
    result = runner.invoke(main, ["results", "--config", str(config)])
    assert result.exit_code != 0
    assert "results.holdout must be a share between 0 and 0.5" in result.output


def test_the_intervals_match_published_figures() -> None:
    from notecards.results.stats import bootstrap, median_rows, newcombe, wilson

    # Newcombe (1998), Statistics in Medicine 17:857 and 17:873, worked examples.
    assert [round(x, 4) for x in wilson(81, 263)] == [0.2553, 0.3662]
    assert [round(x, 4) for x in wilson(0, 10)] == [0.0, 0.2775]
    assert [round(x, 4) for x in newcombe(56, 70, 48, 80)] == [0.2, 0.0524, 0.3339]
    values = list(range(1, 102))
    first = bootstrap(values, median_rows)
    assert first == bootstrap(values, median_rows)  # seeded: the same figures every run
    assert first[0] == 51 and first[1] < 51 < first[2]
