"""Which column a card that cannot be laid out or drawn should be blamed on.

A message that does not fit is blamed on the longest customer text the message carries (a
200-character name, not the personal line next to it); a character no font can draw, on the
first column that holds it.
"""

from __future__ import annotations

import unicodedata

from notecards.errors import FontError, LayoutError
from notecards.models import Order


def order_texts(order: Order) -> list[tuple[str, str]]:
    """Return (column, text) of every customer text that can end up on a card or envelope."""
    address = order.address
    return [
        ("first_name", order.first_name),
        ("last_name", order.last_name),
        ("name", order.name),
        ("company", order.company),
        ("personal_line", order.personal_line),
        ("items", "; ".join(order.items)),
        ("signer", order.signer),
        ("address_line1", address.line1),
        ("address_line2", address.line2),
        ("city", address.city),
        ("region", address.region),
        ("postal_code", address.postal_code),
        *order.extra,
    ]


def blame(order: Order, error: LayoutError | FontError, message: str = "") -> str:
    """Return the column to name in the reject of *order*'s card ("" when none is likely)."""
    texts = [(column, text) for column, text in order_texts(order) if text]
    if isinstance(error, FontError):
        if error.char:
            return next((column for column, text in texts if error.char in text), "")
        return ""
    on_card = [
        (column, text)
        for column, text in texts
        if unicodedata.normalize("NFC", text.strip()) in message
    ]
    if not on_card:
        return ""
    column, _ = max(on_card, key=lambda pair: len(pair[1]))
    return column
