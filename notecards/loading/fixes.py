"""Fixes typed on the review page for rejected rows: kept per order, never written back.

Two kinds of rejected row can be fixed:

- a row the loader refused (a bad date, no address …) keeps its original cells; the fix
  changes cells, and the fixed row is read again by the same loader (as a one-row table
  with the same headers), so every rule that refused it applies again;
- an order the planner refused (a personal line that does not fit, an unknown occasion)
  is already an Order; the fix changes its fields.

Fixed orders go after the others, so the numbers of cards already on the page stay put.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from notecards.loading import load_orders
from notecards.loading.columns import normalise_header
from notecards.loading.options import LoadOptions
from notecards.models import LoadResult, Order, Reject, SourceRef

#: Fields of an already-built order that a fix may change (form label order).
ORDER_FIELDS = (
    "name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "personal_line",
    "occasion",
)
_ORDER_ID_HEADERS = {"orderid", "ordernumber", "order", "orderno"}
_PLANNER_CELLS = {"order_id", "name", "email"}


def is_order_reject(reject: Reject) -> bool:
    """Return True when *reject* came from the planner (its cells are only a summary)."""
    return {name for name, _ in reject.cells} <= _PLANNER_CELLS


def fix_key(reject: Reject) -> str:
    """Return the key a fix of *reject* is kept under: its file's name and order id (or row)."""
    order_id = next(
        (v for k, v in reject.cells if normalise_header(k) in _ORDER_ID_HEADERS and v.strip()),
        "",
    )
    return _key(reject.source, order_id.strip(), reject.row)


def order_fix_key(order: Order) -> str:
    """Return the key of *order* (the same as :func:`fix_key` of its rejected rows)."""
    return _key(order.source.path, order.order_id, order.source.rows[0])


def _key(source: str, order_id: str, row: int) -> str:
    return f"{Path(source).name}:{order_id or f'row {row}'}"


def fixable_fields(reject: Reject, order: Order | None = None) -> dict[str, str]:
    """Return the fields a fix of *reject* may set, with their current values."""
    if not is_order_reject(reject):
        return dict(reject.cells)
    if order is None:
        return dict.fromkeys(ORDER_FIELDS, "")
    address = order.address
    return {
        "name": order.display_name,
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
        "personal_line": order.personal_line,
        "occasion": order.occasion,
    }


def apply_fixes(
    loaded: LoadResult, fixes: Mapping[str, Mapping[str, str]], options: LoadOptions
) -> LoadResult:
    """Return *loaded* with the stored *fixes* applied (see the module docstring)."""
    if not fixes:
        return loaded
    kept: list[Order] = []
    fixed: list[Order] = []
    for order in loaded.orders:
        changes = fixes.get(order_fix_key(order))
        if changes:
            fixed.append(_fix_order(order, changes))
        else:
            kept.append(order)
    rejects: list[Reject] = []
    options = replace(options, sheet=None)
    for reject in loaded.rejects:
        changes = fixes.get(fix_key(reject))
        if not changes or is_order_reject(reject):
            rejects.append(reject)
            continue
        cells = [(name, changes.get(name, value)) for name, value in reject.cells]
        with tempfile.TemporaryDirectory(prefix="notecards-fix-") as folder:
            path = Path(folder) / "fixed-row.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow([name for name, _ in cells])
                writer.writerow([value for _, value in cells])
            again = load_orders([path], options)
        source = SourceRef(reject.source, (reject.row,), reject.sheet)
        fixed += (replace(order, source=source) for order in again.orders)
        rejects += (
            Reject(reject.source, reject.row, f"{r.reason} (after the fix)", r.cells, reject.sheet)
            for r in again.rejects
        )
    return replace(loaded, orders=(*kept, *fixed), rejects=tuple(rejects))


def _fix_order(order: Order, changes: Mapping[str, str]) -> Order:
    address = order.address
    address = replace(
        address,
        line1=changes.get("address_line1", address.line1),
        line2=changes.get("address_line2", address.line2),
        city=changes.get("city", address.city),
        region=changes.get("region", address.region),
        postal_code=changes.get("postal_code", address.postal_code),
        country=changes.get("country", address.country),
    )
    name = changes.get("name")
    return replace(
        order,
        address=address,
        name=name if name else order.name,
        personal_line=changes.get("personal_line", order.personal_line),
        occasion=changes.get("occasion", order.occasion),
    )
