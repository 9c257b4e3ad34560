"""The closed sets a shop chooses from, as enums whose values are the words it types.

Each is a ``str`` enum: ``notecards.toml``, the command line, manifests and job tickets keep the
same text (``Ink.BLUE == "blue"``, ``str(Ink.BLUE) == "blue"``, JSON writes ``"blue"``), and a
member is found from what a person types, case and surrounding spaces ignored
(``Tone(" Formal ")`` is ``Tone.FORMAL``). Open sets stay strings: hand names (a shop adds its
own), card and envelope formats, paper and label sheets (catalogues in ``layout/``).

These sit at the bottom of the house, beside :mod:`notecards.config`, which parses them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from notecards.errors import ConfigError


class Choice(str, Enum):
    """One word of a closed set (the base of every enum here)."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def words(cls) -> tuple[str, ...]:
        """Return the words of this set, in order (for messages and ``--help``)."""
        return tuple(member.value for member in cls)

    @classmethod
    def aliases(cls) -> Mapping[str, str]:
        """Return other spellings people use, lower case → the member's value."""
        return {}

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        text = value.strip().lower()
        text = cls.aliases().get(text, text)
        return next((m for m in cls if m.value.lower() == text), None)


class Rule(Choice):
    """When an occasion's card is sent (``rule`` in occasion.toml)."""

    EVERY_ORDER = "every-order"
    BIRTHDAY = "birthday"
    CADENCE = "cadence"
    EXPLICIT = "explicit"


class Tone(Choice):
    """How greetings and wording sound (``[shop] tone``)."""

    WARM = "warm"
    FORMAL = "formal"
    PLAYFUL = "playful"


class Ink(Choice):
    """The ink a hand writes in (``ink`` of a hand, an occasion or ``[cards]``)."""

    BLUE_BLACK = "blue-black"
    BLUE = "blue"
    BLACK = "black"


class EnvelopeFont(Choice):
    """How addresses are written (``[cards] envelope_font``, ``--envelope-font``)."""

    HAND = "hand"
    """In a legible hand (the default)."""
    SANS = "sans"
    """Printed."""


class Flip(Choice):
    """How a duplex printer turns an imposed sheet."""

    LONG_EDGE = "long-edge"
    SHORT_EDGE = "short-edge"

    @classmethod
    def aliases(cls) -> Mapping[str, str]:
        """Return "long" and "short", as people say them."""
        return {"long": "long-edge", "short": "short-edge"}


class AddressStyle(Choice):
    """How strictly to follow a postal operator's machine-reading rules."""

    STANDARD = "standard"
    USPS = "usps"  # capitals, no punctuation but hyphens in ZIP+4 and house numbers (Pub 28)
    ROYAL_MAIL = "royal-mail"  # post town and postcode in capitals, no commas or full stops


class PdfX(Choice):
    """A PDF/X standard every print file is finished as (``--pdfx``)."""

    X_1A = "x-1a"
    X_4 = "x-4"

    @classmethod
    def aliases(cls) -> Mapping[str, str]:
        """Return the other ways the standards are written."""
        return {"x1a": "x-1a", "x-1a:2003": "x-1a", "x4": "x-4"}


def parse_standard(value: str) -> PdfX | None:
    """Return the PDF/X standard named by *value* (None for none).

    >>> parse_standard("PDF/X-1a"), parse_standard("off")
    (<PdfX.X_1A: 'x-1a'>, None)

    Raises:
        ConfigError: not x-1a, x-4 or empty.
    """
    name = value.strip().lower().replace("pdf/", "").replace("pdfx-", "x-")
    if name in ("", "none", "off", "no"):
        return None
    try:
        return PdfX(name)
    except ValueError:
        raise ConfigError(
            f'"{value}" is not a PDF/X standard. Choose x-1a (recommended) or x-4.'
        ) from None


class DateOrder(Choice):
    """How to read a date like 03/04/2026 (``[input] date_order``)."""

    AUTO = "auto"
    MDY = "MDY"
    DMY = "DMY"


class GiftCardTo(Choice):
    """Who gets the card of a gift order (``[input] gift_card_to``)."""

    BUYER = "buyer"
    RECIPIENT = "recipient"


class GiftAddress(Choice):
    """Which address of a gift order the card goes to (``[input] gift_address``)."""

    SHIPPING = "shipping"
    BILLING = "billing"


def did_you_mean(value: str, known: Sequence[str]) -> str:
    """Return 'did you mean "x"?' for the closest of *known*, else the list of them.

    >>> did_you_mean("royal_mail", ("standard", "usps", "royal-mail"))
    'did you mean "royal-mail"? (one of: standard, usps, royal-mail)'
    """
    close = difflib.get_close_matches(value.strip().lower(), list(known), n=1, cutoff=0.5)
    listing = f"one of: {', '.join(known)}"
    return f'did you mean "{close[0]}"? ({listing})' if close else f"use {listing}"
