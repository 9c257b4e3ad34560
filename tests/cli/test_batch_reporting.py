"""What a batch says: why a row was rejected (naming the right column), decomposed accents
drawn as one letter, voiding twice, a hint when a rerun prints nothing, and check's flat
memory (issue 10)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

from click.testing import CliRunner

from notecards.cli.main import main
from tests.conftest import CANONICAL, make_order
from tests.pdfcheck import page_texts


def batch(runner: CliRunner, tmp_path: Path, orders: Path, out: str, *more: str):
    return runner.invoke(
        main,
        [
            "batch",
            str(orders),
            "--out",
            str(tmp_path / out),
            "--ledger",
            str(tmp_path / "ledger.sqlite"),
            "--date",
            "2026-11-22",
            "--no-preflight",
            "--quiet",
            *more,
        ],
    )


def test_a_long_name_is_blamed_on_the_name_and_said_on_stderr(tmp_path: Path, write_orders) -> None:
    runner = CliRunner()
    long_name = "Bartholomew" * 18  # 198 letters, no place to break
    orders = write_orders(
        [
            make_order(order_id="1", first_name="Ada", email="ada@example.com"),
            make_order(
                order_id="2",
                first_name=long_name,
                email="bart@example.com",
                personal_line="Enjoy the candle!",
            ),
        ]
    )
    result = batch(runner, tmp_path, orders, "out")
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("rejected:"))
    assert line.startswith(f"rejected: {orders}:row 3: first_name: The message does not fit")
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        [reject] = list(csv.DictReader(handle))
    assert reject["reason"].startswith("first_name: ")
    assert "1 new card" in result.stdout


def test_decomposed_accents_are_drawn_as_one_letter(tmp_path: Path, write_orders) -> None:
    runner = CliRunner()
    orders = write_orders(
        [make_order(order_id="1", first_name="Zoe\u0308", last_name="Ame\u0301lie")]
    )
    result = batch(runner, tmp_path, orders, "out")
    assert result.exit_code == 0, result.stderr
    inside = " ".join(page_texts(tmp_path / "out" / "cards.pdf"))
    envelope = " ".join(page_texts(tmp_path / "out" / "envelopes.pdf"))
    for text in (inside, envelope):
        assert "\u0308" not in text and "\u0301" not in text
    assert "Zoë" in inside.replace(" ", "")
    assert "ZoëAmélie" in envelope.replace(" ", "")
    assert unicodedata.is_normalized("NFC", inside + envelope)


def test_voiding_a_voided_batch_says_so(tmp_path: Path, write_orders) -> None:
    runner = CliRunner()
    orders = write_orders([make_order(order_id="1")])
    assert batch(runner, tmp_path, orders, "out").exit_code == 0
    listed = runner.invoke(main, ["batches", "--ledger", str(tmp_path / "ledger.sqlite")])
    batch_id = listed.stdout.split("\t")[0]
    ledger = ["--ledger", str(tmp_path / "ledger.sqlite")]
    assert runner.invoke(main, ["void", batch_id, *ledger]).exit_code == 0
    again = runner.invoke(main, ["void", batch_id, *ledger])
    assert again.exit_code == 1
    assert f'batch "{batch_id}" was already voided on ' in again.stderr
    assert "no batch" not in again.stderr


def test_a_rerun_after_the_folder_was_deleted_hints_at_void_and_reprint(
    tmp_path: Path, write_orders
) -> None:
    runner = CliRunner()
    orders = write_orders([make_order(order_id="1"), make_order(order_id="2", email="b@x.org")])
    assert batch(runner, tmp_path, orders, "out").exit_code == 0
    listed = runner.invoke(main, ["batches", "--ledger", str(tmp_path / "ledger.sqlite")])
    batch_id = listed.stdout.split("\t")[0]
    quiet = batch(runner, tmp_path, orders, "out-again")
    assert "note:" not in quiet.stderr  # the folder is still there: nothing to hint
    shutil.rmtree(tmp_path / "out")
    rerun = batch(runner, tmp_path, orders, "out-again")
    assert rerun.exit_code == 0
    assert "0 new cards, 2 already issued" in rerun.stdout
    assert f"note: batch {batch_id} (2 cards) was written to " in rerun.stderr
    assert f"`notecards void {batch_id}`" in rerun.stderr and "--reprint" in rerun.stderr


MEASURED = textwrap.dedent(
    """
    import atexit, sys
    # VmHWM is this program's own peak: ru_maxrss would carry over the peak of the process
    # that forked it (Linux keeps it across exec), e.g. a test worker's.
    def peak():
        with open("/proc/self/status") as status:
            kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        print(f"maxrss_kb={kb}", file=sys.stderr)
    atexit.register(peak)
    from notecards.cli.main import main
    main()
    """
)


def _check_peak_mb(tmp_path: Path, rows: int) -> float:
    path = tmp_path / f"orders-{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL)
        writer.writeheader()
        for i in range(rows):
            writer.writerow(make_order(order_id=str(i), email=f"c{i}@example.com"))
    script = tmp_path / "measured.py"
    script.write_text(MEASURED, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), "check", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert f"{rows} orders/contacts found" in run.stdout
    kb = next(int(x.split("=")[1]) for x in run.stderr.splitlines() if x.startswith("maxrss_kb="))
    return kb / 1024


def test_check_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    """1,200 more rows cost check ~17 MB when it held every order and layout; now ~nothing."""
    small = _check_peak_mb(tmp_path, 100)
    large = _check_peak_mb(tmp_path, 1300)
    assert large - small < 8, (small, large)
