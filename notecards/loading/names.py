"""Tidy people's names: smart case, credentials, couples, care-of; pure functions only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from notecards.models import normalise_name

_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "la",
        "le",
        "du",
        "dos",
        "das",
        "ten",
        "ter",
        "vom",
        "zu",
        "zum",
        "y",
        "bin",
        "al",
    }
)
_MAC_NAMES = frozenset(
    {
        "macdonald",
        "mackenzie",
        "macleod",
        "macgregor",
        "macarthur",
        "macmillan",
        "macintyre",
        "mackay",
        "maclean",
        "macneil",
        "macpherson",
        "macaulay",
        "macdougall",
        "macfarlane",
        "macinnes",
        "mackinnon",
        "maclachlan",
        "macintosh",
        "mackintosh",
        "macbeth",
        "macrae",
    }
)
_ROMAN = frozenset({"ii", "iii", "iv", "vi", "vii", "viii"})
_GENERATIONAL = frozenset({"jr", "sr", "ii", "iii", "iv"})
_CREDENTIALS = frozenset(
    {
        "phd",
        "md",
        "dds",
        "dmd",
        "do",
        "rn",
        "cpa",
        "mba",
        "pmp",
        "pe",
        "esq",
        "jd",
        "ba",
        "bsc",
        "msc",
        "ma",
        "ms",
        "bs",
        "beng",
        "meng",
        "cfa",
        "lcsw",
        "np",
        "pa",
        "dvm",
        "od",
        "facs",
        "cissp",
        "mph",
        "msw",
        "lpc",
        "edd",
        "dphil",
        "llb",
        "llm",
        "frcs",
        "mrcp",
        "ceng",
        "cpt",
        "ret",
        "usn",
        "usmc",
        "usa",
        "usaf",
        "obe",
        "mbe",
        "cbe",
        "qc",
        "kc",
        "aia",
        "leed",
        "ap",
    }
)
_PREFIXES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "rev",
        "sir",
        "dame",
        "herr",
        "frau",
        "mme",
        "mlle",
        "m",
    }
)
_CARE_OF = re.compile(r"\s*(?:\bc/o\b|\bc/-|\bcare of\b|\bz\.\s?hd\.?)\s*", re.IGNORECASE)
_COUPLE = re.compile(r"\s+(and|&|\+|und|et|y)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A tidied name: ``first`` greets, ``full`` goes on the envelope."""

    first: str
    last: str
    full: str
    care_of: str = ""
    changes: tuple[tuple[str, str], ...] = ()  # (part: first|last|full|middle, what changed)


def tidy_name(
    first: str = "",
    last: str = "",
    full: str = "",
    *,
    middle: str = "",
    prefix: str = "",
    suffix: str = "",
    smart_case: bool = True,
) -> PersonName:
    """Return a tidied name from whatever parts an export gave.

    >>> tidy_name(full="JANE MCDONALD-O'NEIL")
    PersonName(first='Jane', last="McDonald-O'Neil", full="Jane McDonald-O'Neil", care_of='', \
changes=(('full', 'changed the capitals of "JANE MCDONALD-O\\'NEIL" to "Jane McDonald-O\\'Neil"'),))
    >>> tidy_name(first="Jane Roe, B. Eng, MBA,", last="PMP").full
    'Jane Roe'
    """
    if not (first or last or full or middle):
        return PersonName("", "", "")
    changes: list[tuple[str, str]] = []
    first, last, full = _spaces(first), _spaces(last), _spaces(full)
    middle, prefix, suffix = _spaces(middle), _spaces(prefix), _spaces(suffix)
    care_of = ""
    for label in ("full", "first", "last"):
        value = {"full": full, "first": first, "last": last}[label]
        head, tail = _split_care_of(value)
        if tail:
            care_of = care_of or tail
            if label == "full":
                full = head
            elif label == "first":
                first = head
            else:
                last = head
    if "," in first and _is_credential_list(last):
        # A badly split "<First> <Last>, B. Eng, MBA, PMP": the "last name" is a credential.
        changes.append(("last", f'dropped the credentials "{last}" from the last name'))
        last = ""
        first, dropped = _drop_credentials(first)
        if dropped and " " in first:
            first, last = _split_full(first)
    else:
        first, dropped = _drop_credentials(first)
        if dropped:
            changes.append(("first", f'dropped "{dropped}" after the first name'))
    full, dropped = _drop_credentials(full)
    if dropped:
        changes.append(("full", f'dropped "{dropped}" after the name'))
    full = _swap_last_first(full)
    if not full and not first and not last and care_of:
        full, care_of = care_of, ""
    if smart_case:
        for label in ("first", "last", "full", "middle"):
            value = {"first": first, "last": last, "full": full, "middle": middle}[label]
            cased = smart_case_name(value, surname=label == "last")
            if cased != value:
                changes.append((label, f'changed the capitals of "{value}" to "{cased}"'))
                if label == "first":
                    first = cased
                elif label == "last":
                    last = cased
                elif label == "full":
                    full = cased
                else:
                    middle = cased
    if not full:
        full = " ".join(p for p in (prefix, first, middle, last, suffix) if p)
    if not first and not last and full:
        first, last = _split_full(full)
    return PersonName(first, last, full, care_of, tuple(changes))


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _split_care_of(text: str) -> tuple[str, str]:
    match = _CARE_OF.search(text)
    if not match:
        return text, ""
    return text[: match.start()].strip(" ,"), text[match.end() :].strip(" ,")


def _is_credential(token: str) -> bool:
    key = re.sub(r"[\s.]", "", token).casefold()
    return key in _CREDENTIALS


def _is_credential_list(text: str) -> bool:
    if not text or len(text) > 40:
        return False
    parts = [p for p in re.split(r"[,\s]+", text.strip(" ,")) if p]
    return bool(parts) and all(_is_credential(p) or _is_credential(text.strip(" ,")) for p in parts)


def _drop_credentials(text: str) -> tuple[str, str]:
    """Return (name, dropped) where credentials after a comma are removed; Jr./III kept."""
    if "," not in text:
        return text, ""
    head, _, tail = text.partition(",")
    parts = [p.strip() for p in tail.split(",") if p.strip()]
    if not parts:
        return head.strip(), tail.strip()
    generational = [p for p in parts if re.sub(r"\W", "", p).casefold() in _GENERATIONAL]
    rest = [p for p in parts if p not in generational]
    if rest and not all(_is_credential(p) for p in rest):
        return text, ""
    kept = " ".join([head.strip(), *generational])
    return kept, ", ".join(rest)


def _swap_last_first(text: str) -> str:
    """Return "Jane Roe" for "Roe, Jane" (one comma, plain words on both sides)."""
    if text.count(",") != 1:
        return text
    last, first = (p.strip() for p in text.split(","))
    plain = re.compile(r"[^\W\d_]+(?:[-' ][^\W\d_]+){0,2}")
    if plain.fullmatch(last) and plain.fullmatch(first):
        return f"{first} {last}"
    return text


def _split_full(full: str) -> tuple[str, str]:
    """Return (greeting name, last name) from a full name, keeping couples whole."""
    tokens = [t for t in full.split() if t.rstrip(".").casefold() not in _PREFIXES] or full.split()
    while len(tokens) > 1 and re.sub(r"\W", "", tokens[-1]).casefold() in _GENERATIONAL | {
        "phd",
        "md",
        "esq",
    }:
        tokens = tokens[:-1]
    text = " ".join(tokens)
    couple = _COUPLE.search(text)
    if couple:
        left = text[: couple.start()].split()
        right = text[couple.end() :].split()
        if left and right:
            greeting = f"{left[0]} {couple.group(1)} {right[0]}"
            return greeting, " ".join(right[1:])
    if len(tokens) == 1:
        return tokens[0], ""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].casefold() in _PARTICLES:
        start -= 1
    return tokens[0], " ".join(tokens[start:])


def is_shouting(text: str) -> bool:
    """Return True when *text* is all capitals or all lower case (and has cased letters)."""
    if not (text.isupper() or text.islower()):
        return False
    return sum(1 for c in text if c.isalpha() and c.upper() != c.lower()) >= 2


@lru_cache(maxsize=8192)
def smart_case_name(text: str, *, surname: bool = False) -> str:
    """Return *text* in name case when it is ALL CAPS or all lower; else unchanged.

    >>> smart_case_name("VAN DER BERG", surname=True)
    'van der Berg'
    >>> smart_case_name("jan van der berg")
    'Jan van der Berg'
    >>> smart_case_name("DeVito")
    'DeVito'
    """
    if not is_shouting(text):
        return text
    tokens = text.split(" ")
    out = []
    for index, token in enumerate(tokens):
        lower = token.casefold()
        is_last = index == len(tokens) - 1
        if lower in _PARTICLES and not is_last and (index > 0 or surname):
            out.append(lower)
        elif lower in _ROMAN and index > 0:
            out.append(token.upper())
        elif lower in {"and", "und", "et"} and 0 < index and not is_last:
            out.append(lower)
        else:
            out.append("-".join(_case_word(part) for part in token.split("-")))
    return " ".join(out)


def _case_word(word: str) -> str:
    lower = word.casefold()
    if not lower:
        return word
    for mark in ("'", "\u2019"):
        if mark in lower[1:3]:
            head, _, tail = lower.partition(mark)
            if len(head) <= 2:  # O'Neil, D'Arco
                return f"{head.capitalize()}{mark}{tail.capitalize()}"
    if lower.startswith("mc") and len(lower) > 3:
        return "Mc" + lower[2:].capitalize()
    if lower in _MAC_NAMES:
        return "Mac" + lower[3:].capitalize()
    if re.fullmatch(r"[a-z]\.(?:[a-z]\.)*", lower):
        return lower.upper()  # initials such as "j." or "j.r."
    return lower[0].upper() + lower[1:]


def names_match(one: str, other: str) -> bool:
    """Return True when two names plausibly denote the same person (one's words ⊆ other's).

    >>> names_match("Jane", "jane roe"), names_match("Jane Roe", "John Roe")
    (True, False)
    """
    a = set(normalise_name(one).replace(".", "").split())
    b = set(normalise_name(other).replace(".", "").split())
    if not a or not b:
        return True
    return a <= b or b <= a
