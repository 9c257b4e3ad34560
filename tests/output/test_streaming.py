"""Streamed batches (batch --split): real outputs, row accounting, reruns and crashes."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch, render_batch
from notecards.cli.main import main
from notecards.config import Config
from notecards.loading import LoadOptions
from notecards.loading.stream import OrderStream
from notecards.models import Order, Reject
from notecards.output.run import STAGING, run_batch
from notecards.planning.production import make_production
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_texts

LAST = [
    "Whitfield",
    "Bell",
    "Nunez",
    "Raman",
    "Lefevre",
    "Okafor",
    "Park",
    "Brooks",
    "Liu",
    "Sandoval",
]


def thirty(write_orders, name: str = "orders.csv") -> Path:
    rows = [
        make_order(
            order_id=str(100 + n),
            first_name=f"Ada{'bcdefghijk'[n % 10]}",
            last_name=f"{LAST[n % 10]}{'xyz'[n // 10]}",
            email=f"c{n}@example.com",
        )
        for n in range(30)
    ]
    return write_orders(rows, name=name)


def settings_for(tmp_path: Path, name: str = "ledger.sqlite", split: int = 7):
    config = Config(ledger_path=str(tmp_path / name), shop_name="Test Shop")
    return make_settings(config, production=make_production(config, split=split, preflight=False))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def ledger_rows(settings) -> int:
    with sqlite3.connect(settings.ledger_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM cards").fetchone()[0])


def test_streamed_batch_writes_the_same_cards_as_plan_and_render(tmp_path, write_orders):
    """Verify 30 orders with --split 7 give 5 parts, and the same manifest, pages and batch
    id as plan_batch + render_batch (only the PDFs' titles differ)."""
    path = thirty(write_orders)
    classic_settings = settings_for(tmp_path, "classic.sqlite")
    plan = plan_batch([path], classic_settings, today=TODAY)
    render_batch(plan, tmp_path / "classic")
    settings = settings_for(tmp_path)
    done = run_batch([path], settings, today=TODAY, out_dir=tmp_path / "out")
    out = tmp_path / "out"
    assert done.streamed and done.cards == 30
    assert done.batch_id == plan.batch_id
    assert done.summary() == plan.summary()
    assert sorted(p.name for p in out.glob("*.pdf")) == (
        [f"cards-00{i}.pdf" for i in range(1, 6)] + [f"envelopes-00{i}.pdf" for i in range(1, 6)]
    )
    manifest = read_csv(out / "manifest.csv")
    assert manifest == read_csv(tmp_path / "classic" / "manifest.csv")
    assert [row["cards_file"] for row in manifest].count("cards-005.pdf") == 2
    for name in [p.name for p in out.glob("*.pdf")]:
        assert page_texts(out / name) == page_texts(tmp_path / "classic" / name)
    for row in manifest:  # the manifest points at the right card and envelope
        first = int(row["cards_pdf_pages"].split("-")[0])
        texts = page_texts(out / row["cards_file"])
        assert row["recipient"].split()[0] in texts[first]  # the inside spread greets them
        envelope = page_texts(out / row["envelopes_file"])[int(row["envelope_page"]) - 1]
        assert row["recipient"].split()[-1].upper() in envelope.upper()
    ticket = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert ticket["batch_id"] == plan.batch_id
    assert [f["file"] for f in ticket["files"]] == [
        f["file"] for f in json.loads((tmp_path / "classic" / "job.json").read_text())["files"]
    ]
    assert ledger_rows(settings) == 30
    assert not (out / STAGING).exists()


def test_streamed_batch_of_one_part_keeps_the_plain_names(tmp_path, write_orders):
    """Verify a batch that fits in one part writes cards.pdf, as without --split."""
    done = run_batch(
        [thirty(write_orders)],
        settings_for(tmp_path, split=30),
        today=TODAY,
        out_dir=tmp_path / "out",
    )
    assert sorted(p.name for p in done.files if p.suffix == ".pdf") == [
        "cards.pdf",
        "envelopes.pdf",
    ]
    assert {row["cards_file"] for row in read_csv(tmp_path / "out" / "manifest.csv")} == {
        "cards.pdf"
    }


def test_streamed_rows_end_in_exactly_one_place(tmp_path, write_orders):
    """Verify line items are grouped, a later row of an order is merged into it (the one
    merge rule), and cards + skipped + rejected rows add up to the rows read."""
    rows = [
        make_order(order_id="1", items="", item_name="Mug", item_quantity="1"),  # row 2
        make_order(order_id="1", items="", item_name="Mug", item_quantity="2"),  # row 3
        make_order(order_id="2", first_name="Bo", email="bo@example.com"),  # row 4
        make_order(order_id="3", first_name="Cy", address_line1=""),  # row 5
        make_order(
            order_id="4", first_name="Di", email="di@example.com", do_not_contact="yes"
        ),  # row 6
        make_order(order_id="1", items="Candle"),  # row 7
        make_order(order_id="3", first_name="Cy"),  # row 8: the street it lacked in row 5
        make_order(order_id="5", first_name="Ed", email="ed@example.com"),  # row 9
        make_order(order_id="6", first_name="Fay", postal_code="", city=""),  # row 10
    ]
    path = write_orders(rows)
    settings = settings_for(tmp_path, split=2)
    done = run_batch([path], settings, today=TODAY, out_dir=tmp_path / "out")
    out = tmp_path / "out"
    assert done.summary() == (
        "4 new cards, 0 already issued — 9 rows read: 7 carded, 1 skipped, 1 rejected"
    )
    manifest = read_csv(out / "manifest.csv")
    for row in manifest:
        row["source"] = row["source"].replace(str(path), "orders.csv")
    assert [(r["order_id"], r["items"], r["source"]) for r in manifest] == [
        ("1", "3 × Mug; Candle", "orders.csv:rows 2,3,7"),
        ("2", "Candle", "orders.csv:row 4"),
        ("3", "2 × Candle", "orders.csv:rows 5,8"),
        ("5", "Candle", "orders.csv:row 9"),
    ]
    skipped = {
        r["source"].replace(str(path), "orders.csv"): r["reason"]
        for r in read_csv(out / "skipped.csv")
    }
    assert skipped == {"orders.csv:row 6": "do not contact (added to the suppression list)"}
    (reject,) = read_csv(out / "rejects.csv")
    assert reject["row"] == "10" and reject["first_name"] == "Fay"
    located = [int(n) for r in manifest for n in r["source"].split(" ")[-1].split(",")]
    located += [int(s.split(" ")[-1]) for s in skipped] + [int(reject["row"])]
    assert sorted(located) == list(range(2, 11))


def test_streamed_rerun_prints_nothing_twice_and_leaves_the_files(tmp_path, write_orders):
    """Verify the same command again records nothing new and leaves the PDFs as they were."""
    path, settings, out = thirty(write_orders), settings_for(tmp_path), tmp_path / "out"
    run_batch([path], settings, today=TODAY, out_dir=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run_batch([path], settings, today=TODAY, out_dir=out)
    assert again.summary() == (
        "0 new cards, 30 already issued — 30 rows read: 0 carded, 30 skipped, 0 rejected"
    )
    assert not again.recorded
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    # skipped.csv is always written (header only when empty); now it lists the 30 skips.
    assert {k: v for k, v in after.items() if k != "skipped.csv"} == {
        k: v for k, v in before.items() if k != "skipped.csv"
    }
    assert ledger_rows(settings) == 30


def test_streamed_crash_leaves_no_files_and_no_ledger_rows(tmp_path, write_orders, monkeypatch):
    """Verify a crash while drawing part 3 leaves nothing, and a rerun completes the batch."""
    import notecards.output.run as streaming

    path, settings, out = thirty(write_orders), settings_for(tmp_path), tmp_path / "out"
    real = streaming.write_part
    calls = []

    def crash_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(streaming, "write_part", crash_on_third)
    with pytest.raises(OSError):
        run_batch([path], settings, today=TODAY, out_dir=out)
    assert list(out.iterdir()) == []
    assert not Path(settings.ledger_path).exists() or ledger_rows(settings) == 0
    monkeypatch.setattr(streaming, "write_part", real)
    done = run_batch([path], settings, today=TODAY, out_dir=out)
    assert done.cards == 30 and ledger_rows(settings) == 30


def test_cli_batch_split_streams(tmp_path, write_orders, runner):
    """Verify `batch --split` writes the parts and prints the usual summary."""
    result = runner.invoke(
        main,
        [
            "batch",
            str(thirty(write_orders)),
            "--out",
            str(tmp_path / "out"),
            "--date",
            TODAY.isoformat(),
            "--ledger",
            str(tmp_path / "l.sqlite"),
            "--split",
            "7",
            "--no-preflight",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "cards-005.pdf" in result.output
    assert (
        result.output.strip()
        .splitlines()[-1]
        .startswith(
            "30 new cards, 0 already issued — 30 rows read: 30 carded, 0 skipped, 0 rejected"
        )
    )


def test_order_stream_merges_an_order_id_wherever_its_rows_are(tmp_path, write_orders):
    """Verify OrderStream: rows of one id are one order, adjacent or later, across files."""
    one = write_orders(
        [
            make_order(order_id="7"),
            make_order(order_id="7"),
            make_order(order_id="8", first_name="Bo"),
        ],
        name="a.csv",
    )
    two = write_orders(
        [make_order(order_id="7"), make_order(order_id="9", postal_code="", city="")], name="b.csv"
    )
    stream = OrderStream([one, two], LoadOptions())
    items = list(stream)
    assert [type(i).__name__ for i in items] == ["Order", "Order", "Reject"]
    first = items[0]
    assert isinstance(first, Order)
    assert first.source.describe() == f"{one}:row 2 + {one}:row 3 + {two}:row 2"
    assert first.items == ("3 × Candle",)
    assert isinstance(items[2], Reject)
    assert stream.rows_read == 5 and stream.formats == ["canonical", "canonical"]


def test_streamed_and_planned_batches_read_the_same_orders(tmp_path, write_orders):
    """Verify the one merge rule: --split and a planned batch make the same cards and lists."""
    rows = [
        make_order(order_id="1", items="", item_name="Mug", item_quantity="1"),
        make_order(order_id="2", first_name="Bo", email="bo@example.com"),
        make_order(order_id="1", items="Candle"),
        make_order(order_id="3", first_name="Cy", email="cy@example.com"),
        make_order(order_id="2", items="Soap"),
    ]
    path = write_orders(rows)
    streamed = run_batch(
        [path], settings_for(tmp_path / "s", split=2), today=TODAY, out_dir=tmp_path / "s"
    )
    settings = settings_for(tmp_path / "p")
    plan = plan_batch([path], settings, today=TODAY)
    render_batch(plan, tmp_path / "p")
    assert streamed.summary() == plan.summary()
    streamed_rows = read_csv(tmp_path / "s" / "manifest.csv")
    planned_rows = read_csv(tmp_path / "p" / "manifest.csv")
    assert [(r["order_id"], r["items"], r["source"]) for r in streamed_rows] == [
        (r["order_id"], r["items"], r["source"]) for r in planned_rows
    ]
    assert [r["items"] for r in planned_rows] == ["Mug; Candle", "Candle; Soap", "Candle"]


def test_batch_with_occasion_formats_runs_unstreamed(tmp_path, write_orders):
    """Verify a batch whose occasions may choose another card format is not streamed, and
    writes what plan_batch + render_batch write."""
    config = Config(
        ledger_path=str(tmp_path / "l.sqlite"),
        occasions={"thank-you": {"card_format": "a7-folded"}},
    )
    settings = make_settings(config, production=make_production(config, split=7, preflight=False))
    done = run_batch([thirty(write_orders)], settings, today=TODAY, out_dir=tmp_path / "out")
    assert not done.streamed and done.cards == 30
    assert (tmp_path / "out" / "cards-001.pdf").exists()  # one format used: plain names


def test_a_streamed_batch_keeps_no_part_drawing_once_the_part_is_written(
    tmp_path, write_orders, monkeypatch
):
    """Verify each part's drawing (reportlab's document, in reference cycles) is collected
    once the part is written: a batch's collector never runs a full collection, and these
    had lived long enough to need one, so every part's drawing stayed until the batch ended
    (8 MB a part of 500 cards)."""
    import gc

    from notecards.output import run

    monkeypatch.setenv("NOTECARDS_WORKERS", "1")  # every part drawn in this process
    path = write_orders([make_order(order_id=str(700 + i)) for i in range(6)])
    documents: list[int] = []
    flush = run._Run._flush

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        flush(self, *args, **kwargs)
        documents.append(sum(type(o).__name__ == "PDFDocument" for o in gc.get_objects()))

    monkeypatch.setattr(run._Run, "_flush", spy)
    done = run_batch([path], settings_for(tmp_path, split=2), today=TODAY, out_dir=tmp_path / "out")
    assert done.cards == 6
    assert documents == [0, 0, 0]
