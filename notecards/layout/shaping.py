"""Put runs of text in visual order and shape them, so any script draws as it is written.

Layout and drawing place one code per glyph, left to right. That is right for Latin, Greek,
Cyrillic and CJK, but not for scripts whose letters change shape with their neighbours
(Arabic joins), are written right to left (Arabic, Hebrew), or reorder and stack around a
consonant (Devanagari, Thai). This module turns a line's logical (font, text) runs into
visual runs whose codes are the shaped glyphs:

* a small bidi pass (enough for names and addresses): right-to-left runs are reversed, digits
  and Latin inside them keep their order, and a line that starts right-to-left is laid out
  from the right;
* HarfBuzz (``uharfbuzz``) shapes every run of a complex script with its own font; a glyph
  the font has no character for (a joined Arabic form, a Devanagari conjunct) is given a
  private code ``0xE000 + glyph id`` in that font, so measuring, subsetting and the
  ``ToUnicode`` map keep working as for any other character.

Everything here is deterministic: the same text gives the same codes in every process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics

from notecards.internals import font_codes, font_program, map_code

#: Scripts that need shaping: Hebrew, Arabic (+ Syriac, Thaana, N'Ko), Indic, Thai, Lao,
#: Tibetan, Myanmar, Khmer, and the Hebrew/Arabic presentation forms.
_COMPLEX = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufefc]"
)
_RTL = frozenset({"R", "AL"})
#: First private code of shaped glyphs that have no character of their own: the Basic
#: Multilingual Plane's private use area, so the PDF's ToUnicode map stays valid UTF-16.
GLYPH_BASE = 0xE000
#: Where glyph codes go when the BMP area is taken (the font's own private characters).
GLYPH_FALLBACK_BASE = 0xF0000


def glyph_code(gid: int) -> int:
    """Return the private code of glyph *gid* (the same in every process and PDF)."""
    return GLYPH_BASE + gid if gid <= 0xF8FF - GLYPH_BASE else GLYPH_FALLBACK_BASE + gid


Runs = list[tuple[str, str]]


def needs_shaping(text: str) -> bool:
    """Return True when *text* has a character of a right-to-left or complex script."""
    return _COMPLEX.search(text) is not None


def visual_runs(runs: Sequence[tuple[str, str]]) -> Runs:
    """Return *runs* (logical order, (text, font) each) in visual order, shaped.

    >>> visual_runs([("abc", "NotoSans")])
    [('abc', 'NotoSans')]
    """
    text = "".join(part for part, _ in runs)
    if not needs_shaping(text):
        return [(part, font) for part, font in runs if part]
    fonts = [font for part, font in runs for _ in part]
    levels = _directions(text)
    base_rtl = next((rtl for rtl in levels if rtl is not None), False)
    resolved = _resolve(levels, base_rtl)
    out: Runs = []
    pieces = _spans(resolved)
    if base_rtl:
        pieces.reverse()
    for start, end, rtl in pieces:
        fonted = _spans_by(fonts, start, end)
        if rtl:
            fonted.reverse()
        for a, b, font in fonted:
            part = text[a:b]
            shaped = shape(part, font, rtl) if needs_shaping(part) or rtl else part
            if out and out[-1][1] == font:
                out[-1] = (out[-1][0] + shaped, font)
            else:
                out.append((shaped, font))
    return out


def _directions(text: str) -> list[bool | None]:
    """Return per character: True (right-to-left), False (left-to-right) or None (neutral)."""
    out: list[bool | None] = []
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL:
            out.append(True)
        elif kind in ("L", "EN", "AN"):  # digits read left to right, even in Arabic lines
            out.append(False)
        elif kind == "NSM" and out:
            out.append(out[-1])  # a combining mark goes with its letter
        else:
            out.append(None)
    return out


def _resolve(levels: list[bool | None], base_rtl: bool) -> list[bool]:
    """Give each neutral the direction of its neighbours when they agree, else the base's."""
    out: list[bool] = []
    n = len(levels)
    for i, level in enumerate(levels):
        if level is not None:
            out.append(level)
            continue
        before = next((levels[j] for j in range(i - 1, -1, -1) if levels[j] is not None), None)
        after = next((levels[j] for j in range(i + 1, n) if levels[j] is not None), None)
        out.append(before if before is not None and before == after else base_rtl)
    return out


def _spans(resolved: list[bool]) -> list[tuple[int, int, bool]]:
    spans: list[tuple[int, int, bool]] = []
    for i, rtl in enumerate(resolved):
        if spans and spans[-1][2] == rtl:
            spans[-1] = (spans[-1][0], i + 1, rtl)
        else:
            spans.append((i, i + 1, rtl))
    return spans


def _spans_by(fonts: list[str], start: int, end: int) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for i in range(start, end):
        if spans and spans[-1][2] == fonts[i]:
            spans[-1] = (spans[-1][0], i + 1, fonts[i])
        else:
            spans.append((i, i + 1, fonts[i]))
    return spans


def shape(text: str, font_name: str, rtl: bool) -> str:
    """Return the codes that draw *text* shaped by *font_name*, in visual order.

    Raises:
        FontError: (from reportlab) the font is not registered.
    """
    return _shape(text, font_name, rtl)


@lru_cache(maxsize=16384)
def _shape(text: str, font_name: str, rtl: bool) -> str:
    import uharfbuzz as hb

    ttf = pdfmetrics.getFont(font_name)
    font = _hb_font(font_name)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = "rtl" if rtl else "ltr"
    hb.shape(font, buf, {"kern": True, "liga": True})
    codes_of = font_codes(ttf)
    to_char = _glyph_chars(font_name)
    codes = []
    for info in buf.glyph_infos:
        gid = info.codepoint
        code = to_char.get(gid)
        if code is None:
            code = glyph_code(gid)
            if codes_of.get(code, gid) != gid:  # the font's own private character
                code = GLYPH_FALLBACK_BASE + gid
            if code not in codes_of:
                map_code(ttf, code, gid, ttf.pdfScale(font.get_glyph_h_advance(gid)))
        codes.append(chr(code))
    return "".join(codes)


@lru_cache(maxsize=32)
def _hb_font(font_name: str) -> Any:
    import uharfbuzz as hb

    ttf = pdfmetrics.getFont(font_name)
    return hb.Font(hb.Face(hb.Blob(font_program(ttf))))


@lru_cache(maxsize=32)
def _glyph_chars(font_name: str) -> dict[int, int]:
    """Return glyph id → the lowest character the font maps to it (its own cmap)."""
    out: dict[int, int] = {}
    for code, gid in sorted(font_codes(pdfmetrics.getFont(font_name)).items()):
        if code < GLYPH_BASE:
            out.setdefault(gid, code)
    return out
