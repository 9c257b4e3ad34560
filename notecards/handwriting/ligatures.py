"""Find a hand's joined pairs (GSUB ``liga``) and fit each to the width of its two letters.

reportlab applies no GSUB, so a font's ligatures are never drawn on their own. The pairs a
hand joins (a learned sheet's th, oo, ll …; Caveat's ft) are read here from the font's
``liga`` feature, and each gets a copy fitted to the advance of its two letters: the copy
advances exactly as far as the letters it stands for (what layout measured), its ink centred
in that advance, and squeezed a little when the writer's pair was wider than the letters.
:class:`~notecards.handwriting.alternates.AlternatesTTFont` draws them through Private-Use
codes that extract as the two letters ("th"), and the word planner
(:mod:`notecards.handwriting.words`) chooses where a pair is joined.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as FTFont

from notecards.errors import FontError

#: A pair glyph much wider than its two letters is not a join of them (and would crowd its
#: neighbours even squeezed): it is left out.
_MAX_WIDER = 0.25


@lru_cache(maxsize=32)
def read_joins(font_path: str) -> Mapping[str, str]:
    """Return ``{"th": ligature glyph name, …}``: the two-letter joins of *font_path*'s ``liga``.

    Only pairs of letters, and only ligature glyphs no code point maps to: a presentation
    form such as U+FB01 "ﬁ" is a typesetter's ligature, not a join of the hand.

    Raises:
        FontError: the file cannot be read as a TrueType font.
    """
    try:
        font = FTFont(font_path, lazy=True)
    except Exception as err:  # fontTools raises many types for bad files
        raise FontError(f"{font_path}: cannot read the font file ({err}). Check the path.") from err
    with font:
        return _read_joins(font)


def _read_joins(font: FTFont) -> dict[str, str]:
    if "GSUB" not in font:
        return {}
    cmap = font.getBestCmap()
    letters: dict[str, str] = {}
    for code, name in sorted(cmap.items()):
        if unicodedata.category(chr(code)).startswith("L"):
            letters.setdefault(name, chr(code))
    encoded = set(cmap.values())
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    joins: dict[str, str] = {}
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag != "liga":
            continue
        for index in record.Feature.LookupListIndex:
            for sub in lookups[index].SubTable:
                if sub.LookupType == 7:  # an extension lookup wraps the real one
                    sub = sub.ExtSubTable
                if sub.LookupType != 4:
                    continue
                for first, ligatures in sub.ligatures.items():
                    for ligature in ligatures:
                        parts = (first, *ligature.Component)
                        if len(parts) != 2 or ligature.LigGlyph in encoded:
                            continue
                        if all(p in letters for p in parts):
                            joins.setdefault("".join(letters[p] for p in parts), ligature.LigGlyph)
    return joins


def fit_joins(font: FTFont, joins: Mapping[str, str], order: list[str]) -> dict[str, str]:
    """Add to *font* a copy of each join fitted to its letters' advance; return the new names.

    *order* is the glyph order being built (the new glyphs are appended to it); the caller
    sets it on the font. A join much wider than its letters is left out.
    """
    glyph_set = font.getGlyphSet()
    glyf, hmtx = font["glyf"], font["hmtx"]
    cmap = font.getBestCmap()
    fitted: dict[str, str] = {}
    for text, name in sorted(joins.items()):
        letters = sum(hmtx.metrics[cmap[ord(c)]][0] for c in text)
        own = hmtx.metrics[name][0]
        if own <= 0 or own > (1 + _MAX_WIDER) * letters:
            continue
        new_name = f"{name}.join"
        glyf.glyphs[new_name] = _fitted(glyph_set, name, own, letters)
        glyph = glyf.glyphs[new_name]
        glyph.recalcBounds(glyf)
        hmtx.metrics[new_name] = (letters, getattr(glyph, "xMin", 0))
        order.append(new_name)
        fitted[text] = new_name
    return fitted


def _fitted(glyph_set: Any, name: str, own: int, letters: int) -> Any:
    """Return glyph *name* centred in an advance of *letters* (squeezed when it is wider)."""
    recording = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(recording)
    squeeze = min(1.0, letters / own)
    shift = (letters - own * squeeze) / 2
    pen = TTGlyphPen(None)
    recording.replay(TransformPen(pen, (squeeze, 0, 0, 1, shift, 0)))
    return pen.glyph()
