"""Draw a font's OpenType alternate letter shapes with reportlab, keeping the text extractable.

reportlab subsets TrueType fonts by Unicode code point (``face.charToGlyph``) and does not
apply GSUB features, so Caveat's ``salt``/``ss01``/``ss02`` alternates are out of reach by default.
We give every alternate glyph a Private-Use code point in the face's maps (the trick reportlab
itself uses for shaped glyphs) and, when the font is written, rewrite each subset's ToUnicode
CMap so those codes extract as the real letter: ``pdfplumber``/``pypdf`` see "e", not U+F0xx.
Both reach into reportlab's internals through :mod:`notecards.internals`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from io import BytesIO
from typing import Any

from fontTools.ttLib import TTFont as FTFont
from reportlab.pdfbase.ttfonts import TTFont

from notecards.errors import FontError
from notecards.handwriting.outlines import varied_font
from notecards.internals import (
    code_width,
    font_codes,
    font_subsets,
    map_code,
    set_to_unicode,
)

#: GSUB features that give alternate shapes of the same letter. Not `aalt`: it also lists
#: small caps and old-style figures (in some faces), which are not handwriting variants.
ALTERNATE_FEATURES = ("salt", *(f"ss{n:02d}" for n in range(1, 21)))
#: First Private-Use code point we assign; reportlab's own shaping starts at U+E000.
_PUA_START = 0xF000
_PUA_END = 0xF8FF
#: Alternates whose advance differs more than this from the base letter look cramped.
_MAX_WIDTH_CHANGE = 0.25


@lru_cache(maxsize=32)
def read_alternates(font_path: str) -> Mapping[int, tuple[int, ...]]:
    """Return ``{code point: (alternate glyph id, ...)}`` for the letters of *font_path*.

    Only letters get alternates, only glyphs that no code point maps to directly (Caveat's
    ``aalt`` offers "ª" for "a"), and only ones about as wide as the letter they replace.

    Raises:
        FontError: the file cannot be read as a TrueType font.
    """
    try:
        font = FTFont(font_path, lazy=True)
    except Exception as err:  # fontTools raises many types for bad files
        raise FontError(f"{font_path}: cannot read the font file ({err}). Check the path.") from err
    with font:
        return _read_alternates(font)


def _read_alternates(font: FTFont) -> dict[int, tuple[int, ...]]:
    if "GSUB" not in font:
        return {}
    cmap = font.getBestCmap()
    encoded = set(cmap.values())
    hmtx = font["hmtx"]
    by_glyph: dict[str, list[str]] = {}
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag not in ALTERNATE_FEATURES:
            continue
        for index in record.Feature.LookupListIndex:
            for sub in lookups[index].SubTable:
                for base, alts in _substitutions(sub):
                    known = by_glyph.setdefault(base, [])
                    known.extend(a for a in alts if a not in known and a not in encoded)
    result: dict[int, tuple[int, ...]] = {}
    for code, base in sorted(cmap.items()):
        if not unicodedata.category(chr(code)).startswith("L") or base not in by_glyph:
            continue
        width = hmtx[base][0] or 1
        gids = tuple(
            font.getGlyphID(a)
            for a in by_glyph[base]
            if abs(hmtx[a][0] - width) / width <= _MAX_WIDTH_CHANGE
        )
        if gids:
            result[code] = gids
    return result


def _substitutions(subtable: Any) -> list[tuple[str, list[str]]]:
    if subtable.LookupType == 7:  # extension lookup wraps the real one
        subtable = subtable.ExtSubTable
    if subtable.LookupType == 1:
        return [(base, [alt]) for base, alt in subtable.mapping.items()]
    if subtable.LookupType == 3:
        return [(base, list(alts)) for base, alts in subtable.alternates.items()]
    return []


class AlternatesTTFont(TTFont):  # type: ignore[misc]  # reportlab is untyped
    """A reportlab TTFont that can draw alternate letter shapes by Private-Use code points.

    ``forms[ord("e")]`` is the tuple of code points that draw "e": itself, then its
    alternates. Every one of them extracts from the PDF as "e".

    >>> font = AlternatesTTFont("Caveat", "fonts/Caveat-Regular.ttf")  # doctest: +SKIP
    >>> len(font.forms[ord("e")])  # doctest: +SKIP
    3
    """

    def __init__(self, name: str, path: str, outline_forms: int = 0) -> None:
        alternates: dict[int, tuple[int, ...]] = dict(read_alternates(path))
        if outline_forms > 0:  # the face plus varied outlines of its letters (outlines.py)
            data, varied = varied_font(path, outline_forms)
            super().__init__(name, BytesIO(data))
            for code, gids in varied.items():
                alternates[code] = (*alternates.get(code, ()), *gids)
        else:
            super().__init__(name, path)
        taken = font_codes(self)
        self.real_char: dict[int, int] = {}
        forms: dict[int, tuple[int, ...]] = {}
        pua = _PUA_START
        for code, gids in sorted(alternates.items()):
            codes = [code]
            for gid in gids:
                while pua in taken:
                    pua += 1
                if pua > _PUA_END:
                    break
                # The PDF /Widths entry keeps the base letter's advance, so layout is unchanged.
                map_code(self, pua, gid, code_width(self, code), extracts=True)
                self.real_char[pua] = code
                codes.append(pua)
            forms[code] = tuple(codes)
        self.forms: Mapping[int, tuple[int, ...]] = forms
        depth = max((len(f) for f in forms.values()), default=1)
        #: ``str.translate`` tables: table *k* draws each letter's *k*-th form (wrapping
        #: around for letters with fewer forms).
        self.translation_tables: tuple[dict[int, int], ...] = tuple(
            {code: codes[k % len(codes)] for code, codes in forms.items()} for k in range(depth)
        )
        #: The next form of every form, to split up a repeated pair the cycle missed.
        self.next_form: dict[int, int] = {
            code: codes[(n + 1) % len(codes)]
            for codes in forms.values()
            for n, code in enumerate(codes)
        }

    def addObjects(self, doc: Any) -> None:  # noqa: N802  # reportlab's name
        """Write the font subsets, then map Private-Use codes back to the real letters."""
        subsets = font_subsets(self, doc)
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            if any(code in self.real_char for code in subset):
                set_to_unicode(self, doc, number, [self.real_char.get(c, c) for c in subset])
