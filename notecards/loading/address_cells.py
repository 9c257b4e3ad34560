"""Build a postal Address from an export's address cells: ZIPs, countries, PO boxes, APO/FPO."""

from __future__ import annotations

import re
from dataclasses import dataclass

from notecards.models import Address
from notecards.postal.countries import US_TERRITORIES
from notecards.postal.countries import lookup_country as country_code

_MILITARY_CITIES = frozenset({"APO", "FPO", "DPO"})
_MILITARY_REGIONS = frozenset({"AA", "AE", "AP"})
_PO_BOX = re.compile(
    r"\b(?:p\.?\s*o\.?\s*box|post\s+office\s+box|pobox|postfach|"
    r"boite\s+postale|apartado)\b\.?\s*\d*",
    re.IGNORECASE,
)
_HOUSE_NUMBER = re.compile(r"\d+[A-Za-z]?(?:\s?[-/]\s?\d+[A-Za-z]?)?")
_UNIT = re.compile(
    r"(?:apt|apartment|unit|suite|ste|flat|#|spc|rm|room|fl|floor|bldg|mb)\b", re.IGNORECASE
)
_CA_POSTCODE = re.compile(r"([A-Z]\d[A-Z])\s*(\d[A-Z]\d)")
_GB_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})")


@dataclass(frozen=True, slots=True)
class AddressCells:
    """The address cells of one role (billing, shipping, home …) as read from a row."""

    line1: str = ""
    line2: str = ""
    line3: str = ""
    lines: str = ""  # one cell holding several lines ("Address 1&2", Google's Street)
    full: str = ""  # a whole address in one cell (Mailchimp's "Address")
    po_box: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    @property
    def is_empty(self) -> bool:
        """Return True when no cell that locates a letter box is filled in."""
        return not any(
            (
                self.line1,
                self.line2,
                self.lines,
                self.full,
                self.po_box,
                self.city,
                self.postal_code,
            )
        )


def clean_postal_code(code: str, country: str) -> tuple[str, str]:
    """Return ``(postal_code, note)``; note says what changed when a reader should know.

    >>> clean_postal_code("'0812", "US")
    ('00812', 'added the leading zero that a spreadsheet dropped from ZIP code "0812"')
    >>> clean_postal_code("h1w3n8", "CA"), clean_postal_code("0812", "AU")
    (('H1W 3N8', ''), ('0812', ''))
    """
    value = " ".join(code.split()).lstrip("'").strip()
    value = value.upper()
    if country == "US":
        match = re.fullmatch(r"(\d{4})(-\d{4})?", value)
        if match:
            note = f'added the leading zero that a spreadsheet dropped from ZIP code "{value}"'
            return f"0{value}", note
        if re.fullmatch(r"\d{9}", value):
            return f"{value[:5]}-{value[5:]}", ""
    elif country == "CA":
        match = _CA_POSTCODE.fullmatch(value)
        if match:
            return f"{match.group(1)} {match.group(2)}", ""
    elif country == "GB":
        match = _GB_POSTCODE.fullmatch(value)
        if match:
            return f"{match.group(1)} {match.group(2)}", ""
    return value, ""


def parse_one_cell_address(text: str) -> AddressCells:
    """Return the parts of a one-cell address whose parts are separated by two spaces.

    >>> parse_one_cell_address("123 Main St  Apt 4  Springfield  IL  62701  US")
    AddressCells(line1='123 Main St', line2='Apt 4', line3='', lines='', full='', po_box='', \
city='Springfield', region='IL', postal_code='62701', country='US')
    """
    parts = [p.strip() for p in re.split(r"\s{2,}|\n", text.strip()) if p.strip()]
    country = ""
    if len(parts) >= 4 and country_code(parts[-1]):
        country = parts.pop()
    postal = parts.pop() if len(parts) >= 3 and re.search(r"\d", parts[-1]) else ""
    region = parts.pop() if len(parts) >= 3 else ""
    city = parts.pop() if len(parts) >= 2 else ""
    if not parts:
        return AddressCells(line1=text.strip())
    return AddressCells(
        line1=parts[0],
        line2=", ".join(parts[1:]),
        city=city,
        region=region,
        postal_code=postal,
        country=country,
    )


def build_address(cells: AddressCells, home_country: str) -> tuple[Address, list[tuple[str, str]]]:
    """Return the Address and notes ``(part, what changed)`` for warnings.

    The country becomes ISO alpha-2 (empty stays empty: the home country applies). US
    territories become country US with the territory as region; APO/FPO/DPO addresses get
    country US. ZIPs are re-padded only for the US.
    """
    notes: list[tuple[str, str]] = []
    if cells.full and not (cells.line1 or cells.lines):
        parsed = parse_one_cell_address(cells.full)
        cells = AddressCells(
            parsed.line1,
            parsed.line2,
            "",
            "",
            "",
            cells.po_box,
            cells.city or parsed.city,
            cells.region or parsed.region,
            cells.postal_code or parsed.postal_code,
            cells.country or parsed.country,
        )
    line1, line2 = _lines(cells)
    city = " ".join(cells.city.split())
    region = " ".join(cells.region.split())
    country_text = " ".join(cells.country.split())
    code = country_code(country_text)
    if code is None:
        notes.append(
            ("country", f'the country "{country_text}" is not one we know; it is kept as written')
        )
        country = country_text
    else:
        country = code
    if country in US_TERRITORIES:
        if region and region.upper() != country:
            line2 = ", ".join(p for p in (line2, region) if p)
        notes.append(
            (
                "country",
                f'wrote "{country_text}" as country US, region {country} '
                "(USPS treats it as domestic mail)",
            )
        )
        country, region = "US", country
    if city.upper() in _MILITARY_CITIES or region.upper() in _MILITARY_REGIONS:
        city, region = city.upper(), region.upper()
        if region in _MILITARY_REGIONS and country in ("", "US"):
            country = "US"
    elif country == "US" and region.upper() in US_TERRITORIES | {"DC"}:
        region = region.upper()
    effective = country or home_country.upper()
    postal, note = clean_postal_code(cells.postal_code, effective)
    if note:
        notes.append(("postal_code", note))
    line1, line2, moved = _order_lines(line1, line2)
    if moved:
        notes.append(("address_line1", moved))
    return Address(line1, line2, city, region, postal, country), notes


def _lines(cells: AddressCells) -> tuple[str, str]:
    lines: list[str] = []
    for cell in (cells.lines, cells.line1, cells.line2, cells.line3):
        lines.extend(" ".join(part.split()) for part in re.split(r"\r?\n", cell) if part.strip())
    box = " ".join(cells.po_box.split())
    if box and not any(box in line for line in lines):
        lines.append(box if not box.isdigit() else f"PO Box {box}")
    if not lines:
        return "", ""
    return lines[0], ", ".join(lines[1:])


def _order_lines(line1: str, line2: str) -> tuple[str, str, str]:
    """Join a lone house number with its street; put a PO Box last (USPS delivers there)."""
    if line2 and _HOUSE_NUMBER.fullmatch(line1) and not _UNIT.match(line2):
        return f"{line1} {line2}", "", f'joined the house number "{line1}" with "{line2}"'
    if line2 and _PO_BOX.match(line1) and not _PO_BOX.search(line2) and not _UNIT.match(line2):
        return line2, line1, f'moved "{line1}" after the street so the post office box comes last'
    if not line2:
        match = re.fullmatch(
            r"(.+?),\s*((?:p\.?\s*o\.?\s*box|post\s+office\s+box)\s*\S+)", line1, re.IGNORECASE
        )
        if match and not _PO_BOX.match(match.group(1)):
            return match.group(1), match.group(2), ""
    return line1, line2, ""
