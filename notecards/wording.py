"""Words shown to people: counts with the right plural."""

from __future__ import annotations


def plural(count: int, noun: str, many: str = "") -> str:
    """Return "1 card", "2 cards", "0 cards" (*many* for irregular plurals).

    >>> plural(1, "row"), plural(3, "page"), plural(2, "order/contact", "orders/contacts")
    ('1 row', '3 pages', '2 orders/contacts')
    """
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
