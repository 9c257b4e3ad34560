"""Make laid-out text look handwritten: named hand styles, seeded glyph variation, ink.

A :class:`~notecards.geometry.TextBlock` becomes a plan (:func:`plan_block`, pure and seeded by
the card's identity), and :func:`draw_block` writes the plan into one PDF text object:

* per line: one ``Tm`` carrying the line's slope, drift and breathing left margin;
* per word: one ``Tm`` tilting the word a little;
* per cluster of one or two glyphs: ``Ts`` (baseline wander) and ``Tf``/``Tz`` (letter height;
  ``Tz`` keeps the advance unchanged so nothing accumulates along the line);
* per glyph: a ``TJ`` adjustment (spacing wobble) and, where the font has OpenType alternates,
  a different letter form for neighbouring identical letters (see :mod:`notecards.alternates`).

Every random amount comes from small per-style tables of preformatted tokens, so a card costs
little more than ``drawString`` (see ``benchmarks/bench_handwriting.py``), and every amount is
clamped so that no glyph moves further than :func:`max_excursion_pt` from where layout put it.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from operator import add
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from .alternates import AlternatesTTFont
from .errors import ConfigError, FontError
from .geometry import SetLine, TextBlock
from .paths import default_fonts_dir

FONTS_DIR = default_fonts_dir()
#: Vertical extent that ``geometry.fit_paragraphs`` reserves per line (its defaults), in em.
LAYOUT_ASCENT = 0.8
LAYOUT_DESCENT = 0.25
#: A word's tilt is clamped so that no point of it moves more than this many em ...
_TILT_REACH_EM = 2.0
#: ... and a line's slope so that its far end rises at most ``slope_rise`` em.
_TABLE = 1024  # entries in each token table; a line takes a random window of it


@dataclass(frozen=True, slots=True)
class HandStyle:
    """A handwriting: a font plus how much the pen wanders. Fractions are of the font size."""

    name: str
    font_path: str
    font_name: str
    baseline_jitter: float  # ± glyph baseline wander
    rotation_deg: float  # ± tilt of each word
    size_jitter: float  # ± letter height
    tracking_jitter: float  # ± glyph position along the line
    line_drift: float  # ± baseline of a whole line
    line_slope_deg: float  # ± slope of a line (clamped by slope_rise)
    margin_wander: float  # ± start of a line (the left margin breathes)
    ink: str = "blue-black"
    pressure: float = 0.4  # 0 = hairline ink only; 1 = heavy pen (stroked outline)
    slope_rise: float = 0.06  # the most a sloping line's far end may rise or fall
    cluster_glyphs: int = 2  # glyphs sharing one baseline/height step
    alternates: bool = True  # cycle OpenType alternate forms when the font has them


_NUMBERS = ("baseline_jitter", "rotation_deg", "size_jitter", "tracking_jitter", "line_drift",
            "line_slope_deg", "margin_wander", "pressure", "slope_rise")


def _style(name: str, font: str, *amounts: float, **extra: Any) -> HandStyle:
    return HandStyle(name, font + ".ttf", font, *amounts, **extra)


STYLES: Mapping[str, HandStyle] = {
    s.name: s for s in (
        _style("casual", "Caveat-Regular", 0.035, 1.2, 0.03, 0.015, 0.04, 0.5, 0.08),
        _style("neat", "PatrickHand-Regular", 0.02, 0.6, 0.02, 0.01, 0.025, 0.3, 0.05,
               pressure=0.3),
        _style("loose", "IndieFlower-Regular", 0.045, 1.6, 0.04, 0.02, 0.05, 0.7, 0.1,
               ink="blue"),
        _style("script", "IndieFlower-Regular", 0.045, 1.6, 0.04, 0.02, 0.05, 0.7, 0.1,
               ink="blue"),
        _style("signature", "Sacramento-Regular", 0.03, 2.0, 0.03, 0.01, 0.0, 1.5, 0.0,
               pressure=0.6, slope_rise=0.12, cluster_glyphs=3),
    )
}

INKS_RGB: Mapping[str, tuple[float, float, float]] = {
    "blue-black": (0.11, 0.14, 0.33), "blue": (0.09, 0.22, 0.62), "black": (0.09, 0.09, 0.1)}
INKS_CMYK: Mapping[str, tuple[float, float, float, float]] = {
    "blue-black": (0.88, 0.72, 0.2, 0.5), "blue": (0.92, 0.66, 0.0, 0.12),
    "black": (0.3, 0.3, 0.3, 0.92)}


def get_style(name: str, custom: Mapping[str, Mapping[str, object]] | None = None) -> HandStyle:
    """Return the hand style called *name*, looking in *custom* (e.g. a TOML table) first.

    >>> get_style("mine", {"mine": {"font_path": "fonts/Caveat-Regular.ttf", "base": "casual",
    ...                             "rotation_deg": 0.5}}).rotation_deg
    0.5

    Raises:
        ConfigError: unknown name, or a custom style with a bad value.
    """
    if custom and name in custom:
        return style_from_mapping(name, custom[name])
    if name in STYLES:
        return STYLES[name]
    known = ", ".join(sorted({*STYLES, *(custom or {})}))
    raise ConfigError(f'Unknown handwriting style "{name}". Known styles: {known}.')


def style_from_mapping(name: str, values: Mapping[str, object]) -> HandStyle:
    """Build a HandStyle from config values; ``base`` names a style to start from.

    Raises:
        ConfigError: an unknown key, a non-numeric amount, a negative one, or an unknown ink.
    """
    base = STYLES[str(values.get("base", "casual"))] if values.get("base", "casual") in STYLES \
        else None
    if base is None:
        raise ConfigError(f'Style "{name}": base "{values["base"]}" is not a built-in style. '
                          f"Use one of: {', '.join(sorted(STYLES))}.")
    allowed = {f.name for f in fields(HandStyle)} - {"name"}
    unknown = set(values) - allowed - {"base"}
    if unknown:
        raise ConfigError(f'Style "{name}": unknown setting(s) {", ".join(sorted(unknown))}. '
                          f"Allowed: base, {', '.join(sorted(allowed))}.")
    changes: dict[str, Any] = {"name": name}
    for key, value in values.items():
        if key in _NUMBERS or key == "cluster_glyphs":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f'Style "{name}": {key} must be a number ≥ 0, not {value!r}.')
            changes[key] = int(value) if key == "cluster_glyphs" else float(value)
        elif key != "base":
            changes[key] = value if key == "alternates" else str(value)
    if "font_path" in changes and "font_name" not in changes:
        changes["font_name"] = f"{name}-{Path(changes['font_path']).stem}"
    style = replace(base, **changes)
    ink_color(style.ink)  # validate early
    if style.cluster_glyphs < 1:
        raise ConfigError(f'Style "{name}": cluster_glyphs must be at least 1.')
    return style


def ink_color(name: str) -> tuple[float, float, float]:
    """Return the RGB fill colour (0–1) of ink *name*. Raises ConfigError when unknown."""
    try:
        return INKS_RGB[name]
    except KeyError:
        raise ConfigError(f'Unknown ink "{name}". Choose one of: {", ".join(INKS_RGB)}.') from None


def ink_color_cmyk(name: str) -> tuple[float, float, float, float]:
    """Return the CMYK fill colour (0–1) of ink *name*. Raises ConfigError when unknown."""
    ink_color(name)
    return INKS_CMYK[name]


def font_file(style: HandStyle, fonts_dir: Path = FONTS_DIR) -> Path:
    """Return the style's font file; a relative ``font_path`` is looked up in *fonts_dir*."""
    path = Path(style.font_path)
    return path if path.is_absolute() or path.exists() else fonts_dir / path


def register_style_fonts(styles: Iterable[HandStyle], fonts_dir: Path = FONTS_DIR) -> None:
    """Register each style's font with reportlab (embedded, subset), once per process.

    A font already registered under the style's ``font_name`` is kept as is.

    Raises:
        FontError: the font file is missing or unreadable.
    """
    for style in styles:
        if style.font_name in pdfmetrics.getRegisteredFontNames():
            continue
        path = font_file(style, fonts_dir)
        if not path.is_file():
            raise FontError(f'Font file "{path}" for handwriting style "{style.name}" does not '
                            "exist. Fix font_path or put the file in the fonts folder.",
                            font_name=style.font_name)
        font = (AlternatesTTFont(style.font_name, str(path)) if style.alternates
                else TTFont(style.font_name, str(path)))
        pdfmetrics.registerFont(font)


@lru_cache(maxsize=64)
def _font_extent_em(font_name: str) -> tuple[float, float]:
    """Return (lowest, highest) y of a glyph box in em: typographic and pdfminer's box."""
    face: TTFontFace = _ttfont(font_name).face
    descent = face.descent / 1000
    return min(descent, -0.25), max(face.ascent / 1000, descent + 1.0)


def _budget_em(style: HandStyle) -> tuple[float, float]:
    """Return the most any glyph point may move (x, y) from layout's place, in em."""
    tilt = _TILT_REACH_EM * 2 * math.sin(math.radians(style.rotation_deg) / 2)
    stroke = _stroke_em(style) * 1.3 / 2
    shared = style.slope_rise + tilt + stroke
    x = style.margin_wander + style.tracking_jitter + shared
    y = style.baseline_jitter + style.line_drift + style.size_jitter * 1.1 + shared
    return x, y


def max_excursion_pt(style: HandStyle, size_pt: float, *,
                     extra_fonts: Iterable[str] = ()) -> float:
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


def _stroke_em(style: HandStyle) -> float:
    return 0.022 * style.pressure


def _ttfont(font_name: str) -> TTFont:
    try:
        font = pdfmetrics.getFont(font_name)
    except KeyError:
        raise FontError(f'Font "{font_name}" is not registered. Call register_style_fonts() or '
                        "fonts.register_fonts() before drawing.", font_name=font_name) from None
    if not isinstance(font, TTFont):
        raise FontError(f'Font "{font_name}" is a standard PDF font and would not be embedded. '
                        "Use a bundled TrueType font.", font_name=font_name)
    return font


# ---------------------------------------------------------------------------------------------
# Planning: pure and seeded. Drawing: one text object per block.


@dataclass(frozen=True, slots=True)
class RunPlan:
    """One font run of a line: the code points to draw and windows into the token tables.

    Words are parallel tuples, not records: a batch plans ~100,000 words, and the cost counts.
    """

    font: str
    text: str  # alternate forms applied (Private-Use code points)
    word_starts: tuple[int, ...]  # glyph index where each word starts
    word_offsets_pt: tuple[float, ...]  # nominal advance from the line origin
    word_tilts_deg: tuple[float, ...]
    breaks: tuple[int, ...]  # glyph indices starting a new baseline/height step
    jitter_start: int  # index into the tracking table
    variant_start: int  # index into the baseline/height table


@dataclass(frozen=True, slots=True)
class LinePlan:
    """One line: origin (after margin wander and drift), slope, pen stroke and its runs."""

    x_pt: float
    y_pt: float
    angle_deg: float
    stroke_pt: float
    runs: tuple[RunPlan, ...]


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
class _Tables:
    jitter: tuple[int, ...]  # glyph offset along the line, 1/1000 em
    diffs: tuple[str, ...]  # TJ adjustment moving from glyph i-1's offset to glyph i's
    rise_pt: tuple[float, ...]  # baseline wander per step (smooth)
    scale: tuple[float, ...]  # letter height per step


@lru_cache(maxsize=128)
def _tables(style: HandStyle, size_pt: float) -> _Tables:
    """Return the style's token tables; fixed per style so output never depends on the run."""
    rng = random.Random(f"notecards-hand-tables:{style}")
    t = round(style.tracking_jitter * 1000)
    jitter = [rng.randint(-t, t) for _ in range(_TABLE)]
    rise, value = [], 0.0
    for _ in range(_TABLE):  # a smooth wander (AR(1)); consecutive steps always differ
        value = 0.6 * value + 0.4 * rng.uniform(-1, 1) * 2.2
        rise.append(round(max(-1.0, min(1.0, value)) * style.baseline_jitter * size_pt, 2))
    scale = [1 + style.size_jitter * rng.uniform(-1, 1) for _ in range(_TABLE)]
    doubled = jitter + jitter
    diffs = [str(doubled[i - 1] - doubled[i]) for i in range(2 * _TABLE)]
    return _Tables(tuple(doubled), tuple(diffs), tuple(rise + rise), tuple(scale + scale))


_WORD = re.compile(r"\S+\s*|\s+")
_DOUBLE = re.compile(r"(.)(?=\1)")  # the first of two identical neighbours
_PAIR = re.compile(r"(.)\1")


def plan_block(block: TextBlock, style: HandStyle, seed: str) -> tuple[LinePlan, ...]:
    """Return the seeded plan for drawing *block* in *style*; same seed, same plan.

    Raises:
        FontError: a run's font is not a registered TrueType font.
    """
    rng = random.Random(f"notecards-hand:{seed}")
    slope = 0.0
    plans = []
    for line in block.lines:
        slope = 0.5 * slope + 0.5 * rng.uniform(-1, 1)  # neighbouring lines slope alike
        plans.append(_plan_line(line, style, block.size_pt, rng, slope))
    return tuple(plans)


def _plan_line(line: SetLine, style: HandStyle, size: float, rng: random.Random,
               slope: float) -> LinePlan:
    rand = rng.random
    ext_pt = 1.1 * size * max(1.0 + style.size_jitter, 1.3)
    reach = line.width_pt + ext_pt + style.tracking_jitter * size
    angle = math.trunc(10 * _clamp_angle(slope * style.line_slope_deg, style.slope_rise * size,
                                         reach)) / 10
    tilt_budget = _TILT_REACH_EM * 2 * math.sin(math.radians(style.rotation_deg) / 2) * size
    free_reach = _TILT_REACH_EM * size  # words this short can take the full tilt
    tilt_max, pad = style.rotation_deg, style.tracking_jitter * size
    stroke = size * _stroke_em(style) * (0.7 + 0.6 * rand())
    runs, offset = [], 0.0
    for run in line.runs:
        font = _ttfont(run.font)
        text = run.text
        if style.alternates and isinstance(font, AlternatesTTFont) and font.forms:
            text = _cycle_forms(text, font, int(rand() * len(font.translation_tables)))
        starts, offsets, tilts = [], [], []
        width_of = font.stringWidth
        for match in _WORD.finditer(run.text):
            width = width_of(match.group(), size)
            tilt = (2 * rand() - 1) * tilt_max
            if width + pad + ext_pt > free_reach:
                tilt = _clamp_angle(tilt, tilt_budget, math.hypot(width + pad, ext_pt))
            starts.append(match.start())
            offsets.append(offset)
            tilts.append(math.trunc(tilt * 10) / 10)  # Tm matrices are cached per 0.1°
            offset += width
        phase = int(rand() * style.cluster_glyphs)
        breaks = {*starts, *range(phase, len(text), style.cluster_glyphs)}
        breaks.update(m.end() for m in _DOUBLE.finditer(run.text))  # "ll": never alike
        runs.append(RunPlan(run.font, text, tuple(starts), tuple(offsets), tuple(tilts),
                            tuple(sorted(breaks)), int(rand() * _TABLE), int(rand() * _TABLE)))
    return LinePlan(line.x_pt + style.margin_wander * size * (2 * rand() - 1),
                    line.baseline_pt + style.line_drift * size * (2 * rand() - 1),
                    angle, stroke, tuple(runs))


def _clamp_angle(angle_deg: float, budget_pt: float, reach_pt: float) -> float:
    """Limit a rotation so no point within *reach_pt* of the pivot moves more than budget."""
    if reach_pt <= 0:
        return angle_deg
    limit = math.degrees(2 * math.asin(min(1.0, budget_pt / (2 * reach_pt))))
    return max(-limit, min(limit, angle_deg))


def _cycle_forms(text: str, font: AlternatesTTFont, phase: int) -> str:
    """Give glyph i the ((phase + i) mod n)-th form, so neighbours always differ."""
    tables = font.translation_tables
    depth = len(tables)
    chars = list(text)
    for k, table in enumerate(tables):
        first = (k - phase) % depth
        chars[first::depth] = text[first::depth].translate(table)
    out = "".join(chars)
    # A letter with fewer forms than the cycle can still repeat; give the second one the next.
    nxt = font.next_form
    return _PAIR.sub(lambda m: m[1] + chr(nxt.get(ord(m[1]), ord(m[1]))), out)


def place_glyphs(block: TextBlock, style: HandStyle, seed: str) -> tuple[GlyphPlacement, ...]:
    """Return where every glyph of *block* lands (the plan expanded; spaces included)."""
    out = []
    size = block.size_pt
    for plan in plan_block(block, style, seed):
        for run in plan.runs:
            tables = _tables(style, size)
            font = _ttfont(run.font)
            words = dict(zip(run.word_starts, zip(run.word_starts, run.word_offsets_pt,
                                                  run.word_tilts_deg, strict=False), strict=False))
            steps = {b: j for j, b in enumerate(run.breaks)}
            rise, scale, word, step = 0.0, 1.0, words[0], 0
            for i, char in enumerate(run.text):
                word = words.get(i, word)
                start, offset_pt, tilt_deg = word
                if i in steps:
                    step = (run.variant_start + steps[i]) % _TABLE
                    rise, scale = tables.rise_pt[step], tables.scale[step]
                before = run.text[start:i]
                jit = tables.jitter[run.jitter_start + i] * size / 1000
                along = font.stringWidth(before, size) + jit
                a = math.radians(plan.angle_deg)
                t = math.radians(plan.angle_deg + tilt_deg)
                x = plan.x_pt + offset_pt * math.cos(a) + along * math.cos(t)
                y = plan.y_pt + offset_pt * math.sin(a) + along * math.sin(t)
                x, y = x - rise * math.sin(t), y + rise * math.cos(t)
                real = getattr(font, "real_char", {}).get(ord(char), ord(char))
                out.append(GlyphPlacement(chr(real), run.font, x, y,
                                          plan.angle_deg + tilt_deg, size * scale))
    return tuple(out)


_ESCAPED = tuple("(" + escapePDF(bytes([b])) + ")" for b in range(256))


@lru_cache(maxsize=512)
def _steps(style: HandStyle, size_pt: float, font_ref: str) -> tuple[str, ...]:
    """Return the baseline/height tokens for one PDF font subset; Tz keeps advances intact."""
    tables = _tables(style, size_pt)
    return tuple(f"{rise:.2f} Ts {font_ref} {size_pt * s:.3f} Tf {100 / s:.2f} Tz "
                 for rise, s in zip(tables.rise_pt, tables.scale, strict=False))


def draw_block(canvas: Any, block: TextBlock, style: HandStyle, seed: str, *,
               cmyk: bool = False) -> None:
    """Draw *block* on a reportlab canvas in *style*, varied by *seed* (e.g. order id + occasion).

    Use it instead of ``canvas.drawString``; the canvas must be bottom-up (reportlab's default).

    >>> draw_block(canvas, layout.message, get_style("casual"), f"{order.order_id}:birthday")
    ... # doctest: +SKIP

    Raises:
        FontError: a run's font is not a registered TrueType font.
    """
    if not getattr(canvas, "bottomup", 1):
        raise ConfigError("draw_block needs a bottom-up canvas (reportlab's default).")
    ink = ink_color_cmyk(style.ink) if cmyk else ink_color(style.ink)
    fill = " ".join(f"{v:.3f}" for v in ink)
    mode = "k K" if cmyk else "rg RG"
    code = [f"q {fill} {mode[0:2]} {fill} {mode[3:]} {2 if style.pressure else 0} Tr BT"]
    doc = canvas._doc
    size = block.size_pt
    tables = _tables(style, size)
    for plan in plan_block(block, style, seed):
        code.append(f"{plan.stroke_pt:.2f} w")
        a = math.radians(plan.angle_deg)
        cos_a, sin_a = math.cos(a), math.sin(a)
        for run in plan.runs:
            code.append(_run_code(run, plan, cos_a, sin_a, doc, style, size, tables))
    code.append("ET Q")
    canvas._code.append(" ".join(code))


@lru_cache(maxsize=4096)
def _rotation(tenth_deg: int) -> str:
    """Return the ``a b c d`` of a Tm rotating by *tenth_deg* / 10 degrees."""
    t = math.radians(tenth_deg / 10)
    return f"{math.cos(t):.5f} {math.sin(t):.5f} {-math.sin(t):.5f} {math.cos(t):.5f}"


def _run_code(run: RunPlan, plan: LinePlan, cos_a: float, sin_a: float, doc: Any,
              style: HandStyle, size: float, tables: _Tables) -> str:
    font = _ttfont(run.font)
    chunks = font.splitString(run.text, doc)
    codes = b"".join(chunk for _, chunk in chunks)
    toks = list(map(_ESCAPED.__getitem__, codes))
    k = run.jitter_start
    toks[1:] = map(add, tables.diffs[k + 1:k + len(toks)], toks[1:])
    for start in run.word_starts:  # a word's Tm resets the position: no adjustment before it
        toks[start] = _ESCAPED[codes[start]]
    breaks = run.breaks
    if len(chunks) == 1:
        steps = _steps(style, size, font.getSubsetInternalName(chunks[0][0], doc))
        v = run.variant_start
        for b, step in zip(breaks, steps[v:v + len(breaks)], strict=False):
            toks[b] = f"]TJ {step}[{toks[b]}"
    else:  # several PDF subsets: every subset switch is a step too, with its own font ref
        edges, at = [], 0
        for subset, chunk in chunks:
            edges.append((at, font.getSubsetInternalName(subset, doc)))
            at += len(chunk)
        breaks = tuple(sorted({*breaks, *(e for e, _ in edges)}))
        for j, b in enumerate(breaks):
            ref = [r for e, r in edges if e <= b][-1]
            toks[b] = f"]TJ {_steps(style, size, ref)[(run.variant_start + j) % _TABLE]}[{toks[b]}"
    x0, y0, angle, jitter = plan.x_pt, plan.y_pt, plan.angle_deg, tables.jitter
    scale = size / 1000
    for start, offset, tilt in zip(run.word_starts, run.word_offsets_pt, run.word_tilts_deg,
                                   strict=True):
        tenth = round((angle + tilt) * 10)
        t = math.radians(tenth / 10)
        shift = jitter[k + start] * scale
        x = x0 + offset * cos_a + shift * math.cos(t)
        y = y0 + offset * sin_a + shift * math.sin(t)
        toks[start] = f"]TJ {_rotation(tenth)} {x:.2f} {y:.2f} Tm {toks[start][4:]}"
    toks[0] = toks[0][4:]  # every word start is a step, so every word opens with "]TJ "
    return "".join(toks) + "]TJ"
