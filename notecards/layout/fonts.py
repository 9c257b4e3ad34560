"""Register the bundled fonts once, measure text, and check glyph coverage before drawing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from notecards.errors import FontError
from notecards.layout.geometry import FontFor
from notecards.paths import default_fonts_dir

#: Font name → file in fonts/: the clean and fallback faces. The handwriting faces are
#: registered by handwriting.register_style_fonts (they draw OpenType alternates).
BUNDLED_FONTS: dict[str, str] = {
    "NotoSans": "NotoSans-Regular.ttf",
    "NotoSans-Bold": "NotoSans-Bold.ttf",
    "NotoSerif": "NotoSerif-Regular.ttf",
    "NotoSerif-Italic": "NotoSerif-Italic.ttf",
    "Delius": "Delius-Regular.ttf",
}

#: Covers accented Latin, Greek and Cyrillic; used for any character a face cannot draw.
FALLBACK_FONT = "NotoSans"
#: Writes the digits of hand-addressed envelopes: careful, rounded handwritten figures that
#: postal OCR reads (the hands' own "1" and "8" are read as "]" and "3").
ADDRESS_DIGITS_FONT = "Delius"


def register_font(name: str, path: str | Path) -> str:
    """Register the TrueType font at *path* as *name* with reportlab (once); return *name*.

    Raises:
        FontError: the file is missing or is not a TrueType font reportlab can embed.
    """
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    path = Path(path)
    if not path.is_file():
        raise FontError(
            f'Font file "{path}" for font "{name}" does not exist. '
            "Put the .ttf file there or fix the path in notecards.toml.",
            font_name=name,
        )
    try:
        font = TTFont(name, str(path))
    except Exception as err:  # reportlab raises TTFError and plain errors alike
        raise FontError(
            f'Font file "{path}" cannot be used: {err}. Use a TrueType (.ttf) '
            "font with glyf outlines.",
            font_name=name,
        ) from err
    pdfmetrics.registerFont(font)
    return name


@lru_cache(maxsize=8)
def register_bundled_fonts(fonts_dir: Path | None = None) -> None:
    """Register every bundled font (once per folder and process)."""
    from notecards.handwriting import STYLES, register_style_fonts  # handwriting needs no fonts.py

    folder = fonts_dir or default_fonts_dir()
    for name, file_name in BUNDLED_FONTS.items():
        register_font(name, folder / file_name)
    register_style_fonts(STYLES.values(), folder)


def covers(font_name: str, char: str) -> bool:
    """Return True when the registered font *font_name* has a glyph for *char*."""
    return ord(char) in _cmap(font_name)


@lru_cache(maxsize=64)
def _cmap(font_name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    if face is None:
        raise FontError(
            f'Font "{font_name}" is not a bundled TrueType font; notecards embeds '
            "only TrueType fonts.",
            font_name=font_name,
        )
    return frozenset(face.charToGlyph)


def measure(text: str, font_name: str, size_pt: float) -> float:
    """Return the width of *text* in points (reportlab's metrics, as drawn)."""
    return float(pdfmetrics.stringWidth(text, font_name, size_pt))


@dataclass(frozen=True, slots=True)
class FontChain:
    """A face and its fallbacks: each character is drawn by the first font that has it."""

    fonts: tuple[str, ...]

    def font_for(self, char: str) -> str:
        """Return the first font of the chain that draws *char*.

        Raises:
            FontError: no font in the chain has the character.
        """
        if char in " \n\t":
            return self.fonts[0]
        for name in self.fonts:
            if covers(name, char):
                return name
        raise FontError(
            f'Character "{char}" (U+{ord(char):04X}) is not in font "{self.fonts[0]}" nor in '
            f"the fallback {', '.join(self.fonts[1:]) or '(none)'}. Remove the character, or "
            "add a font that covers it to fonts/ and to the handwriting style.",
            char=char,
            font_name=self.fonts[0],
        )

    def font_for_text(self, text: str) -> FontFor:
        """Return what layout needs to set *text*: the face's name alone when it draws every
        character (the fast path), else the per-character ``font_for``."""
        primary = self.fonts[0]
        if all(covers(primary, char) for char in set(text) if char not in " \n\t"):
            return primary
        return self.font_for

    def check(self, text: str) -> list[str]:
        """Return the characters of *text* no font of the chain can draw (empty when all can)."""
        missing: list[str] = []
        for char in set(text):
            if char in " \n\t":
                continue
            if not any(covers(name, char) for name in self.fonts):
                missing.append(char)
        return sorted(missing)


def chain(primary: str, fallbacks: Sequence[str] = (FALLBACK_FONT,)) -> FontChain:
    """Return the FontChain of *primary* followed by *fallbacks* (no duplicates)."""
    names = [primary] + [name for name in fallbacks if name != primary]
    return FontChain(tuple(names))
