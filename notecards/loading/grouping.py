"""Group rows that belong to one order (line items, repeated ids) and merge their values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from notecards.loading.names import names_match
from notecards.loading.records import RowRecord
from notecards.models import Birthday, Problem, Severity

_TRUTHY = frozenset({"yes", "y", "true", "1", "x", "ja", "oui", "si", "sí", "wahr", "✓", "✔"})
_CONFLICT_FIELDS = ("name", "first_name", "last_name", "ship_name", "email")


@dataclass(frozen=True, slots=True)
class OrderRows:
    """The rows of one order, with their values merged (first non-empty value wins)."""

    key: str
    records: tuple[RowRecord, ...]
    values: dict[str, str]
    items: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]
    birthday: Birthday | None
    problems: tuple[Problem, ...]

    @property
    def first(self) -> RowRecord:
        """Return the order's first row (where its order-level fields are)."""
        return self.records[0]

    def get(self, field: str) -> str:
        """Return the merged value of *field*, or ""."""
        return self.values.get(field, "")

    def column(self, field: str) -> str:
        """Return the header of the first row's column for *field*."""
        for record in self.records:
            if field in record.headers:
                return record.headers[field]
        return field


def merge(key: str, rows: list[RowRecord]) -> OrderRows:
    """Return the merged view of *rows*; conflicting names become warnings."""
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for record in rows:
        for field, value in record.values.items():
            if not value:
                continue
            if field not in values:
                values[field] = value
            elif field in _CONFLICT_FIELDS and not _same(field, values[field], value):
                first = rows[0]
                problems.append(
                    Problem(
                        Severity.WARNING,
                        record.source,
                        record.number,
                        record.column(field),
                        f'order {values.get("order_id", "")} has "{values[field]}" in '
                        f'{first.source}:row {first.number} but "{value}" here; using '
                        f'"{values[field]}"',
                        "correct the name if the first one is wrong",
                        record.sheet,
                    )
                )
    if any(_truthy(r.get("do_not_contact")) or r.get("unsubscribed") for r in rows):
        values["do_not_contact"] = "yes"
    extra: dict[str, str] = dict(rows[0].extra)
    for record in rows[1:]:
        for name, value in record.extra:
            if not extra.get(name):
                extra[name] = value
    birthday = next((r.birthday for r in rows if r.birthday is not None), None)
    return OrderRows(
        key,
        tuple(rows),
        values,
        tuple(collect_items(rows)),
        tuple(extra.items()),
        birthday,
        tuple(problems),
    )


def _same(field: str, one: str, other: str) -> bool:
    if field == "email":
        return one.casefold() == other.casefold()
    return names_match(one, other)


def _truthy(value: str) -> bool:
    return value.strip().casefold() in _TRUTHY


def is_truthy(value: str) -> bool:
    """Return True for yes/y/true/1/x (and ja/oui/sí), in any case.

    >>> is_truthy(" Yes"), is_truthy("no"), is_truthy("")
    (True, False, False)
    """
    return _truthy(value)


def collect_items(rows: Iterable[RowRecord]) -> list[str]:
    """Return the order's items, quantities summed: ``["2 × Candle", "Card"]``.

    Items come from an ``items`` cell (split on ``;`` or new lines) or from line-item rows.
    """
    totals: dict[str, int] = {}
    for record in rows:
        cell = record.get("items")
        for part in re.split(r"[;\n]", cell):
            label, quantity = _split_quantity(part.strip())
            if label:
                totals[label] = totals.get(label, 0) + quantity
        name = record.get("item_name")
        if name:
            variant = record.get("item_variant")
            if variant and variant.casefold() not in name.casefold():
                name = f"{name} ({variant})"
            totals[name] = totals.get(name, 0) + _quantity(record.get("item_quantity"))
    return [label if count == 1 else f"{count} × {label}" for label, count in totals.items()]


def _split_quantity(text: str) -> tuple[str, int]:
    match = re.fullmatch(r"(\d+)\s*[x×*]\s*(.+)", text, re.IGNORECASE)
    if match:
        return match.group(2).strip(), int(match.group(1))
    return text, 1


def _quantity(text: str) -> int:
    try:
        value = float(text.replace(",", ".")) if text.strip() else 1.0
    except ValueError:
        return 1
    return int(value) if value >= 1 and value.is_integer() else 1
