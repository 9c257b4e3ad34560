"""The ledger holds under concurrency and faults: two batches racing, the crash gap, an
unwritable or foreign ledger, SIGTERM and SIGKILL (issue 10)."""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notecards import make_settings, plan_batch, render_batch
from notecards.cli.main import main
from notecards.config import Config
from notecards.errors import LedgerError
from notecards.ledger import AlreadyIssuedError, open_ledger
from notecards.ledger.lock import batch_lock
from tests.conftest import CANONICAL, TODAY, make_order
from tests.pdfcheck import page_texts

NAMES = ["Ada", "Bo", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea"]


def write_orders(path: Path, ids: range) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL)
        writer.writeheader()
        for i in ids:
            writer.writerow(
                make_order(
                    order_id=str(1000 + i),
                    first_name=NAMES[i % len(NAMES)],
                    last_name=f"Tester{i}",
                    email=f"customer{i}@example.com",
                )
            )
    return path


def notecards(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "notecards", *map(str, args)]


#: What start_batch runs, for the same batch in this process.
BATCH = ("batch", "--date", "2026-11-22", "--quiet", "--no-preflight")


def start_batch(orders: Path, out: Path, ledger: Path, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        notecards(
            "batch", orders, "--out", out, "--ledger", ledger, "--date", "2026-11-22",
            "--quiet", "--no-preflight", *more,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def run_here(*args: str | Path) -> Result:
    """Run a notecards command in this process: a fresh command, as the next day's run is.

    Only what needs a process of its own (racing, holding a lock, being killed) starts one;
    each start costs a second of importing and font loading.
    """
    return CliRunner().invoke(main, [str(a) for a in args])


def ledger_orders(ledger: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(ledger) as db:
        return list(db.execute("SELECT order_id, batch_id FROM cards ORDER BY order_id"))


def manifest_orders(out: Path) -> list[str]:
    path = out / "manifest.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["order_id"] for row in csv.DictReader(handle)]


def skipped_as_issued(out: Path) -> set[str]:
    path = out / "skipped.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["order_id"] for row in csv.DictReader(handle) if "already" in row["reason"]}


def test_two_batches_racing_on_one_ledger_never_print_an_order_twice_nor_lose_one(
    tmp_path: Path,
) -> None:
    """Two real processes, overlapping inputs, random start offsets, several times."""
    rng = random.Random(10)
    a_ids, b_ids = range(0, 8), range(4, 12)
    for race in range(4):
        base = tmp_path / f"race{race}"
        base.mkdir()
        ledger = base / "ledger.sqlite"
        a = write_orders(base / "a.csv", a_ids)
        b = write_orders(base / "b.csv", b_ids)
        first = start_batch(a, base / "out-a", ledger)
        time.sleep(rng.uniform(0.0, 1.0))
        second = start_batch(b, base / "out-b", ledger)
        for process in (first, second):
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        recorded = ledger_orders(ledger)
        ids = [order for order, _ in recorded]
        assert sorted(ids) == sorted({str(1000 + i) for i in range(12)}), race  # none lost
        assert len(ids) == len(set(ids)), race  # none twice
        printed_a, printed_b = manifest_orders(base / "out-a"), manifest_orders(base / "out-b")
        assert not set(printed_a) & set(printed_b), race
        assert sorted(printed_a + printed_b) == sorted(ids), race
        # Each card is really in its batch's PDF (the envelope names the customer).
        for out, printed in ((base / "out-a", printed_a), (base / "out-b", printed_b)):
            if printed:
                text = " ".join(page_texts(out / "envelopes.pdf"))
                for order in printed:
                    assert f"Tester{int(order) - 1000}" in text
        # The overlap went to whoever ran first; the other says it was already issued.
        overlap = {str(1000 + i) for i in range(4, 8)}
        assert overlap <= set(printed_a) | skipped_as_issued(base / "out-a"), race
        assert overlap <= set(printed_b) | skipped_as_issued(base / "out-b"), race


def test_a_second_batch_into_the_same_folder_the_same_day_is_refused_not_lost(
    tmp_path: Path,
) -> None:
    """Same --out: the second run must not replace the first run's unprinted cards."""
    ledger = tmp_path / "ledger.sqlite"
    a = write_orders(tmp_path / "a.csv", range(0, 6))
    b = write_orders(tmp_path / "b.csv", range(3, 9))
    out = tmp_path / "out"
    first = start_batch(a, out, ledger)
    time.sleep(0.3)
    second = start_batch(b, out, ledger)
    errors = [p.communicate(timeout=120)[1] for p in (first, second)]
    results = [(p.returncode, err) for p, err in zip((first, second), errors, strict=True)]
    assert sorted(code for code, _ in results) == [0, 1]
    refused = next(err for code, err in results if code == 1)
    assert "this batch would replace its files" in refused and "another --out" in refused
    # Whatever the folder holds is exactly what the ledger says was issued.
    assert sorted(manifest_orders(out)) == sorted(order for order, _ in ledger_orders(ledger))
    assert not list(out.glob(".notecards-partial-*"))


def test_a_batch_waits_for_the_lock_or_says_who_holds_it(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    orders = write_orders(tmp_path / "a.csv", range(0, 2))
    with batch_lock(ledger):
        now = start_batch(orders, tmp_path / "out", ledger, "--wait", "0")
        _, err = now.communicate(timeout=60)
        assert now.returncode == 1
        assert "another notecards batch is running on this ledger" in err
        assert f"pid {os.getpid()}, since " in err
        assert "nothing was drawn or recorded" in err
        assert not (tmp_path / "out").exists()
        waiting = start_batch(orders, tmp_path / "out", ledger, "--wait", "60")
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # blocks until it says it waits
        assert "another notecards batch is running on" in said
        assert "waiting up to 60 s" in said
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert manifest_orders(tmp_path / "out") == ["1000", "1001"]


def test_the_recording_transaction_rechecks_what_was_issued_meanwhile(tmp_path: Path) -> None:
    """Library callers without the lock: two plans made before either is recorded."""
    settings = make_settings(Config(ledger_path=str(tmp_path / "ledger.sqlite")))
    first = plan_batch([write_orders(tmp_path / "a.csv", range(0, 3))], settings, today=TODAY)
    second = plan_batch([write_orders(tmp_path / "b.csv", range(2, 5))], settings, today=TODAY)
    render_batch(first, tmp_path / "a")
    with pytest.raises(AlreadyIssuedError, match="1002.*nothing was recorded or moved"):
        render_batch(second, tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []
    assert [o for o, _ in ledger_orders(tmp_path / "ledger.sqlite")] == ["1000", "1001", "1002"]
    again = plan_batch([tmp_path / "b.csv"], settings, today=TODAY)
    render_batch(again, tmp_path / "b")
    assert manifest_orders(tmp_path / "b") == ["1003", "1004"]


# --- the ledger is checked before anything is drawn -------------------------------------


def _unfinished(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix == ".pdf"] if folder.exists() else []


def test_a_ledger_with_a_foreign_required_column_is_refused_before_drawing(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    with open_ledger(ledger):
        pass
    with sqlite3.connect(ledger) as db:
        db.execute("ALTER TABLE cards ADD COLUMN printed_by TEXT NOT NULL DEFAULT 'x'")
        db.execute("CREATE TABLE cards2 AS SELECT * FROM cards")
    # A column with a default (or nullable) is someone's own note: tolerated.
    orders = write_orders(tmp_path / "a.csv", range(0, 2))
    ok = run_here(*BATCH, orders, "--out", tmp_path / "ok", "--ledger", ledger)
    assert ok.exit_code == 0, ok.output
    # One that must be filled cannot be: refused up front, nothing drawn.
    with sqlite3.connect(ledger) as db:
        db.executescript(
            "CREATE TABLE c AS SELECT * FROM cards; DROP TABLE cards; "
            "CREATE TABLE cards (card_key TEXT NOT NULL, order_id TEXT NOT NULL, "
            "customer_key TEXT NOT NULL, occasion TEXT NOT NULL, template TEXT NOT NULL, "
            "variant TEXT NOT NULL, recipient TEXT NOT NULL, batch_id TEXT NOT NULL, "
            "card_number INTEGER NOT NULL, is_reprint INTEGER NOT NULL DEFAULT 0, "
            "printer TEXT NOT NULL); "
            "INSERT INTO cards SELECT card_key, order_id, customer_key, occasion, template, "
            "variant, recipient, batch_id, card_number, is_reprint, 'x' FROM c;"
        )
    more = write_orders(tmp_path / "b.csv", range(2, 4))
    refused = run_here(*BATCH, more, "--out", tmp_path / "out", "--ledger", ledger)
    err = refused.stderr
    assert refused.exit_code == 1
    assert "the ledger cannot be written" in err and "cards.printer" in err
    assert "nothing was drawn or recorded" in err
    assert _unfinished(tmp_path / "out") == []


def test_a_ledger_missing_a_column_or_from_a_newer_notecards_is_refused_up_front(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    with open_ledger(ledger):
        pass
    with sqlite3.connect(ledger) as db:
        db.execute("ALTER TABLE cards DROP COLUMN recipient")
    with pytest.raises(LedgerError, match="table cards has no column recipient"):
        with open_ledger(ledger) as opened:
            opened.check_writable()
    newer = tmp_path / "newer.sqlite"
    with open_ledger(newer):
        pass
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 99")
    orders = write_orders(tmp_path / "a.csv", range(0, 2))
    refused = run_here(*BATCH, orders, "--out", tmp_path / "out", "--ledger", newer)
    assert refused.exit_code == 1 and "written by a newer notecards" in refused.stderr
    assert _unfinished(tmp_path / "out") == []


def test_a_read_only_ledger_is_found_before_drawing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read-only (as a user without write permission sees it)."""
    ledger = tmp_path / "ledger.sqlite"
    with open_ledger(ledger):
        pass
    orders = write_orders(tmp_path / "a.csv", range(0, 2))
    # Root ignores file modes; sqlite's immutable/read-only open is what a user without
    # write permission gets, so the test opens it that way for the command.
    real = sqlite3.connect

    def read_only(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(database).endswith("ledger.sqlite"):
            return real(f"file:{database}?mode=ro", *args, uri=True, **kwargs)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    run = run_here(
        "batch", orders, "--out", tmp_path / "out", "--ledger", ledger, "--date", "2026-11-22",
        "--no-preflight",
    )  # fmt: skip
    monkeypatch.undo()
    assert run.exit_code == 1
    assert "the ledger cannot be written (attempt to write a readonly database)" in run.stderr
    assert "nothing was drawn or recorded" in run.stderr
    assert _unfinished(tmp_path / "out") == []


# --- the crash gap ------------------------------------------------------------------------

KILL_AFTER_MOVE = """
import os, signal, sys
import notecards.output.commit as commit
real = commit.move_into_place
def move_then_die(*args, **kwargs):
    files = real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # in the gap: files in place, batch still pending
    return files
commit.move_into_place = move_then_die
from notecards.cli.main import main
main()
"""

KILL_BEFORE_MOVE = KILL_AFTER_MOVE.replace(
    "    files = real(*args, **kwargs)\n    os.kill", "    os.kill"
).replace("    return files\n", "    return real(*args, **kwargs)\n")


@pytest.mark.parametrize("split", [(), ("--split", "2")], ids=["whole", "split"])
def test_killed_after_the_move_the_next_days_run_prints_no_duplicate(
    tmp_path: Path, split: tuple[str, ...]
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    orders = write_orders(tmp_path / "a.csv", range(0, 3))
    script = tmp_path / "die.py"
    script.write_text(KILL_AFTER_MOVE, encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, str(script), "batch", str(orders), "--out", str(tmp_path / "day1"),
         "--ledger", str(ledger), "--date", "2026-11-22", "--no-preflight", "--quiet", *split],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert manifest_orders(tmp_path / "day1") == ["1000", "1001", "1002"]
    # The next day, another folder, the same file plus one new order.
    grown = write_orders(tmp_path / "b.csv", range(0, 4))
    day2 = run_here(
        "batch", grown, "--out", tmp_path / "day2", "--ledger", ledger, "--date", "2026-11-23",
        "--no-preflight", "--quiet", *split,
    )  # fmt: skip
    assert day2.exit_code == 0, day2.output
    assert "was interrupted after its files reached" in day2.stderr
    assert "recorded it as issued" in day2.stderr
    assert manifest_orders(tmp_path / "day2") == ["1003"]
    ids = [order for order, _ in ledger_orders(ledger)]
    assert sorted(ids) == ["1000", "1001", "1002", "1003"]
    listed = run_here("batches", "--ledger", ledger)
    assert "pending" not in listed.stdout and listed.stdout.count("issued") == 2


def test_killed_before_the_move_the_batch_is_rolled_back_and_printed_next_time(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    orders = write_orders(tmp_path / "a.csv", range(0, 3))
    script = tmp_path / "die.py"
    script.write_text(KILL_BEFORE_MOVE, encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, str(script), "batch", str(orders), "--out", str(tmp_path / "day1"),
         "--ledger", str(ledger), "--date", "2026-11-22", "--no-preflight", "--quiet"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert manifest_orders(tmp_path / "day1") == []
    # Any command resolves it: here `batches`.
    listed = run_here("batches", "--ledger", ledger)
    assert "interrupted before its files were moved" in listed.stderr
    assert "rolled it back" in listed.stderr
    assert ledger_orders(ledger) == []
    assert not list((tmp_path / "day1").glob(".notecards-partial-*"))
    day2 = run_here(
        "batch", orders, "--out", tmp_path / "day2", "--ledger", ledger, "--date", "2026-11-23",
        "--no-preflight", "--quiet",
    )  # fmt: skip
    assert day2.exit_code == 0, day2.output
    assert manifest_orders(tmp_path / "day2") == ["1000", "1001", "1002"]


# --- SIGTERM and SIGKILL leave no process and no partial folder ----------------------------


def _children(pid: int) -> list[int]:
    """Every live descendant of *pid* (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry.name))
    return found + [g for c in found for g in _children(c)]


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


SMALL_POOL = """
import time
import notecards.preflight.pages as pages
import notecards.preflight.spec as spec

if __name__ == "__mp_main__":  # in a spawned preflight worker: a check that takes a minute
    real = pages.check_pages
    def slow(*args):
        time.sleep(60)
        return real(*args)
    pages.check_pages = slow
if __name__ == "__main__":
    spec.BACKGROUND_MIN_PAGES = 1  # every part goes to the workers, as a big batch's do
    spec.PAGES_PER_TASK = 4
    from notecards.cli.main import main
    main()
"""


def _start_big_batch(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """A batch whose parts are preflighted by worker processes while it draws the next."""
    orders = write_orders(tmp_path / "big.csv", range(0, 120))
    out = tmp_path / "out"
    script = tmp_path / "pool.py"
    script.write_text(SMALL_POOL, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), "batch", str(orders), "--out", str(out),
         "--ledger", str(tmp_path / "ledger.sqlite"), "--date", "2026-11-22", "--quiet",
         "--split", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return process, out


def _wait_for_workers(process: subprocess.Popen[str]) -> list[int]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        children = _children(process.pid)
        if len(children) >= 2:
            return children
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.2)
    raise AssertionError("the preflight workers never started")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
def test_a_stopped_batch_leaves_no_process_and_no_partial_folder(
    tmp_path: Path, how: signal.Signals
) -> None:
    process, out = _start_big_batch(tmp_path)
    children = _wait_for_workers(process)
    process.send_signal(how)
    _, err = process.communicate(timeout=60)
    if how == signal.SIGTERM:
        assert process.returncode == 143
        assert err.strip().splitlines()[-1].startswith("notecards: stopped by SIGTERM")
        assert "Traceback" not in err
        assert not list(out.glob(".notecards-partial-*"))
    deadline = time.monotonic() + 5  # the workers were busy for another minute
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)]
    assert not (out / "cards-001.pdf").exists()
    assert not (out / "manifest.csv").exists()
