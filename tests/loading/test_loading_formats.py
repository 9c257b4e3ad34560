"""Tests for the known export formats, built from the real header rows in tests/data/loading."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from notecards.loading import LoadOptions, load_orders
from notecards.loading.columns import FIELDS
from notecards.loading.formats import BUILT_IN
from notecards.models import Address, Birthday, LoadResult
from tests.conftest import TESTS_DIR

HEADERS = TESTS_DIR / "data" / "loading" / "headers"


def header(name: str) -> list[str]:
    return next(csv.reader(io.StringIO((HEADERS / f"{name}.csv").read_text("utf-8"))))


def export(
    tmp_path: Path,
    name: str,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    add: tuple[str, ...] = (),
) -> Path:
    """Write rows under the real header of *name*; unknown keys are a test mistake."""
    columns = header(name) + list(add)
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"not in the {name} header: {unknown}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path = tmp_path / f"{name}.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def accounted(result: LoadResult) -> bool:
    in_orders = sum(len(o.source.rows) for o in result.orders)
    return in_orders + len(result.rejects) == result.rows_read


def test_every_format_targets_known_fields() -> None:
    """Verify no format maps a column to a field the loader does not read."""
    for fmt in BUILT_IN:
        assert set(fmt.columns.values()) <= FIELDS, fmt.name


@pytest.mark.parametrize("name", [p.stem for p in sorted(HEADERS.glob("*.csv"))])
def test_header_files_detected(tmp_path: Path, name: str) -> None:
    """Verify each real header row is recognised as its format (header-only files load)."""
    expected = {
        "etsy-sold-orders-us": "etsy-sold-orders",
        "etsy-sold-orders-uk": "etsy-sold-orders",
        "outlook-contacts-en": "outlook-contacts",
        "outlook-contacts-de": "outlook-contacts",
        "mailchimp-audience-messy": "mailchimp-audience",
        "thunderbird": "thunderbird-contacts",
    }.get(name, name)
    result = load_orders([export(tmp_path, name, [])])
    assert result.formats == (expected,)
    assert result.rows_read == 0


SHOPIFY_ROWS = [
    {
        "Name": "#1001",
        "Email": "ada@example.com",
        "Financial Status": "paid",
        "Created at": "2023-05-04 10:11:12 -0400",
        "Lineitem quantity": "1",
        "Lineitem name": "Beeswax Candle - Large",
        "Billing Name": "Ada Whitfield",
        "Billing Address1": "14 Orchard Lane",
        "Billing City": "Burlington",
        "Billing Zip": "'05401",
        "Billing Province": "VT",
        "Billing Country": "US",
        "Shipping Name": "Ada Whitfield",
        "Shipping Address1": "14 Orchard Lane",
        "Shipping City": "Burlington",
        "Shipping Zip": "'05401",
        "Shipping Province": "VT",
        "Shipping Country": "US",
        "Notes": "Happy birthday Mum",
    },
    {
        "Name": "#1001",
        "Email": "ada@example.com",
        "Created at": "2023-05-04 10:11:12 -0400",
        "Lineitem quantity": "2",
        "Lineitem name": "Note Card",
    },
    {
        "Name": "#1001",
        "Email": "ada@example.com",
        "Created at": "2023-05-04 10:11:12 -0400",
        "Lineitem quantity": "1",
        "Lineitem name": "Beeswax Candle - Large",
    },
    {
        "Name": "#1002",
        "Email": "bo@example.com",
        "Financial Status": "paid",
        "Created at": "2023-05-05 09:00:00 -0400",
        "Lineitem quantity": "1",
        "Lineitem name": "Mug",
        "Billing Name": "Bo Lind",
        "Billing Address1": "1 Main St",
        "Billing City": "Seattle",
        "Billing Zip": "98101",
        "Billing Province": "WA",
        "Billing Country": "US",
        "Shipping Name": "Cy Lind",
        "Shipping Address1": "PO Box 12",
        "Shipping Address2": "5 King St W",
        "Shipping City": "Toronto",
        "Shipping Zip": "m5h1a1",
        "Shipping Province": "ON",
        "Shipping Country": "CA",
    },
    {
        "Name": "#1003",
        "Email": "gift@example.com",
        "Financial Status": "paid",
        "Created at": "2023-05-06 09:00:00 -0400",
        "Lineitem quantity": "1",
        "Lineitem name": "Gift Card",
        "Billing Name": "",
        "Billing Company": "Receiving Department",
    },
]


def test_shopify_line_items_grouped(tmp_path: Path) -> None:
    """Verify Shopify line-item rows become one order with quantities summed."""
    result = load_orders([export(tmp_path, "shopify-orders", SHOPIFY_ROWS)])
    assert result.formats == ("shopify-orders",)
    first = result.orders[0]
    assert first.order_id == "#1001"
    assert first.source.rows == (2, 3, 4)
    assert first.items == ("2 × Beeswax Candle - Large", "2 × Note Card")
    assert first.address.postal_code == "05401"  # the ' prefix is gone
    assert first.recipient_note == ""
    assert dict(first.extra)["Notes"] == "Happy birthday Mum"
    assert dict(first.extra)["financial_status"] == "paid"
    assert accounted(result)


def test_shopify_gift_defaults_to_buyer_at_shipping_address(tmp_path: Path) -> None:
    """Verify ship-to ≠ buyer: card to the buyer at the shipping address, and it says so."""
    result = load_orders([export(tmp_path, "shopify-orders", SHOPIFY_ROWS)])
    gift = result.orders[1]
    assert gift.name == "Bo Lind"
    assert gift.address == Address("5 King St W", "PO Box 12", "Toronto", "ON", "M5H 1A1", "CA")
    assert gift.recipient_note == (
        "gift: card to buyer Bo Lind, at the recipient's (shipping) address; shipped to Cy Lind"
    )


@pytest.mark.parametrize(
    ("card_to", "address", "name", "city"),
    [
        ("recipient", "shipping", "Cy Lind", "Toronto"),
        ("buyer", "billing", "Bo Lind", "Seattle"),
        ("recipient", "billing", "Cy Lind", "Seattle"),
    ],
)
def test_shopify_gift_options(
    tmp_path: Path, card_to: str, address: str, name: str, city: str
) -> None:
    options = LoadOptions(gift_card_to=card_to, gift_address=address)
    gift = load_orders([export(tmp_path, "shopify-orders", SHOPIFY_ROWS)], options).orders[1]
    assert (gift.name, gift.address.city) == (name, city)
    assert gift.recipient_note.startswith(f"gift: card to {card_to}")


def test_shopify_gift_card_order_without_address_rejected(tmp_path: Path) -> None:
    """Verify a gift-card-only order (no shipping, no billing address) is rejected."""
    result = load_orders([export(tmp_path, "shopify-orders", SHOPIFY_ROWS)])
    (reject,) = result.rejects
    assert reject.row == 6
    assert "no postal address" in reject.reason


def test_squarespace_orders(tmp_path: Path) -> None:
    rows = [
        {
            "Order ID": "00012",
            "Email": "a@example.com",
            "Financial Status": "PAID",
            "Created at": "7/25/2018 21:06",
            "Lineitem quantity": "1",
            "Lineitem name": "Print",
            "Lineitem variant": "A4",
            "Billing Name": "Ada Whitfield",
            "Billing Address1": "1 Main St",
            "Billing City": "San Jose",
            "Billing Zip": "95112",
            "Billing Province": "CA",
            "Billing Country": "United States",
            "Shipping Name": "Ada Whitfield",
            "Shipping Address1": "1 Main St",
            "Shipping City": "San Jose",
            "Shipping Zip": "95112",
            "Shipping Province": "CA",
            "Shipping Country": "United States",
        },
        {
            "Order ID": "00012",
            "Lineitem quantity": "3",
            "Lineitem name": "Card",
            "Lineitem variant": "",
        },
    ]
    result = load_orders([export(tmp_path, "squarespace-orders", rows)])
    (order,) = result.orders
    assert result.formats == ("squarespace-orders",)
    assert order.items == ("Print (A4)", "3 × Card")
    assert order.address.country == "US"
    assert order.order_date is not None and order.order_date.isoformat() == "2018-07-25"


@pytest.mark.parametrize(
    ("variant", "city_column", "state_column", "zip_column", "country"),
    [
        ("etsy-sold-orders-us", "Ship City", "Ship State", "Ship Zipcode", "Ship Country"),
        (
            "etsy-sold-orders-uk",
            "Delivery City",
            "Delivery State",
            "Delivery Zipcode",
            "Delivery Country",
        ),
    ],
)
def test_etsy_sold_orders_us_and_uk(
    tmp_path: Path, variant: str, city_column: str, state_column: str, zip_column: str, country: str
) -> None:
    """Verify both header variants, &#39; entities, and the ship-to name on the card."""
    rows = [
        {
            "Sale Date": "03/04/23",
            "Order ID": "2001",
            "Buyer User ID": "coolbuyer42",
            "Full Name": "Maria d&#39;Arco",
            "First Name": "Maria",
            "Last Name": "d&#39;Arco",
            "Street 1": "12 Smith&#39;s Way",
            city_column: "Leeds",
            zip_column: "ls1 4ap",
            country: "United Kingdom",
            "Buyer": "coolbuyer42",
        }
    ]
    result = load_orders([export(tmp_path, variant, rows)])
    (order,) = result.orders
    assert result.formats == ("etsy-sold-orders",)
    assert (order.name, order.first_name, order.last_name) == ("Maria d'Arco", "Maria", "d'Arco")
    assert order.address == Address("12 Smith's Way", "", "Leeds", "", "LS1 4AP", "GB")
    expected = (2023, 3, 4) if variant.endswith("us") else (2023, 4, 3)
    assert order.order_date is not None
    assert (order.order_date.year, order.order_date.month, order.order_date.day) == expected
    assert order.recipient_note == ""


def test_etsy_sold_order_items_grouped_with_gift(tmp_path: Path) -> None:
    """Verify Etsy item rows group by Order ID and a different buyer name is a gift."""
    base = {
        "Sale Date": "08/14/25",
        "Buyer": "Jane Roe",
        "Ship Name": "JOHN SMITH",
        "Ship Address1": "1234",
        "Ship Address2": "Example Rd",
        "Ship City": "Austin",
        "Ship State": "TX",
        "Ship Zipcode": "78701",
        "Ship Country": "United States",
        "Order ID": "3001",
    }
    rows = [
        {
            **base,
            "Item Name": "Sunset Fox | Greeting Card",
            "Quantity": "2",
            "Transaction ID": "1",
            "Listing ID": "9",
        },
        {
            **base,
            "Item Name": "Envelope",
            "Quantity": "1",
            "Variations": "Colour:Red",
            "Transaction ID": "2",
            "Listing ID": "8",
        },
        {
            **base,
            "Order ID": "3002",
            "Buyer": "coolbuyer42",
            "Ship Name": "Ann & Bob Lee",
            "Item Name": "Mug",
            "Quantity": "1",
            "Transaction ID": "3",
            "Listing ID": "7",
        },
    ]
    result = load_orders([export(tmp_path, "etsy-sold-order-items", rows)])
    gift, own = result.orders
    assert gift.source.rows == (2, 3)
    assert gift.items == ("2 × Sunset Fox | Greeting Card", "Envelope (Colour:Red)")
    assert gift.name == "Jane Roe"
    assert gift.address.line1 == "1234 Example Rd"
    assert "shipped to John Smith" in gift.recipient_note
    # "coolbuyer42" is a user name, not a person: the card goes to the ship-to name.
    assert (own.name, own.first_name, own.recipient_note) == ("Ann & Bob Lee", "Ann & Bob", "")
    assert accounted(result)


def test_woocommerce_orders(tmp_path: Path) -> None:
    rows = [
        {
            "Order Number": "501",
            "Order Status": "completed",
            "Order Date": "2024-03-12 09:14",
            "First Name (Billing)": "ADA",
            "Last Name (Billing)": "WHITFIELD",
            "Address 1&2 (Billing)": "14 Orchard Lane, Apt 2",
            "City (Billing)": "Burlington",
            "State Code (Billing)": "VT",
            "Postcode (Billing)": "5401",
            "Country Code (Billing)": "US",
            "Email (Billing)": "ada@example.com",
            "Name": "Candle",
            "Quantity": "2",
        },
        {"Order Number": "501", "Name": "Card", "Quantity": "1"},
    ]
    result = load_orders([export(tmp_path, "woocommerce-orders", rows)])
    (order,) = result.orders
    assert result.formats == ("woocommerce-orders",)
    assert (order.name, order.email) == ("Ada Whitfield", "ada@example.com")
    assert order.address == Address("14 Orchard Lane, Apt 2", "", "Burlington", "VT", "05401", "US")
    assert order.items == ("2 × Candle", "Card")


def test_woocommerce_meta_key_columns(tmp_path: Path) -> None:
    path = tmp_path / "woo.csv"
    path.write_text(
        "order_id,_billing_first_name,_billing_last_name,_billing_address_1,"
        "_billing_city,_billing_postcode,_billing_country,_billing_email\n"
        "7,Ada,W,1 Main St,Leeds,LS1 4AP,GB,a@example.com\n",
        encoding="utf-8",
    )
    result = load_orders([path])
    assert result.formats == ("woocommerce-orders",)
    assert result.orders[0].address.postal_code == "LS1 4AP"


def test_square_customers_year_0000(tmp_path: Path) -> None:
    rows = [
        {
            "First Name": "Ada",
            "Last Name": "Whitfield",
            "Street Address 1": "1 Main St",
            "City": "Austin",
            "State": "TX",
            "Postal Code": "78701",
            "Birthday": "0000-09-01T00:00:00-00:00",
            "Square Customer ID": "X1",
        }
    ]
    result = load_orders([export(tmp_path, "square-customers", rows)])
    assert result.orders[0].birthday == Birthday(9, 1, None)


def test_google_contacts_new_layout(tmp_path: Path) -> None:
    """Verify UTF-8 BOM, ::: multi-values, multi-line Street, --MM-DD birthdays."""
    rows = [
        {
            "First Name": "Ada",
            "Last Name": "Whitfield",
            "Birthday": " --12-12",
            "Labels": "* myContacts ::: * coworkers",
            "E-mail 1 - Value": "ada@example.com ::: ada@work.example",
            "Address 1 - Street": "14 Orchard Lane\nApt 2",
            "Address 1 - City": "Burlington",
            "Address 1 - Region": "VT",
            "Address 1 - Postal Code": "05401",
            "Address 1 - Country": "United States",
            "Notes": "line one\nline two",
        }
    ]
    path = export(tmp_path, "google-contacts", rows, encoding="utf-8-sig")
    (order,) = load_orders([path]).orders
    assert order.email == "ada@example.com"
    assert order.birthday == Birthday(12, 12, None)
    assert (order.address.line1, order.address.line2) == ("14 Orchard Lane", "Apt 2")


def test_google_contacts_legacy_utf16(tmp_path: Path) -> None:
    """Verify the legacy layout exported as UTF-16LE with a BOM."""
    rows = [
        {
            "Name": "Zoë Müller",
            "Given Name": "Zoë",
            "Family Name": "Müller",
            "Birthday": "1975-12-12",
            "Address 1 - Street": "Hauptstr. 1",
            "Address 1 - City": "Köln",
            "Address 1 - PO Box": "123",
            "Address 1 - Postal Code": "50667",
            "Address 1 - Country": "Deutschland",
        }
    ]
    path = export(tmp_path, "google-contacts-legacy", rows, encoding="utf-16")
    result = load_orders([path], LoadOptions(home_country="DE"))
    (order,) = result.orders
    assert result.formats == ("google-contacts-legacy",)
    assert order.name == "Zoë Müller"
    assert order.birthday == Birthday(12, 12, 1975)
    assert order.address == Address("Hauptstr. 1", "PO Box 123", "Köln", "", "50667", "DE")


def test_outlook_english_business_address_fallback(tmp_path: Path) -> None:
    rows = [
        {
            "First Name": "Ada",
            "Last Name": "Whitfield",
            "Company": "Orchard Books",
            "Business Street": "1 Main St",
            "Business City": "Austin",
            "Business State": "TX",
            "Business Postal Code": "78701",
            "Birthday": "0/0/00",
        },
        {
            "First Name": "Bo",
            "Last Name": "Lind",
            "Home Street": "2 Elm St",
            "Home City": "Austin",
            "Home Postal Code": "78702",
            "Birthday": "4/5/1970",
            "Business Street": "9 Office Rd",
            "Business City": "Austin",
        },
    ]
    result = load_orders([export(tmp_path, "outlook-contacts-en", rows)])
    ada, bo = result.orders
    assert ada.address.line1 == "1 Main St"
    assert ada.birthday is None
    assert bo.address.line1 == "2 Elm St"
    assert bo.birthday == Birthday(4, 5, 1970)


def test_outlook_german_semicolon_cp1252(tmp_path: Path) -> None:
    """Verify German headers (Vorname/Nachname/Postleitzahl privat/Geburtstag), 0.0.00 = none."""
    rows = [
        {
            "Vorname": "Jürgen",
            "Nachname": "Groß",
            "Straße privat": "Hauptstraße 5",
            "Ort privat": "München",
            "Postleitzahl privat": "80331",
            "Land/Region privat": "Deutschland",
            "Geburtstag": "24.12.1980",
        },
        {
            "Vorname": "Anna",
            "Nachname": "Weiß",
            "Straße privat": "Ring 1",
            "Ort privat": "Wien",
            "Postleitzahl privat": "1010",
            "Land/Region privat": "Österreich",
            "Geburtstag": "0.0.00",
        },
    ]
    path = export(tmp_path, "outlook-contacts-de", rows, encoding="cp1252", delimiter=";")
    result = load_orders([path], LoadOptions(home_country="DE"))
    juergen, anna = result.orders
    assert result.formats == ("outlook-contacts",)
    assert juergen.name == "Jürgen Groß"
    assert juergen.birthday == Birthday(12, 24, 1980)
    assert anna.birthday is None
    assert anna.address == Address("Ring 1", "", "Wien", "", "1010", "AT")


def test_thunderbird_split_birthday(tmp_path: Path) -> None:
    rows = [
        {
            "First Name": "John",
            "Last Name": "Doe",
            "Display Name": "John Doe",
            "Home Address": "1 Main St",
            "Home City": "Austin",
            "Home ZipCode": "78701",
            "Birth Year": "1972",
            "Birth Month": "1",
            "Birth Day": "3",
        },
        {
            "First Name": "Jane",
            "Last Name": "Doe",
            "Display Name": "Jane Doe",
            "Home Address": "1 Main St",
            "Home City": "Austin",
            "Home ZipCode": "78701",
            "Birth Month": "5",
            "Birth Day": "4",
        },
    ]
    result = load_orders([export(tmp_path, "thunderbird", rows)])
    assert [o.birthday for o in result.orders] == [Birthday(1, 3, 1972), Birthday(5, 4, None)]


def test_mailchimp_one_cell_address_and_unsubscribed(tmp_path: Path) -> None:
    rows = [
        {
            "Email Address": "ada@example.com",
            "First Name": "Ada",
            "Last Name": "Whitfield",
            "Address": "123 Main St  Apt 4  Springfield  IL  62701  US",
            "Birthday": "02/03",
            "MEMBER_RATING": "2",
            "OPTIN_TIME": "2016-04-18 13:51:14",
        }
    ]
    path = export(tmp_path, "mailchimp-audience", rows, add=("UNSUB_TIME",))
    (order,) = load_orders([path]).orders
    assert order.address == Address("123 Main St", "Apt 4", "Springfield", "IL", "62701", "US")
    assert order.birthday == Birthday(2, 3, None)
    assert not order.do_not_contact
    rows[0]["UNSUB_TIME"] = "2020-01-01 10:00:00"
    path = export(tmp_path, "mailchimp-audience", rows, add=("UNSUB_TIME",))
    assert load_orders([path]).orders[0].do_not_contact


def test_mailchimp_messy_duplicate_birthday_columns(tmp_path: Path) -> None:
    rows = [
        {
            "First Name": "Ada",
            "Last Name": "Whitfield",
            "Email Address": "a@example.com",
            "Birthday": "1990-07-08",
            "Full Name": "Ada Whitfield",
        }
    ]
    path = export(tmp_path, "mailchimp-audience-messy", rows, add=("Address",))
    result = load_orders([path])
    assert result.formats == ("mailchimp-audience",)
    assert result.rejects[0].reason.startswith("Address: there is no postal address")
    assert any("more than once" in p.message for p in result.problems)


def test_hubspot_contacts(tmp_path: Path) -> None:
    rows = [
        {
            "Record ID": "1",
            "First Name": "Ada",
            "Last Name": "Whitfield",
            "Email": "ada@example.com",
            "Street Address": "1 Main St",
            "City": "Austin",
            "State/Region": "TX",
            "Postal Code": "78701",
            "Country/Region": "USA",
            "Date of birth": "March 14",
        }
    ]
    path = export(
        tmp_path,
        "hubspot-contacts",
        rows,
        add=(
            "Street Address",
            "City",
            "State/Region",
            "Postal Code",
            "Country/Region",
            "Date of birth",
        ),
    )
    (order,) = load_orders([path]).orders
    assert order.address == Address("1 Main St", "", "Austin", "TX", "78701", "US")
    assert order.birthday == Birthday(3, 14, None)


def test_row_accounting_across_formats_and_files(tmp_path: Path) -> None:
    """Verify every row read ends in exactly one order or reject, over several files."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shopify = export(tmp_path / "a", "shopify-orders", SHOPIFY_ROWS)
    outlook = export(
        tmp_path / "b",
        "outlook-contacts-en",
        [
            {"First Name": "Ada", "Home Street": "1 Main St", "Home City": "Austin"},
            {"First Name": "Bo"},
            {"Company": "Acme", "Business Street": "1 Main St", "Business Postal Code": "78701"},
        ],
    )
    canonical = tmp_path / "c.csv"
    canonical.write_text(
        "order_id,name,address_line1,city\n#1001,Ada Whitfield,,\n9,Zed,1 Road,Town\n,,,\n",
        encoding="utf-8",
    )
    result = load_orders([shopify, outlook, canonical])
    assert result.rows_read == 5 + 3 + 2
    assert accounted(result)
    assert result.formats == ("shopify-orders", "outlook-contacts", "canonical")
    merged = next(o for o in result.orders if o.order_id == "#1001")
    assert len(merged.source.rows) == 4
