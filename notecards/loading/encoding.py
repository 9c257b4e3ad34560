"""Turn the bytes of a text export into str: BOMs, UTF-16, cp1252, and double-encoded UTF-8."""

from __future__ import annotations

import codecs
import re

# Characters that appear when UTF-8 bytes were decoded as cp1252/Latin-1 ("MontrÃ©al").
# A lead byte C2-F4 shows as Â..ô; the continuation bytes 80-BF show as cp1252 punctuation or
# Latin-1 symbols. Requiring the pair keeps genuine "Ã" (Portuguese "SÃO") untouched.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for *data*, trying BOMs, UTF-16, UTF-8 and then cp1252.

    >>> decode_bytes("Zoë".encode("utf-8-sig"))
    ('Zoë', 'utf-8-sig')
    >>> decode_bytes("Zoë".encode("cp1252"))
    ('Zoë', 'cp1252')
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        # The legacy Google Contacts export is UTF-16LE with a BOM.
        return data.decode("utf-16", errors="replace"), "utf-16"
    guessed = _guess_utf16_without_bom(data)
    if guessed:
        return data.decode(guessed, errors="replace"), guessed
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        return data.decode("latin-1"), "latin-1"


def _guess_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zero > half * 0.6 and even_zero < half * 0.1:
        return "utf-16-le"
    if even_zero > half * 0.6 and odd_zero < half * 0.1:
        return "utf-16-be"
    return None


def has_mojibake(text: str) -> bool:
    """Return True when *text* contains a sequence typical of double-encoded UTF-8."""
    return _MOJIBAKE.search(text) is not None


def repair_mojibake(text: str) -> str | None:
    """Return *text* with double-encoded UTF-8 undone, or None when nothing safely changes.

    >>> repair_mojibake("MontrÃ©al")
    'Montréal'
    >>> repair_mojibake("SÃO PAULO") is None
    True
    """
    if not _MOJIBAKE.search(text):
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text and not _MOJIBAKE.search(fixed):
            return fixed
    return None
