"""First-day traps: what a new shop owner meets on a fresh folder, each fixed as they expect."""

from __future__ import annotations

import csv
from pathlib import Path

from notecards.cli.main import main
from tests.conftest import make_order

DATE = ("--date", "2026-11-22")


def run(runner, tmp_path: Path, *args: str, config: str | None = None):
    extra: list[str] = []
    if config is not None:
        path = tmp_path / "notecards.toml"
        path.write_text(config, encoding="utf-8")
        extra = ["--config", str(path)]
    return runner.invoke(main, [*args, *extra], catch_exceptions=False)


def batch(runner, tmp_path: Path, orders: Path, out: str = "out", *more: str, config=None):
    return run(
        runner,
        tmp_path,
        "batch",
        str(orders),
        "--out",
        str(tmp_path / out),
        "--ledger",
        str(tmp_path / "l.sqlite"),
        *DATE,
        "--quiet",
        *more,
        config=config,
    )


SHOP = '[shop]\nname = "Juniper & Pine"\nreturn_address = ["12 Mill Street", "Portland, ME"]\n'


def test_preview_after_a_batch_proofs_the_cards_and_says_they_were_issued(
    runner, tmp_path, write_orders
):
    orders = write_orders([make_order(), make_order(order_id="2", email="b@example.com")])
    assert batch(runner, tmp_path, orders).exit_code == 0
    result = run(
        runner,
        tmp_path,
        "preview",
        str(orders),
        "--out",
        str(tmp_path / "proofs"),
        "--ledger",
        str(tmp_path / "l.sqlite"),
        *DATE,
    )
    assert result.exit_code == 0
    pngs = sorted(p.name for p in (tmp_path / "proofs").glob("*.png"))
    assert len(pngs) >= 3 and "contact-sheet.png" in pngs
    assert "2 cards as they would print, 2 of them already issued" in result.output
    # and the ledger was only read: a batch still finds both cards issued
    again = batch(runner, tmp_path, orders, "again")
    assert "0 new cards, 2 already issued" in again.output


def test_dry_run_creates_no_file(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    result = batch(runner, tmp_path, orders, "out", "--dry-run")
    assert result.exit_code == 0 and "Dry run, nothing written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_void_keeps_history_and_the_next_batch_gets_a_new_id(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    ledger = str(tmp_path / "l.sqlite")
    batch(runner, tmp_path, orders, "a")
    first_id = run(runner, tmp_path, "batches", "--ledger", ledger).output.split("\t")[0]
    voided = run(runner, tmp_path, "void", first_id, "--ledger", ledger)
    assert voided.output == f"voided {first_id}: its 1 card will be issued again\n"
    again = batch(runner, tmp_path, orders, "b")
    assert "1 new card," in again.output
    listing = run(runner, tmp_path, "batches", "--ledger", ledger).output.splitlines()
    assert len(listing) == 2
    old = next(line for line in listing if line.startswith(first_id + "\t"))
    new = next(line for line in listing if not line.startswith(first_id + "\t"))
    assert "\tvoided " in old and "\tissued\t" in new
    assert new.split("\t")[0] == f"{first_id}-2" and "1 card\t" in new


def test_example_qr_address_is_a_check_and_batch_warning(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    checked = run(runner, tmp_path, "check", str(orders), "--ledger", str(tmp_path / "l"), *DATE)
    assert "example address that leads nowhere" in checked.output
    assert "set qr_url" in checked.output and "2 warnings" in checked.output.splitlines()[-1]
    done = batch(runner, tmp_path, orders, config=SHOP)
    assert "warning:" in done.stderr and "example address" in done.stderr
    own = batch(
        runner,
        tmp_path,
        orders,
        "own",
        config=SHOP + '[cards]\nqr_url = "https://juniperandpine.com/r?o={order_id}"\n',
    )
    assert "example address" not in own.stderr


def test_card_that_does_not_fit_its_envelope_warns(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    result = batch(runner, tmp_path, orders, "out", "--envelope", "no10", config=SHOP)
    assert result.exit_code == 0
    assert "does not fit the #10 envelope" in result.stderr
    assert "4.25 × 5.5 in card, 4.125 × 9.5 in envelope" in result.stderr
    assert "--envelope" in result.stderr
    fits = batch(runner, tmp_path, orders, "fits", "--envelope", "a2", config=SHOP)
    assert "does not fit" not in fits.stderr


def test_missing_return_address_warns_with_what_to_do(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    result = batch(runner, tmp_path, orders, config='[shop]\nname = "Juniper & Pine"\n')
    assert "no return address" in result.stderr and "return_address = [" in result.stderr
    assert "no return address" not in batch(runner, tmp_path, orders, "b", config=SHOP).stderr


def test_closed_set_config_values_are_checked_with_did_you_mean(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    result = run(
        runner,
        tmp_path,
        "check",
        str(orders),
        config='[cards]\naddress_style = "royal_mail"\n',
    )
    assert result.exit_code == 1
    assert 'cards.address_style = "royal_mail" is not known' in result.output
    assert 'did you mean "royal-mail"?' in result.output
    typo = run(runner, tmp_path, "check", str(orders), config='[shop]\nnmae = "x"\n')
    assert 'did you mean "shop.name"?' in typo.output


def test_unwritable_out_is_a_located_error_before_anything_is_planned(
    runner, tmp_path, write_orders
):
    orders = write_orders([make_order()])
    result = batch(runner, tmp_path, orders, "/proc/notecards-x")
    assert result.exit_code == 1
    assert "/proc/notecards-x" in result.output and "cannot write the batch there" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "l.sqlite").exists()


def test_rejects_and_skipped_are_written_even_when_empty(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    assert batch(runner, tmp_path, orders, config=SHOP).exit_code == 0
    for name, header in (
        ("rejects.csv", ["source", "sheet", "row", "reason"]),
        ("skipped.csv", ["order_id", "recipient", "reason", "source"]),
    ):
        with (tmp_path / "out" / name).open(encoding="utf-8-sig", newline="") as handle:
            assert list(csv.reader(handle)) == [header], name


def test_counts_of_one_are_singular(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    result = batch(runner, tmp_path, orders, config=SHOP)
    assert "1 row read" in result.output
    ticket = (tmp_path / "out" / "job.txt").read_text(encoding="utf-8")
    assert "1 cards" not in ticket and " 1 pages" not in ticket
    assert "1 card" in ticket


def test_numbers_file_gets_a_clear_message(runner, tmp_path):
    numbers = tmp_path / "Orders.numbers"
    numbers.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a zip, as Numbers writes
    result = run(runner, tmp_path, "check", str(numbers), "--ledger", str(tmp_path / "l"))
    assert result.exit_code == 1
    assert "Apple Numbers document" in result.output and "Export To > CSV" in result.output
    assert "Content_Types" not in result.output


def test_check_speaks_plainly(runner, tmp_path, write_orders):
    orders = write_orders([make_order()])
    result = run(runner, tmp_path, "check", str(orders), "--ledger", str(tmp_path / "l"), *DATE)
    assert "canonical" not in result.output
    assert "hand-made sheet" in result.output


def test_void_keeps_history_in_a_streamed_batch_too(runner, tmp_path, write_orders):
    """Verify --split (the streamed batch) also takes a new id after a void."""
    orders = write_orders([make_order(), make_order(order_id="2", email="b@example.com")])
    ledger = str(tmp_path / "l.sqlite")
    batch(runner, tmp_path, orders, "a", "--split", "1")
    first_id = run(runner, tmp_path, "batches", "--ledger", ledger).output.split("\t")[0]
    run(runner, tmp_path, "void", first_id, "--ledger", ledger)
    again = batch(runner, tmp_path, orders, "b", "--split", "1")
    assert "2 new cards" in again.stdout
    ids = [
        line.split("\t")[0]
        for line in run(runner, tmp_path, "batches", "--ledger", ledger).output.splitlines()
    ]
    assert sorted(ids) == sorted([first_id, f"{first_id}-2"])
