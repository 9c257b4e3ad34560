"""Address formatting per destination country, postal styles, problems and envelope sizes."""

from __future__ import annotations

import pytest
from reportlab.lib.units import inch, mm

from notecards.layout.catalogue import ENVELOPE_FORMATS
from notecards.models import Address
from notecards.postal.addresses import (
    AddressStyle,
    address_problems,
    country_code,
    country_name,
    format_address,
    machinability_warning,
)

# (id, home country, name, company, address, expected lines in STANDARD style)
STANDARD_CASES = [
    (
        "us-domestic",
        "US",
        "Ada Lovelace",
        "",
        Address("12 Main St.", "Apt 4", "Springfield", "Illinois", "62701"),
        ("Ada Lovelace", "12 Main St.", "Apt 4", "SPRINGFIELD, IL 62701"),
    ),
    (
        "us-from-gb-shop",
        "GB",
        "Ada Lovelace",
        "",
        Address("12 Main St.", "", "Boston", "MA", "02138-1234", "US"),
        ("Ada Lovelace", "12 Main St.", "BOSTON, MA 02138-1234", "UNITED STATES"),
    ),
    (
        "us-zip-lost-zero",
        "US",
        "Ada Lovelace",
        "",
        Address("12 Main St.", "", "Boston", "MA", "2138", "US"),
        ("Ada Lovelace", "12 Main St.", "BOSTON, MA 02138"),
    ),
    (
        "ca",
        "US",
        "Émilie Tremblay",
        "",
        Address("2029 av Bourbonnière", "", "Montréal", "Québec", "h1w3n8", "CA"),
        ("ÉMILIE TREMBLAY", "2029 AV BOURBONNIÈRE", "MONTRÉAL QC H1W 3N8", "CANADA"),
    ),
    (
        "gb-domestic",
        "GB",
        "Jane Smith",
        "",
        Address("10 Downing Street", "", "London", "Greater London", "sw1a2aa"),
        ("Jane Smith", "10 Downing Street", "LONDON", "SW1A 2AA"),
    ),
    (
        "gb-from-us",
        "US",
        "Jane Smith",
        "",
        Address("1 High Street", "Little Houghton", "Northampton", "", "nn5 7np", "GB"),
        (
            "Jane Smith",
            "1 High Street",
            "Little Houghton",
            "NORTHAMPTON",
            "NN5 7NP",
            "UNITED KINGDOM",
        ),
    ),
    (
        "de",
        "US",
        "Jürgen Müller",
        "Beispiel GmbH",
        Address("Hauptstraße 5", "", "Berlin", "", "10115", "Deutschland"),
        ("Jürgen Müller", "Beispiel GmbH", "Hauptstraße 5", "10115 BERLIN", "GERMANY"),
    ),
    (
        "fr-company-first",
        "US",
        "Jean Dupont",
        "Librairie Dupont",
        Address("12 rue de la Paix", "", "Paris", "", "75002", "FR"),
        ("Librairie Dupont", "Jean Dupont", "12 rue de la Paix", "75002 PARIS", "FRANCE"),
    ),
    (
        "nl",
        "GB",
        "Jan de Vries",
        "",
        Address("Keizersgracht 1", "", "Amsterdam", "", "1015cs", "NL"),
        ("Jan de Vries", "Keizersgracht 1", "1015 CS AMSTERDAM", "NETHERLANDS"),
    ),
    (
        "au-four-digit-postcode",
        "US",
        "Bruce Wayne",
        "",
        Address("1 George St", "", "Sydney", "New South Wales", "2000", "AU"),
        ("Bruce Wayne", "1 George St", "SYDNEY NSW 2000", "AUSTRALIA"),
    ),
    (
        "jp-latin-city-kept",
        "US",
        "Taro Yamada",
        "",
        Address("1-2-3 Jingumae", "", "Shibuya-ku", "Tokyo", "1500001", "JP"),
        ("Taro Yamada", "1-2-3 Jingumae", "Shibuya-ku, TOKYO", "150-0001", "JAPAN"),
    ),
    (
        "jp-native-city-kept",
        "US",
        "山田太郎",
        "",
        Address("神宮前1-2-3", "", "渋谷区", "東京都", "150-0001", "JP"),
        ("〒150-0001", "東京都", "渋谷区", "神宮前1-2-3", "山田太郎", "JAPAN"),
    ),
    (
        "ie-eircode",
        "GB",
        "Seán Ó Briain",
        "",
        Address("1 Main Street", "", "Dublin 2", "Co. Dublin", "d02x285", "Ireland"),
        ("Seán Ó Briain", "1 Main Street", "DUBLIN 2", "Co. Dublin", "D02 X285", "IRELAND"),
    ),
    (
        "military-apo",
        "US",
        "SGT John Doe",
        "",
        Address("Unit 2050 Box 4190", "", "APO", "AE", "9204"),
        ("SGT John Doe", "Unit 2050 Box 4190", "APO, AE 09204"),
    ),
    (
        "military-apo-host-country-dropped",
        "US",
        "SGT John Doe",
        "",
        Address("Unit 2050 Box 4190", "", "APO", "AE", "09204", "DE"),
        ("SGT John Doe", "Unit 2050 Box 4190", "APO, AE 09204"),
    ),
    (
        "pr-as-us-state",
        "US",
        "María López",
        "",
        Address("1234 Calle Luna", "", "San Juan", "Puerto Rico", "00907", "US"),
        ("María López", "1234 Calle Luna", "SAN JUAN, PR 00907"),
    ),
    (
        "pr-as-country-is-domestic",
        "US",
        "María López",
        "",
        Address("1234 Calle Luna", "", "San Juan", "", "907", "Puerto Rico"),
        ("MARÍA LÓPEZ", "1234 CALLE LUNA", "SAN JUAN PR 00907"),
    ),
    (
        "po-box-and-street",
        "US",
        "Bob Box",
        "",
        Address("PO Box 456", "123 Main St", "Springfield", "IL", "62701"),
        ("Bob Box", "123 Main St", "PO Box 456", "SPRINGFIELD, IL 62701"),
    ),
    (
        "po-box-inside-line1",
        "CA",
        "Bob Box",
        "",
        Address("123 Main St, PO Box 456", "", "Ottawa", "ON", "K2P2L8", "CA"),
        ("BOB BOX", "123 MAIN ST", "PO BOX 456", "OTTAWA ON K2P 2L8"),
    ),
    (
        "unknown-country-generic",
        "US",
        "Ann Example",
        "",
        Address("1 Road", "", "Town", "", "12345", "Narnia"),
        ("Ann Example", "1 Road", "TOWN 12345", "NARNIA"),
    ),
]


@pytest.mark.parametrize(
    ("home", "name", "company", "address", "expected"),
    [case[1:] for case in STANDARD_CASES],
    ids=[case[0] for case in STANDARD_CASES],
)
def test_format_address_standard(home, name, company, address, expected):
    """Verify each destination is laid out by its own country's rules."""
    assert format_address(name, company, address, home_country=home) == expected


USPS_CASES = [
    (
        "unit-joins-delivery-line",
        Address("12 Main St.", "Apt 4", "Springfield", "IL", "62701-1234"),
        "Ada Lovelace, Ph.D.",
        ("ADA LOVELACE PHD", "12 MAIN ST APT 4", "SPRINGFIELD IL 62701-1234"),
    ),
    (
        "hyphens-kept-in-numbers-and-names",
        Address("45-678 Kamehameha Hwy.", "", "Wilkes-Barre", "PA", "18701"),
        "Mary-Jane O'Neil",
        ("MARY-JANE O'NEIL", "45-678 KAMEHAMEHA HWY", "WILKES BARRE PA 18701"),
    ),
    (
        "accents-kept",
        Address("1 Rue Élise", "", "Nouvelle-Orléans", "LA", "70112"),
        "Zoë Núñez",
        ("ZOË NÚÑEZ", "1 RUE ÉLISE", "NOUVELLE ORLÉANS LA 70112"),
    ),
    (
        "military",
        Address("PSC 802 Box 74", "", "APO", "AE", "09499"),
        "SGT John Doe",
        ("SGT JOHN DOE", "PSC 802 BOX 74", "APO AE 09499"),
    ),
    (
        "foreign-keeps-its-punctuation",
        Address("1-2-3 Jingumae", "", "Shibuya-ku", "Tokyo", "150-0001", "JP"),
        "Taro Yamada",
        ("TARO YAMADA", "1-2-3 JINGUMAE", "SHIBUYA-KU, TOKYO", "150-0001", "JAPAN"),
    ),
]


@pytest.mark.parametrize(
    ("address", "name", "expected"),
    [case[1:] for case in USPS_CASES],
    ids=[case[0] for case in USPS_CASES],
)
def test_format_address_usps_style(address, name, expected):
    """Verify USPS style: capitals, no punctuation but hyphens in numbers (Pub 28)."""
    assert format_address(name, "", address, style=AddressStyle.USPS) == expected


def test_format_address_royal_mail_style():
    """Verify Royal Mail style: no commas or full stops, town and postcode in capitals."""
    address = Address("Flat 3, 12 St. John's Road", "Headington", "Oxford", "Oxon.", "ox3 9dp")
    lines = format_address(
        "Mr. A. Smith", "", address, home_country="GB", style=AddressStyle.ROYAL_MAIL
    )
    assert lines == ("Mr A Smith", "Flat 3 12 St John's Road", "Headington", "OXFORD", "OX3 9DP")


@pytest.mark.parametrize(
    "address",
    [
        Address(),
        Address(line1="   ", city="\n"),
        Address("1 Road", "", "", "", "", "ZZ"),
        Address("1 Road", "", "Town", "Nowhere", "!!!", "US"),
        Address("1 Road", "", "Town", "", "", "xx-yy"),
        Address("%N %A %n", "%C", "%Z", "%S", "%%", "DE"),
        Address("1 Road", "", "Town", "", "12345", "KR"),
    ],
)
def test_format_address_never_raises(address):
    """Verify odd data gives lines (possibly none) instead of an exception."""
    for style in AddressStyle:
        lines = format_address("Name", "Co", address, home_country="US", style=style)
        assert all(line == line.strip() and line for line in lines)


def test_format_address_keeps_placeholders_as_text():
    """Verify a value that looks like a format code is printed, not expanded."""
    lines = format_address("A %N", "", Address("%A 1", "", "Berlin", "", "10115", "DE"))
    assert lines == ("A %N", "%A 1", "10115 BERLIN", "GERMANY")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("us", "US"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Deutschland", "DE"),
        ("DEU", "DE"),
        ("nld", "NL"),
        ("Côte d’Ivoire", "CI"),
        ("South Korea", "KR"),
        (" japan ", "JP"),
        ("Narnia", ""),
        ("", ""),
    ],
)
def test_country_code(typed, code):
    """Verify names, codes and common spellings map to ISO alpha-2."""
    assert country_code(typed) == code


def test_country_code_default():
    """Verify the caller's default is used when nothing matches."""
    assert country_code("Narnia", default="??") == "??"


@pytest.mark.parametrize(
    ("code", "name"), [("DE", "GERMANY"), ("gb", "UNITED KINGDOM"), ("JP", "JAPAN")]
)
def test_country_name(code, name):
    """Verify the English country line in capitals."""
    assert country_name(code) == name


@pytest.mark.parametrize(
    ("address", "home", "problems"),
    [
        (Address("1 Main St", "", "Springfield", "IL", "62701"), "US", []),
        (Address(), "US", ["There is no postal address."]),
        (
            Address("1 Main St", "", "", "IL", "62701"),
            "US",
            ["The city is missing."],
        ),
        (
            Address("1 Main St", "", "Springfield", "", "62701"),
            "US",
            ["The state is missing."],
        ),
        (
            Address("1 Main St", "", "Springfield", "IL", "627"),
            "US",
            [
                'ZIP code "627" had lost its leading zero; it is printed as "00627".',
                'ZIP code "00627" does not belong to state IL.',
            ],
        ),
        (
            Address("1 Main St", "", "Springfield", "IL", "62701-12"),
            "US",
            ['ZIP code "62701-12" is not valid for UNITED STATES (example: 95014).'],
        ),
        (
            Address("1 Main St", "", "Springfield", "Kalifornia", "62701"),
            "US",
            ['"Kalifornia" is not a state of UNITED STATES.'],
        ),
        (
            Address("10 Downing St", "", "London", "", "SW1A 2AAA", "GB"),
            "US",
            ['Postcode "SW1A 2AAA" is not valid for UNITED KINGDOM (example: EC1Y 8SY).'],
        ),
        (
            Address("1 Main St", "", "Toronto", "ON", "", "CA"),
            "US",
            ["The postal code is missing."],
        ),
        (
            Address("Unit 2050 Box 4190", "", "Berlin", "AE", "09204"),
            "US",
            ["A military address (AA, AE or AP) needs APO, FPO or DPO as the city."],
        ),
        (
            Address("1 Road", "", "Town", "", "", "Narnia"),
            "US",
            ['Country "Narnia" is not recognised; the address is printed as typed.'],
        ),
        (Address("Keizersgracht 1", "", "Amsterdam", "", "1015 CS", "NL"), "GB", []),
    ],
)
def test_address_problems(address, home, problems):
    """Verify each delivery risk is described in one sentence."""
    assert address_problems(address, home_country=home) == problems


@pytest.mark.parametrize(
    ("envelope", "home", "warning"),
    [
        ("a2", "US", None),
        ("a7", "US", None),
        ("no10", "US", None),
        (
            "c5",
            "US",
            "A 9.02 × 6.38 in envelope is larger than a letter (11 1/2 × 6 1/8 in) and pays "
            "the USPS large-envelope (flat) price.",
        ),
        ("c6", "GB", None),
        ("dl", "GB", None),
        ("c5", "GB", None),
        ("a7", "DE", None),
    ],
)
def test_machinability_warning_catalogue(envelope, home, warning):
    """Verify the catalogue envelopes against USPS and Royal Mail size rules."""
    env = ENVELOPE_FORMATS[envelope]
    assert machinability_warning(env.width_pt, env.height_pt, home_country=home) == warning


@pytest.mark.parametrize(
    ("width_pt", "height_pt", "warning"),
    [
        (6 * inch, 6 * inch, "A square envelope pays the USPS nonmachinable surcharge."),
        (
            5.5 * inch,
            4.5 * inch,
            "A 5.5 × 4.5 in envelope has an aspect ratio of 1.22, outside USPS's 1.3–2.5, and "
            "pays the nonmachinable surcharge.",
        ),
        (
            11 * inch,
            4 * inch,
            "A 11 × 4 in envelope has an aspect ratio of 2.75, outside USPS's 1.3–2.5, and "
            "pays the nonmachinable surcharge.",
        ),
        (
            4.5 * inch,
            3 * inch,
            "A 4.5 × 3 in envelope is smaller than 5 × 3 1/2 in, so USPS will not accept it.",
        ),
    ],
)
def test_machinability_warning_usps(width_pt, height_pt, warning):
    """Verify USPS square, aspect-ratio and minimum-size rules."""
    assert machinability_warning(width_pt, height_pt, home_country="US") == warning
    assert machinability_warning(height_pt, width_pt, home_country="USA") == warning


def test_machinability_warning_royal_mail_large_letter():
    """Verify a B5 envelope is past the Letter size and pays the Large Letter price."""
    assert machinability_warning(250 * mm, 176 * mm, home_country="GB") == (
        "A 250 × 176 mm envelope is larger than a Royal Mail Letter (240 × 165 mm) and "
        "pays the Large Letter price."
    )


def test_machinability_warning_royal_mail_small():
    """Verify pieces under Royal Mail's minimum are flagged."""
    assert machinability_warning(130 * mm, 85 * mm, home_country="GB") == (
        "A 130 × 85 mm envelope is smaller than Royal Mail's minimum of 140 × 90 mm."
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("North Macedonia", "MK"),
        ("Laos", "LA"),
        ("Moldova", "MD"),
        ("Republic of Korea", "KR"),
        ("Vereinigtes Königreich", "GB"),
        ("Türkiye", "TR"),
        ("the Netherlands", "NL"),
        ("Côte d'Ivoire", "CI"),
    ],
)
def test_one_country_table_for_loading_and_addresses(typed, code):
    """Verify the loader and the address formatter know the same countries (one table)."""
    from notecards.loading.address_cells import build_address  # noqa: F401  (imports the table)
    from notecards.postal import countries

    assert countries.country_code(typed) == code
    lines = format_address("Ada Lovelace", "", Address("1 Rue", "", "Ville", "", "1000", typed))
    assert lines[-1] == countries.country_name(code)  # recognised: the post's own name
