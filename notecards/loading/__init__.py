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

from notecards.loading.formats import BUILT_IN, FormatInfo
from notecards.loading.options import LoadOptions
from notecards.loading.stream import OrderStream
from notecards.models import LoadResult, Order, Reject

__all__ = ["FormatInfo", "LoadOptions", "OrderStream", "list_formats", "load_orders"]


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
    ``rejects``; rows with the same order id, in one file or across files, are one Order
    (the merge rule of :mod:`notecards.loading.stream`, whose stream this collects).

    >>> result = load_orders(["orders.csv"])                       # doctest: +SKIP
    >>> result.rows_read == sum(len(o.source.rows) for o in result.orders) + len(result.rejects)
    True

    Raises:
        InputError: a file is missing, unreadable, has no such sheet, or is not a table of
            orders or contacts.
        ConfigError: an option has a value that is not allowed.
    """
    stream = OrderStream(paths, options)
    orders: list[Order] = []
    rejects: list[Reject] = []
    for item in stream:
        if isinstance(item, Order):
            orders.append(item)
        else:
            rejects.append(item)
    return LoadResult(
        tuple(orders),
        tuple(rejects),
        tuple(stream.problems),
        stream.rows_read,
        tuple(stream.formats),
    )
