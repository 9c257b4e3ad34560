"""Write a learned hand as a TrueType font: letters, alternates (GSUB ``salt``), pairs (``liga``).

The font is drawn to the base hand's proportions: its x-height is the base font's, so a card
set for the base hand fits the same way. An accented letter the sheet did not teach is composed
from the writer's own letter and a mark (:mod:`notecards.learned.accents`); every other
character it did not teach (an empty box, curly quotes, Cyrillic …) is the base hand's own
glyph. The alternates and pairs are reached by the handwriting engine exactly like a bundled
face's (:mod:`notecards.handwriting.alternates`, :mod:`notecards.handwriting.ligatures`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen, RecordingPen
from fontTools.pens.reverseContourPen import ReverseContourPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from notecards.learned.accents import (
    PenContour,
    compose,
    contours_of,
    same_mark_letters,
)
from notecards.learned.boxes import Cut
from notecards.learned.outlines import Contour, Point, draw_contours

#: Typographic quotes and dashes drawn with the learned straight ones when the hand has them.
ALIASES = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}
#: An alternate's advance stays within this fraction of its letter's (the engine skips
#: alternates much wider or narrower than the letter they replace).
_ALTERNATE_WIDTH = 0.2


def _fills_in(code: int) -> bool:
    """Characters the base hand fills in: Latin, punctuation, currency (others fall back
    to the card's fallback face as with every hand)."""
    return code < 0x0250 or 0x1E00 <= code < 0x2070 or 0x20A0 <= code < 0x20C0


@dataclass(frozen=True, slots=True)
class Learned:
    """One traced box: its cut and its outlines."""

    cut: Cut
    contours: tuple[Contour, ...]


@dataclass(frozen=True, slots=True)
class BuiltFont:
    """What the font holds besides the writer's letters."""

    filled_in: tuple[str, ...]  # characters drawn with the base hand's glyphs
    composed: Mapping[str, str]  # accented letter → the learned letter it was composed on


@dataclass(frozen=True, slots=True)
class HandMetrics:
    """What was measured: the scale from the sheet to font units, and the spacing."""

    units_per_pt: float
    x_height_pt: float
    stroke_pt: float
    bearing_units: float


def measure_hand(
    x_heights_pt: Sequence[float],
    stroke_pt: float,
    base: TTFont,
    letter_gaps_pt: Sequence[float] = (),
) -> HandMetrics:
    """Return the metrics that set the learned hand to the base font's x-height.

    A side bearing is half the gap the writer leaves between the letters of the sample's
    pairs (*letter_gaps_pt*, the median); without gaps (every pair joined), most of a
    stroke width plus a little of the x-height.
    """
    x_height = sorted(x_heights_pt)[len(x_heights_pt) // 2]
    units = _x_height_units(base) / x_height
    if letter_gaps_pt:
        gap = sorted(letter_gaps_pt)[len(letter_gaps_pt) // 2]
        bearing_pt = min(max(gap / 2, 0.02 * x_height), 0.15 * x_height)
    else:
        bearing_pt = 0.5 * stroke_pt + 0.05 * x_height
    return HandMetrics(units, x_height, stroke_pt, bearing_pt * units)


def _x_height_units(base: TTFont) -> float:
    os2 = base["OS/2"]
    if getattr(os2, "sxHeight", 0):
        return float(os2.sxHeight)
    return 0.45 * float(base["head"].unitsPerEm)


def glyph_name(text: str) -> str:
    """Return the glyph name of *text*: ``uni0061``, or ``uni0074_uni0068`` for a pair."""
    return "_".join(f"uni{ord(c):04X}" for c in text)


def build_font(
    family: str,
    letters: Mapping[str, Sequence[Learned]],
    metrics: HandMetrics,
    base_path: Path,
    out_path: Path,
) -> BuiltFont:
    """Write the learned font to *out_path*; say which characters it composed or filled in.

    *letters* maps a character or a joined pair to its traced boxes, first form first.
    """
    base = TTFont(str(base_path))
    upm = int(base["head"].unitsPerEm)
    base_glyphs = base.getGlyphSet()
    base_cmap = base.getBestCmap()
    order = [".notdef", "space"]
    glyphs = {".notdef": _notdef(upm), "space": TTGlyphPen(None).glyph()}
    space = base["hmtx"][base_cmap[32]] if 32 in base_cmap else (upm // 4, 0)
    advances = {".notdef": (upm // 2, 0), "space": space}
    cmap = {32: "space"}
    salt: dict[str, list[str]] = {}
    liga: dict[str, str] = {}
    outlines: dict[str, list[PenContour]] = {}  # the first form of each learned character
    for text, forms in letters.items():
        if not forms:
            continue
        name = glyph_name(text)
        first_advance = 0
        for index, learned in enumerate(forms):
            form = name if index == 0 else f"{name}.alt{index}"
            recording, advance = _learned_outline(learned, metrics, first_advance)
            first_advance = first_advance or advance
            order.append(form)
            glyphs[form] = _glyph(recording)
            advances[form] = (advance, _left(glyphs[form]))
            if index:
                salt.setdefault(name, []).append(form)
            else:
                outlines[text] = contours_of(recording)
        if len(text) == 1:
            cmap[ord(text)] = name
        else:
            liga[name] = text
    for alias, target in ALIASES.items():
        if target in letters and letters[target]:
            cmap.setdefault(ord(alias), glyph_name(target))

    def base_outline(char: str) -> list[PenContour] | None:
        if ord(char) not in base_cmap:
            return None
        recording = DecomposingRecordingPen(base_glyphs)
        base_glyphs[base_cmap[ord(char)]].draw(recording)
        return contours_of(recording.value)

    filled_in = []
    composed: dict[str, str] = {}
    for code, base_name in sorted(base_cmap.items()):
        if code in cmap or not _fills_in(code):
            continue
        char = chr(code)
        letter = unicodedata.normalize("NFD", char)[0]
        contours = compose(
            char,
            outlines.get(letter, []),
            [
                *(partial(outlines.get, other) for other in same_mark_letters(char, outlines)),
                partial(base_outline, char),
            ],
        )
        if contours is not None:
            name = glyph_name(char)
            order.append(name)
            glyphs[name] = _glyph([op for contour in contours for op in contour])
            advances[name] = (advances[glyph_name(letter)][0], _left(glyphs[name]))
            cmap[code] = name
            composed[char] = letter
            continue
        name = f"base.{base_name}"
        if name not in glyphs:
            recording = DecomposingRecordingPen(base_glyphs)
            base_glyphs[base_name].draw(recording)
            pen = TTGlyphPen(None)
            recording.replay(pen)
            order.append(name)
            glyphs[name] = pen.glyph()
            advances[name] = base["hmtx"][base_name]
        cmap[code] = name
        filled_in.append(char)
    builder = FontBuilder(upm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(advances)
    hhea = base["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    ps_name = re.sub(r"[^A-Za-z0-9-]", "", family.replace(" ", "-"))[:60] or "LearnedHand"
    builder.setupNameTable(
        {
            "familyName": family,
            "styleName": "Regular",
            "psName": ps_name,
            "licenseDescription": (
                "A handwriting learned from a sample sheet by notecards. Characters the sheet "
                f"did not teach are from {base_path.name}, under the SIL Open Font License 1.1."
            ),
        }
    )
    os2 = base["OS/2"]
    builder.setupOS2(
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        sxHeight=round(_x_height_units(base)),
        sCapHeight=getattr(os2, "sCapHeight", 0),
        fsType=0,
    )
    builder.setupPost()
    font = builder.font
    features = _features(salt, liga, cmap)
    if features:
        addOpenTypeFeaturesFromString(font, features)
    font.save(str(out_path))
    return BuiltFont(tuple(c for c in filled_in if c.isprintable()), composed)


def _learned_outline(
    learned: Learned, metrics: HandMetrics, first_advance: int
) -> tuple[list[tuple[str, tuple[object, ...]]], int]:
    """Return the outline of *learned* in font units (turned the TrueType way) and its
    advance; an alternate's advance is kept near its letter's (*first_advance*), its ink
    centred in the difference."""
    cut = learned.cut
    units = metrics.units_per_pt
    ink = cut.width_pt * units
    advance = round(ink + 2 * metrics.bearing_units)
    if first_advance:
        low, high = (1 - _ALTERNATE_WIDTH) * first_advance, (1 + _ALTERNATE_WIDTH) * first_advance
        advance = round(min(max(advance, low), high))
    left = (advance - ink) / 2
    scale = units / cut.px_per_pt
    top = cut.top_pt * units

    def transform(point: Point) -> Point:
        return (left + point[0] * scale, top - point[1] * scale)

    area = AreaPen()
    draw_contours(learned.contours, area, transform)
    # TrueType outer contours run clockwise (negative area); potrace's, flipped, may not.
    recording = RecordingPen()
    pen = ReverseContourPen(recording) if area.value > 0 else recording
    draw_contours(learned.contours, pen, transform)
    return list(recording.value), advance


def _glyph(operations: Sequence[tuple[str, tuple[object, ...]]]) -> Any:
    """Return a TrueType glyph of *operations* (cubic curves become quadratic), bounds set."""
    pen = TTGlyphPen(None)
    replay = RecordingPen()
    replay.value = list(operations)
    replay.replay(Cu2QuPen(pen, 1.0))
    glyph = pen.glyph()
    glyph.recalcBounds(None)
    return glyph


def _left(glyph: Any) -> int:
    """Return the left side bearing of *glyph*: its leftmost point. Renderers place a glyph
    by its side bearing, so it must be the outline's own (the ink's box is not)."""
    return int(getattr(glyph, "xMin", 0))


def _notdef(upm: int) -> object:
    pen = TTGlyphPen(None)
    w, h, t = upm // 2 - 100, upm * 7 // 10, 50
    for rect in (((50, 0), (50 + w, 0), (50 + w, h), (50, h)),):
        pen.moveTo(rect[0])
        for point in rect[1:]:
            pen.lineTo(point)
        pen.closePath()
    pen.moveTo((50 + t, t))
    pen.lineTo((50 + t, h - t))
    pen.lineTo((50 + w - t, h - t))
    pen.lineTo((50 + w - t, t))
    pen.closePath()
    return pen.glyph()


def _features(
    salt: Mapping[str, list[str]], liga: Mapping[str, str], cmap: Mapping[int, str]
) -> str:
    if not salt and not liga:
        return ""
    lines = ["languagesystem DFLT dflt;", "languagesystem latn dflt;"]
    if salt:
        lines.append("feature salt {")
        lines += [f"  sub {name} from [{' '.join(forms)}];" for name, forms in salt.items()]
        lines.append("} salt;")
    if liga:
        lines.append("feature liga {")
        lines += [
            f"  sub {' '.join(cmap[ord(c)] for c in text)} by {name};"
            for name, text in liga.items()
            if all(ord(c) in cmap for c in text)
        ]
        lines.append("} liga;")
    return "\n".join(lines) + "\n"
