"""Load orders and contact lists (CSV, Excel, shop and address-book exports) into Orders.

Example::

    from notecards.loading import LoadOptions, load_orders
    result = load_orders(["orders.csv"], LoadOptions(home_country="GB"))
    for problem in result.problems:
        print(problem)          # orders.csv:row 7:Zip: the postal code is empty — fill it in …

This package is the only place that reads input files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from notecards.errors import InputError
from notecards.loading.columns import normalise_header
from notecards.loading.formats import BUILT_IN, ExportFormat, FormatInfo, known_headers, user_format
from notecards.loading.grouping import group_rows
from notecards.loading.guarded import build_order_guarded as build_order
from notecards.loading.options import LoadOptions
from notecards.loading.readers import read_table
from notecards.loading.records import RowRecord, choose_format, read_records
from notecards.models import LoadResult, Order, Problem, Reject

__all__ = ["FormatInfo", "LoadOptions", "list_formats", "load_orders"]


def list_formats() -> list[FormatInfo]:
    """Return the built-in input formats, canonical (hand-made sheet) last.

    >>> [f.name for f in list_formats()][:2]
    ['shopify-orders', 'squarespace-orders']
    """
    return [fmt.info for fmt in BUILT_IN]


def load_orders(
    paths: Sequence[str | os.PathLike[str]], options: LoadOptions | None = None
) -> LoadResult:
    """Return every order and contact in *paths*, with rejected rows and findings.

    Each data row ends either in exactly one Order (``order.source.rows``) or in
    ``rejects``; rows with the same order id, in one file or across files, are one Order.

    >>> result = load_orders(["orders.csv"])                       # doctest: +SKIP
    >>> result.rows_read == sum(len(o.source.rows) for o in result.orders) + len(result.rejects)
    True

    Raises:
        InputError: a file is missing, unreadable, has no such sheet, or is not a table of
            orders or contacts.
        ConfigError: an option has a value that is not allowed.
    """
    options = options or LoadOptions()
    options.validate()
    if not paths:
        raise InputError(
            "(no input)",
            "no input file was given.",
            "Name an orders or contacts file (CSV or .xlsx).",
        )
    formats: list[ExportFormat] = [user_format(n, m) for n, m in options.mappings.items()]
    formats += BUILT_IN
    headers = known_headers(formats)

    def header_score(row: Sequence[str]) -> int:
        return sum(1 for cell in row if cell.strip() and normalise_header(cell) in headers)

    records: list[RowRecord] = []
    rejects: list[Reject] = []
    problems: list[Problem] = []
    format_names: list[str] = []
    rows_read = 0
    for path in paths:
        table = read_table(path, options.sheet, header_score)
        fmt = choose_format(table, formats, options)
        file_rows = read_records(table, fmt, options)
        format_names.append(fmt.name)
        records.extend(file_rows.records)
        rejects.extend(file_rows.rejects)
        problems.extend(file_rows.problems)
        rows_read += file_rows.rows_read
    orders: list[Order] = []
    for group in group_rows(records):
        built = build_order(group, options)
        problems.extend(built.problems)
        rejects.extend(built.rejects)
        if built.order is not None:
            orders.append(built.order)
    return LoadResult(
        tuple(orders), tuple(rejects), tuple(problems), rows_read, tuple(format_names)
    )
