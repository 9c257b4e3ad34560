"""Draw a font's OpenType alternate letter shapes with reportlab, keeping the text extractable.

reportlab subsets TrueType fonts by Unicode code point (``face.charToGlyph``) and does not
apply GSUB features, so Caveat's ``salt``/``ss01``/``ss02`` alternates are out of reach by default.
We give every alternate glyph a Private-Use code point in the face's maps (the trick reportlab
itself uses for shaped glyphs) and, when the font is written, rewrite each subset's ToUnicode
CMap so those codes extract as the real letter: ``pdfplumber``/``pypdf`` see "e", not U+F0xx.
A hand's joined pairs (:mod:`notecards.handwriting.ligatures`) get Private-Use codes the same
way, each extracting as its two letters ("th").
Both reach into reportlab's internals through :mod:`notecards.internals`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from io import BytesIO
from typing import Any

from fontTools.ttLib import TTFont as FTFont
from reportlab.pdfbase.ttfonts import TTFont

from notecards.errors import FontError
from notecards.handwriting.ligatures import read_joins
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
#: A piece of a word as written: (drawn text, advance at size 1, its first ink glyph as
#: (font, code) when that could be written another way, its last ink glyph; both None:
#: spaces only).
Written = tuple[str, float, "tuple[str, str] | None", "tuple[str, str] | None"]


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
    alternates. Every one of them extracts from the PDF as "e". ``joins["th"]`` is the code
    point of the hand's joined "th" (when it has one): it advances as far as "t" and "h" and
    extracts as "th".

    >>> font = AlternatesTTFont("Caveat", "fonts/Caveat-Regular.ttf")  # doctest: +SKIP
    >>> len(font.forms[ord("e")])  # doctest: +SKIP
    3
    """

    def __init__(self, name: str, path: str, outline_forms: int = 0) -> None:
        alternates: dict[int, tuple[int, ...]] = dict(read_alternates(path))
        joined: Mapping[str, int] = {}
        if outline_forms > 0 or read_joins(path):
            # The face plus varied outlines of its letters and fitted joins (outlines.py).
            data, varied, joined = varied_font(path, outline_forms)
            super().__init__(name, BytesIO(data))
            for code, gids in varied.items():
                alternates[code] = (*alternates.get(code, ()), *gids)
        else:
            super().__init__(name, path)
        taken = font_codes(self)
        #: What each Private-Use code extracts as: a letter, or a joined pair's two letters.
        self.real_text: dict[int, str] = {}
        forms: dict[int, tuple[int, ...]] = {}
        pua = _PUA_START

        def assign(gid: int, text: str) -> int | None:
            nonlocal pua
            while pua in taken:
                pua += 1
            if pua > _PUA_END:
                return None
            # The PDF /Widths entry is the letters' own advance, so layout is unchanged.
            width = sum(code_width(self, ord(c)) for c in text)
            map_code(self, pua, gid, width, extracts=True)
            self.real_text[pua] = text
            return pua

        for code, gids in sorted(alternates.items()):
            codes = [code]
            for gid in gids:
                assigned = assign(gid, chr(code))
                if assigned is None:
                    break
                codes.append(assigned)
            forms[code] = tuple(codes)
        self.forms: Mapping[int, tuple[int, ...]] = forms
        joins: dict[str, int] = {}
        for text, gid in sorted(joined.items()):
            if all(ord(c) in taken for c in text):
                assigned = assign(gid, text)
                if assigned is not None:
                    joins[text] = assigned
        self.joins: Mapping[str, int] = joins
        #: Finds a pair the hand joins in a text (None: it joins none).
        self.join_finder: re.Pattern[str] | None = (
            re.compile("|".join(map(re.escape, sorted(joins)))) if joins else None
        )
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
        #: Codes of glyphs a word can write another way: a form of a letter that has more
        #: than one, or a join (written as its two letters instead).
        self.changeable: frozenset[int] = frozenset(
            [*(c for codes in forms.values() if len(codes) > 1 for c in codes), *joins.values()]
        )
        #: Word pieces already written with no join, by (text, phase of the form cycle; -1:
        #: no forms): (drawn, advance at size 1, first and last ink glyph). Filled by
        #: :func:`notecards.handwriting.words.plan_word`.
        self.written: dict[tuple[str, int], Written] = {}

    def addObjects(self, doc: Any) -> None:  # noqa: N802  # reportlab's name
        """Write the font subsets, then map Private-Use codes back to the real letters."""
        subsets = font_subsets(self, doc)
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            if any(code in self.real_text for code in subset):
                real = [self.real_text.get(code, chr(code)) for code in subset]
                set_to_unicode(self, doc, number, real)
