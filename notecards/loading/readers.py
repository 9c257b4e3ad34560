"""Read a CSV/TSV or spreadsheet file into raw text rows with spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from notecards.errors import InputError
from notecards.loading.encoding import decode_bytes, has_mojibake, repair_mojibake
from notecards.models import Problem, Severity

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class RawTable:
    """One sheet of text cells: the header row and the data rows with their row numbers."""

    source: str
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    problems: tuple[Problem, ...] = ()
    encoding: str = ""
    delimiter: str = ""


def read_table(
    path: str | os.PathLike[str],
    sheet: str | None,
    looks_like_header: Callable[[Sequence[str]], int],
) -> RawTable:
    """Return the table in *path*; *looks_like_header* scores a candidate header row.

    Raises:
        InputError: the file is missing, empty, not a table, or has no such sheet.
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as err:
        raise InputError(source, "the file does not exist.",
                         "Check the path, or export the orders again.") from err
    except OSError as err:
        raise InputError(source, f"the file cannot be read ({err.strerror}).",
                         "Check that it is a file you may read.") from err
    if not data.strip():
        raise InputError(source, "the file is empty.", "Export the orders again.")
    is_zip = data[:4] == b"PK\x03\x04"
    is_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if source.lower().endswith(SPREADSHEET_SUFFIXES) or is_zip or is_ole:
        grid, sheet_name = _read_spreadsheet(source, data, sheet)
        return _make_table(source, sheet_name, grid, looks_like_header, "", "")
    # A sheet name means nothing for a CSV; it is ignored so CSV and .xlsx inputs can be mixed.
    text, encoding = decode_bytes(data)
    if _looks_binary(text):
        raise InputError(source, "this is not a table (it looks like a binary file).",
                         "Export the orders as CSV or Excel (.xlsx) and try again.")
    grid, delimiter = _parse_delimited(text)
    return _make_table(source, None, grid, looks_like_header, encoding, delimiter)


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return "\x00" in sample or controls > len(sample) * 0.05 or sample.count("\ufffd") > 20


def _parse_delimited(text: str) -> tuple[list[list[str]], str]:
    forced = None
    first_line, _, rest = text.partition("\n")
    match = re.fullmatch(r'"?sep=(.)"?\r?', first_line.strip("\ufeff"))
    if match:
        # Excel writes "sep=;" as a first line to name the delimiter.
        forced, text = match.group(1), "\n" + rest
    delimiter = forced or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    grid = list(reader)
    if forced:
        grid[0] = []  # the sep= line still counts as spreadsheet row 1
    return grid, delimiter


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    best, best_score = ",", -1.0
    for candidate in (",", ";", "\t", "|"):
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
                if any(cell.strip() for cell in r)][:50]
        if not rows:
            continue
        widths = [len(r) for r in rows]
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = common * widths.count(common) / len(widths)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_spreadsheet(source: str, data: bytes, sheet: str | None) -> tuple[list[list[str]], str]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - calamine raises many types; openpyxl then decides
        return _read_with_openpyxl(source, data, sheet)
    names = list(book.sheet_names)
    name = _choose_sheet(source, names, sheet)
    values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return [[cell_text(v) for v in row] for row in values], name


def _read_with_openpyxl(source: str, data: bytes, sheet: str | None) -> tuple[
        list[list[str]], str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises zipfile, KeyError, InvalidFileException …
        raise InputError(source, f"this is not a readable spreadsheet ({err}).",
                         "Open it in Excel and save it again as .xlsx, or export as CSV.") from err
    name = _choose_sheet(source, list(book.sheetnames), sheet)
    grid = [[cell_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
    book.close()
    return grid, name


def _choose_sheet(source: str, names: list[str], sheet: str | None) -> str:
    if not names:
        raise InputError(source, "the workbook has no sheets.", "Export the orders again.")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = {n.casefold().strip(): n for n in names}
    if sheet.casefold().strip() in folded:
        return folded[sheet.casefold().strip()]
    listing = ", ".join(f'"{n}"' for n in names)
    raise InputError(source, f'there is no sheet "{sheet}"; the sheets are {listing}.',
                     "Choose one of those names with --sheet.")


def cell_text(value: object) -> str:
    """Return a spreadsheet cell as the text a person sees (no floats, no ``nan``).

    >>> cell_text(2134.0), cell_text(1.5), cell_text(date(1980, 3, 4)), cell_text(None)
    ('2134', '1.5', '1980-03-04', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _make_table(
    source: str,
    sheet: str | None,
    grid: list[list[str]],
    looks_like_header: Callable[[Sequence[str]], int],
    encoding: str,
    delimiter: str,
) -> RawTable:
    header_index = _find_header(grid, looks_like_header)
    if header_index is None:
        raise InputError(source if not sheet else f"{source}:{sheet}",
                         "there is no table in it (no row with column names).",
                         "Put the column names in the first row and the orders below them.")
    headers = [h.strip().strip("\ufeff") for h in grid[header_index]]
    width = len(headers)
    rows: list[tuple[int, tuple[str, ...]]] = []
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        if not any(c.strip() for c in cells):
            continue  # blank rows are skipped but still numbered, as a spreadsheet shows them
        width = max(width, len(cells))
        rows.append((index + 1, tuple(cells)))
    headers += [""] * (width - len(headers))
    rows = [(n, cells + ("",) * (width - len(cells))) for n, cells in rows]
    problems: list[Problem] = []
    headers, rows = _drop_empty_unnamed(headers, rows)
    headers = _name_columns(source, sheet, header_index + 1, headers, problems)
    rows = _repair_text(source, sheet, headers, rows, problems)
    return RawTable(source, sheet, header_index + 1, tuple(headers), tuple(rows),
                    tuple(problems), encoding, delimiter)


def _find_header(grid: list[list[str]], looks_like_header: Callable[[Sequence[str]], int]
                 ) -> int | None:
    candidates = [i for i, row in enumerate(grid) if any(c.strip() for c in row)]
    candidates = candidates[:_HEADER_SEARCH_ROWS]
    for index in candidates:
        if looks_like_header(grid[index]) >= 2:
            return index
    for index in candidates:
        cells = [c.strip() for c in grid[index] if c.strip()]
        if len(cells) >= 2 and all(not re.fullmatch(r"[\d\s.,/:+-]+", c) for c in cells):
            return index
    return None


def _drop_empty_unnamed(headers: list[str], rows: list[tuple[int, tuple[str, ...]]]
                        ) -> tuple[list[str], list[tuple[int, tuple[str, ...]]]]:
    # A trailing delimiter gives an unnamed, empty column: drop it quietly.
    keep = [i for i, h in enumerate(headers) if h or any(cells[i].strip() for _, cells in rows)]
    if len(keep) == len(headers):
        return headers, rows
    return ([headers[i] for i in keep],
            [(n, tuple(cells[i] for i in keep)) for n, cells in rows])


def _name_columns(source: str, sheet: str | None, header_row: int, headers: list[str],
                  problems: list[Problem]) -> list[str]:
    seen: dict[str, int] = {}
    named: list[str] = []
    for position, header in enumerate(headers, start=1):
        label = header or f"column {position}"
        if label.casefold() in seen:
            seen[label.casefold()] += 1
            new_label = f"{label} ({seen[label.casefold()]})"
            problems.append(Problem(
                Severity.WARNING, source, header_row, label,
                f'the column name "{label}" appears more than once; the first one is used and '
                f'this one is kept as "{new_label}"',
                "rename one of the columns if the second one holds the data you want", sheet))
            label = new_label
        else:
            seen[label.casefold()] = 1
        named.append(label)
    return named


def _repair_text(source: str, sheet: str | None, headers: list[str],
                 rows: list[tuple[int, tuple[str, ...]]], problems: list[Problem]
                 ) -> list[tuple[int, tuple[str, ...]]]:
    repaired: dict[int, list[tuple[int, str, str]]] = {}
    out: list[tuple[int, tuple[str, ...]]] = []
    for number, cells in rows:
        if has_mojibake("\x1f".join(cells)):
            new_cells = list(cells)
            for i, cell in enumerate(cells):
                fixed = repair_mojibake(cell)
                if fixed is not None:
                    new_cells[i] = fixed
                    repaired.setdefault(i, []).append((number, cell, fixed))
            cells = tuple(new_cells)
        out.append((number, cells))
    for column, hits in repaired.items():
        first_row, before, after = hits[0]
        count = f" (and {len(hits) - 1} more rows)" if len(hits) > 1 else ""
        problems.append(Problem(
            Severity.WARNING, source, first_row, headers[column],
            f'repaired double-encoded text "{before}" → "{after}"{count}',
            "save the export as UTF-8 next time; check the repaired names look right", sheet))
    return out
