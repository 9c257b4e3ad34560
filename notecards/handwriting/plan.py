"""Plan handwriting: where every glyph of a text block goes; pure and seeded by the card.

A hand writes a line in *segments* of a few words, lifting and re-setting the pen between
them: each segment has its own small tilt (about its middle) and letter height. Inside a
segment the baseline steps up or down at every word, every few glyphs (``cluster_glyphs``)
and at every repeated letter, so two identical letters side by side never sit alike, and
each step nudges the spacing a little. Where the font has alternates, neighbouring letters
also take different forms, and where the hand joins a pair it is mostly written joined
(see :mod:`notecards.handwriting.words`).

Every small amount comes from per-style tables read through a seeded window, and every amount
is bounded so that no glyph moves further than :func:`max_excursion_pt` from where layout put
it. What happens inside a word (its steps, its table window, its letter forms and joins) is
planned once per word text and seeded variant and shared by every line that writes that word
(:mod:`notecards.handwriting.words`): a line then costs a few random numbers per word (which
variant, where the pen lifts, each segment's tilt and height), and lines that differ only in
their order of words cost no planning of glyphs. Where two words meet, in a line or across a
line end, the next word never starts with the glyph the last one ended with.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter
from pathlib import PurePath

from reportlab.pdfbase.ttfonts import TTFontFace

from notecards.handwriting.styles import HandStyle, registered_ttfont
from notecards.handwriting.words import (
    TABLE,
    WORD_CACHE,
    WORD_VARIANTS,
    Glyph,
    WordShape,
    line_words,
    seeded,
    word_tables,
)
from notecards.layout.geometry import TextBlock

#: Vertical extent that ``geometry.fit_paragraphs`` reserves per line (its defaults), in em.
LAYOUT_ASCENT = 0.8
LAYOUT_DESCENT = 0.25
#: A segment's tilt is clamped so that no point of it moves more than the tilt of a word
#: this many em long would move it.
_TILT_REACH_EM = 2.0
#: Letter heights come in steps of this fraction (few distinct text matrices to format).
_SCALE_STEP = 0.005


@dataclass(frozen=True, slots=True)
class RunPlan:
    """One font run of a line: the code points to draw (alternate forms applied)."""

    font: str
    text: str
    start: int  # index of the run's first glyph in the line


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    """A few words written in one pen movement: one text matrix, in the line's own frame."""

    start: int  # index of its first word in the line
    x_pt: float  # origin of the segment's text matrix, from the line's origin along it
    y_pt: float
    tilt_deg: float  # turn against the line, in 0.1° steps
    scale: float  # letter height factor (advances are unchanged)
    stroke_pt: float = 0.0  # the pen's stroke here: pressure varies along the line


@dataclass(frozen=True, slots=True)
class LineShape:
    """How a line's text is written in its own frame: its words and its pen movements."""

    words: tuple[WordShape, ...]
    segments: tuple[SegmentPlan, ...]


@dataclass(frozen=True, slots=True)
class LinePlan:
    """One line: origin (after margin wander and drift), slope, pen stroke and shape."""

    x_pt: float
    y_pt: float
    angle_deg: float
    stroke_pt: float
    shape: LineShape
    tint: float = 0.0  # how much lighter than full ink the line is written (ink density)

    @property
    def runs(self) -> tuple[RunPlan, ...]:
        """Return the line's font runs (alternate forms applied)."""
        runs: list[RunPlan] = []
        at = 0
        for word in self.shape.words:
            for font, text, _ in word.pieces:
                if runs and runs[-1].font == font:
                    runs[-1] = RunPlan(font, runs[-1].text + text, runs[-1].start)
                else:
                    runs.append(RunPlan(font, text, at))
                at += len(text)
        return tuple(runs)


@dataclass(frozen=True, slots=True)
class GlyphPlacement:
    """Where one glyph lands: origin, rotation and size (for tests and inspection)."""

    char: str
    font: str
    x_pt: float
    y_pt: float
    angle_deg: float
    size_pt: float


@dataclass(frozen=True, slots=True)
class StepTables:
    """A style's fixed tables (doubled, so any window of ``TABLE`` entries is a slice)."""

    rise_em: tuple[float, ...]  # baseline at step j (smooth; neighbours always differ)
    shift_milli: tuple[int, ...]  # offset along the line at step j, 1/1000 em
    scale: tuple[float, ...]  # letter height of segment k


def _seed_text(style: HandStyle) -> str:
    """Return *style* as the text its tables are seeded by.

    The style without its font's folder (a shop folder may move: learned hands), and its ink
    written as the word, as when inks were plain text, so every hand keeps its tables.
    """
    text = repr(replace(style, font_path=PurePath(style.font_path).name))
    return text.replace(repr(style.ink), repr(str(style.ink)))


@lru_cache(maxsize=64)
def step_tables(style: HandStyle) -> StepTables:
    """Return the style's tables; fixed per style, so output never depends on the run."""
    rng = random.Random(f"notecards-hand-tables:{_seed_text(style)}")
    t = round(style.tracking_jitter * 1000)
    shift = [rng.randint(-t, t) for _ in range(TABLE)]
    # Ts is scaled by the letter height too, so leave room for it within baseline_jitter.
    limit = style.baseline_jitter / (1 + style.size_jitter)
    rise: list[float] = []
    value, prev = 0.0, math.inf
    gap = math.trunc(limit / 3 * 1000) / 1000  # neighbouring steps differ by at least this
    for _ in range(TABLE):  # a smooth wander (AR(1)), truncated to 0.001 em, never above limit
        value = 0.6 * value + 0.4 * rng.uniform(-1, 1) * 2.2
        r = math.trunc(max(-1.0, min(1.0, value)) * limit * 1000) / 1000
        if abs(r - prev) < gap:  # a repeated letter never sits on the same baseline
            r = round(prev - gap if prev > 0 else prev + gap, 3)
        rise.append(r)
        prev = r
    n = int(style.size_jitter / _SCALE_STEP + 1e-9)
    scale = [1 + _SCALE_STEP * rng.randint(-n, n) for _ in range(TABLE)]
    return StepTables(tuple(rise + rise), tuple(shift + shift), tuple(scale + scale))


@lru_cache(maxsize=64)
def _font_extent_em(font_name: str) -> tuple[float, float]:
    """Return (lowest, highest) y of a glyph box in em: typographic and pdfminer's box."""
    face: TTFontFace = registered_ttfont(font_name).face
    descent = face.descent / 1000
    return min(descent, -0.25), max(face.ascent / 1000, descent + 1.0)


def _tilt_budget_em(style: HandStyle) -> float:
    return _TILT_REACH_EM * 2 * math.sin(math.radians(style.rotation_deg) / 2)


def stroke_em(style: HandStyle) -> float:
    """Return the average pen stroke width of *style*, in em."""
    return 0.022 * style.pressure


def _budget_em(style: HandStyle) -> tuple[float, float]:
    """Return the most any glyph point may move (x, y) from layout's place, in em."""
    shared = style.slope_rise + _tilt_budget_em(style) + stroke_em(style) * 1.3 / 2
    x = style.margin_wander + style.tracking_jitter + shared
    y = (
        style.baseline_jitter
        + style.line_drift
        + style.size_jitter * 1.1
        + style.baseline_curve
        + shared
    )
    return x, y


def max_excursion_pt(style: HandStyle, size_pt: float, *, extra_fonts: Iterable[str] = ()) -> float:
    """Return how far (pt) a glyph may stray outside the box layout set it in.

    Inset the writing box by this before layout and every glyph stays in the original box,
    including the part of tall fonts above the 0.8 em layout reserves. Pass the fallback fonts
    the block may use as *extra_fonts* (registered names).

    >>> max_excursion_pt(STYLES["casual"], 14.0)  # doctest: +SKIP
    5.6
    """
    x_em, y_em = _budget_em(style)
    over = 0.0
    for name in (style.font_name, *extra_fonts):
        low, high = _font_extent_em(name)
        over = max(over, high - LAYOUT_ASCENT, -low - LAYOUT_DESCENT)
    return size_pt * max(x_em, y_em + over)


def plan_block(block: TextBlock, style: HandStyle, seed: str) -> tuple[LinePlan, ...]:
    """Return the seeded plan for drawing *block* in *style*; same seed, same plan.

    Raises:
        FontError: a run's font is not a registered TrueType font.
    """
    rand = seeded(f"notecards-hand:{seed}")
    size = block.size_pt
    words = word_tables(style)
    if sum(map(len, words.values())) >= WORD_CACHE:
        words.clear()
    scales = step_tables(style).scale
    ext_pt = 1.1 * size * max(1.0 + style.size_jitter, 1.3)
    pad = style.tracking_jitter * size
    tilt_budget = _tilt_budget_em(style) * size
    rotation = style.rotation_deg
    # The style's amounts at this size, as each line multiplies them by its random numbers.
    line_slope, slope_budget = style.line_slope_deg, style.slope_rise * size
    wander, drift = style.margin_wander * size, style.line_drift * size
    pen, curve = size * stroke_em(style), style.baseline_curve * size
    ink_variation = style.ink_variation
    slope = 0.0
    plans = []
    last: Glyph | None = None  # the glyph the text so far ended with, in reading order
    for line in block.lines:
        slope = 0.5 * slope + 0.5 * (2 * rand() - 1)  # neighbouring lines slope alike
        tenth = math.trunc(
            10 * _clamp_angle(slope * line_slope, slope_budget, line.width_pt + ext_pt + pad)
        )
        x = line.x_pt + wander * (2 * rand() - 1)
        y = line.baseline_pt + drift * (2 * rand() - 1)
        stroke = pen * (0.7 + 0.6 * rand())
        bow = curve * (2 * rand() - 1)  # the baseline curves a little
        tint = round(ink_variation * rand(), 2)
        # One seeded variant per line for its words: words are looked up in bulk.
        v = int(rand() * WORD_VARIANTS)
        shapes, last = line_words(line, style, words, v, last)
        ends = list(accumulate(map(_WIDTH, shapes), initial=0.0))
        segments: list[SegmentPlan] = []
        count = len(shapes)
        k, scale_at = 0, int(rand() * TABLE)
        span = max(ends[-1], 1e-9)
        while k < count:
            start = k
            k = min(k + 2 + int(rand() * 3), count)  # two to four words per pen movement
            half = (ends[k] - ends[start]) * size / 2  # it turns about its middle
            turn = math.trunc(
                10
                * _clamp_angle(
                    (2 * rand() - 1) * rotation, tilt_budget, math.hypot(half + pad, ext_pt)
                )
            )
            if turn and turn == -tenth:  # never exactly undo the line's slope: the glyphs'
                turn += 1 if turn < 0 else -1  # matrix would be upright but for rounding noise
            tilt = turn / 10
            t = math.radians(tilt)
            u = (ends[start] + ends[k]) / 2 / span  # where the segment sits along the line
            # Pressure: each pen movement presses a little harder or lighter (0.01 pt steps).
            pressed = round(stroke * (0.6 + 0.8 * rand()), 2) if stroke else 0.0
            segments.append(
                SegmentPlan(
                    start,
                    ends[start] * size + half - half * math.cos(t),
                    round(-half * math.sin(t) + bow * 4 * u * (1 - u), 2),
                    tilt,
                    scales[(scale_at + len(segments)) % TABLE],
                    pressed,
                )
            )
        plans.append(
            LinePlan(x, y, tenth / 10, stroke, LineShape(tuple(shapes), tuple(segments)), tint)
        )
    return tuple(plans)


_WIDTH = attrgetter("width_em")


def _clamp_angle(angle_deg: float, budget_pt: float, reach_pt: float) -> float:
    """Limit a rotation so no point within *reach_pt* of the pivot moves more than budget."""
    if reach_pt <= 0:
        return angle_deg
    limit = math.degrees(2 * math.asin(min(1.0, budget_pt / (2 * reach_pt))))
    return max(-limit, min(limit, angle_deg))


def place_glyphs(block: TextBlock, style: HandStyle, seed: str) -> tuple[GlyphPlacement, ...]:
    """Return where every character of *block* lands (the plan expanded; spaces included).

    The two letters of a joined pair are one glyph in the PDF and two placements here, the
    second where the first letter's advance ends: one placement per character of the text.
    """
    out = []
    size = block.size_pt
    tables = step_tables(style)
    for plan in plan_block(block, style, seed):
        shape = plan.shape
        starts = {s.start: s for s in shape.segments}
        a = math.radians(plan.angle_deg)
        seg, along = shape.segments[0] if shape.segments else None, 0.0
        for w, word in enumerate(shape.words):
            if w in starts:
                seg, along = starts[w], 0.0
            assert seg is not None
            t = math.radians(seg.tilt_deg)
            steps = {b: (word.table_start + j) % TABLE for j, b in enumerate(word.steps)}
            i, k = 0, word.table_start
            for font_name, drawn, _ in word.pieces:
                font = registered_ttfont(font_name)
                real_text = getattr(font, "real_text", {})
                for char in drawn:
                    k = steps.get(i, k)
                    # A join is placed letter by letter: the plotter draws letters.
                    for letter in real_text.get(ord(char), char):
                        shift = along + tables.shift_milli[k] * size / 1000
                        rise = tables.rise_em[k] * size * seg.scale
                        x = seg.x_pt + shift * math.cos(t) - rise * math.sin(t)  # line's frame
                        y = seg.y_pt + shift * math.sin(t) + rise * math.cos(t)
                        out.append(
                            GlyphPlacement(
                                letter,
                                font_name,
                                plan.x_pt + x * math.cos(a) - y * math.sin(a),
                                plan.y_pt + x * math.sin(a) + y * math.cos(a),
                                plan.angle_deg + seg.tilt_deg,
                                size * seg.scale,
                            )
                        )
                        along += font.stringWidth(letter, size)
                    i += 1
    return tuple(out)
