"""Tests for load_orders: reading files, row accounting, quirks of real exports, errors."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from notecards.errors import ConfigError, InputError
from notecards.loading import FormatInfo, LoadOptions, list_formats, load_orders
from notecards.models import Address, Birthday, LoadResult, Severity

HEADER = "order_id,first_name,last_name,address_line1,city,region,postal_code,country"


def write(tmp_path: Path, text: str, name: str = "orders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


def assert_accounted(result: LoadResult) -> None:
    """Every row read is in exactly one order or one reject."""
    in_orders = sum(len(o.source.rows) for o in result.orders)
    assert in_orders + len(result.rejects) == result.rows_read
    single = [location for o in result.orders for location in o.source.locations()]
    single += [(r.source, r.row) for r in result.rejects]
    assert len(single) == len(set(single))


def test_load_orders_canonical_sheet(tmp_path: Path) -> None:
    """Verify a hand-made sheet with canonical columns becomes Orders."""
    columns = f"{HEADER},birthday,items,do_not_contact,occasion,personal_line,signer,email,"
    values = (
        "1001,Ada,Whitfield,14 Orchard Lane,Burlington,VT,05401,US,1980-03-04,"
        "Candle; Card,,birthday,Thanks!,Jo,ada@example.com,2026-11-20"
    )
    path = write(tmp_path, f"{columns}order_date\n{values}\n")
    result = load_orders([path])
    (order,) = result.orders
    assert result.formats == ("canonical",)
    assert order.address == Address("14 Orchard Lane", "", "Burlington", "VT", "05401", "US")
    assert (order.first_name, order.last_name, order.name) == ("Ada", "Whitfield", "Ada Whitfield")
    assert order.birthday == Birthday(3, 4, 1980)
    assert order.items == ("Candle", "Card")
    assert order.order_date == date(2026, 11, 20)
    assert (order.occasion, order.personal_line, order.signer) == ("birthday", "Thanks!", "Jo")
    assert order.email == "ada@example.com"
    assert not order.do_not_contact
    assert order.source.rows == (2,)
    assert result.problems == ()


def test_load_orders_aliases_and_extra_columns(tmp_path: Path) -> None:
    """Verify zip/state/street/surname aliases and unknown columns kept under header and slug."""
    path = write(
        tmp_path,
        """
        Given Name,Surname,Street,Town,State,ZIP Code,Gift Message,Do Not Contact
        Ada,Whitfield,14 Orchard Lane,Burlington,VT,05401,Enjoy!,X
        """,
    )
    (order,) = load_orders([path]).orders
    assert order.address.postal_code == "05401"
    assert order.last_name == "Whitfield"
    assert dict(order.extra) == {"Gift Message": "Enjoy!", "gift_message": "Enjoy!"}
    assert order.do_not_contact


def test_load_orders_close_header_spelling_warns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name,adress line 1,city,postal cod
        Ada Whitfield,14 Orchard Lane,Burlington,05401
        """,
    )
    result = load_orders([path])
    assert result.orders[0].address.line1 == "14 Orchard Lane"
    assert any("read the column" in p.message for p in result.problems)


def test_load_orders_rejects_row_without_postal_code(tmp_path: Path) -> None:
    """Verify a row with no city and no postal code is a Reject with the full message."""
    path = write(
        tmp_path,
        f"""
        {HEADER}
        1,Ada,Whitfield,14 Orchard Lane,Burlington,VT,05401,US
        2,Bo,Lind,1 Main St,,,,US
        """,
    )
    result = load_orders([path])
    assert len(result.orders) == 1
    (reject,) = result.rejects
    assert (reject.row, reject.source) == (3, str(path))
    assert reject.reason == (
        "postal_code: the postal code is empty — fill it in, or remove the row"
    )
    assert dict(reject.cells)["first_name"] == "Bo"
    (error,) = [p for p in result.problems if p.severity is Severity.ERROR]
    assert str(error) == (
        f"{path}:row 3:postal_code: the postal code is empty — fill it in, or remove the row"
    )
    assert_accounted(result)


def test_load_orders_rejects_row_without_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        {HEADER}
        1,,,14 Orchard Lane,Burlington,VT,05401,US
        """,
    )
    result = load_orders([path])
    assert "no name or company" in result.rejects[0].reason


def test_load_orders_company_only_is_enough(tmp_path: Path) -> None:
    """Verify a company without a person is a card with first_name "" (Dear friend)."""
    path = write(
        tmp_path,
        """
        company,address_line1,city,postal_code
        Receiving Department,1 Main St,Ottawa,K2P2L8
        """,
    )
    (order,) = load_orders([path], LoadOptions(home_country="CA")).orders
    assert (order.first_name, order.company, order.display_name) == (
        "",
        "Receiving Department",
        "Receiving Department",
    )
    assert order.address.postal_code == "K2P 2L8"


def test_load_orders_uk_address_needs_no_region(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name,address_line1,city,postal_code,country
        Ada Whitfield,10 Downing St,London,SW1A 2AA,UK
        """,
    )
    (order,) = load_orders([path], LoadOptions(home_country="GB")).orders
    assert order.address.country == "GB"


def test_load_orders_bad_order_date_rejects_bad_birthday_warns(tmp_path: Path) -> None:
    """Verify an unreadable order date rejects the row; an unreadable birthday only warns."""
    path = write(
        tmp_path,
        f"""
        {HEADER},order_date,birthday
        1,Ada,Whitfield,1 Main St,Burlington,VT,05401,US,someday,
        2,Bo,Lind,1 Main St,Burlington,VT,05401,US,2026-01-02,soon
        """,
    )
    result = load_orders([path])
    (reject,) = result.rejects
    assert reject.row == 2
    assert reject.reason.startswith('order_date: "someday" is not a date')
    (order,) = result.orders
    assert order.birthday is None
    (warning,) = [p for p in result.problems if p.severity is Severity.WARNING]
    assert (warning.row, warning.column) == (3, "birthday")


def test_load_orders_same_id_merged_across_files(tmp_path: Path) -> None:
    """Verify one order id in two files is one Order with rows from both, items combined."""
    one = write(
        tmp_path,
        f"""
        {HEADER},items
        1001,Ada,Whitfield,1 Main St,Burlington,VT,05401,US,Candle
        1002,Bo,Lind,2 Main St,Burlington,VT,05401,US,Mug
        """,
        "a.csv",
    )
    two = write(
        tmp_path,
        f"""
        {HEADER},items
        1001,Adah,Smith,,,,,,Candle;Card
        """,
        "b.csv",
    )
    result = load_orders([one, two])
    assert [o.order_id for o in result.orders] == ["1001", "1002"]
    merged = result.orders[0]
    assert merged.source.rows == (2, 2)
    assert merged.source.locations() == ((str(one), 2), (str(two), 2))
    assert merged.source.describe() == f"{one}:row 2 + {two}:row 2"
    assert merged.items == ("2 × Candle", "Card")
    assert merged.name == "Ada Whitfield"
    assert any("Adah" in p.message for p in result.problems)
    assert result.rows_read == 3
    assert result.formats == ("canonical", "canonical")
    assert_accounted(result)


def test_load_orders_blank_rows_not_counted_but_numbered(tmp_path: Path) -> None:
    """Verify blank rows are skipped, and later rows keep the number a spreadsheet shows."""
    path = write(
        tmp_path,
        f"""
        {HEADER}

        1,Ada,Whitfield,1 Main St,Burlington,VT,05401,US
        ,,,,,,,
        2,Bo,Lind,1 Main St,Burlington,VT,05401,US
        """,
    )
    result = load_orders([path])
    assert result.rows_read == 2
    assert [o.source.rows for o in result.orders] == [(3,), (5,)]


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (",", "utf-8"),
        (";", "utf-8-sig"),
        ("\t", "utf-16"),
        (";", "cp1252"),
        ("\t", "utf-16-be"),
        ("|", "latin-1"),
    ],
)
def test_load_orders_delimiters_and_encodings(
    tmp_path: Path, delimiter: str, encoding: str
) -> None:
    """Verify comma/semicolon/tab (in a .csv), BOMs, UTF-16 LE/BE and cp1252 files."""
    text = (HEADER + "\n1,Zoë,Müller,Straße 1,Köln,,50667,Deutschland\n").replace(",", delimiter)
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "orders.csv"
    path.write_bytes(data)
    (order,) = load_orders([path]).orders
    assert (order.first_name, order.last_name) == ("Zoë", "Müller")
    assert order.address == Address("Straße 1", "", "Köln", "", "50667", "DE")


def test_load_orders_quoted_newlines_and_no_final_newline(tmp_path: Path) -> None:
    """Verify a quoted multi-line cell stays one row, and a missing final newline is fine."""
    path = tmp_path / "orders.csv"
    path.write_text(
        f"{HEADER},personal_line\n1,Ada,Whitfield,1 Main St,B,VT,05401,US,"
        f'"Line one\nline two"\n2,Bo,Lind,1 Main St,B,VT,05401,US,x',
        encoding="utf-8",
    )
    result = load_orders([path])
    assert result.orders[0].personal_line == "Line one\nline two"
    assert result.orders[1].source.rows == (3,)


def test_load_orders_trailing_empty_column_and_duplicate_headers(tmp_path: Path) -> None:
    """Verify a trailing delimiter adds no column and a repeated header is kept apart."""
    path = write(
        tmp_path,
        f"""
        {HEADER},birthday,birthday,
        1,Ada,Whitfield,1 Main St,B,VT,05401,US,1980-03-04,1999-01-01,
        """,
    )
    result = load_orders([path])
    (order,) = result.orders
    assert order.birthday == Birthday(3, 4, 1980)
    assert dict(order.extra) == {"birthday (2)": "1999-01-01", "birthday_2": "1999-01-01"}
    assert any("more than once" in p.message for p in result.problems)


def test_load_orders_mojibake_repaired_with_warning(tmp_path: Path) -> None:
    """Verify a re-saved export's "MontrÃ©al" is repaired and reported (tab in a .csv)."""
    path = tmp_path / "etsy.csv"
    path.write_text(
        f"{HEADER}\n1,RenÃ©e,Roy,1 Rue,MontrÃ©al,QC,H1W 3N8,Canada".replace(",", "\t"),
        encoding="utf-8",
    )
    result = load_orders([path])
    (order,) = result.orders
    assert (order.first_name, order.address.city) == ("Renée", "Montréal")
    repaired = [p for p in result.problems if "double-encoded" in p.message]
    assert {p.column for p in repaired} == {"first_name", "city"}


def test_load_orders_excel_sep_line(tmp_path: Path) -> None:
    path = write(tmp_path, f"sep=;\n{HEADER}\n1;Ada;W;1 Main St;B;VT;05401;US\n".replace(",", ";"))
    result = load_orders([path])
    assert result.orders[0].source.rows == (3,)


def test_load_orders_header_not_on_first_row_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        Orders export,,,
        generated 2026-11-20,,,
        {HEADER}
        1,Ada,Whitfield,1 Main St,B,VT,05401,US
        """,
    )
    result = load_orders([path])
    assert result.orders[0].source.rows == (4,)
    assert result.rows_read == 1


def test_load_orders_zip_repadded_for_us_only(tmp_path: Path) -> None:
    """Verify 4-digit ZIPs are re-padded for the US with a warning, never for Australia."""
    path = write(
        tmp_path,
        f"""
        {HEADER}
        1,Ada,W,1 Main St,Boston,MA,2134,US
        2,Bo,L,1 Main St,Darwin,NT,0812,Australia
        3,Cy,M,1 Main St,Boston,MA,'2134,
        """,
    )
    result = load_orders([path])
    assert [o.address.postal_code for o in result.orders] == ["02134", "0812", "02134"]
    padded = [p for p in result.problems if "leading zero" in p.message]
    assert [(p.row, p.column, p.severity) for p in padded] == [
        (2, "postal_code", Severity.WARNING),
        (4, "postal_code", Severity.WARNING),
    ]
    assert str(padded[0]).endswith(
        'added the leading zero that a spreadsheet dropped from ZIP code "2134" — check the '
        "address on the envelope"
    )


def test_load_orders_zip_not_repadded_for_other_home_country(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        {HEADER}
        1,Ada,W,1 Main St,Wien,,1010,
        """,
    )
    (order,) = load_orders([path], LoadOptions(home_country="AT")).orders
    assert order.address.postal_code == "1010"


def test_load_orders_ambiguous_dates_warn_once_per_column(tmp_path: Path) -> None:
    """Verify 03/04 style dates read by home country warn; date_order silences it."""
    path = write(
        tmp_path,
        f"""
        {HEADER},birthday
        1,Ada,W,1 Main St,B,VT,05401,US,03/04/1980
        2,Bo,L,1 Main St,B,VT,05401,US,05/06/1981
        """,
    )
    result = load_orders([path], LoadOptions(home_country="GB"))
    assert result.orders[0].birthday == Birthday(4, 3, 1980)
    (warning,) = result.problems
    assert (warning.row, warning.column) == (2, "birthday")
    assert "and 1 more rows" in warning.message
    quiet = load_orders([path], LoadOptions(date_order="MDY"))
    assert quiet.orders[0].birthday == Birthday(3, 4, 1980)
    assert quiet.problems == ()


def test_load_orders_date_order_inferred_from_column(tmp_path: Path) -> None:
    """Verify a column with 25/12 reads every date day-first, without a warning."""
    path = write(
        tmp_path,
        f"""
        {HEADER},birthday
        1,Ada,W,1 Main St,B,VT,05401,US,03/04/1980
        2,Bo,L,1 Main St,B,VT,05401,US,25/12/1981
        """,
    )
    result = load_orders([path])
    assert result.orders[0].birthday == Birthday(4, 3, 1980)
    assert result.problems == ()


def test_load_orders_house_number_alone_joined(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name,address_line1,address_line2,city,region,postal_code
        Ada W,1234,Example Rd,Austin,TX,78701
        """,
    )
    result = load_orders([path])
    assert result.orders[0].address.line1 == "1234 Example Rd"
    assert result.problems[0].column == "address_line1"


def test_load_orders_care_of_in_name_goes_to_note(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name,address_line1,city,postal_code
        Ada Whitfield c/o Orchard Books,1 Main St,Austin,78701
        """,
    )
    (order,) = load_orders([path]).orders
    assert (order.name, order.first_name) == ("Ada Whitfield", "Ada")
    assert order.recipient_note == "c/o Orchard Books"


def test_load_orders_smart_case_and_as_typed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        first_name,last_name,address_line1,city,postal_code
        MARY,O'NEIL,1 Main St,Austin,78701
        jan,van der berg,1 Main St,Austin,78701
        """,
    )
    result = load_orders([path])
    assert [o.name for o in result.orders] == ["Mary O'Neil", "Jan van der Berg"]
    assert sum("capitals" in p.message for p in result.problems) == 2
    typed = load_orders([path], LoadOptions(smart_case=False))
    assert [o.name for o in typed.orders] == ["MARY O'NEIL", "jan van der berg"]


def test_load_orders_military_and_po_box(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name,address_line1,address_line2,city,region,postal_code
        Sgt Ada W,Unit 2050 Box 4190,,APO,AE,9464
        Bo L,PO Box 12,5 Main St,Austin,TX,78701
        """,
    )
    first, second = load_orders([path]).orders
    assert first.address == Address("Unit 2050 Box 4190", "", "APO", "AE", "09464", "US")
    assert (second.address.line1, second.address.line2) == ("5 Main St", "PO Box 12")


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


XLSX_ROWS: list[list[object]] = [
    ["Orders for November"],
    [],
    [
        "order_id",
        "name",
        "address_line1",
        "city",
        "region",
        "postal_code",
        "birthday",
        "order_date",
        "items",
    ],
    [
        1001,
        "Ada Whitfield",
        "1 Main St",
        "Boston",
        "MA",
        2134,
        date(1980, 3, 4),
        datetime(2026, 11, 20, 9, 30),
        "Candle",
    ],
    [],
    [1002.0, "Bo Lind", "2 Main St", "Boston", "MA", "02134", 29284, 46346, 2.5],
]


def test_load_orders_xlsx_header_row_serials_and_lost_zeros(tmp_path: Path) -> None:
    """Verify an .xlsx with the header on row 3, date cells, date serials and numeric ZIPs."""
    path = write_xlsx(tmp_path / "orders.xlsx", {"Orders": XLSX_ROWS, "Notes": [["x"]]})
    result = load_orders([path])
    first, second = result.orders
    assert first.source == second.source.__class__(str(path), (4,), "Orders")
    assert second.source.rows == (6,)
    assert (first.order_id, second.order_id) == ("1001", "1002")
    assert first.address.postal_code == "02134"
    assert first.birthday == Birthday(3, 4, 1980)
    assert first.order_date == date(2026, 11, 20)
    assert second.birthday == Birthday(3, 4, 1980)  # serial 29285
    assert second.order_date == date(2026, 11, 20)  # serial 46346
    assert second.items == ("2.5",)
    assert result.rows_read == 2
    assert any(p.sheet == "Orders" and p.row == 4 for p in result.problems)


def test_load_orders_xlsx_sheet_by_name(tmp_path: Path) -> None:
    """Verify the sheet option picks a sheet; an unknown sheet lists the sheets."""
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "Summary": [["total", 3]],
            "Customers": [
                ["name", "address_line1", "city", "postal_code"],
                ["Ada W", "1 Main St", "Austin", "78701"],
            ],
        },
    )
    result = load_orders([path], LoadOptions(sheet="Customers"))
    assert result.orders[0].source.sheet == "Customers"
    with pytest.raises(InputError) as err:
        load_orders([path], LoadOptions(sheet="Orders"))
    assert str(err.value) == (
        f'{path}: there is no sheet "Orders"; the sheets are "Summary", '
        '"Customers". Choose one of those names with --sheet.'
    )


def test_load_orders_missing_file_is_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError) as err:
        load_orders([missing])
    assert str(err.value) == (
        f"{missing}: the file does not exist. Check the path, or export the orders again."
    )


def test_load_orders_unknown_table_names_closest_format(tmp_path: Path) -> None:
    """Verify a file matching no format names its columns and the closest format."""
    path = write(
        tmp_path,
        """
        Name,Email,Financial Status,Total
        #1001,a@example.com,paid,10
        """,
    )
    with pytest.raises(InputError) as err:
        load_orders([path])
    message = str(err.value)
    assert message.startswith(
        f'{path}: the columns ("Name", "Email", "Financial Status", '
        '"Total") match no known export format and lack an address'
    )
    assert 'closest known format is Shopify orders export ("shopify-orders")' in message
    assert "add a mapping" in message


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03binary\x00\xff" * 50, b"just text"])
def test_load_orders_not_a_table(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "weird.csv"
    path.write_bytes(content)
    with pytest.raises(InputError):
        load_orders([path])


def test_load_orders_broken_xlsx_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError) as err:
        load_orders([path])
    assert "not a readable spreadsheet" in str(err.value)


def test_load_orders_bad_options_are_config_errors(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n1,A,B,1 Main,X,VT,05401,US\n")
    with pytest.raises(ConfigError, match="date_order"):
        load_orders([path], LoadOptions(date_order="YMD"))
    with pytest.raises(ConfigError, match="no input format"):
        load_orders([path], LoadOptions(format_name="shopify"))
    with pytest.raises(ConfigError, match="not a notecards column"):
        load_orders([path], LoadOptions(mappings={"mine": {"Kunde": "customer"}}))


def test_load_orders_user_mapping(tmp_path: Path) -> None:
    """Verify a mapping from the configuration reads a file with the user's own columns."""
    path = write(
        tmp_path,
        """
        Kunde,Strasse,Ort,PLZ,Land,Notiz
        Zoë Müller,Hauptstr. 1,Köln,50667,Deutschland,Danke
        """,
    )
    options = LoadOptions(
        home_country="DE",
        mappings={"my-shop": {"Kunde": "name", "Strasse": "address_line1", "PLZ": "postal_code"}},
    )
    result = load_orders([path], options)
    assert result.formats == ("my-shop",)
    (order,) = result.orders
    assert (order.name, order.address.city, order.address.country) == ("Zoë Müller", "Köln", "DE")
    assert ("notiz", "Danke") in order.extra


def test_load_orders_format_name_forces_format(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        Name,Billing Name,Billing Address1,Billing City,Billing Zip,Lineitem name
        #1,Ada W,1 Main St,Austin,78701,Candle
        """,
    )
    result = load_orders([path], LoadOptions(format_name="shopify-orders"))
    assert result.formats == ("shopify-orders",)
    assert result.orders[0].items == ("Candle",)


def test_list_formats() -> None:
    """Verify list_formats returns FormatInfo for every format, canonical last."""
    formats = list_formats()
    assert all(isinstance(f, FormatInfo) for f in formats)
    names = [f.name for f in formats]
    assert names[-1] == "canonical"
    assert {
        "shopify-orders",
        "etsy-sold-orders",
        "etsy-sold-order-items",
        "woocommerce-orders",
        "squarespace-orders",
        "square-customers",
        "google-contacts",
        "google-contacts-legacy",
        "outlook-contacts",
        "thunderbird-contacts",
        "mailchimp-audience",
        "hubspot-contacts",
    } <= set(names)
    assert {f.kind for f in formats} == {"orders", "contacts"}
