"""Parse the date and birthday spellings found in real exports; pure functions only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from notecards.models import Birthday

MDY_COUNTRIES = frozenset(
    {"US", "PR", "VI", "GU", "AS", "MP", "UM", "PH", "CA", "FM", "MH", "PW", "BZ"}
)

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
_VCARD = re.compile(r"-{1,2}(\d{1,2})-?(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{2}|\d{4}))?\.?(?:[ T,].*)?")
_NAME_FIRST = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?(?:\s.*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th|\.)?\s+([^\W\d_]+)\.?(?:,?\s+(\d{4}))?(?:\s.*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_NO_DATE = re.compile(r"0{1,4}[./-]0{1,2}[./-]0{1,4}(?:\s.*)?")

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero janv",
        "february feb febr februar fevrier février febrero",
        "march mar märz maerz mars marzo mrz",
        "april apr avril abril",
        "may mai mayo",
        "june jun juni juin junio",
        "july jul juli juillet julio juil",
        "august aug août aout agosto",
        "september sep sept septembre septiembre",
        "october oct oktober octobre octubre okt",
        "november nov novembre noviembre",
        "december dec dez dezember décembre decembre diciembre déc",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number


@dataclass(frozen=True, slots=True)
class DateParts:
    """A date as read: year may be None (not given, or a "year unknown" placeholder)."""

    year: int | None
    month: int
    day: int
    ambiguous: bool = False


class DateFormatError(ValueError):
    """The text is not a date we can read."""


def default_order(home_country: str) -> str:
    """Return "MDY" for countries that write month first, else "DMY"."""
    return "MDY" if home_country.upper() in MDY_COUNTRIES else "DMY"


def infer_order(values: Iterable[str]) -> str | None:
    """Return the order a column's numeric dates must use, if any value decides it.

    >>> infer_order(["03/04/2024", "12/25/2024"])
    'MDY'
    >>> infer_order(["03/04/2024"]) is None
    True
    """
    day_first = month_first = False
    for value in values:
        match = _NUMERIC.fullmatch(value.strip())
        if not match or match.group(2) == ".":
            continue
        first, second = int(match.group(1)), int(match.group(3))
        day_first |= 12 < first <= 31 and second <= 12
        month_first |= 12 < second <= 31 and first <= 12
    if day_first != month_first:
        return "DMY" if day_first else "MDY"
    return None


def read_date_parts(text: str, order: str, *, birthday: bool = False) -> DateParts | None:
    """Return the parts of *text*, or None when it says "no date" (empty, ``0.0.00``).

    *order* ("MDY"/"DMY") settles numeric dates like 03/04/2024; ``ambiguous`` is set when
    it had to. Year 0000 and years up to 1604 (Apple's "no year") give ``year=None``.

    Raises:
        DateFormatError: the text is not a date.
    """
    value = " ".join(text.replace("\u00a0", " ").split())
    if not value or _NO_DATE.fullmatch(value):
        return None
    parts = _match(value, order, birthday)
    if parts is None:
        raise DateFormatError(f'"{text.strip()}" is not a date')
    year = parts.year
    if year is not None and year <= 1604:
        year = None  # 0000 (Square) and 1604 (Apple) mean "year unknown"
    probe_year = year if year is not None else 2000  # leap year: accepts 29 February
    try:
        date(probe_year, parts.month, parts.day)
    except ValueError as err:
        raise DateFormatError(f'"{text.strip()}" is not a real date ({err})') from err
    return DateParts(year, parts.month, parts.day, parts.ambiguous)


def _match(value: str, order: str, birthday: bool) -> DateParts | None:
    match = _ISO.fullmatch(value)
    if match:
        return DateParts(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _VCARD.fullmatch(value)
    if match and value.startswith("-"):
        return DateParts(None, int(match.group(1)), int(match.group(2)))
    match = _NUMERIC.fullmatch(value)
    if match:
        return _numeric(match, order, birthday)
    match = _COMPACT.fullmatch(value)
    if match:
        return DateParts(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _SERIAL.fullmatch(value)
    if match and 10000 <= int(match.group(1)) <= 80000:
        # An Excel date serial that lost its date format (1900 date system).
        real = date(1899, 12, 30) + timedelta(days=int(match.group(1)))
        return DateParts(real.year, real.month, real.day)
    for pattern, month_group, day_group in ((_NAME_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        match = pattern.fullmatch(value)
        if match and match.group(month_group).casefold() in _MONTHS:
            year = int(match.group(3)) if match.group(3) else None
            return DateParts(
                year, _MONTHS[match.group(month_group).casefold()], int(match.group(day_group))
            )
    return None


def _numeric(match: re.Match[str], order: str, birthday: bool) -> DateParts:
    first, sep, second = int(match.group(1)), match.group(2), int(match.group(3))
    year_text = match.group(4)
    year: int | None = None
    if year_text:
        year = int(year_text)
        if len(year_text) == 2:
            # Two-digit years: orders are recent; birthdays are mostly last century.
            year += 1900 if birthday and year > 30 else 2000
    if sep == ".":
        return DateParts(year, second, first)  # 24.12.1980 is always day first
    ambiguous = first <= 12 and second <= 12 and first != second
    if first > 12:
        return DateParts(year, second, first)
    if second > 12:
        return DateParts(year, first, second)
    if order == "DMY":
        return DateParts(year, second, first, ambiguous)
    return DateParts(year, first, second, ambiguous)


def parse_date(text: str, order: str) -> tuple[date | None, bool]:
    """Return ``(date, ambiguous)`` for an order date; ``(None, False)`` when empty.

    >>> parse_date("2023-05-04 10:11:12 -0400", "MDY")
    (datetime.date(2023, 5, 4), False)
    >>> parse_date("7/25/2018 21:06", "DMY")
    (datetime.date(2018, 7, 25), False)

    Raises:
        DateFormatError: not a date, or a date without a year.
    """
    parts = read_date_parts(text, order)
    if parts is None:
        return None, False
    if parts.year is None:
        raise DateFormatError(f'"{text.strip()}" has no year')
    return date(parts.year, parts.month, parts.day), parts.ambiguous


def parse_birthday(text: str, order: str) -> tuple[Birthday | None, bool]:
    """Return ``(birthday, ambiguous)``; year None when unknown, birthday None when empty.

    >>> parse_birthday("0000-09-01T00:00:00-00:00", "MDY")
    (Birthday(month=9, day=1, year=None), False)
    >>> parse_birthday(" --12-12", "MDY")
    (Birthday(month=12, day=12, year=None), False)

    Raises:
        DateFormatError: not a date.
    """
    parts = read_date_parts(text, order, birthday=True)
    if parts is None:
        return None, False
    return Birthday(parts.month, parts.day, parts.year), parts.ambiguous


def birthday_from_parts(year: str, month: str, day: str) -> Birthday | None:
    """Return a birthday from split columns (Thunderbird), or None when month/day are empty.

    Raises:
        DateFormatError: the parts are not a real date.
    """
    month, day, year = month.strip(), day.strip(), year.strip()
    month = str(_MONTHS.get(month.casefold().rstrip("."), month))
    if not month and not day:
        return None
    text = f"{year or '0000'}-{month}-{day}"
    try:
        parts = read_date_parts(text, "MDY", birthday=True)
    except DateFormatError as err:
        raise DateFormatError(f"year {year!r}, month {month!r}, day {day!r} is not a date") from err
    if parts is None:
        return None
    return Birthday(parts.month, parts.day, parts.year)
