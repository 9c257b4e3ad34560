"""Read orders one at a time: the one loader, for a day of ten orders or of 100,000.

``OrderStream`` yields every order and rejected row in input order without holding the
input in memory; :func:`notecards.loading.load_orders` is the same stream collected.

**The merge rule** (the same whether a batch streams or not): rows with the same order id
are one order, wherever they are, in one file or across files. The order is where its
first row is; its items are every row's items, quantities summed, and its other values
come from the first row that has them. Rows next to each other (the line items of a
Shopify, Squarespace or Etsy export) cost nothing extra. When an id comes back later
(not next to its first rows), a first pass over the input has kept those later rows aside,
so the order is complete when its first row is reached; that pass keeps only the repeated
rows, so memory stays flat however large the input.

Example::

    stream = OrderStream(["orders.csv"], LoadOptions())
    for item in stream:          # Order or Reject, in input order
        ...
    stream.rows_read, stream.problems, stream.formats   # complete once the loop ends
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from notecards.errors import InputError
from notecards.loading.columns import normalise_header
from notecards.loading.formats import BUILT_IN, ExportFormat, known_headers, user_format
from notecards.loading.grouping import merge
from notecards.loading.guarded import build_order_guarded as build_order
from notecards.loading.options import LoadOptions
from notecards.loading.readers import TableScan, scan_table
from notecards.loading.records import RecordStream, RowRecord, choose_format
from notecards.models import Order, Problem, Reject


@dataclass(frozen=True, slots=True)
class _Source:
    """One input file, scanned: its rows can be read as often as needed."""

    scan: TableScan
    fmt: ExportFormat


class OrderStream:
    """The orders of *paths*, produced one at a time (see the module docstring).

    ``rows_read``, ``formats`` and ``problems`` are complete once the stream has been read;
    every data row ends in exactly one Order's ``source.rows`` or one Reject.
    """

    def __init__(
        self, paths: Sequence[str | os.PathLike[str]], options: LoadOptions | None = None
    ) -> None:
        self.options = options or LoadOptions()
        self.options.validate()
        if not paths:
            raise InputError(
                "(no input)",
                "no input file was given.",
                "Name an orders or contacts file (CSV or .xlsx).",
            )
        self.paths = [os.fspath(p) for p in paths]
        self.rows_read = 0
        self.formats: list[str] = []
        self.problems: list[Problem] = []

    def __iter__(self) -> Iterator[Order | Reject]:
        """Yield every order and rejected row, in input order.

        Raises:
            InputError: a file is missing, unreadable, has no such sheet, or is not a table
                of orders or contacts.
            ConfigError: an option has a value that is not allowed.
        """
        sources = self._scan()
        later = _later_rows(sources, self.options)
        done: set[str] = set()  # ids whose later rows were merged into their order
        groups = 0
        for records, events in _groups(sources, self.options):
            for event in events:
                if isinstance(event, Problem):
                    self.problems.append(event)
                else:
                    yield event
            if not records:
                continue
            order_id = records[0].get("order_id")
            if order_id in done:
                continue  # rows that came back later: already in their order
            if order_id in later:
                records = records + later.pop(order_id)
                done.add(order_id)
            groups += 1
            built = build_order(
                merge(f"id:{order_id}" if order_id else f"row:{groups}", records), self.options
            )
            self.problems.extend(built.problems)
            yield from built.rejects
            if built.order is not None:
                yield built.order

    def _scan(self) -> list[_Source]:
        options = self.options
        formats: list[ExportFormat] = [user_format(n, m) for n, m in options.mappings.items()]
        formats += BUILT_IN
        headers = known_headers(formats)

        def header_score(row: Sequence[str]) -> int:
            return sum(1 for cell in row if cell.strip() and normalise_header(cell) in headers)

        sources = []
        for path in self.paths:
            scan = scan_table(path, options.sheet, header_score)
            fmt = choose_format(scan, formats, options)
            self.formats.append(fmt.name)
            self.rows_read += scan.row_count
            sources.append(_Source(scan, fmt))
        return sources


Event = Reject | Problem


def _groups(
    sources: Sequence[_Source], options: LoadOptions
) -> Iterator[tuple[list[RowRecord], list[Event]]]:
    """Yield runs of adjacent rows with one order id (a row without an id is its own run),
    each with the rejects and findings read since the previous run, in input order."""
    pending: list[RowRecord] = []
    events: list[Event] = []
    for source in sources:
        stream = RecordStream(source.scan, source.scan.rows, source.fmt, options)
        for event in stream.events():
            if not isinstance(event, RowRecord):
                events.append(event)
                continue
            order_id = event.get("order_id")
            if pending and order_id and order_id == pending[0].get("order_id"):
                pending.append(event)  # the next line item of the same order
                continue
            if pending or events:
                yield pending, events
            pending, events = [event], []
    if pending or events:
        yield pending, events


def _later_rows(sources: Sequence[_Source], options: LoadOptions) -> dict[str, list[RowRecord]]:
    """Return order id → the rows of that id that come back after other orders.

    The first pass of the merge rule: only repeated rows are kept, so it costs one more
    read of the input and memory in proportion to the repeats, not to the input.
    """
    first: set[str] = set()
    later: dict[str, list[RowRecord]] = {}
    for records, _ in _groups(sources, options):
        order_id = records[0].get("order_id") if records else ""
        if not order_id:
            continue
        if order_id in first:
            later.setdefault(order_id, []).extend(records)
        else:
            first.add(order_id)
    return later
