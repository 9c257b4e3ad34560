"""Map one table's columns to fields and read each row's values, dates and birthday."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from notecards.choices import DateOrder
from notecards.errors import ConfigError, InputError
from notecards.loading.columns import CANONICAL_COLUMNS, match_canonical, normalise_header, slug
from notecards.loading.dates import (
    DateFormatError,
    birthday_from_parts,
    default_order,
    infer_order,
    parse_birthday,
    parse_date,
)
from notecards.loading.formats import CANONICAL, ExportFormat, detect
from notecards.loading.limits import damaged_row
from notecards.loading.options import LoadOptions
from notecards.models import Birthday, Problem, Reject, Severity

_DATE_FIELDS = ("order_date", "last_order_date", "birthday")
_NAME_FIELDS = (
    "first_name",
    "last_name",
    "name",
    "company",
    "ship_name",
    "ship_first_name",
    "ship_last_name",
    "ship_company",
)
_ADDRESS_FIELDS = (
    "address_line1",
    "address_lines",
    "address_full",
    "postal_code",
    "city",
    "ship_line1",
    "ship_lines",
    "ship_postal_code",
    "alt_line1",
)


class TableInfo(Protocol):
    """What records need of a table besides its rows (a TableScan, or a test's stand-in)."""

    @property
    def source(self) -> str: ...
    @property
    def sheet(self) -> str | None: ...
    @property
    def header_row(self) -> int: ...
    @property
    def headers(self) -> tuple[str, ...]: ...
    @property
    def problems(self) -> tuple[Problem, ...]: ...


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Which column feeds which field; other columns pass through as extras."""

    fields: tuple[tuple[int, str], ...]
    extras: tuple[tuple[int, str, str], ...]  # (column index, original header, slug)
    headers: dict[str, str]  # field → original header, for messages


@dataclass(frozen=True, slots=True)
class RowRecord:
    """One data row: its field values, pass-through cells, and parsed dates."""

    source: str
    sheet: str | None
    number: int
    raw: tuple[str, ...]
    values: dict[str, str]
    table_headers: tuple[str, ...]
    plan: ColumnPlan
    fmt: ExportFormat
    order_date: date | None = None
    last_order_date: date | None = None
    birthday: Birthday | None = None

    @property
    def headers(self) -> dict[str, str]:
        """Return field → original header for this row's file."""
        return self.plan.headers

    @property
    def cells(self) -> tuple[tuple[str, str], ...]:
        """Return the original (header, cell) pairs, as a Reject keeps them."""
        return tuple(zip(self.table_headers, self.raw, strict=True))

    @property
    def extra(self) -> tuple[tuple[str, str], ...]:
        """Return the cells of unmapped columns, keyed by header and by its slug."""
        out: list[tuple[str, str]] = []
        for index, header, key in self.plan.extras:
            value = self.raw[index].strip()
            out.append((header, value))
            if key != header:
                out.append((key, value))
        return tuple(out)

    def get(self, field: str) -> str:
        """Return the value of *field*, or "" when the file has no such column."""
        return self.values.get(field, "")

    def column(self, field: str) -> str:
        """Return the original header that feeds *field* (or the field name)."""
        return self.headers.get(field, field)


def choose_format(
    table: TableInfo, formats: Sequence[ExportFormat], options: LoadOptions
) -> ExportFormat:
    """Return the format of *table*: forced by name, detected from the header, or canonical.

    Raises:
        ConfigError: ``format_name`` names no known format.
        InputError: the header matches no format and lacks the minimum columns.
    """
    where = table.source if not table.sheet else f"{table.source}:{table.sheet}"
    if options.format_name:
        by_name = {f.name: f for f in formats}
        if options.format_name not in by_name:
            raise ConfigError(
                f'there is no input format "{options.format_name}". Known formats: '
                + ", ".join(by_name)
                + "."
            )
        fmt = by_name[options.format_name]
        if fmt.markers and not any(normalise_header(h) in fmt.columns for h in table.headers):
            raise InputError(
                where,
                f'none of its columns belong to the format "{fmt.name}" '
                f"(its columns are: {_listing(table.headers)}).",
                "Check the file, or leave out the format option to detect it.",
            )
        return fmt
    found, closest, _ = detect(table.headers, formats)
    if found is not None:
        return found
    plan = plan_columns(table.headers, CANONICAL)
    fields = {f for _, f in plan.fields}
    has_name = bool(fields & {"name", "first_name", "last_name", "company"})
    has_place = bool(fields & {"address_line1", "postal_code", "city", "address_full"})
    if has_name and has_place:
        return CANONICAL
    missing = [
        label
        for ok, label in (
            (has_name, "a name (name, first_name or company)"),
            (has_place, "an address (address_line1, city, postal_code)"),
        )
        if not ok
    ]
    raise InputError(
        where,
        f"the columns ({_listing(table.headers)}) match no known export format and lack "
        f"{' and '.join(missing)}. The closest known format is {closest.info.title} "
        f'("{closest.name}").',
        "Rename the columns to notecards columns ("
        + ", ".join(CANONICAL_COLUMNS[:13])
        + ", …), or add a mapping for this file to the configuration.",
    )


def _listing(headers: Sequence[str]) -> str:
    shown = ", ".join(f'"{h}"' for h in headers[:15])
    return shown + (f", … ({len(headers)} in all)" if len(headers) > 15 else "")


def plan_columns(
    headers: Sequence[str], fmt: ExportFormat, guesses: list[tuple[str, str]] | None = None
) -> ColumnPlan:
    """Return which column feeds which field for *fmt*; the first column for a field wins."""
    fields: list[tuple[int, str]] = []
    extras: list[tuple[int, str, str]] = []
    taken: dict[str, str] = {}
    normalised = [normalise_header(h) for h in headers]
    split_birthday = "birthmonth" in normalised
    for index, header in enumerate(headers):
        target = fmt.columns.get(normalised[index])
        if split_birthday and normalised[index] == "birthday":
            target = "birth_day"  # "Birth Day" next to "Birth Month" is not a whole birthday
        if target is None and fmt.use_aliases:
            target, guessed = match_canonical(header)
            if target and guessed and guesses is not None and target not in taken:
                guesses.append((header, target))
        if target and target not in taken:
            taken[target] = header
            fields.append((index, target))
        else:
            extras.append((index, header, slug(header)))
    return ColumnPlan(tuple(fields), tuple(extras), taken)


class RecordStream:
    """The rows of one table read through *fmt*, produced one at a time (see events())."""

    def __init__(
        self,
        table: TableInfo,
        rows: Callable[[], Iterator[tuple[int, tuple[str, ...]]]],
        fmt: ExportFormat,
        options: LoadOptions,
    ) -> None:
        self.table, self.rows, self.fmt, self.options = table, rows, fmt, options

    def events(self) -> Iterator[RowRecord | Reject | Problem]:
        """Yield the table's findings, then each row's record (or reject) and findings.

        Rows whose dates cannot be read are rejected; the ambiguous-date warning comes last.
        """
        table, fmt, options = self.table, self.fmt, self.options
        yield from table.problems
        guesses: list[tuple[str, str]] = []
        plan = plan_columns(table.headers, fmt, guesses)
        for header, target in guesses:
            yield Problem(
                Severity.WARNING,
                table.source,
                table.header_row,
                header,
                f'read the column "{header}" as {target}',
                f'rename it to "{target}" if that is right',
                table.sheet,
            )
        # A date column's order is decided by all of its values, so they are read first.
        orders = {
            f: _date_order(f, self._values(plan, f), fmt, table, options) for f in _DATE_FIELDS
        }
        ambiguous: dict[str, list[int]] = {}  # field → [first row, count]
        for number, cells in self.rows():
            damage = damaged_row(table.source, table.sheet, number, table.headers, cells)
            if damage is not None:  # a NUL byte or a giant cell: this row only
                yield damage
                kept = tuple(
                    (header, cell.replace("\x00", "")[:200])
                    for header, cell in zip(table.headers, cells, strict=False)
                )
                yield Reject(table.source, number, _reason(damage), kept, table.sheet)
                continue
            record = _extract(table, fmt, plan, number, cells)
            row_problems: list[Problem] = []
            parsed, errors = _parse_dates(record, orders, ambiguous, row_problems)
            yield from row_problems
            if errors:
                yield from errors
                yield Reject(
                    record.source, record.number, _reason(errors[0]), record.cells, record.sheet
                )
            else:
                yield parsed
        for field_name, (first_row, count) in ambiguous.items():
            order, why = orders[field_name]
            if why != "home":
                continue
            spelled = "month/day" if order == "MDY" else "day/month"
            more = f" (and {count - 1} more rows)" if count > 1 else ""
            yield Problem(
                Severity.WARNING,
                table.source,
                first_row,
                plan.headers.get(field_name, field_name),
                f"dates such as 03/04 could be day/month or month/day; read as {spelled} from "
                f"the home country {options.home_country}{more}",
                'set date_order to "MDY" or "DMY" if that is wrong',
                table.sheet,
            )

    def _values(self, plan: ColumnPlan, field_name: str) -> Iterator[str]:
        index = next((i for i, f in plan.fields if f == field_name), None)
        if index is None:
            return
        for _, cells in self.rows():
            yield _cell_value(self.fmt, cells[index])


def _reason(problem: Problem) -> str:
    text = f"{problem.column}: {problem.message}" if problem.column else problem.message
    return f"{text} — {problem.hint}" if problem.hint else text


def _extract(
    table: TableInfo, fmt: ExportFormat, plan: ColumnPlan, number: int, cells: tuple[str, ...]
) -> RowRecord:
    values: dict[str, str] = {}
    for index, target in plan.fields:
        values[target] = _cell_value(fmt, cells[index])
    return RowRecord(table.source, table.sheet, number, cells, values, table.headers, plan, fmt)


def _cell_value(fmt: ExportFormat, cell: str) -> str:
    value = cell.strip()
    if fmt.unescape_html and "&" in value:
        value = html.unescape(value)  # Etsy writes "d&#39;Arco"
    if " ::: " in value:
        value = value.split(" ::: ")[0].strip()  # Google: several values in one cell
    return value


def _date_order(
    field_name: str,
    values: Iterator[str],
    fmt: ExportFormat,
    table: TableInfo,
    options: LoadOptions,
) -> tuple[str, str]:
    """Return (order, why) for a date column; why is explicit|column|format|home."""
    if options.date_order is not DateOrder.AUTO:
        return options.date_order.value, "explicit"
    inferred = infer_order(values)
    if inferred:
        return inferred, "column"
    present = {normalise_header(h) for h in table.headers}
    for marker, order in fmt.locale_markers:
        if marker in present:
            return order, "format"
    if fmt.date_order:
        return fmt.date_order, "format"
    return default_order(options.home_country), "home"


def _parse_dates(
    record: RowRecord,
    orders: dict[str, tuple[str, str]],
    ambiguous: dict[str, list[int]],
    problems: list[Problem],
) -> tuple[RowRecord, list[Problem]]:
    errors: list[Problem] = []
    found: dict[str, date | None] = {}
    for field_name in ("order_date", "last_order_date"):
        text = record.get(field_name)
        if not text:
            continue
        try:
            value, is_ambiguous = parse_date(text, orders[field_name][0])
        except DateFormatError as err:
            errors.append(
                Problem(
                    Severity.ERROR,
                    record.source,
                    record.number,
                    record.column(field_name),
                    f"{err}",
                    "write it as YYYY-MM-DD, or remove the row",
                    record.sheet,
                )
            )
            continue
        found[field_name] = value
        if is_ambiguous:
            _count(ambiguous, field_name, record.number)
    birthday = _birthday(record, orders["birthday"][0], ambiguous, problems)
    parsed = RowRecord(
        record.source,
        record.sheet,
        record.number,
        record.raw,
        record.values,
        record.table_headers,
        record.plan,
        record.fmt,
        found.get("order_date"),
        found.get("last_order_date"),
        birthday,
    )
    return parsed, errors


def _count(ambiguous: dict[str, list[int]], field_name: str, number: int) -> None:
    seen = ambiguous.setdefault(field_name, [number, 0])
    seen[1] += 1


def _birthday(
    record: RowRecord, order: str, ambiguous: dict[str, list[int]], problems: list[Problem]
) -> Birthday | None:
    text = record.get("birthday")
    try:
        if text:
            birthday, is_ambiguous = parse_birthday(text, order)
            if is_ambiguous:
                _count(ambiguous, "birthday", record.number)
            return birthday
        parts = (record.get("birth_year"), record.get("birth_month"), record.get("birth_day"))
        if any(parts):
            return birthday_from_parts(*parts)
    except DateFormatError as err:
        column = record.column("birthday") if text else record.column("birth_month")
        problems.append(
            Problem(
                Severity.WARNING,
                record.source,
                record.number,
                column,
                f"{err}; the row is used without a birthday",
                "write it as YYYY-MM-DD or MM-DD",
                record.sheet,
            )
        )
    return None
