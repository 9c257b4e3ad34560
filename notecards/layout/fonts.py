"""Register the bundled fonts once, measure text, and check glyph coverage before drawing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from notecards.errors import FontError
from notecards.internals import font_codes
from notecards.layout.geometry import FontFor
from notecards.layout.shaping import needs_shaping, visual_runs
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

#: The world's scripts, registered the first time a character needs one (name → file).
SCRIPT_FONTS: dict[str, str] = {
    "NotoNaskhArabic": "NotoNaskhArabic-Regular.ttf",
    "NotoSansHebrew": "NotoSansHebrew-Regular.ttf",
    "NotoSansThai": "NotoSansThai-Regular.ttf",
    "NotoSansDevanagari": "NotoSansDevanagari-Regular.ttf",
    "KleeOne": "KleeOne-Regular.ttf",
    "NanumGothic": "NanumGothic-KS.ttf",
    "DroidSansFallback": "DroidSansFallback-CJK.ttf",
}

_SCRIPTS = ("NotoNaskhArabic", "NotoSansHebrew", "NotoSansThai", "NotoSansDevanagari")
#: After a handwriting face: Noto for Latin/Greek/Cyrillic, then each script, and for
#: Japanese (and the kanji Chinese shares) the pen-written Klee One, then Nanum Gothic for
#: Korean and the printed Droid Sans Fallback for the rest of Chinese. (Nanum Pen, the
#: Korean hand, draws at half the size of the other faces: it looked like a mistake.)
HAND_FALLBACKS: tuple[str, ...] = (
    FALLBACK_FONT,
    *_SCRIPTS,
    "KleeOne",
    "NanumGothic",
    "DroidSansFallback",
)
#: After a signature face (Sacramento has Latin only): a handwriting face with Cyrillic
#: (Caveat, registered with the handwriting styles) before the printed fallbacks.
SIGNATURE_FALLBACKS: tuple[str, ...] = ("Caveat-Regular", *HAND_FALLBACKS)
#: After the envelope's clean sans: the same scripts, printed CJK first (a postal clerk's
#: reading beats a pen's look).
CLEAN_FALLBACKS: tuple[str, ...] = (*_SCRIPTS, "NanumGothic", "DroidSansFallback", "KleeOne")


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
def register_base_fonts(fonts_dir: Path | None = None) -> None:
    """Register the bundled printed faces (Noto): once per folder and process.

    The handwriting faces are registered by
    :func:`notecards.handwriting.styles.register_bundled_fonts`, which calls this too.
    """
    folder = fonts_dir or default_fonts_dir()
    for name, file_name in BUNDLED_FONTS.items():
        register_font(name, folder / file_name)


def covers(font_name: str, char: str) -> bool:
    """Return True when the registered font *font_name* has a glyph for *char*."""
    return ord(char) in _cmap(font_name)


def ensure_registered(font_name: str, fonts_dir: Path | None = None) -> str:
    """Register a bundled script font on first use (they are large; most days need none)."""
    if font_name in SCRIPT_FONTS and font_name not in pdfmetrics.getRegisteredFontNames():
        register_font(font_name, (fonts_dir or default_fonts_dir()) / SCRIPT_FONTS[font_name])
    return font_name


@lru_cache(maxsize=64)
def _cmap(font_name: str) -> frozenset[int]:
    ensure_registered(font_name)
    font = pdfmetrics.getFont(font_name)
    if getattr(font, "face", None) is None:
        raise FontError(
            f'Font "{font_name}" is not a bundled TrueType font; notecards embeds '
            "only TrueType fonts.",
            font_name=font_name,
        )
    return frozenset(font_codes(font))


def measure(text: str, font_name: str, size_pt: float) -> float:
    """Return the width of *text* in points (reportlab's metrics, as drawn).

    Widths are remembered by (text, font, size): a batch measures the same template words at
    the same sizes on every card (fonts are known by name, as :func:`covers` knows them).
    """
    key = (text, font_name, size_pt)
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) >= _WIDTHS_KEPT:
            _WIDTHS.clear()
        width = _WIDTHS[key] = float(pdfmetrics.stringWidth(text, font_name, size_pt))
    return width


#: Widths measured so far (a few MB at most), by (text, font name, size).
_WIDTHS: dict[tuple[str, str, float], float] = {}
_WIDTHS_KEPT = 20_000


@dataclass(frozen=True, slots=True)
class FontChain:
    """A face and its fallbacks: each character is drawn by the first font that has it."""

    fonts: tuple[str, ...]

    def __call__(self, char: str) -> str:
        """Return the font that draws *char* (a chain is a ``FontFor``)."""
        return self.font_for(char)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Return *text* as (codes, font) runs, ready to measure and draw left to right.

        Characters are composed (NFC) first; emoji no font draws are dropped (the planner
        warns about them); right-to-left and complex scripts are reordered and shaped.

        Raises:
            FontError: a character (not an emoji) that no font of the chain has.
        """
        text = unicodedata.normalize("NFC", text)
        known = _KNOWN.get(self)
        if known is not None and known.keys() >= set(text):  # most lines: nothing to shape
            return [("".join(part), font) for font, part in groupby(text, known.__getitem__)]
        if _EMOJI.search(text) is None:
            kept = text
        else:
            kept = "".join(c for c in text if not (is_emoji(c) and not self._drawn(c)))
        if kept != text:  # "Lily 🌸 Park" reads "Lily Park", not "Lily  Park"
            kept = _SPACES.sub(" ", kept).strip()
        runs: list[tuple[str, str]] = []
        for char in kept:
            font = self.font_for(char)
            if runs and runs[-1][1] == font:
                runs[-1] = (runs[-1][0] + char, font)
            else:
                runs.append((char, font))
        if kept == text and not needs_shaping(text):  # remember the characters' faces
            known = _KNOWN.setdefault(self, {})
            for part, font in runs:
                known.update(dict.fromkeys(part, font))
        return visual_runs(runs)

    def _drawn(self, char: str) -> bool:
        return any(covers(name, char) for name in self.fonts)

    def dropped(self, text: str) -> list[str]:
        """Return the emoji of *text* that no font of the chain draws (they are left out)."""
        if _EMOJI.search(text) is None:  # most texts: no emoji at all
            return []
        return sorted({c for c in text if is_emoji(c) and not self._drawn(c)})

    def font_for(self, char: str) -> str:
        """Return the first font of the chain that draws *char*.

        Raises:
            FontError: no font in the chain has the character.
        """
        if char in " \n\t":
            return self.fonts[0]
        if unicodedata.combining(char) and covers(self.fonts[0], char):
            return self.fonts[0]
        for name in self.fonts:
            if covers(name, char):
                return name
        raise FontError(
            f'character "{char}" (U+{ord(char):04X}, {_char_name(char)}) is in no bundled '
            f"font ({', '.join(self.fonts)}) — replace it in the row, or add a font that has "
            "it to fonts/ (see fonts/README.md)",
            char=char,
            font_name=self.fonts[0],
        )

    def font_for_text(self, text: str) -> FontFor:
        """Return what layout needs to set *text*: the face's name alone when it draws every
        character (the fast path), else the per-character ``font_for``."""
        primary = self.fonts[0]
        composed = unicodedata.normalize("NFC", text) == text  # else runs() composes it
        if (
            composed
            and not needs_shaping(text)
            and _covers_all(primary, set(text).difference(" \n\t"))
        ):
            return primary
        return self

    def check(self, text: str) -> list[str]:
        """Return the characters of *text* no font of the chain can draw (empty when all can)."""
        text = unicodedata.normalize("NFC", text)
        chars = set(text).difference(" \n\t")
        if _EMOJI.search(text) is not None:  # most texts have none
            chars = {char for char in chars if not is_emoji(char)}
        if not chars:
            return []
        primary = _cmap(self.fonts[0])  # most characters are the face's own
        return sorted(c for c in chars if ord(c) not in primary and not self._drawn(c))


def _covers_all(font_name: str, chars: set[str]) -> bool:
    """Return True when the registered font *font_name* has a glyph for each of *chars*."""
    return not chars or _cmap(font_name).issuperset(map(ord, chars))


_SPACES = re.compile(r" {2,}")
#: Per chain, the face of each character already met in a text with no emoji dropped and
#: nothing to shape or reorder: a text made only of such characters is split into runs at C
#: speed (groupby), with the same result as the loop. The chains are few (one per hand
#: and fallback list), the characters a shop's customers use a few hundred.
_KNOWN: dict[FontChain, dict[str, str]] = {}


def is_emoji(char: str) -> bool:
    """Return True for an emoji or a character that only joins or varies emoji."""
    return _EMOJI.match(char) is not None


#: Emoji, and the characters that only join or vary them (ZWJ, variation selectors, keycap,
#: tag characters).
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u200d\ufe0f\ufe0e\u20e3\u2b50\u2b55\u2b1b"
    "\u2b1c\U000e0020-\U000e007f]"
)


def _char_name(char: str) -> str:
    return unicodedata.name(char, "unnamed character").lower()


def chain(primary: str, fallbacks: Sequence[str] = HAND_FALLBACKS) -> FontChain:
    """Return the FontChain of *primary* followed by *fallbacks* (no duplicates)."""
    names = [primary] + [name for name in fallbacks if name != primary]
    return FontChain(tuple(names))


@dataclass(frozen=True, slots=True)
class CarefulChain(FontChain):
    """A FontChain that writes a few characters in one careful face (an envelope's figures)."""

    careful: frozenset[str] = frozenset()
    careful_font: str = ""

    def font_for(self, char: str) -> str:
        """Return the careful face for the careful characters, else the chain's choice."""
        if char in self.careful and self.careful_font:
            return self.careful_font
        return FontChain.font_for(self, char)
