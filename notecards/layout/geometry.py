"""Lay text out in boxes, in points: wrapping and shrink-to-fit. Pure functions only.

Text measurement is injected (``measure(text, font, size) -> width_pt``) so the layout can be
tested without fonts, and so the handwriting fallback font is chosen per character run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from notecards.errors import LayoutError

Measure = Callable[[str, str, float], float]
FontFor = Callable[[str], str] | str
"""The font that draws each character: a function (handwriting font, or the fallback per
character) or, when one font draws the whole text, just its name (the fast path)."""


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in points; ``x_pt``/``y_pt`` is the lower-left corner (PDF convention)."""

    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float

    def __reduce__(self) -> tuple[type[Box], tuple[float, float, float, float]]:
        # Pickled as its constructor call: a batch sends its cards' layouts to the drawing
        # worker, and the slotted dataclass's own pickling reads its field list per object.
        return (Box, (self.x_pt, self.y_pt, self.width_pt, self.height_pt))

    @property
    def top_pt(self) -> float:
        """Return the y of the top edge."""
        return self.y_pt + self.height_pt

    @property
    def right_pt(self) -> float:
        """Return the x of the right edge."""
        return self.x_pt + self.width_pt

    def inset(
        self,
        left: float,
        bottom: float | None = None,
        right: float | None = None,
        top: float | None = None,
    ) -> Box:
        """Return this box shrunk by the given margins (CSS-like: one value means all four)."""
        bottom = left if bottom is None else bottom
        right = left if right is None else right
        top = bottom if top is None else top
        return Box(
            self.x_pt + left,
            self.y_pt + bottom,
            self.width_pt - left - right,
            self.height_pt - bottom - top,
        )

    def contains(self, other: Box, tolerance_pt: float = 0.01) -> bool:
        """Return True when *other* lies inside this box."""
        return (
            other.x_pt >= self.x_pt - tolerance_pt
            and other.y_pt >= self.y_pt - tolerance_pt
            and other.right_pt <= self.right_pt + tolerance_pt
            and other.top_pt <= self.top_pt + tolerance_pt
        )


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of one line drawn in one font."""

    text: str
    font: str
    width_pt: float

    def __reduce__(self) -> tuple[type[Run], tuple[str, str, float]]:
        return (Run, (self.text, self.font, self.width_pt))  # as Box.__reduce__


@dataclass(frozen=True, slots=True)
class SetLine:
    """One laid-out line: its runs, where it starts and its baseline."""

    runs: tuple[Run, ...]
    x_pt: float
    baseline_pt: float
    width_pt: float
    role: str = "body"

    def __reduce__(self) -> tuple[type[SetLine], tuple[Any, ...]]:
        return (SetLine, (self.runs, self.x_pt, self.baseline_pt, self.width_pt, self.role))

    @property
    def text(self) -> str:
        """Return the line's text."""
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Lines set in a box at one size; what drawing needs and what tests inspect."""

    lines: tuple[SetLine, ...]
    box: Box
    size_pt: float
    leading_pt: float

    def __reduce__(self) -> tuple[type[TextBlock], tuple[Any, ...]]:
        return (TextBlock, (self.lines, self.box, self.size_pt, self.leading_pt))


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the message; ``role`` lets drawing treat greeting/sign-off differently."""

    text: str
    role: str = "body"
    align: str = "left"
    space_before: float = 0.0
    """Extra space before the paragraph, in lines (0.5 = half a line)."""


def split_runs(text: str, font_for: FontFor) -> list[tuple[str, str]]:
    """Split *text* into (text, font) runs where consecutive characters share a font.

    A font chain (anything with a ``runs`` method) splits, orders and shapes text itself.
    """
    if isinstance(font_for, str):
        return [(text, font_for)] if text else []
    runs_of = getattr(font_for, "runs", None)
    if runs_of is not None:
        return list(runs_of(text))
    runs: list[tuple[str, str]] = []
    for char in text:
        font = font_for(char)
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + char, font)
        else:
            runs.append((char, font))
    return runs


def measure_runs(text: str, size_pt: float, measure: Measure, font_for: FontFor) -> float:
    """Return the width of *text* drawn with per-character font fallback."""
    return sum(measure(part, font, size_pt) for part, font in split_runs(text, font_for))


def wrap_text(
    text: str,
    width_pt: float,
    size_pt: float,
    measure: Measure,
    font_for: FontFor,
    shorter: Callable[[int], float] | None = None,
) -> list[str] | None:
    """Wrap *text* into lines no wider than *width_pt*; None when one word alone is too wide.

    *shorter(k)* (a fraction) makes line *k* break that much before the width, the way a
    hand stops short of the edge: a ragged right margin.
    """
    # Widths add up (reportlab applies no kerning), so a line's width is the sum of its
    # words and spaces: each word is measured once.
    space = measure_runs(" ", size_pt, measure, font_for)
    one_font = font_for if isinstance(font_for, str) else None  # a word is one run of it
    lines: list[str] = []
    limit, limit_of = width_pt, -1  # the room of line *limit_of* (a new line: look it up)
    for hard_line in text.split("\n"):
        words = hard_line.split()
        if not words:
            lines.append("")
            continue
        current: list[str] = []
        current_width = 0.0
        for word in words:
            if one_font is not None:
                width = measure(word, one_font, size_pt)
            else:
                width = measure_runs(word, size_pt, measure, font_for)
            if width > width_pt:
                return None
            if shorter and limit_of != len(lines):
                limit_of = len(lines)
                limit = width_pt * (1 - shorter(limit_of))
            if current and current_width + space + width <= limit + 1e-9:
                current.append(word)
                current_width += space + width
            elif current:
                lines.append(" ".join(current))
                current, current_width = [word], width
            else:
                current, current_width = [word], width
        lines.append(" ".join(current))
    return lines


def fit_paragraphs(
    paragraphs: Sequence[Paragraph],
    box: Box,
    measure: Measure,
    font_for: FontFor,
    *,
    max_size_pt: float,
    min_size_pt: float,
    leading: float = 1.25,
    step_pt: float = 0.5,
    ascent: float = 0.8,
    descent: float = 0.25,
    valign: str = "top",
    ragged: float = 0.0,
    seed: str = "",
) -> TextBlock:
    """Set *paragraphs* in *box* at the largest size from max to min that fits.

    With *ragged*, each line may break up to that fraction of the width early (seeded by
    *seed*), so the right margin is ragged the way a hand's is.

    Every line is at most the box width, the first line's ascenders and the last line's
    descenders stay inside the box. Raises LayoutError when even *min_size_pt* does not fit.
    """
    size = max_size_pt
    while size >= min_size_pt - 1e-9:
        block = _try_set(
            paragraphs,
            box,
            measure,
            font_for,
            size,
            leading,
            ascent,
            descent,
            valign,
            _ragged(ragged, seed) if ragged else None,
        )
        if block is not None:
            return block
        size = round(size - step_pt, 3)
    raise LayoutError(
        f"The message does not fit its writing area ({box.width_pt:.0f} × {box.height_pt:.0f} pt) "
        f"even at {min_size_pt:g} pt. Shorten the message or the personal line, or choose a "
        "larger card format."
    )


def _ragged(amount: float, seed: str) -> Callable[[int, int], float]:
    """Return how much earlier line *k* of paragraph *p* breaks: seeded, 0 to *amount*."""

    def shorter(paragraph: int, line: int) -> float:
        digest = hashlib.sha256(f"ragged:{seed}:{paragraph}:{line}".encode()).digest()
        return amount * digest[0] / 255

    return shorter


def _try_set(
    paragraphs: Sequence[Paragraph],
    box: Box,
    measure: Measure,
    font_for: FontFor,
    size: float,
    leading: float,
    ascent: float,
    descent: float,
    valign: str,
    shorter: Callable[[int, int], float] | None = None,
) -> TextBlock | None:
    leading_pt = size * leading
    wrapped: list[tuple[str, Paragraph, bool]] = []  # (line, paragraph, first line of it)
    for number, para in enumerate(paragraphs):
        lines = wrap_text(
            para.text,
            box.width_pt,
            size,
            measure,
            font_for,
            partial(shorter, number) if shorter else None,
        )
        if lines is None:
            return None
        for index, line in enumerate(lines):
            wrapped.append((line, para, index == 0))
    if not wrapped:
        return TextBlock((), box, size, leading_pt)
    gaps = sum(para.space_before for _, para, first in wrapped[1:] if first)
    height = size * ascent + (len(wrapped) - 1 + gaps) * leading_pt + size * descent
    if height > box.height_pt:
        return None
    if valign == "middle":
        top = box.top_pt - (box.height_pt - height) / 2
    elif valign == "upper":  # a third of the spare room above: a letter, not a form
        top = box.top_pt - (box.height_pt - height) / 3
    else:
        top = box.top_pt
    baseline = top - size * ascent
    set_lines: list[SetLine] = []
    for position, (line, para, first) in enumerate(wrapped):
        if position > 0:
            baseline -= leading_pt * (1 + (para.space_before if first else 0))
        runs = tuple(
            Run(part, font, measure(part, font, size)) for part, font in split_runs(line, font_for)
        )
        width = sum(run.width_pt for run in runs)
        if para.align == "right":
            x = box.right_pt - width
        elif para.align == "center":
            x = box.x_pt + (box.width_pt - width) / 2
        else:
            x = box.x_pt
        set_lines.append(SetLine(runs, x, baseline, width, para.role))
    return TextBlock(tuple(set_lines), box, size, leading_pt)
