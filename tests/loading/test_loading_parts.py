"""Unit tests for the pure parts of loading: names, dates, postal codes, countries, encodings."""

from __future__ import annotations

from datetime import date

import pytest

from notecards.loading.address_cells import AddressCells, build_address, clean_postal_code
from notecards.loading.dates import (
    DateFormatError,
    birthday_from_parts,
    infer_order,
    parse_birthday,
    parse_date,
)
from notecards.loading.encoding import decode_bytes, repair_mojibake
from notecards.loading.names import names_match, smart_case_name, tidy_name
from notecards.models import Address, Birthday
from notecards.postal.countries import lookup_country as country_code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JANE MCDONALD", "Jane McDonald"),
        ("mary o'neil", "Mary O'Neil"),
        ("JAN VAN DER BERG", "Jan van der Berg"),
        ("ian mackenzie", "Ian MacKenzie"),
        ("tom mack", "Tom Mack"),
        ("ANNE-MARIE SMITH-JONES", "Anne-Marie Smith-Jones"),
        ("JOHN SMITH III", "John Smith III"),
        ("DeVito", "DeVito"),
        ("LaRue", "LaRue"),
        ("McKenzie", "McKenzie"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_smart_case_name_keeps_name_patterns(text: str, expected: str) -> None:
    """Verify ALL CAPS / lower names get name case and mixed case is left as typed."""
    assert smart_case_name(text) == expected


def test_smart_case_surname_particles_lower() -> None:
    """Verify a surname field "VAN DER BERG" becomes "van der Berg"."""
    assert smart_case_name("VAN DER BERG", surname=True) == "van der Berg"
    assert smart_case_name("DE LA CRUZ", surname=True) == "de la Cruz"


def test_tidy_name_credentials_split_badly() -> None:
    """Verify "<First> <Last>, B. Eng, MBA," + last "PMP" becomes first/last without credentials."""
    name = tidy_name(first="Jane Roe, B. Eng, MBA,", last="PMP")
    assert (name.first, name.last, name.full) == ("Jane", "Roe", "Jane Roe")
    assert name.changes


def test_tidy_name_surname_like_a_credential_kept() -> None:
    """Verify a real last name such as "Usa" or "Do" is not dropped as a credential."""
    assert tidy_name(first="A", last="USA", smart_case=False).last == "USA"
    assert tidy_name(first="Kim", last="Do").full == "Kim Do"


def test_tidy_name_credentials_after_comma_dropped() -> None:
    name = tidy_name(full="Dr. Jane Roe, PhD, MBA")
    assert (name.first, name.full) == ("Jane", "Dr. Jane Roe")
    assert tidy_name(full="John Smith, Jr.").full == "John Smith Jr."


@pytest.mark.parametrize(
    ("kwargs", "first", "last"),
    [
        ({"full": "Ann and Bob Smith"}, "Ann and Bob", "Smith"),
        ({"full": "Ann & Bob"}, "Ann & Bob", ""),
        ({"first": "Ann & Bob", "last": "Smith"}, "Ann & Bob", "Smith"),
        ({"first": "ANN AND BOB", "last": "SMITH"}, "Ann and Bob", "Smith"),
    ],
)
def test_tidy_name_couples_kept_whole(kwargs: dict[str, str], first: str, last: str) -> None:
    """Verify couples greet both people."""
    name = tidy_name(**kwargs)
    assert (name.first, name.last) == (first, last)


def test_tidy_name_care_of_moved_out() -> None:
    """Verify "Jane Roe c/o Acme Ltd" keeps Jane Roe as the name and the c/o part apart."""
    name = tidy_name(full="Jane Roe C/O Acme Ltd")
    assert (name.full, name.first, name.care_of) == ("Jane Roe", "Jane", "Acme Ltd")


def test_tidy_name_single_and_empty_names() -> None:
    """Verify a single name greets with it, and no name gives first "" (Dear friend)."""
    assert tidy_name(full="Jane").first == "Jane"
    assert tidy_name(full="  Jane   Roe ").full == "Jane Roe"
    assert tidy_name(last="Roe").first == ""
    assert tidy_name().first == ""


def test_tidy_name_last_comma_first() -> None:
    assert tidy_name(full="Roe, Jane").full == "Jane Roe"


def test_tidy_name_smart_case_off_keeps_capitals() -> None:
    assert tidy_name(full="JANE ROE", smart_case=False).full == "JANE ROE"


def test_names_match_partial_names() -> None:
    assert names_match("Jane", "Jane Roe")
    assert not names_match("Jane Roe", "John Smith")


@pytest.mark.parametrize(
    ("text", "order", "expected", "ambiguous"),
    [
        ("2024-03-12", "MDY", date(2024, 3, 12), False),
        ("2023-05-04 10:11:12 -0400", "DMY", date(2023, 5, 4), False),
        ("2024-03-12T09:14:00Z", "MDY", date(2024, 3, 12), False),
        ("3/15/2024 2:30 PM", "DMY", date(2024, 3, 15), False),
        ("7/25/2018 21:06", "MDY", date(2018, 7, 25), False),
        ("03/04/2024", "MDY", date(2024, 3, 4), True),
        ("03/04/2024", "DMY", date(2024, 4, 3), True),
        ("12/31/21", "MDY", date(2021, 12, 31), False),
        ("24.12.2023", "MDY", date(2023, 12, 24), False),
        ("March 14, 2024", "DMY", date(2024, 3, 14), False),
        ("14 March 2024", "MDY", date(2024, 3, 14), False),
        ("45000", "MDY", date(2023, 3, 15), False),
        ("", "MDY", None, False),
    ],
)
def test_parse_date_spellings(
    text: str, order: str, expected: date | None, ambiguous: bool
) -> None:
    """Verify the order-date spellings seen in exports, and the ambiguity flag."""
    assert parse_date(text, order) == (expected, ambiguous)


@pytest.mark.parametrize("text", ["next week", "13/13/2024", "2024-02-30", "03/04"])
def test_parse_date_rejects_non_dates(text: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(text, "MDY")


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("1975-12-12", "MDY", Birthday(12, 12, 1975)),
        ("--12-12", "MDY", Birthday(12, 12, None)),
        (" --03-09", "MDY", Birthday(3, 9, None)),
        ("0000-09-01T00:00:00-00:00", "MDY", Birthday(9, 1, None)),
        ("1604-12-08 00:00:00", "MDY", Birthday(12, 8, None)),
        ("20/01/1991", "MDY", Birthday(1, 20, 1991)),
        ("01/20/1991", "DMY", Birthday(1, 20, 1991)),
        ("02/03", "MDY", Birthday(2, 3, None)),
        ("02/03", "DMY", Birthday(3, 2, None)),
        ("3/14", "MDY", Birthday(3, 14, None)),
        ("March 14", "DMY", Birthday(3, 14, None)),
        ("5.3.1977", "MDY", Birthday(3, 5, 1977)),
        ("29.02.0000", "MDY", Birthday(2, 29, None)),
        ("0.0.00", "MDY", None),
        ("0/0/00", "MDY", None),
        ("", "MDY", None),
    ],
)
def test_parse_birthday_spellings(text: str, order: str, expected: Birthday | None) -> None:
    """Verify ISO, --MM-DD, year 0000/1604 unknown, DD/MM vs MM/DD, month/day only, 0.0.00."""
    assert parse_birthday(text, order)[0] == expected


def test_birthday_from_split_columns() -> None:
    """Verify Thunderbird's Birth Year/Month/Day columns."""
    assert birthday_from_parts("1981", "5", "4") == Birthday(5, 4, 1981)
    assert birthday_from_parts("", "04", "04") == Birthday(4, 4, None)
    assert birthday_from_parts("", "", "") is None
    with pytest.raises(DateFormatError):
        birthday_from_parts("1981", "13", "4")


def test_infer_order_from_column() -> None:
    assert infer_order(["01/02/2024", "25/12/2024"]) == "DMY"
    assert infer_order(["01/02/2024", "12/25/2024"]) == "MDY"
    assert infer_order(["01/02/2024"]) is None
    assert infer_order(["13/01/2024", "01/13/2024"]) is None  # mixed: undecided


@pytest.mark.parametrize(
    ("code", "country", "expected", "changed"),
    [
        ("2134", "US", "02134", True),
        ("'0812", "US", "00812", True),
        ("'84403", "US", "84403", False),
        ("2134-1234", "US", "02134-1234", True),
        ("021341234", "US", "02134-1234", False),
        ("0812", "AU", "0812", False),
        ("2000", "AU", "2000", False),
        ("k2p2l8", "CA", "K2P 2L8", False),
        ("A1A 1a1", "CA", "A1A 1A1", False),
        ("sw1a1aa", "GB", "SW1A 1AA", False),
        (" 10115 ", "DE", "10115", False),
    ],
)
def test_clean_postal_code(code: str, country: str, expected: str, changed: bool) -> None:
    """Verify the ' prefix is stripped and only US 4-digit ZIPs are re-padded (with a note)."""
    value, note = clean_postal_code(code, country)
    assert value == expected
    assert bool(note) == changed


def test_build_address_military_apo() -> None:
    """Verify APO/AE with a ZIP that lost its zero becomes US, APO, AE 09464."""
    address, notes = build_address(
        AddressCells(line1="Unit 2050 Box 4190", city="apo", region="ae", postal_code="9464"), "GB"
    )
    assert address == Address("Unit 2050 Box 4190", "", "APO", "AE", "09464", "US")
    assert [part for part, _ in notes] == ["postal_code"]


@pytest.mark.parametrize("country", ["Puerto Rico", "PR"])
def test_build_address_puerto_rico_is_us_region_pr(country: str) -> None:
    """Verify country "Puerto Rico" becomes country US + region PR (domestic for USPS)."""
    address, notes = build_address(
        AddressCells(line1="1 Calle Sol", city="San Juan", postal_code="00901", country=country),
        "US",
    )
    assert (address.country, address.region) == ("US", "PR")
    assert notes


def test_build_address_territory_as_region() -> None:
    address, _ = build_address(
        AddressCells(
            line1="1 Main", city="Hagatna", region="gu", postal_code="96910", country="USA"
        ),
        "US",
    )
    assert (address.country, address.region) == ("US", "GU")


def test_build_address_house_number_alone_joined() -> None:
    """Verify "1234" / "Example Rd" becomes one line."""
    address, notes = build_address(
        AddressCells(line1="1234", line2="Example Rd", city="X", postal_code="12345"), "US"
    )
    assert (address.line1, address.line2) == ("1234 Example Rd", "")
    assert notes


def test_build_address_unit_after_number_not_joined() -> None:
    address, _ = build_address(AddressCells(line1="12 High St", line2="Apt 3", city="X"), "US")
    assert (address.line1, address.line2) == ("12 High St", "Apt 3")


def test_build_address_po_box_goes_last() -> None:
    """Verify a PO Box on line 1 with a street on line 2 is put last, and "<street>, PO Box"."""
    address, _ = build_address(AddressCells(line1="PO Box 12", line2="5 Main St", city="X"), "US")
    assert (address.line1, address.line2) == ("5 Main St", "PO Box 12")
    address, _ = build_address(AddressCells(line1="5 Main St, P.O. Box 12", city="X"), "US")
    assert (address.line1, address.line2) == ("5 Main St", "P.O. Box 12")
    address, _ = build_address(AddressCells(line1="PO Box 77", city="X"), "US")
    assert address.line1 == "PO Box 77"


def test_build_address_uk_no_region() -> None:
    address, notes = build_address(
        AddressCells(line1="10 Downing St", city="London", postal_code="SW1A 2AA", country="UK"),
        "US",
    )
    assert address == Address("10 Downing St", "", "London", "", "SW1A 2AA", "GB")
    assert notes == []


def test_build_address_one_cell_mailchimp() -> None:
    address, _ = build_address(
        AddressCells(full="123 Main St  Apt 4  Springfield  IL  62701  US"), "US"
    )
    assert address == Address("123 Main St", "Apt 4", "Springfield", "IL", "62701", "US")


def test_build_address_multiline_street() -> None:
    address, _ = build_address(AddressCells(lines="1 Main St\nFlat 2", city="Leeds"), "GB")
    assert (address.line1, address.line2) == ("1 Main St", "Flat 2")


def test_build_address_unknown_country_kept_with_note() -> None:
    address, notes = build_address(AddressCells(line1="1 A", city="B", country="Narnia"), "US")
    assert address.country == "Narnia"
    assert notes[0][0] == "country"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("USA", "US"),
        ("United States", "US"),
        ("U.S.", "US"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Deutschland", "DE"),
        ("España", "ES"),
        ("Österreich", "AT"),
        ("Canada", "CA"),
        ("ca", "CA"),
        ("Korea, Republic of", "KR"),
        ("", ""),
    ],
)
def test_country_code_names(text: str, code: str) -> None:
    """Verify English names, codes and common local forms become ISO alpha-2."""
    assert country_code(text) == code


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Zoë;Müller".encode(), "utf-8"),
        ("Zoë;Müller".encode("utf-8-sig"), "utf-8-sig"),
        ("Zoë;Müller".encode("utf-16"), "utf-16"),
        ("\ufeffZoë;Müller".encode("utf-16-be"), "utf-16"),
        ("Zoë;Müller".encode("cp1252"), "cp1252"),
        ("Zoë;Müller".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_decode_bytes_encodings(data: bytes, encoding: str) -> None:
    """Verify UTF-8, UTF-8-BOM, UTF-16 LE/BE with BOM, and cp1252."""
    text, found = decode_bytes(data)
    assert text == "Zoë;Müller"
    assert found == encoding


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MontrÃ©al", "Montréal"),
        ("JosÃ© NÃºÃ±ez", "José Núñez"),
        ("Ã…sa", "Åsa"),
        ("SÃO PAULO", None),
        ("Montréal", None),
        ("Plain", None),
    ],
)
def test_repair_mojibake_only_when_unambiguous(text: str, expected: str | None) -> None:
    assert repair_mojibake(text) == expected
