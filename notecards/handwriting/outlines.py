"""Give every letter of a hand more than one shape: light, seeded variations of its outline.

A font draws each letter the same way every time; a hand never does. For each letter of the
face (and for a hand that has OpenType alternates, on top of them) we add ``forms`` new glyphs
to an in-memory copy of the font: the letter's outline slightly narrowed or widened, taller or
shorter, leaning a touch, and bent by a slow wobble, each at most a few hundredths of an em, so
it is the same letter written again. The advance stays the letter's own (layout does not move)
and :class:`~notecards.handwriting.alternates.AlternatesTTFont` draws them through Private-Use
codes that extract as the letter.

The variations are fixed per font file and form number (seeded by the font's own name), so
the same card is drawn from the same glyphs in every run: reprints stay byte-identical. The
same copy carries the hand's joined pairs, fitted to their letters' advance
(:func:`~notecards.handwriting.ligatures.fit_joins`).
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from io import BytesIO
from pathlib import PurePath
from typing import Any

from fontTools.ttLib import TTFont as FTFont

from notecards.errors import FontError
from notecards.handwriting.ligatures import fit_joins, read_joins

#: Tables that count glyphs or hold per-glyph data we do not extend: dropped from the copy.
_STALE_TABLES = ("hdmx", "LTSH", "VDMX", "kern", "DSIG")
#: The largest shape change, as a fraction: width, height, lean (x per y), wobble (of em).
_WIDTH, _HEIGHT, _LEAN, _WOBBLE = 0.035, 0.03, 0.045, 0.009


@lru_cache(maxsize=16)
def varied_font(
    font_path: str, forms: int
) -> tuple[bytes, Mapping[int, tuple[int, ...]], Mapping[str, int]]:
    """Return (font file bytes with the new glyphs, ``{code point: (new glyph id, …)}``,
    ``{"th": fitted join's glyph id, …}``).

    Letters whose outline is a composite (most accented letters) keep their one shape.

    Raises:
        FontError: the file cannot be read or has no TrueType outlines.
    """
    try:
        font = FTFont(font_path, recalcBBoxes=False, recalcTimestamp=False)
    except Exception as err:  # fontTools raises many types for bad files
        raise FontError(f"{font_path}: cannot read the font file ({err}). Check the path.") from err
    if "glyf" not in font:
        raise FontError(
            f"{font_path}: no TrueType outlines (glyf). Use a .ttf font, not a CFF .otf."
        )
    glyf, hmtx = font["glyf"], font["hmtx"]
    upm = font["head"].unitsPerEm
    order = list(font.getGlyphOrder())
    # Seeded by the face's name, never its folder: a learned hand (which has a family name
    # but no full name) draws the same forms wherever the shop folder is.
    names = font["name"]
    family = names.getDebugName(4) or names.getDebugName(1) or PurePath(font_path).name
    added: dict[int, list[int]] = {}
    for code, name in sorted(font.getBestCmap().items()):
        if code > 0xFF or not unicodedata.category(chr(code)).startswith("L"):
            continue  # Latin-1 letters: what most of a card is written in
        glyph = glyf[name]
        if glyph.isComposite() or glyph.numberOfContours <= 0:
            continue
        for k in range(1, forms + 1):
            new_name = f"{name}.hand{k}"
            new = _varied(glyph, glyf, upm, random.Random(f"{family}:{code}:{k}"))
            glyf.glyphs[new_name] = new
            hmtx.metrics[new_name] = (hmtx.metrics[name][0], new.xMin)
            order.append(new_name)
            added.setdefault(code, []).append(len(order) - 1)
    joins = fit_joins(font, read_joins(font_path), order)
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    for tag in _STALE_TABLES:
        if tag in font:
            del font[tag]
    if "post" in font and font["post"].formatType == 2.0:
        font["post"].extraNames = []
        font["post"].mapping = {}
    out = BytesIO()
    font.save(out)
    ids = {name: gid for gid, name in enumerate(order)}
    return (
        out.getvalue(),
        {code: tuple(gids) for code, gids in added.items()},
        {text: ids[name] for text, name in joins.items()},
    )


def _varied(glyph: Any, glyf: Any, upm: int, rng: random.Random) -> Any:
    """Return a copy of *glyph* with its outline gently reshaped."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphCoordinates

    source = glyph
    source.expand(glyf)
    new = Glyph()
    new.numberOfContours = source.numberOfContours
    new.endPtsOfContours = list(source.endPtsOfContours)
    new.flags = bytearray(source.flags)
    new.program = source.program
    x_min, x_max = source.xMin, source.xMax
    middle = (x_min + x_max) / 2
    sx = 1 + rng.uniform(-_WIDTH, _WIDTH)
    sy = 1 + rng.uniform(-_HEIGHT, _HEIGHT)
    lean = rng.uniform(-_LEAN, _LEAN)
    amp = _WOBBLE * upm
    fx, fy = rng.uniform(0.8, 1.6) / upm, rng.uniform(0.8, 1.6) / upm
    px, py = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    points = []
    for x, y in source.coordinates:
        nx = middle + (x - middle) * sx + lean * y + amp * math.sin(2 * math.pi * fy * y + py)
        ny = y * sy + amp * math.sin(2 * math.pi * fx * x + px)
        points.append((round(nx), round(ny)))
    new.coordinates = GlyphCoordinates(points)
    new.recalcBounds(glyf)
    return new
