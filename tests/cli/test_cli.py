"""The command line: exit codes, exact messages, init, check, batch, demo, ledger commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from notecards.cli.main import main
from notecards.paths import sample_orders_path
from tests.conftest import make_order


def invoke(runner, *args: str, cwd: Path | None = None):
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_demo_writes_real_pdfs_and_is_repeatable(runner, tmp_path):
    """Verify `notecards demo` renders the sample twice with the same result."""
    out = tmp_path / "demo"
    first = invoke(runner, "demo", "--out", str(out), "--quiet")
    assert first.exit_code == 0, first.output
    assert first.output.endswith(
        "12 new cards, 0 already issued — 14 rows read: 12 carded, 1 skipped, 1 rejected\n"
    )
    cards = (out / "cards.pdf").read_bytes()
    assert cards.startswith(b"%PDF") and (out / "envelopes.pdf").exists()
    second = invoke(runner, "demo", "--out", str(out), "--quiet")
    assert second.output == first.output
    assert (out / "cards.pdf").read_bytes() == cards


def test_demo_says_its_example_qr_address_is_the_sample_shops(runner, tmp_path):
    """Verify the demo does not warn a newcomer about the sample shop's example QR address
    (nothing to act on there) but notes where their own shop sets it; the rejected sample
    row is still reported."""
    done = invoke(runner, "demo", "--out", str(tmp_path / "demo"))
    assert done.exit_code == 0, done.output
    assert "qr_url" not in "".join(
        line for line in done.stderr.splitlines() if line.startswith("warning:")
    )
    assert "note: the demo's QR codes open an example address" in done.stderr
    assert 'qr_url = "https://' in done.stderr and "notecards.toml" in done.stderr
    assert "rejected: " in done.stderr and "address_line1" in done.stderr


def test_batch_then_rerun_says_already_issued(runner, tmp_path, write_orders):
    """Verify the daily command prints the summary and a rerun prints no card twice."""
    path = write_orders(
        [
            make_order(order_id="1"),
            make_order(order_id="2", first_name="Bo", email="bo@example.com"),
        ]
    )
    ledger = tmp_path / "ledger.sqlite"
    args = ["batch", str(path), "--ledger", str(ledger), "--date", "2026-11-22", "--quiet"]
    first = invoke(runner, *args, "--out", str(tmp_path / "a"), cwd=tmp_path)
    assert first.exit_code == 0
    assert first.stdout == (
        "2 new cards, 0 already issued — 2 rows read: 2 carded, 0 skipped, "
        "0 rejected (no notecards.toml found: defaults used)\n"
    )
    assert "example address" in first.stderr  # the shipped qr_url: a first-day warning
    again = invoke(runner, *args, "--out", str(tmp_path / "b"), cwd=tmp_path)
    assert again.output.startswith(
        "0 new cards, 2 already issued — 2 rows read: 0 carded, 2 skipped, 0 rejected"
    )
    listing = invoke(runner, "batches", "--ledger", str(ledger), cwd=tmp_path)
    batch_id = listing.output.split("\t")[0]
    assert batch_id.startswith("2026-11-22-")
    voided = invoke(runner, "void", batch_id, "--ledger", str(ledger), cwd=tmp_path)
    assert voided.output == f"voided {batch_id}: its 2 cards will be issued again\n"
    third = invoke(runner, *args, "--out", str(tmp_path / "c"), cwd=tmp_path)
    assert third.stdout.startswith("2 new cards")


def test_batch_dry_run_writes_nothing(runner, tmp_path, write_orders):
    path = write_orders([make_order()])
    result = invoke(
        runner,
        "batch",
        str(path),
        "--out",
        str(tmp_path / "out"),
        "--dry-run",
        "--ledger",
        str(tmp_path / "l.sqlite"),
        "--date",
        "2026-11-22",
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("Dry run, nothing written: 1 new card,")
    assert not (tmp_path / "out").exists() and not (tmp_path / "l.sqlite").exists()


def test_batch_lists_files_unless_quiet(runner, tmp_path, write_orders):
    path = write_orders([make_order()])
    result = invoke(
        runner,
        "batch",
        str(path),
        "--out",
        str(tmp_path / "out"),
        "--ledger",
        str(tmp_path / "l.sqlite"),
        "--date",
        "2026-11-22",
    )
    assert f"wrote {tmp_path / 'out' / 'cards.pdf'}" in result.output
    assert f"wrote {tmp_path / 'out' / 'manifest.csv'}" in result.output


def test_check_reports_rows_and_exits_1(runner, tmp_path, write_orders):
    """Verify `check` prints file:row:column: problem — remedy, writes nothing, exits 1."""
    path = write_orders([make_order(), make_order(order_id="2", postal_code="", city="")])
    result = runner.invoke(
        main, ["check", str(path), "--ledger", str(tmp_path / "l.sqlite"), "--date", "2026-11-22"]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: read as a hand-made sheet (your own column names)"
    assert any(line.startswith(f"{path}:row 3:") and line.endswith("[error]") for line in lines)
    assert lines[-1].startswith("1 order/contact found; 1 new card")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_check_clean_file_exits_0(runner, tmp_path, write_orders):
    path = write_orders([make_order()])
    result = runner.invoke(main, ["check", str(path), "--ledger", str(tmp_path / "l.sqlite")])
    assert result.exit_code == 0, result.output


def test_missing_input_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["batch", str(tmp_path / "nope.csv"), "--out", "x"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_notecards_error_is_one_line_and_exit_1(runner, tmp_path, write_orders):
    """Verify library errors become `Error: <sentence>` with exit status 1, no traceback."""
    path = write_orders([make_order()])
    result = runner.invoke(
        main, ["batch", str(path), "--out", str(tmp_path / "o"), "--card-format", "a9-folded"]
    )
    assert result.exit_code == 1
    assert result.output == (
        'Error: "a9-folded" is not a card format. Choose one of: a2-folded, a6-folded, '
        "a7-folded, iso-a6-folded, iso-a5-folded, a2-flat, a6-flat, a7-flat, iso-a6-flat, "
        "postcard-4x6.\n"
    )


def test_init_writes_a_working_shop_and_never_overwrites(runner, tmp_path):
    """Verify `init` writes config, orders and templates, runs as is, and refuses to clobber."""
    shop = tmp_path / "shop"
    result = invoke(runner, "init", str(shop))
    assert result.exit_code == 0
    assert (shop / "notecards.toml").is_file() and (shop / "orders.csv").is_file()
    assert (shop / "templates" / "thank-you" / "occasion.toml").is_file()
    batch = invoke(
        runner, "batch", "orders.csv", "--out", "out", "--date", "2026-11-22", "--quiet", cwd=shop
    )
    assert batch.exit_code == 0, batch.output
    assert "defaults used" not in batch.output
    assert (shop / "notecards-ledger.sqlite").is_file()
    assert (shop / "out" / "cards.pdf").is_file()
    before = (shop / "notecards.toml").read_text()
    again = runner.invoke(main, ["init", str(shop)])
    assert again.exit_code == 1
    assert "never overwrites" in again.output
    assert (shop / "notecards.toml").read_text() == before


def test_shop_templates_are_used(runner, tmp_path):
    """Verify an edited template in the shop folder changes the cards (no code change)."""
    shop = tmp_path / "shop"
    invoke(runner, "init", str(shop))
    (shop / "templates" / "thank-you" / "messages" / "01-warm.j2").write_text(
        "Dear {{ first_name }},\n\nCustom words from the shop.\n", encoding="utf-8"
    )
    for other in (shop / "templates" / "thank-you" / "messages").glob("*.j2"):
        if other.name != "01-warm.j2":  # only the edited wording is left to choose
            other.unlink()
    invoke(
        runner, "batch", "orders.csv", "--out", "out", "--date", "2026-11-22", "--quiet", cwd=shop
    )
    manifest = (shop / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert "thank-you/messages/01-warm.j2" in manifest


def test_suppress_commands(runner, tmp_path, write_orders):
    ledger = str(tmp_path / "l.sqlite")
    added = invoke(runner, "suppress", "add", "--email", "Ada@Example.com", "--ledger", ledger)
    assert added.output == "suppressed email:ada@example.com\n"
    listed = invoke(runner, "suppress", "list", "--ledger", ledger)
    assert listed.output.splitlines()[-1] == "1 suppressed"
    path = write_orders([make_order()])
    result = invoke(
        runner, "batch", str(path), "--out", str(tmp_path / "o"), "--ledger", ledger, "--quiet"
    )
    assert result.output.startswith(
        "0 new cards, 0 already issued — 1 row read: 0 carded, 1 skipped"
    )
    removed = invoke(runner, "suppress", "remove", "--email", "ada@example.com", "--ledger", ledger)
    assert removed.output == "removed email:ada@example.com\n"


def test_formats_lists_known_inputs(runner):
    result = invoke(runner, "formats")
    assert "canonical" in result.output and "shopify-orders" in result.output


def test_check_folds_repeated_warnings(runner, tmp_path, write_orders):
    """Verify a warning repeated on many rows is shown a few times and then counted."""
    rows = [
        make_order(
            order_id=str(n), first_name="ADA", last_name="WHITFIELD", email=f"a{n}@example.com"
        )
        for n in range(12)
    ]
    result = runner.invoke(
        main, ["check", str(write_orders(rows)), "--ledger", str(tmp_path / "l.sqlite")]
    )
    lines = result.output.splitlines()
    folded = [line for line in lines if "more rows like this" in line]
    assert len(lines) < 12 and folded, result.output


def test_formats_lists_the_shops_own_mappings(runner, tmp_path):
    """Verify a [formats.NAME] mapping in notecards.toml is listed and used by check."""
    (tmp_path / "notecards.toml").write_text(
        '[formats.mycrm]\n"Kunde Vorname" = "first_name"\n"Kunde Nachname" = "last_name"\n'
        '"Strasse" = "address_line1"\n"Ort" = "city"\n"PLZ" = "postal_code"\n'
        '"Land" = "country"\n"Bestellnummer" = "order_id"\n',
        encoding="utf-8",
    )
    (tmp_path / "crm.csv").write_text(
        "Bestellnummer;Kunde Vorname;Kunde Nachname;Strasse;Ort;PLZ;Land\n"
        "77;Jürgen;Müller;Hauptstraße 5;Berlin;10115;Deutschland\n",
        encoding="utf-8",
    )
    listed = invoke(runner, "formats", cwd=tmp_path)
    assert listed.output.splitlines()[0].startswith("mycrm")
    checked = invoke(
        runner, "check", "crm.csv", "--ledger", str(tmp_path / "l.sqlite"), cwd=tmp_path
    )
    assert (
        checked.output.splitlines()[0]
        == 'crm.csv: read as your format "mycrm" (from notecards.toml)'
    )
    assert "1 new card" in checked.output


def test_check_strict_fails_on_warnings(runner, tmp_path, write_orders):
    """Verify warnings alone pass `check` but fail `check --strict`."""
    path = write_orders([make_order(first_name="ADA", last_name="WHITFIELD")])
    ledger = str(tmp_path / "l.sqlite")
    assert runner.invoke(main, ["check", str(path), "--ledger", ledger]).exit_code == 0
    strict = runner.invoke(main, ["check", str(path), "--ledger", ledger, "--strict"])
    assert strict.exit_code == 1 and "[warning]" in strict.output


def test_progress_counter_counts_on_a_terminal_only(monkeypatch, capsys):
    """Verify a streamed batch's running count shows on a terminal and not when piped."""
    import sys

    from notecards.cli.options import progress_counter

    with progress_counter(False, "drawn", every=2) as update:
        assert update is None or not sys.stderr.isatty()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with progress_counter(False, "drawn", every=2) as update:
        assert update is not None
        for _ in range(5):
            update(1)
    assert capsys.readouterr().err == "\rdrawn: 2\rdrawn: 4\rdrawn: 5\n"
    with progress_counter(True, "drawn") as update:
        assert update is None


def test_the_command_exits_at_once_with_its_status_and_no_warnings(tmp_path: Path) -> None:
    """Verify ``python -m notecards`` (the installed command's entry point, ``run``) exits
    without Python's teardown but with the command's status, its output flushed."""
    done = subprocess.run(
        [sys.executable, "-m", "notecards", "batch", str(sample_orders_path()), "--quiet"]
        + ["--out", str(tmp_path / "out"), "--ledger", str(tmp_path / "ledger.db")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "new cards" in done.stdout
    assert "leaked" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert (tmp_path / "out" / "cards.pdf").stat().st_size > 0

    failed = subprocess.run(
        [sys.executable, "-m", "notecards", "batch", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert failed.returncode == 2 and "does not exist" in failed.stderr
