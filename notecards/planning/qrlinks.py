"""Fill a QR URL template with one order's fields, URL-encoded."""

from __future__ import annotations

import string
from urllib.parse import quote

from notecards.errors import ConfigError
from notecards.models import Order

#: The fields a QR URL template may name, e.g. "https://shop.example/r?o={order_id}".
QR_FIELDS = ("order_id", "email", "first_name", "last_name", "occasion", "postal_code", "code")


def qr_link(template: str, order: Order, occasion: str, code: str = "") -> str:
    """Return *template* with ``{field}`` placeholders replaced by *order*'s values.

    ``{code}`` is the code printed on the card (see planning/codes.py).

    Raises:
        ConfigError: the template names a field that does not exist.

    >>> from notecards.models import Order, SourceRef
    >>> qr_link("https://x.example/r?o={order_id}", Order(SourceRef("f", (2,)), order_id="A 1"),
    ...         "thank-you")
    'https://x.example/r?o=A%201'
    """
    values = {
        "order_id": order.order_id,
        "email": order.email,
        "first_name": order.first_name,
        "last_name": order.last_name,
        "occasion": occasion,
        "postal_code": order.address.postal_code,
        "code": code,
    }
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None and name not in values:
            raise ConfigError(
                f'QR URL "{template}" names {{{name}}}, which is not a field. '
                f"Use any of: {', '.join('{' + f + '}' for f in QR_FIELDS)}."
            )
    return template.format(**{key: quote(value, safe="") for key, value in values.items()})
