"""Hostile input files: each gets a located message within seconds and bounded memory
(measured: the peak resident size of the process that reads it), never a crash (issue 10)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from msoffcrypto.format.ooxml import OOXMLFile

from notecards.cli.main import main
from tests.conftest import CANONICAL, make_order

MAX_RSS_MB = 500
MAX_SECONDS = 30  # generous for a loaded CI machine; each takes a second or two

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


def check(tmp_path: Path, path: Path) -> tuple[int, str, float, float]:
    """Run `notecards check PATH`; return exit status, output, seconds and peak MB."""
    script = tmp_path / "measured.py"
    script.write_text(MEASURED, encoding="utf-8")
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, str(script), "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    seconds = time.monotonic() - started
    peak = next(
        int(line.split("=")[1]) / 1024
        for line in run.stderr.splitlines()
        if line.startswith("maxrss_kb=")
    )
    return run.returncode, run.stdout + run.stderr, seconds, peak


def check_here(path: Path) -> tuple[int, str, float]:
    """Run `notecards check PATH` in this process; return exit status, output and seconds.

    For the files whose peak memory is not in question: a second process (and its second of
    start-up) buys nothing there.
    """
    started = time.monotonic()
    run = CliRunner().invoke(main, ["check", str(path)])
    return run.exit_code, run.stdout + run.stderr, time.monotonic() - started


def orders_workbook() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Orders"
    sheet.append(CANONICAL)
    for i in range(3):
        row = make_order(order_id=str(1000 + i), email=f"c{i}@example.com")
        sheet.append([row[c] for c in CANONICAL])
    return book


def assert_bounded(seconds: float, peak: float) -> None:
    assert seconds < MAX_SECONDS
    assert peak < MAX_RSS_MB


def test_a_stray_cell_at_xfd1048576_is_located_not_a_crash(tmp_path: Path) -> None:
    book = orders_workbook()
    book["Orders"]["XFD1048576"] = "oops"
    path = tmp_path / "stray.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    status, output, seconds, peak = check(tmp_path, path)
    assert status == 1
    assert f"Error: {path}: the sheet uses cells up to XFD1048576" in output
    assert "16,384 columns × 1,048,576 rows" in output and "Ctrl+End" in output
    assert "Traceback" not in output and "memory allocation" not in output
    assert_bounded(seconds, peak)


def test_a_zip_bomb_workbook_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    plain = io.BytesIO()
    orders_workbook().save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info))
                continue
            head, _, rest = source.read(info).partition(b"</sheetData>")
            row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>' * 1000
            sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
            sheet.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(sheet, "w", force_zip64=True) as handle:
                handle.write(head)
                for _ in range(int(300 * 1024 * 1024 / len(row)) + 1):
                    handle.write(row)
                handle.write(b"</sheetData>" + rest)
    assert path.stat().st_size < 5_000_000
    status, output, seconds, peak = check(tmp_path, path)
    assert status == 1
    assert f"Error: {path}: the workbook unpacks to 300 MB" in output
    assert "export the orders again" in output
    assert_bounded(seconds, peak)


def test_a_password_protected_workbook_says_it_is_encrypted(tmp_path: Path) -> None:
    plain = io.BytesIO()
    orders_workbook().save(plain)
    plain.seek(0)
    path = tmp_path / "locked.xlsx"
    with path.open("wb") as handle:
        OOXMLFile(plain).encrypt("secret", handle)
    status, output, seconds = check_here(path)
    assert status == 1
    assert f"Error: {path}: the workbook is encrypted (protected by a password)" in output
    assert "save it again" in output and "not a zip file" not in output
    assert seconds < MAX_SECONDS


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_5mb_cell_rejects_its_row_not_the_file(tmp_path: Path) -> None:
    rows = [make_order(order_id=str(1000 + i), email=f"c{i}@example.com") for i in range(4)]
    rows[1]["personal_line"] = "x" * 5_000_000
    path = _csv(tmp_path / "big-cell.csv", rows)
    status, output, seconds, peak = check(tmp_path, path)
    assert status == 1
    assert f"{path}:row 3:personal_line: this cell holds 5,000,000 characters" in output
    assert "field larger than field limit" not in output and "Traceback" not in output
    assert "3 new cards" in output  # the other rows are fine
    assert_bounded(seconds, peak)


def test_an_unclosed_quote_running_past_the_field_limit_is_located(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    header = ",".join(CANONICAL)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header + '\n1000,2026-11-20,Ada,W,a@example.com,"14 Orchard\n')
        for _ in range(20):
            handle.write("y" * 1_000_000 + "\n")
    status, output, _, peak = check(tmp_path, path)
    assert status == 1
    assert f"Error: {path}:row " in output and "never closed" in output
    assert "Traceback" not in output
    assert peak < MAX_RSS_MB


def test_a_nul_byte_in_row_3_rejects_that_row_only(tmp_path: Path) -> None:
    rows = [make_order(order_id=str(1000 + i), email=f"c{i}@example.com") for i in range(4)]
    rows[1]["city"] = "Burl\x00ington"
    path = _csv(tmp_path / "nul.csv", rows)
    status, output, _ = check_here(path)
    assert status == 1
    assert f"{path}:row 3:city: this row contains a NUL byte" in output
    assert "binary" not in output
    assert "3 new cards" in output


def test_a_workbook_whose_sheet_does_not_unpack_is_called_damaged(tmp_path: Path) -> None:
    plain = io.BytesIO()
    orders_workbook().save(plain)
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"Whitfield", b"Whitfielt")
                target.writestr(info, data)
                continue
            target.writestr(info, data)
    # Keep the old CRC of the sheet in both headers: what a broken copy leaves.
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(plain) as source:
        crc = source.getinfo("xl/worksheets/sheet1.xml").CRC.to_bytes(4, "little")
    with zipfile.ZipFile(path) as damaged:
        new = damaged.getinfo("xl/worksheets/sheet1.xml").CRC.to_bytes(4, "little")
    assert raw.count(new) == 2
    path.write_bytes(bytes(raw).replace(new, crc))
    status, output, seconds = check_here(path)
    assert status == 1
    assert f"Error: {path}: the workbook is damaged (Bad CRC-32" in output
    assert "Traceback" not in output
    assert seconds < MAX_SECONDS
