"""Known export formats (Shopify, Etsy, Google Contacts …): their columns and detection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from notecards.loading.columns import normalise_header


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """A known input format, as ``notecards formats`` lists it."""

    name: str
    title: str
    kind: str  # "orders" | "contacts"
    description: str


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """How to read one export: normalised header → field, and the headers that identify it."""

    info: FormatInfo
    columns: Mapping[str, str]
    markers: tuple[str, ...]
    min_markers: int
    date_order: str | None = None
    unescape_html: bool = False
    use_aliases: bool = False  # also map unknown headers through the canonical aliases
    buyer_may_be_username: bool = False
    locale_markers: tuple[tuple[str, str], ...] = field(default=())  # header → date order

    @property
    def name(self) -> str:
        """Return the format's name, e.g. ``shopify-orders``."""
        return self.info.name


def _columns(*pairs: tuple[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for headers, target in pairs:
        for header in headers.split("|"):
            table[normalise_header(header)] = target
    return table


def _markers(*headers: str) -> tuple[str, ...]:
    return tuple(normalise_header(h) for h in headers)


def _address(prefix: str, target: str) -> list[tuple[str, str]]:
    # Shopify/Squarespace spell address columns "Billing Address1", "Shipping Zip" …
    names = {
        "line1": f"{prefix} Address1",
        "line2": f"{prefix} Address2",
        "city": f"{prefix} City",
        "postal_code": f"{prefix} Zip|{prefix} Postal Code|{prefix} Postcode",
        "region": f"{prefix} Province|{prefix} State",
        "country": f"{prefix} Country",
        "company": f"{prefix} Company",
    }
    billing = {"line1": "address_line1", "line2": "address_line2"}
    return [
        (headers, billing.get(key, key) if target == "" else f"{target}{key}")
        for key, headers in names.items()
    ]


_LINE_ITEM_ORDERS = [
    ("Email", "email"),
    ("Created at", "order_date"),
    ("Lineitem quantity", "item_quantity"),
    ("Lineitem name", "item_name"),
    ("Lineitem variant", "item_variant"),
    ("Total", "order_total"),
    ("Discount Code", "discount_code"),
    ("Billing Name", "name"),
    ("Shipping Name", "ship_name"),
    *_address("Billing", ""),
    *_address("Shipping", "ship_"),
]

SHOPIFY = ExportFormat(
    FormatInfo(
        "shopify-orders",
        "Shopify orders export",
        "orders",
        "Orders > Export: one row per line item; order fields only on an order's first "
        "row; billing and shipping addresses.",
    ),
    _columns(("Name", "order_id"), *_LINE_ITEM_ORDERS),
    _markers(
        "Name",
        "Financial Status",
        "Lineitem name",
        "Billing Name",
        "Shipping Name",
        "Billing Address1",
        "Lineitem quantity",
    ),
    5,
)

SQUARESPACE = ExportFormat(
    FormatInfo(
        "squarespace-orders",
        "Squarespace orders export",
        "orders",
        'Commerce > Orders > Download CSV: one row per line item, like Shopify, with "Order ID".',
    ),
    _columns(("Order ID", "order_id"), *_LINE_ITEM_ORDERS),
    _markers(
        "Order ID",
        "Financial Status",
        "Lineitem name",
        "Billing Name",
        "Shipping Name",
        "Lineitem quantity",
    ),
    5,
    date_order="MDY",
)

_ETSY_SHIP = [
    ("Ship City|Delivery City", "ship_city"),
    ("Ship State|Delivery State", "ship_region"),
    ("Ship Zipcode|Delivery Zipcode|Ship Postcode|Delivery Postcode", "ship_postal_code"),
    ("Ship Country|Delivery Country", "ship_country"),
    ("Sale Date", "order_date"),
    ("Order ID", "order_id"),
    ("Buyer", "name"),
]
ETSY_ORDERS = ExportFormat(
    FormatInfo(
        "etsy-sold-orders",
        "Etsy Sold Orders",
        "orders",
        'Shop Manager > Settings > Options > Download Data, "Orders": one row per order '
        "(US and UK headers).",
    ),
    _columns(
        ("Full Name", "ship_name"),
        ("First Name", "ship_first_name"),
        ("Last Name", "ship_last_name"),
        ("Street 1|Ship Address1", "ship_line1"),
        ("Street 2|Ship Address2", "ship_line2"),
        *_ETSY_SHIP,
    ),
    _markers("Sale Date", "Order ID", "Full Name", "Street 1", "Number of Items", "Buyer User ID"),
    4,
    unescape_html=True,
    buyer_may_be_username=True,
    locale_markers=(("shipcity", "MDY"), ("deliverycity", "DMY")),
)

ETSY_ITEMS = ExportFormat(
    FormatInfo(
        "etsy-sold-order-items",
        "Etsy Sold Order Items",
        "orders",
        'Etsy "Order Items" download: one row per item, grouped by Order ID.',
    ),
    _columns(
        ("Ship Name|Delivery Name", "ship_name"),
        ("Ship Address1|Delivery Address1", "ship_line1"),
        ("Ship Address2|Delivery Address2", "ship_line2"),
        ("Item Name", "item_name"),
        ("Quantity", "item_quantity"),
        ("Variations", "item_variant"),
        *_ETSY_SHIP,
    ),
    _markers(
        "Sale Date", "Item Name", "Buyer", "Quantity", "Transaction ID", "Listing ID", "Order ID"
    ),
    5,
    unescape_html=True,
    buyer_may_be_username=True,
    locale_markers=(("shipcity", "MDY"), ("deliverycity", "DMY")),
)


_WOO_FIELDS = (  # (label in "Label (Billing)", WooCommerce meta key, billing field, shipping field)
    ("First Name", "first_name", "first_name", "ship_first_name"),
    ("Last Name", "last_name", "last_name", "ship_last_name"),
    ("Company", "company", "company", "ship_company"),
    ("Address 1", "address_1", "address_line1", "ship_line1"),
    ("Address 2", "address_2", "address_line2", "ship_line2"),
    ("Address 1&2", "", "address_lines", "ship_lines"),
    ("City", "city", "city", "ship_city"),
    ("State Code|State", "state", "region", "ship_region"),
    ("Postcode|Zip", "postcode", "postal_code", "ship_postal_code"),
    ("Country Code|Country", "country", "country", "ship_country"),
    ("Email", "email", "email", ""),
)


def _woo(kind: str) -> list[tuple[str, str]]:
    out = []
    for labels, meta, billing, shipping in _WOO_FIELDS:
        target = billing if kind == "Billing" else shipping
        if not target:
            continue
        headers = [f"{label} ({kind})" for label in labels.split("|")]
        if meta:
            headers += [f"_{kind.lower()}_{meta}", f"{kind.lower()}_{meta}"]
        out.append(("|".join(headers), target))
    return out


WOOCOMMERCE = ExportFormat(
    FormatInfo(
        "woocommerce-orders",
        "WooCommerce order export",
        "orders",
        'Order export plugins (e.g. "Advanced Order Export"): "First Name (Billing)" '
        "columns or _billing_* meta keys; one row per line item.",
    ),
    _columns(
        ("Order Number|Order ID|Order No", "order_id"),
        ("Order Date", "order_date"),
        ("Item Name|Product Name|Name", "item_name"),
        ("Quantity|Qty", "item_quantity"),
        ("Product Variation", "item_variant"),
        ("Order Total Amount|Order Total|order_total", "order_total"),
        ("Coupon Code|Coupons Used|Coupons|Coupon Items", "discount_code"),
        *_woo("Billing"),
        *_woo("Shipping"),
    ),
    _markers(
        "First Name (Billing)",
        "Last Name (Billing)",
        "Email (Billing)",
        "Order Number",
        "Order Status",
        "City (Billing)",
        "_billing_first_name",
        "_billing_last_name",
        "_billing_email",
        "Address 1&2 (Billing)",
    ),
    3,
)

SQUARE = ExportFormat(
    FormatInfo(
        "square-customers",
        "Square customer directory",
        "contacts",
        "Customers > Export (and the Customers API field names); birthday year 0000 means unknown.",
    ),
    _columns(
        ("First Name|Given Name|given_name", "first_name"),
        ("Last Name|Surname|Family Name|family_name", "last_name"),
        ("Company Name|company_name", "company"),
        ("Email Address|email_address", "email"),
        ("Street Address 1|Address Line 1|address_line_1", "address_line1"),
        ("Street Address 2|Address Line 2|address_line_2", "address_line2"),
        ("address_line_3", "address_line3"),
        ("City|Locality", "city"),
        ("State|administrative_district_level_1|Region", "region"),
        ("Postal Code|postal_code|Zip Code", "postal_code"),
        ("Country", "country"),
        ("Birthday", "birthday"),
        ("Last Visit", "last_order_date"),
    ),
    _markers(
        "Square Customer ID",
        "Reference ID",
        "Street Address 1",
        "Memo",
        "Nickname",
        "given_name",
        "family_name",
        "administrative_district_level_1",
        "Last Visit",
        "Transaction Count",
    ),
    3,
)

_GOOGLE_ADDRESS = [
    ("Address 1 - Street", "address_lines"),
    ("Address 1 - Extended Address", "address_line2"),
    ("Address 1 - PO Box", "po_box"),
    ("Address 1 - City", "city"),
    ("Address 1 - Region", "region"),
    ("Address 1 - Postal Code", "postal_code"),
    ("Address 1 - Country", "country"),
    ("Address 1 - Formatted", "address_full"),
    ("Address 2 - Street", "alt_line1"),
    ("Address 2 - City", "alt_city"),
    ("Address 2 - Region", "alt_region"),
    ("Address 2 - Postal Code", "alt_postal_code"),
    ("Address 2 - Country", "alt_country"),
    ("Birthday", "birthday"),
    ("E-mail 1 - Value", "email"),
    ("Name Prefix", "name_prefix"),
    ("Name Suffix", "name_suffix"),
]
GOOGLE = ExportFormat(
    FormatInfo(
        "google-contacts",
        "Google Contacts (2023 layout)",
        "contacts",
        'contacts.google.com > Export > Google CSV, "First Name, Middle Name, …" layout.',
    ),
    _columns(
        ("First Name", "first_name"),
        ("Middle Name", "middle_name"),
        ("Last Name", "last_name"),
        ("Organization Name", "company"),
        *_GOOGLE_ADDRESS,
    ),
    _markers(
        "First Name",
        "Middle Name",
        "Last Name",
        "Phonetic First Name",
        "File As",
        "Labels",
        "Organization Name",
        "E-mail 1 - Value",
        "Name Prefix",
    ),
    5,
)

GOOGLE_LEGACY = ExportFormat(
    FormatInfo(
        "google-contacts-legacy",
        "Google Contacts (legacy layout)",
        "contacts",
        'The older "Name, Given Name, Additional Name, Family Name …" export (often UTF-16).',
    ),
    _columns(
        ("Name", "name"),
        ("Given Name", "first_name"),
        ("Additional Name", "middle_name"),
        ("Family Name", "last_name"),
        ("Organization 1 - Name", "company"),
        *_GOOGLE_ADDRESS,
    ),
    _markers(
        "Name",
        "Given Name",
        "Additional Name",
        "Family Name",
        "Yomi Name",
        "Group Membership",
        "Given Name Yomi",
    ),
    4,
)


def _outlook(
    street: str, city: str, state: str, postal: str, country: str, box: str, target: str
) -> list[tuple[str, str]]:
    line = "address_line" if target == "" else f"{target}line"
    return [
        (street, f"{line}1"),
        (f"{street} 2".replace("|", " 2|"), f"{line}2"),
        (f"{street} 3".replace("|", " 3|"), f"{line}3"),
        (city, f"{target}city"),
        (state, f"{target}region"),
        (postal, f"{target}postal_code"),
        (country, f"{target}country"),
        (box, f"{target}po_box"),
    ]


OUTLOOK = ExportFormat(
    FormatInfo(
        "outlook-contacts",
        "Outlook contacts (English or German)",
        "contacts",
        "Outlook > Export to a file > CSV (English and German headers); home address, "
        "else business; 0.0.00 = no birthday.",
    ),
    _columns(
        ("First Name|Vorname", "first_name"),
        ("Middle Name|Weitere Vornamen", "middle_name"),
        ("Last Name|Nachname", "last_name"),
        ("Title|Anrede", "name_prefix"),
        ("Suffix", "name_suffix"),
        ("Company|Firma", "company"),
        ("E-mail Address|E-Mail-Adresse", "email"),
        ("Birthday|Geburtstag", "birthday"),
        *_outlook(
            "Home Street|Straße privat|Strasse privat",
            "Home City|Ort privat",
            "Home State|Region privat|Bundesland privat",
            "Home Postal Code|Postleitzahl privat",
            "Home Country/Region|Home Country|Land/Region privat|Land privat",
            "Home Address PO Box|Postfach privat",
            "",
        ),
        *_outlook(
            "Business Street|Straße geschäftlich|Strasse geschäftlich",
            "Business City|Ort geschäftlich",
            "Business State|Region geschäftlich|Bundesland geschäftlich",
            "Business Postal Code|Postleitzahl geschäftlich",
            "Business Country/Region|Business Country|Land/Region geschäftlich|Land geschäftlich",
            "Business Address PO Box|Postfach geschäftlich",
            "alt_",
        ),
    ),
    _markers(
        "First Name",
        "Last Name",
        "Home Street",
        "Home Postal Code",
        "Business Street",
        "E-mail Address",
        "Vorname",
        "Nachname",
        "Straße privat",
        "Postleitzahl privat",
        "Straße geschäftlich",
        "E-Mail-Adresse",
        "Middle Name",
        "Weitere Vornamen",
        "Home City",
        "Ort privat",
    ),
    4,
)

THUNDERBIRD = ExportFormat(
    FormatInfo(
        "thunderbird-contacts",
        "Thunderbird address book",
        "contacts",
        "Tools > Export > CSV; split Birth Year/Birth Month/Birth Day.",
    ),
    _columns(
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Display Name", "name"),
        ("Primary Email", "email"),
        ("Home Address", "address_line1"),
        ("Home Address 2|Home Address2", "address_line2"),
        ("Home City", "city"),
        ("Home State", "region"),
        ("Home ZipCode|Home Zip", "postal_code"),
        ("Home Country", "country"),
        ("Work Address", "alt_line1"),
        ("Work Address 2|Work Address2", "alt_line2"),
        ("Work City", "alt_city"),
        ("Work State", "alt_region"),
        ("Work ZipCode|Work Zip", "alt_postal_code"),
        ("Work Country", "alt_country"),
        ("Organization", "company"),
        ("Birth Year", "birth_year"),
        ("Birth Month", "birth_month"),
        ("Birth Day", "birth_day"),
    ),
    _markers(
        "Display Name",
        "Primary Email",
        "Secondary Email",
        "Screen Name",
        "Home ZipCode",
        "Birth Year",
        "Birth Month",
        "Work ZipCode",
    ),
    4,
)

MAILCHIMP = ExportFormat(
    FormatInfo(
        "mailchimp-audience",
        "Mailchimp audience export",
        "contacts",
        'Audience > Export: merge fields ("Address" in one cell), then MEMBER_RATING, '
        "OPTIN_TIME …; unsubscribed exports mark do_not_contact.",
    ),
    _columns(
        ("Email Address", "email"),
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Full Name", "name"),
        ("Address", "address_full"),
        ("Birthday|Date of Birth", "birthday"),
        ("Company|Company Name", "company"),
        ("UNSUB_TIME", "unsubscribed"),
    ),
    _markers(
        "MEMBER_RATING",
        "OPTIN_TIME",
        "OPTIN_IP",
        "CONFIRM_TIME",
        "LEID",
        "EUID",
        "GMTOFF",
        "LAST_CHANGED",
    ),
    3,
    date_order="MDY",
)

HUBSPOT = ExportFormat(
    FormatInfo(
        "hubspot-contacts",
        "HubSpot contacts export",
        "contacts",
        "CRM > Contacts > Export (default view or all properties).",
    ),
    _columns(
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Street Address", "address_line1"),
        ("Street Address 2|Address 2", "address_line2"),
        ("City", "city"),
        ("State/Region|State", "region"),
        ("Postal Code|Zip", "postal_code"),
        ("Country/Region|Country", "country"),
        ("Company Name|Associated Company", "company"),
        ("Date of birth|Birthday", "birthday"),
        ("Last Purchase Date", "last_order_date"),
    ),
    _markers(
        "Record ID",
        "Contact owner",
        "Lead Status",
        "Marketing contact status",
        "Create Date",
        "Associated Company",
        "Last Activity Date",
        "State/Region",
        "Country/Region",
        "Lifecycle Stage",
    ),
    2,
)

CANONICAL = ExportFormat(
    FormatInfo(
        "canonical",
        "Hand-made sheet",
        "orders",
        "Your own columns: order_id, first_name, last_name, name, address_line1, city, "
        "region, postal_code, country, birthday, occasion, … (common aliases accepted).",
    ),
    {},
    (),
    0,
    use_aliases=True,
)

BUILT_IN: tuple[ExportFormat, ...] = (
    SHOPIFY,
    SQUARESPACE,
    ETSY_ITEMS,
    ETSY_ORDERS,
    WOOCOMMERCE,
    GOOGLE_LEGACY,
    GOOGLE,
    OUTLOOK,
    THUNDERBIRD,
    MAILCHIMP,
    SQUARE,
    HUBSPOT,
    CANONICAL,
)


def user_format(name: str, mapping: Mapping[str, str]) -> ExportFormat:
    """Return a format built from a user's ``{their column: canonical column}`` mapping."""
    columns = {normalise_header(k): v for k, v in mapping.items()}
    return ExportFormat(
        FormatInfo(
            name,
            f"Your mapping “{name}”",
            "orders",
            "From the configuration: " + ", ".join(f"{k} → {v}" for k, v in mapping.items()),
        ),
        columns,
        tuple(columns),
        len(columns),
        use_aliases=True,
    )


def detect(
    headers: Sequence[str], formats: Sequence[ExportFormat]
) -> tuple[ExportFormat | None, ExportFormat, float]:
    """Return (matching format or None, closest format, closeness 0–1) for *headers*."""
    present = {normalise_header(h) for h in headers}
    best: ExportFormat | None = None
    best_score = -1.0
    closest, closeness = formats[0], -1.0
    for fmt in formats:
        if not fmt.markers:
            continue
        hits = sum(1 for m in fmt.markers if m in present)
        mapped = sum(1 for h in present if h in fmt.columns)
        ratio = hits / max(fmt.min_markers, 1)
        if ratio > closeness:
            closest, closeness = fmt, min(ratio, 1.0)
        if hits >= fmt.min_markers:
            score = hits + mapped / 100
            if score > best_score:
                best, best_score = fmt, score
    return best, closest, max(closeness, 0.0)


def known_headers(formats: Sequence[ExportFormat]) -> frozenset[str]:
    """Return every normalised header any format recognises (used to find the header row)."""
    found: set[str] = set()
    for fmt in formats:
        found.update(fmt.columns)
        found.update(fmt.markers)
    return frozenset(found)


def describe_format(name: str) -> str:
    """Return how ``check`` names a format to a shop owner (its title, never "canonical").

    >>> describe_format("canonical")
    'a hand-made sheet (your own column names)'
    >>> describe_format("shopify-orders")
    'Shopify orders export (shopify-orders)'
    """
    if name == CANONICAL.info.name:
        return "a hand-made sheet (your own column names)"
    for fmt in BUILT_IN:
        if fmt.info.name == name:
            return f"{fmt.info.title} ({name})"
    return f'your format "{name}" (from notecards.toml)'
