"""Name the hands notecards writes in: hand styles, inks, and the fonts they are drawn with.

Pure data plus font registration; :mod:`notecards.handwriting.plan` plans with these styles and
:mod:`notecards.handwriting.draw` writes the plans into PDF text objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from notecards.choices import Ink
from notecards.errors import ConfigError, FontError
from notecards.handwriting.alternates import AlternatesTTFont
from notecards.layout.fonts import register_base_fonts
from notecards.paths import default_fonts_dir
from notecards.tables import HandEntry, parse_hand

FONTS_DIR = default_fonts_dir()


@dataclass(frozen=True, slots=True)
class HandStyle:
    """A handwriting: a font plus how much the pen wanders. Fractions are of the font size."""

    name: str
    font_path: str
    font_name: str
    baseline_jitter: float  # ± glyph baseline wander
    rotation_deg: float  # ± tilt of each pen movement (two to four words)
    size_jitter: float  # ± letter height
    tracking_jitter: float  # ± glyph position along the line
    line_drift: float  # ± baseline of a whole line
    line_slope_deg: float  # ± slope of a line (clamped by slope_rise)
    margin_wander: float  # ± start of a line (the left margin breathes)
    ink: Ink = Ink.BLUE_BLACK
    pressure: float = 0.4  # 0 = hairline ink only; 1 = heavy pen (stroked outline)
    slope_rise: float = 0.06  # the most a sloping line's far end may rise or fall
    cluster_glyphs: int = 3  # at most this many glyphs of a word share one baseline step
    alternates: bool = True  # cycle OpenType alternate forms when the font has them
    outline_forms: int = 2  # varied outlines added per letter (outlines.py); 0: the font's own
    baseline_curve: float = 0.035  # ± bow of a line's baseline at its middle
    ink_variation: float = 0.14  # the most a line's ink is lighter than the full ink (0–1)


def _style(name: str, font: str, *amounts: float, **extra: Any) -> HandStyle:
    return HandStyle(name, font + ".ttf", font, *amounts, **extra)  # type: ignore[arg-type]


STYLES: Mapping[str, HandStyle] = {
    s.name: s
    for s in (
        _style("casual", "Caveat-Regular", 0.035, 1.2, 0.03, 0.015, 0.04, 0.5, 0.08),
        _style("neat", "Kalam-Light", 0.02, 0.6, 0.02, 0.01, 0.025, 0.3, 0.05, pressure=0.3),
        _style(
            "loose", "IndieFlower-Regular", 0.045, 1.6, 0.04, 0.02, 0.05, 0.7, 0.1, ink=Ink.BLUE
        ),
        _style(
            "script", "IndieFlower-Regular", 0.045, 1.6, 0.04, 0.02, 0.05, 0.7, 0.1, ink=Ink.BLUE
        ),
        _style(
            "signature",
            "Sacramento-Regular",
            0.03,
            2.0,
            0.03,
            0.01,
            0.0,
            1.5,
            0.0,
            pressure=0.6,
            slope_rise=0.12,
            cluster_glyphs=4,
        ),
    )
}

INKS_RGB: Mapping[Ink, tuple[float, float, float]] = {
    Ink.BLUE_BLACK: (0.11, 0.14, 0.33),
    Ink.BLUE: (0.09, 0.22, 0.62),
    Ink.BLACK: (0.09, 0.09, 0.1),
}
INKS_CMYK: Mapping[Ink, tuple[float, float, float, float]] = {
    Ink.BLUE_BLACK: (0.88, 0.72, 0.2, 0.5),
    Ink.BLUE: (0.92, 0.66, 0.0, 0.12),
    Ink.BLACK: (0.0, 0.0, 0.0, 1.0),  # text is 100 % K, never a four-colour build
}
#: Inks written as DeviceGray in an RGB file, so a RIP prints them with black ink only.
INKS_GRAY: Mapping[Ink, float] = {Ink.BLACK: 0.0}


def get_style(
    name: str, custom: Mapping[str, HandEntry | Mapping[str, object]] | None = None
) -> HandStyle:
    """Return the hand style called *name*, looking in *custom* (``Config.hand_styles``, or
    tables as TOML gives them) first.

    >>> get_style("mine", {"mine": {"font_path": "fonts/Caveat-Regular.ttf", "base": "casual",
    ...                             "rotation_deg": 0.5}}).rotation_deg
    0.5

    Raises:
        ConfigError: unknown name, or a custom style with a bad value.
    """
    if custom and name in custom:
        entry = custom[name]
        if isinstance(entry, HandEntry):
            return style_from_entry(entry)
        return style_from_mapping(name, entry)
    if name in STYLES:
        return STYLES[name]
    known = ", ".join(sorted({*STYLES, *(custom or {})}))
    raise ConfigError(f'Unknown handwriting style "{name}". Known styles: {known}.')


def style_from_mapping(name: str, values: Mapping[str, object]) -> HandStyle:
    """Build a HandStyle from a ``[hand_styles.NAME]`` table; ``base`` names a style to start from.

    Raises:
        ConfigError: an unknown key, a non-numeric amount, a negative one, or an unknown ink.
    """
    return style_from_entry(parse_hand(name, values, f'Style "{name}"'))


def style_from_entry(entry: HandEntry) -> HandStyle:
    """Return the hand *entry* describes: its ``base`` style with the entry's own values.

    Raises:
        ConfigError: the base is not a built-in style (the message says where the entry is).
    """
    base = STYLES.get(entry.base)
    if base is None:
        raise ConfigError(
            f'{entry.where}: base "{entry.base}" is not a built-in style. '
            f"Use one of: {', '.join(sorted(STYLES))}."
        )
    changes = entry.changes()
    if "font_path" in changes and "font_name" not in changes:
        changes["font_name"] = f"{entry.name}-{Path(str(changes['font_path'])).stem}"
    return replace(base, name=entry.name, **changes)  # type: ignore[arg-type]


@lru_cache(maxsize=64)
def with_ink(style: HandStyle, ink: Ink) -> HandStyle:
    """Return *style* written in *ink*: the same object for every card in it (a hand's
    tables are kept per style, and found fastest by the very object)."""
    return style if style.ink == ink else replace(style, ink=ink)


def parse_ink(name: str) -> Ink:
    """Return the ink called *name* (case and spaces ignored).

    Raises:
        ConfigError: no such ink; the message lists the inks.
    """
    try:
        return Ink(name)
    except ValueError:
        raise ConfigError(
            f'Unknown ink "{name}". Choose one of: {", ".join(Ink.words())}.'
        ) from None


def ink_color(name: str) -> tuple[float, float, float]:
    """Return the RGB fill colour (0–1) of ink *name*. Raises ConfigError when unknown."""
    return INKS_RGB[parse_ink(name)]


def ink_color_cmyk(name: str) -> tuple[float, float, float, float]:
    """Return the CMYK fill colour (0–1) of ink *name*. Raises ConfigError when unknown."""
    return INKS_CMYK[parse_ink(name)]


def ink_for_pdf(name: str, *, cmyk: bool) -> tuple[float, ...]:
    """Return ink *name* as written into a PDF: CMYK (4 values), gray (1) or RGB (3).

    Black is gray 0 in an RGB file and 100 % K in a CMYK one, so no RIP builds it from four
    inks. Raises ConfigError when the ink is unknown.
    """
    ink = parse_ink(name)
    if cmyk:
        return INKS_CMYK[ink]
    if ink in INKS_GRAY:
        return (INKS_GRAY[ink],)
    return INKS_RGB[ink]


def font_file(style: HandStyle, fonts_dir: Path = FONTS_DIR) -> Path:
    """Return the style's font file; a relative ``font_path`` is looked up in *fonts_dir*."""
    return font_file_at(style.font_path, fonts_dir)


def font_file_at(font_path: str, fonts_dir: Path = FONTS_DIR) -> Path:
    """Return the font file a style's *font_path* names: itself when it is absolute or
    exists here, else the file of that name in *fonts_dir*."""
    path = Path(font_path)
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
            raise FontError(
                f'Font file "{path}" for handwriting style "{style.name}" does not '
                "exist. Fix font_path or put the file in the fonts folder.",
                font_name=style.font_name,
            )
        font = (
            AlternatesTTFont(style.font_name, str(path), style.outline_forms)
            if style.alternates
            else TTFont(style.font_name, str(path))
        )
        pdfmetrics.registerFont(font)


def registered_ttfont(font_name: str) -> TTFont:
    """Return the registered TrueType font *font_name*.

    Raises:
        FontError: it is not registered, or is a standard (non-embedded) PDF font.
    """
    try:
        font = pdfmetrics.getFont(font_name)
    except KeyError:
        raise FontError(
            f'Font "{font_name}" is not registered. Call register_style_fonts() or '
            "fonts.register_fonts() before drawing.",
            font_name=font_name,
        ) from None
    if not isinstance(font, TTFont):
        raise FontError(
            f'Font "{font_name}" is a standard PDF font and would not be embedded. '
            "Use a bundled TrueType font.",
            font_name=font_name,
        )
    return font


@lru_cache(maxsize=8)
def register_bundled_fonts(fonts_dir: Path | None = None) -> None:
    """Register every bundled font, printed and handwritten (once per folder and process)."""
    folder = fonts_dir or default_fonts_dir()
    register_base_fonts(folder)
    register_style_fonts(STYLES.values(), folder)
