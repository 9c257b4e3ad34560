"""Real-world exports through the whole daily batch (issue 3 end to end)."""

from __future__ import annotations

import csv

from notecards.cli.main import main
from tests.loading.test_loading_formats import SHOPIFY_ROWS, export


def test_shopify_export_batch_end_to_end(runner, tmp_path):
    """Verify a raw Shopify export becomes one card per order, gifts stated, rows accounted."""
    path = export(tmp_path, "shopify-orders", SHOPIFY_ROWS)
    result = runner.invoke(
        main,
        [
            "batch",
            str(path),
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(tmp_path / "l.sqlite"),
            "--date",
            "2026-11-22",
            "--quiet",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith(
        "2 new cards, 0 already issued — 5 rows read: 4 carded, 0 skipped, 1 rejected"
    )
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["order_id"] for r in rows] == ["#1001", "#1002"]
    assert rows[0]["items"] == "2 × Beeswax Candle - Large; 2 × Note Card"
    assert rows[1]["recipient_note"].startswith("gift: card to buyer Bo Lind")
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8-sig") as handle:
        (reject,) = list(csv.DictReader(handle))
    assert reject["row"] == "6" and "no postal address" in reject["reason"]


def test_check_names_the_format_and_unknown_files_get_help(runner, tmp_path):
    path = export(tmp_path, "shopify-orders", SHOPIFY_ROWS)
    result = runner.invoke(main, ["check", str(path), "--ledger", str(tmp_path / "l.sqlite")])
    assert (
        result.output.splitlines()[0] == f"{path}: read as Shopify orders export (shopify-orders)"
    )
    odd = tmp_path / "odd.csv"
    odd.write_text("Colour,Size\nred,L\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(odd)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {odd}")
    assert "Colour" in result.output and "Traceback" not in result.output
