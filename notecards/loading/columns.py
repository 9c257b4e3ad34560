"""Canonical column names, their aliases, and header normalisation for hand-made sheets."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

from notecards.models import fold_accents

CANONICAL_COLUMNS: tuple[str, ...] = (
    "order_id",
    "order_date",
    "first_name",
    "last_name",
    "name",
    "email",
    "company",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "birthday",
    "occasion",
    "personal_line",
    "items",
    "signer",
    "do_not_contact",
    "last_order_date",
)

# Internal fields a format or a user mapping may also target (see formats.py): shipping and
# alternative addresses, split birthdays, line items. Documented for LoadOptions.mappings.
EXTRA_FIELDS: tuple[str, ...] = (
    "middle_name",
    "name_prefix",
    "name_suffix",
    "address_line3",
    "address_lines",
    "address_full",
    "po_box",
    "birth_year",
    "birth_month",
    "birth_day",
    "item_name",
    "item_variant",
    "item_quantity",
    "unsubscribed",
    "ship_name",
    "ship_first_name",
    "ship_last_name",
    "ship_company",
    "ship_line1",
    "ship_line2",
    "ship_line3",
    "ship_lines",
    "ship_po_box",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country",
    "alt_line1",
    "alt_line2",
    "alt_line3",
    "alt_po_box",
    "alt_city",
    "alt_region",
    "alt_postal_code",
    "alt_country",
    "order_total",
    "discount_code",
)
FIELDS: frozenset[str] = frozenset(CANONICAL_COLUMNS + EXTRA_FIELDS)

_ALIASES: dict[str, tuple[str, ...]] = {
    "order_id": (
        "order id",
        "order",
        "order number",
        "order no",
        "order nr",
        "order #",
        "bestellnummer",
        "id",
    ),
    "order_date": (
        "order date",
        "date",
        "purchase date",
        "sale date",
        "ordered",
        "created at",
        "date ordered",
        "bestelldatum",
    ),
    "first_name": (
        "first name",
        "first",
        "given name",
        "forename",
        "firstname",
        "vorname",
        "prenom",
        "prénom",
        "nombre",
    ),
    "last_name": (
        "last name",
        "last",
        "surname",
        "family name",
        "lastname",
        "nachname",
        "nom",
        "apellido",
        "apellidos",
    ),
    "name": (
        "name",
        "full name",
        "display name",
        "customer name",
        "customer",
        "recipient",
        "recipient name",
        "contact name",
        "contact",
    ),
    "email": ("email", "e mail", "email address", "e mail address", "mail", "emailadresse"),
    "company": (
        "company",
        "company name",
        "organization",
        "organisation",
        "business",
        "firma",
        "organization name",
    ),
    "address_line1": (
        "address line1",
        "address line 1",
        "address 1",
        "address1",
        "address",
        "street",
        "street address",
        "street 1",
        "addr1",
        "line 1",
        "line1",
        "street address 1",
        "strasse",
        "straße",
        "adresse",
    ),
    "address_line2": (
        "address line2",
        "address line 2",
        "address 2",
        "address2",
        "street 2",
        "addr2",
        "line 2",
        "line2",
        "apt",
        "apartment",
        "suite",
        "unit",
        "street address 2",
    ),
    "city": ("city", "town", "town city", "locality", "suburb", "ort", "stadt", "ville", "ciudad"),
    "region": (
        "region",
        "state",
        "province",
        "county",
        "state province",
        "state region",
        "state code",
        "province code",
        "bundesland",
    ),
    "postal_code": (
        "postal code",
        "zip",
        "zip code",
        "zipcode",
        "postcode",
        "post code",
        "postal",
        "postleitzahl",
        "plz",
        "code postal",
        "eircode",
        "pin code",
    ),
    "country": ("country", "country code", "country region", "land", "pays", "pais", "país"),
    "birthday": (
        "birthday",
        "birth date",
        "birthdate",
        "date of birth",
        "dob",
        "geburtstag",
        "anniversaire",
    ),
    "occasion": ("occasion", "event", "card type"),
    "personal_line": ("personal line", "personal message", "personal note", "handwritten line"),
    "items": ("items", "item", "products", "product", "line items", "purchased"),
    "signer": ("signer", "signed by", "sign off", "from", "sender", "signature"),
    "do_not_contact": (
        "do not contact",
        "dnc",
        "opt out",
        "opted out",
        "unsubscribed",
        "do not mail",
        "no mail",
    ),
    "last_order_date": (
        "last order date",
        "last order",
        "last purchase",
        "last purchase date",
        "last ordered",
    ),
    "order_total": ("order total", "total", "grand total", "order amount"),
    "discount_code": ("discount code", "coupon", "coupon code", "coupons", "promo code", "voucher"),
    "birth_year": ("birth year",),
    "birth_month": ("birth month",),
    "birth_day": ("birth day",),
}


def normalise_header(header: str) -> str:
    """Return *header* folded for matching: lower case, letters and digits only.

    >>> normalise_header(" E-mail Address ")
    'emailaddress'
    >>> normalise_header("Address 1&2 (Billing)")
    'address12billing'
    """
    folded = unicodedata.normalize("NFKC", header).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def slug(header: str) -> str:
    """Return a Jinja-friendly variable name for *header*.

    >>> slug("Gift Message")
    'gift_message'
    >>> slug("Address 1 - Street")
    'address_1_street'
    """
    plain = fold_accents(header).casefold()
    text = re.sub(r"[^0-9a-z]+", "_", plain).strip("_")
    if text and text[0].isdigit():
        text = f"col_{text}"
    return text or "column"


@cache
def canonical_aliases() -> dict[str, str]:
    """Return normalised alias → field for canonical (hand-made) sheets."""
    table: dict[str, str] = {}
    for column in CANONICAL_COLUMNS:
        table[normalise_header(column)] = column
    for column, aliases in _ALIASES.items():
        for alias in aliases:
            table.setdefault(normalise_header(alias), column)
    for column in EXTRA_FIELDS:  # "birth_day" folds to "birthday": the canonical one wins
        table.setdefault(normalise_header(column), column)
    return table


def match_canonical(header: str) -> tuple[str | None, bool]:
    """Return ``(field, was_guessed)`` for a hand-made sheet's *header*, or ``(None, False)``.

    A close spelling ("Adress", "Postal cod") is accepted and flagged as guessed so the
    loader can warn about it.
    """
    key = normalise_header(header)
    table = canonical_aliases()
    if key in table:
        return table[key], False
    if len(key) >= 5:
        close = difflib.get_close_matches(key, list(table), n=1, cutoff=0.86)
        if close:
            return table[close[0]], True
    return None, False
