"""Read a CSV/TSV or spreadsheet file into raw text rows with spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from notecards.errors import InputError
from notecards.loading.encoding import decode_bytes, has_mojibake, repair_mojibake
from notecards.loading.limits import CSV_FIELD_LIMIT, check_workbook
from notecards.models import Problem, Severity

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
#: Documents that look like zip spreadsheets but are not: named, so the error can say so.
FOREIGN_SUFFIXES = {"numbers": "Apple Numbers", "pages": "Apple Pages"}
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class TableScan:
    """A table whose data rows are produced on demand, as often as needed (see rows()).

    A CSV keeps only its decoded text: each pass parses it again, so 100,000 rows never
    exist as Python objects at once (issue 4). A spreadsheet keeps its grid.
    """

    source: str
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    problems: tuple[Problem, ...]
    encoding: str
    delimiter: str
    row_count: int
    _grid: Callable[[], Iterator[list[str]]]
    _keep: tuple[int, ...] | None
    _width: int

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """Yield (spreadsheet row number, cells) for every non-blank data row."""
        for number, cells in self.raw_rows():
            yield number, _repaired(cells)[0]

    def raw_rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """Yield (spreadsheet row number, cells) as read, before double-encoding is repaired."""
        width, keep = self._width, self._keep
        for index, cells in enumerate(self._grid()):
            if index < self.header_row or not any(c.strip() for c in cells):
                continue  # blank rows are skipped but still numbered, as a spreadsheet shows
            padded = tuple(cells) + ("",) * (width - len(cells))
            if keep is not None:
                padded = tuple(padded[i] for i in keep)
            yield index + 1, padded


def scan_table(
    path: str | os.PathLike[str],
    sheet: str | None,
    looks_like_header: Callable[[Sequence[str]], int],
) -> TableScan:
    """Return the table in *path* with its rows produced on demand (see TableScan).

    Raises:
        InputError: the file is missing, empty, not a table, or has no such sheet.
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as err:
        raise InputError(
            source, "the file does not exist.", "Check the path, or export the orders again."
        ) from err
    except OSError as err:
        raise InputError(
            source,
            f"the file cannot be read ({err.strerror}).",
            "Check that it is a file you may read.",
        ) from err
    if not data.strip():
        raise InputError(source, "the file is empty.", "Export the orders again.")
    suffix = Path(source).suffix.lower().lstrip(".")
    if suffix in FOREIGN_SUFFIXES:
        app = FOREIGN_SUFFIXES[suffix]
        raise InputError(
            source,
            f"this is an {app} document, which notecards cannot read",
            f"— in {app.removeprefix('Apple ')}, choose File > Export To > CSV… (or Excel) "
            "and give notecards that file.",
        )
    is_zip = data[:4] == b"PK\x03\x04"
    is_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if source.lower().endswith(SPREADSHEET_SUFFIXES) or is_zip or is_ole:
        check_workbook(source, data)  # before the reader allocates anything
        grid, sheet_name = _read_spreadsheet(source, data, sheet)
        return _make_table(source, sheet_name, lambda: iter(grid), looks_like_header, "", "")
    # A sheet name means nothing for a CSV; it is ignored so CSV and .xlsx inputs can be mixed.
    text, encoding = decode_bytes(data)
    del data
    if _looks_binary(text):
        raise InputError(
            source,
            "this is not a table (it looks like a binary file).",
            "Export the orders as CSV or Excel (.xlsx) and try again.",
        )
    first_line = text.partition("\n")[0]
    match = re.fullmatch(r'"?sep=(.)"?\r?', first_line.strip("\ufeff"))
    # Excel writes "sep=;" as a first line to name the delimiter.
    forced = match.group(1) if match else None
    delimiter = forced or _sniff_delimiter(text)
    del text  # each pass decodes the file again, line by line (issue 4)
    rows = _delimited_rows(source, encoding, delimiter, skip_first=forced is not None)
    return _make_table(source, None, rows, looks_like_header, encoding, delimiter)


def _looks_binary(text: str) -> bool:
    # A stray NUL in a text export rejects its row (limits.damaged_row), not the file.
    sample = text[:4000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > len(sample) * 0.05 or sample.count("\ufffd") > 20


def _delimited_rows(
    source: str, encoding: str, delimiter: str, *, skip_first: bool
) -> Callable[[], Iterator[list[str]]]:
    """Return a function that reads the rows of *source* again each time it is called."""

    def rows() -> Iterator[list[str]]:
        with (
            open(source, "rb") as raw,
            io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as handle,
        ):
            lines: Iterator[str] = iter(handle)
            if skip_first:
                next(lines, "")
                lines = itertools.chain(["\n"], lines)  # the sep= line still counts as row 1
            csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
            reader = csv.reader(lines, delimiter=delimiter, strict=False)
            try:
                yield from reader
            except csv.Error as err:  # a field past CSV_FIELD_LIMIT: an unclosed quote
                raise InputError(
                    f"{source}:row {reader.line_num}",
                    f"a cell starting near here is larger than {CSV_FIELD_LIMIT:,} "
                    f"characters ({err}).",
                    'A quote (") that is never closed is the usual cause: fix that row.',
                ) from err

    return rows


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    best, best_score = ",", -1.0
    for candidate in (",", ";", "\t", "|"):
        rows = [
            r
            for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
            if any(cell.strip() for cell in r)
        ][:50]
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


def _read_with_openpyxl(source: str, data: bytes, sheet: str | None) -> tuple[list[list[str]], str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises zipfile, KeyError, InvalidFileException …
        raise InputError(
            source,
            f"this is not a readable spreadsheet ({err}).",
            "Open it in Excel and save it again as .xlsx, or export as CSV.",
        ) from err
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
    raise InputError(
        source,
        f'there is no sheet "{sheet}"; the sheets are {listing}.',
        "Choose one of those names with --sheet.",
    )


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
    grid: Callable[[], Iterator[list[str]]],
    looks_like_header: Callable[[Sequence[str]], int],
    encoding: str,
    delimiter: str,
) -> TableScan:
    header_index, header_cells = _find_header(grid(), looks_like_header)
    if header_index is None:
        raise InputError(
            source if not sheet else f"{source}:{sheet}",
            "there is no table in it (no row with column names).",
            "Put the column names in the first row and the orders below them.",
        )
    headers = [h.strip().strip("\ufeff") for h in header_cells]
    width = len(headers)
    filled: set[int] = set()  # columns with a value in some row
    count = 0
    for index, cells in enumerate(grid()):
        if index <= header_index or not any(c.strip() for c in cells):
            continue
        count += 1
        width = max(width, len(cells))
        filled.update(i for i, c in enumerate(cells) if c.strip())
    headers += [""] * (width - len(headers))
    # A trailing delimiter gives an unnamed, empty column: drop it quietly.
    kept = [i for i, h in enumerate(headers) if h or i in filled]
    keep = None if len(kept) == len(headers) else tuple(kept)
    if keep is not None:
        headers = [headers[i] for i in keep]
    problems: list[Problem] = []
    headers = _name_columns(source, sheet, header_index + 1, headers, problems)
    scan = TableScan(
        source,
        sheet,
        header_index + 1,
        tuple(headers),
        (),
        encoding,
        delimiter,
        count,
        grid,
        keep,
        width,
    )
    problems += _repair_problems(scan)
    return replace(scan, problems=tuple(problems))


def _find_header(
    grid: Iterator[list[str]], looks_like_header: Callable[[Sequence[str]], int]
) -> tuple[int | None, list[str]]:
    candidates: list[tuple[int, list[str]]] = []
    for index, row in enumerate(grid):
        if any(c.strip() for c in row):
            candidates.append((index, row))
            if len(candidates) == _HEADER_SEARCH_ROWS:
                break
    for index, row in candidates:
        if looks_like_header(row) >= 2:
            return index, row
    for index, row in candidates:
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) >= 2 and all(not re.fullmatch(r"[\d\s.,/:+-]+", c) for c in cells):
            return index, row
    return None, []


def _name_columns(
    source: str, sheet: str | None, header_row: int, headers: list[str], problems: list[Problem]
) -> list[str]:
    seen: dict[str, int] = {}
    named: list[str] = []
    for position, header in enumerate(headers, start=1):
        label = header or f"column {position}"
        if label.casefold() in seen:
            seen[label.casefold()] += 1
            new_label = f"{label} ({seen[label.casefold()]})"
            problems.append(
                Problem(
                    Severity.WARNING,
                    source,
                    header_row,
                    label,
                    f'the column name "{label}" appears more than once; the first one is used and '
                    f'this one is kept as "{new_label}"',
                    "rename one of the columns if the second one holds the data you want",
                    sheet,
                )
            )
            label = new_label
        else:
            seen[label.casefold()] = 1
        named.append(label)
    return named


def _repaired(cells: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[int, str, str]]]:
    """Return *cells* with double-encoded text repaired, and (column, before, after) fixes."""
    if not has_mojibake("\x1f".join(cells)):
        return cells, []
    new_cells = list(cells)
    fixes = []
    for i, cell in enumerate(cells):
        fixed = repair_mojibake(cell)
        if fixed is not None:
            new_cells[i] = fixed
            fixes.append((i, cell, fixed))
    return tuple(new_cells), fixes


def _repair_problems(scan: TableScan) -> list[Problem]:
    first: dict[int, tuple[int, str, str]] = {}
    counts: dict[int, int] = {}
    for number, cells in scan.raw_rows():
        for column, before, after in _repaired(cells)[1]:
            first.setdefault(column, (number, before, after))
            counts[column] = counts.get(column, 0) + 1
    problems = []
    for column, (first_row, before, after) in first.items():
        hits = counts[column]
        more = f" (and {hits - 1} more rows)" if hits > 1 else ""
        problems.append(
            Problem(
                Severity.WARNING,
                scan.source,
                first_row,
                scan.headers[column],
                f'repaired double-encoded text "{before}" → "{after}"{more}',
                "save the export as UTF-8 next time; check the repaired names look right",
                scan.sheet,
            )
        )
    return problems
