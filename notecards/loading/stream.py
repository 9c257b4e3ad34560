"""Read orders one at a time, for batches too large to hold in memory at once (issue 4).

``load_orders`` reads every file, then groups rows by order id across the whole input.
``OrderStream`` keeps only a small index instead (order id → where it was first read):
rows of one order that are next to each other (line items of a Shopify, Squarespace or
Etsy export) are still one order with quantities summed, but a later row of an order
already read is not merged into it; it comes out as a ``Repeat``, which a batch skips.

Example::

    stream = OrderStream(["orders.csv"], LoadOptions())
    for item in stream:          # Order, Reject or Repeat, in input order
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
from notecards.loading.orders import source_ref
from notecards.loading.readers import scan_table
from notecards.loading.records import RecordStream, RowRecord, choose_format
from notecards.models import Order, Problem, Reject, SourceRef

# The index keeps one int per order id: card number << 64 | file index << 32 | row.
_ROW_BITS = 32
_CARD_SHIFT = 64


@dataclass(frozen=True, slots=True)
class Repeat:
    """Rows of an order id read earlier but not next to it: they get no card of their own."""

    order: Order
    """The repeated rows as a bare order: id, name and where the rows are."""
    first: str
    """Where the order was first read, e.g. ``a.csv:row 2``."""
    card_number: int | None = None
    """The card the order got when first read (see OrderStream.note_card), if any."""


class OrderStream:
    """The orders of *paths*, produced one at a time (see the module docstring).

    ``rows_read``, ``formats`` and ``problems`` grow as the stream is read; every data row
    ends in exactly one Order's ``source.rows``, one Reject, or one Repeat's rows.
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
        self._seen: dict[str, int] = {}
        self._places: list[tuple[str, str | None]] = []
        self._groups = 0

    def __iter__(self) -> Iterator[Order | Reject | Repeat]:
        """Yield every order, rejected row and repeat, in input order.

        Raises:
            InputError: a file is missing, unreadable, has no such sheet, or is not a table
                of orders or contacts.
            ConfigError: an option has a value that is not allowed.
        """
        options = self.options
        formats: list[ExportFormat] = [user_format(n, m) for n, m in options.mappings.items()]
        formats += BUILT_IN
        headers = known_headers(formats)

        def header_score(row: Sequence[str]) -> int:
            return sum(1 for cell in row if cell.strip() and normalise_header(cell) in headers)

        pending: list[RowRecord] = []
        pending_place = 0
        for path in self.paths:
            scan = scan_table(path, options.sheet, header_score)
            fmt = choose_format(scan, formats, options)
            self.formats.append(fmt.name)
            self.rows_read += scan.row_count
            self._places.append((scan.source, scan.sheet))
            file_index = len(self._places) - 1
            for event in RecordStream(scan, scan.rows, fmt, options).events():
                if isinstance(event, Problem):
                    self.problems.append(event)
                elif isinstance(event, Reject):
                    yield event
                else:
                    order_id = event.get("order_id")
                    if pending and order_id and order_id == pending[0].get("order_id"):
                        pending.append(event)  # the next line item of the same order
                        continue
                    if pending:
                        yield from self._finish(pending, pending_place)
                    pending, pending_place = [event], file_index << _ROW_BITS | event.number
        if pending:
            yield from self._finish(pending, pending_place)

    def _finish(self, records: list[RowRecord], place: int) -> Iterator[Order | Reject | Repeat]:
        self._groups += 1
        order_id = records[0].get("order_id")
        key = f"id:{order_id}" if order_id else f"row:{self._groups}"
        group = merge(key, records)
        if order_id and order_id in self._seen:
            seen = self._seen[order_id]
            yield Repeat(
                _bare_order(group.values, source_ref(group)),
                self._describe(seen),
                (seen >> _CARD_SHIFT) or None,
            )
            return
        if order_id:
            self._seen[order_id] = place
        built = build_order(group, self.options)
        self.problems.extend(built.problems)
        yield from built.rejects
        if built.order is not None:
            yield built.order

    def note_card(self, order_id: str, card_number: int) -> None:
        """Remember that *order_id* got card *card_number*, for its later repeats."""
        if order_id in self._seen:
            self._seen[order_id] |= card_number << _CARD_SHIFT

    def _describe(self, place: int) -> str:
        path, sheet = self._places[(place >> _ROW_BITS) & ((1 << _ROW_BITS) - 1)]
        where = f"{path}:{sheet}" if sheet else path
        return f"{where}:row {place & ((1 << _ROW_BITS) - 1)}"


def _bare_order(values: dict[str, str], source: SourceRef) -> Order:
    name = (
        values.get("name")
        or " ".join(v for v in (values.get("first_name", ""), values.get("last_name", "")) if v)
        or values.get("ship_name", "")
    )
    return Order(
        source=source, order_id=values.get("order_id", ""), name=name, email=values.get("email", "")
    )
