"""Plan how each word is written: letter forms, joined pairs and baseline steps; pure, seeded.

A word's shape is planned once per style, word text and seeded variant, and shared by every
line that writes that word (:func:`line_words` looks shapes up in bulk). Inside a word:

* **letter forms**: glyph *i* takes form ``(phase + i) mod n`` of its letter, so two identical
  neighbours ("ll", "ee") never share a shape (:func:`cycle_forms`);
* **joined pairs**: where the hand has a join for two letters (a learned sheet's th, oo, ll …;
  :mod:`notecards.handwriting.ligatures`), the pair is written joined most of the time
  (:data:`JOIN_CHANCE`), never the same join twice in a row (:func:`join_pairs`);
* **steps**: glyph indices where the baseline and spacing step (every few glyphs, at every
  repeated letter), never inside a join.

Across words, a line's shapes are checked where they meet: when a word would start with the
very glyph the word before it (or the line before it) ended with, "as soon", another seeded
variant of the word is taken, so the rule holds in reading order across spaces and line ends.
"""

from __future__ import annotations

import re
from _random import Random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha512
from typing import cast

from notecards.handwriting.alternates import AlternatesTTFont, Written
from notecards.handwriting.styles import HandStyle, registered_ttfont
from notecards.layout.geometry import SetLine

#: Entries in each of a style's step tables (``plan.step_tables``); a word reads a window.
TABLE = 1024
#: Seeded variants of each word's shape, and how many word shapes a style keeps planned.
WORD_VARIANTS = 32
WORD_CACHE = 50_000
#: How often a pair the hand can join is written joined (a person joins most, not all).
JOIN_CHANCE = 0.75

_WORDS = re.compile(r"\s*\S+\s*|\s+")  # a word with the spaces after it (and before the first)
_DOUBLE = re.compile(r"(\S)(?=\1)")  # the first of two identical neighbours
_PAIR = re.compile(r"(.)\1")
#: Shaped scripts and the private codes of shaped glyphs (see layout/shaping.py).
_JOINED = re.compile(
    "[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff"
    "\ufb1d-\ufdff\ufe70-\ufefc\ue000-\uf8ff\U000f0000-\U000fffff\u0300-\u036f]"
)

#: A glyph as drawn: (font name, code point written).
Glyph = tuple[str, str]
#: Planned shapes by (font, variant); a line in one font looks words up by text, other lines
#: by their pieces under the font "".
WordTables = dict[tuple[str, int], dict[object, "WordShape"]]


@dataclass(frozen=True, slots=True, eq=False)
class WordShape:
    """How one word (with the spaces after it) is written, shared by every line writing it.

    Compared by identity: it is planned once per style, word and seeded variant (cache key).
    """

    pieces: tuple[tuple[str, str, str], ...]  # (font, drawn text: forms and joins, layout text)
    steps: tuple[int, ...]  # drawn-glyph indices where baseline and spacing step (0 first)
    table_start: int  # step *j* reads entry ``table_start + j`` of the step tables
    width_em: float  # advance of the drawn text at size 1 (joins advance as their letters)
    first: Glyph | None = None  # its first ink glyph, when that could be written another way
    last: Glyph | None = None  # its last ink glyph (None: the word is spaces only)


@lru_cache(maxsize=64)
def word_tables(style: HandStyle) -> WordTables:
    """Return the word shapes planned for *style* (in em: any size), by (font, variant)."""
    return {}


def line_words(
    line: SetLine, style: HandStyle, words: WordTables, variant: int, last: Glyph | None
) -> tuple[list[WordShape], Glyph | None]:
    """Return the shapes of *line*'s words (spaces after each included) and its last glyph.

    *last* is the glyph the text before the line ended with: no word starts with the glyph
    that precedes it (another variant of the word is taken where one would).
    """
    runs = line.runs
    keys: list[object]
    if len(runs) == 1:
        font = runs[0].font
        table = words.get((font, variant))
        if table is None:
            table = words[(font, variant)] = {}
        keys = _WORDS.findall(runs[0].text)
        found = list(map(table.get, keys))
        if None in found:
            for n, shape in enumerate(found):
                if shape is None:
                    found[n] = table[keys[n]] = plan_word(((font, str(keys[n])),), style, variant)
        shapes: list[WordShape] = found  # type: ignore[assignment]  # every None planned
    else:
        font = ""
        table = words.setdefault(("", variant), {})
        bounds, at = [], 0
        for run in runs:
            bounds.append((at, at + len(run.text), run.font))
            at += len(run.text)
        text = line.text
        keys, shapes = [], []
        for m in _WORDS.finditer(text):
            s, e = m.span()
            key = tuple(
                (f, text[max(s, lo) : min(e, hi)]) for lo, hi, f in bounds if lo < e and s < hi
            )
            planned = table.get(key)
            if planned is None:
                planned = table[key] = plan_word(key, style, variant)
            keys.append(key)
            shapes.append(planned)
    for n, shape in enumerate(shapes):
        if shape.first is not None and shape.first == last:
            shape = shapes[n] = _other_variant(font, keys[n], style, words, variant, shape.first)
        last = shape.last or last
    return shapes, last


def _other_variant(
    font: str, key: object, style: HandStyle, words: WordTables, variant: int, avoid: Glyph
) -> WordShape:
    """Return the next seeded variant of a word that does not start with glyph *avoid*."""
    pieces = cast("Sequence[tuple[str, str]]", key if font == "" else ((font, key),))
    shape = None
    for step in range(1, WORD_VARIANTS):
        other = (variant + step) % WORD_VARIANTS
        table = words.setdefault((font, other), {})
        shape = table.get(key)
        if shape is None:
            shape = table[key] = plan_word(pieces, style, other)
        if shape.first != avoid:
            return shape
    assert shape is not None
    return shape  # every variant starts alike (a letter with one form): nothing to change


def plan_word(pieces: Sequence[tuple[str, str]], style: HandStyle, variant: int) -> WordShape:
    """Plan how a word is written (variant *variant*): letter forms, joins, steps, table window."""
    text = pieces[0][1] if len(pieces) == 1 else "".join([t for _, t in pieces])
    rand = seeded(f"notecards-hand-word:{variant}:{text}")
    planned, width = [], 0.0
    joined: list[tuple[int, Sequence[int] | None]] = []  # (glyphs, glyph of each character)
    first: Glyph | None = None
    last: Glyph | None = None
    for font_name, part in pieces:
        font = registered_ttfont(font_name)
        if style.alternates and isinstance(font, AlternatesTTFont):
            phase = int(rand() * len(font.translation_tables)) if font.forms else -1
            if font.join_finder is not None and font.join_finder.search(part):
                drawn = cycle_forms(part, font, phase) if phase >= 0 else part
                drawn, at = join_pairs(part, drawn, font.joins, rand)
                piece = _written(font_name, drawn, font.stringWidth(drawn, 1.0), font.changeable)
                joined.append((len(drawn), at if len(drawn) < len(part) else None))
            else:  # the same part in the same phase is always written alike
                piece = font.written.get((part, phase)) or _write(font, font_name, part, phase)
                joined.append((len(piece[0]), None))
        else:
            piece = _written(font_name, part, font.stringWidth(part, 1.0), frozenset())
            joined.append((len(part), None))
        planned.append((font_name, piece[0], part))
        width += piece[1]
        if piece[3] is not None:
            if last is None:
                first = piece[2]
            last = piece[3]
    core = text.rstrip()
    if _JOINED.search(core):
        # Joined and stacked scripts (Arabic, Devanagari, Thai …) are shaped glyph runs: a
        # step inside the word would break the joins and lift marks off their letters.
        steps: tuple[int, ...] = (0,)
    else:
        c = style.cluster_glyphs
        steps = _char_steps(core, c, int(rand() * c))
        if any(at is not None for _, at in joined):
            steps = tuple(sorted(_glyph_steps(set(steps), joined)))
    return WordShape(tuple(planned), steps, int(rand() * TABLE), width, first, last)


def _write(font: AlternatesTTFont, font_name: str, part: str, phase: int) -> Written:
    """Return *part* written in form-cycle *phase* (-1: no forms), remembered by the font."""
    if len(font.written) >= WORD_CACHE:
        font.written.clear()
    drawn = cycle_forms(part, font, phase) if phase >= 0 else part
    piece = _written(font_name, drawn, font.stringWidth(drawn, 1.0), font.changeable)
    font.written[(part, phase)] = piece
    return piece


def _written(font_name: str, drawn: str, width: float, changeable: frozenset[int]) -> Written:
    """Return a piece as written: *drawn*, *width*, and its first (when *changeable*) and
    last ink glyphs."""
    ink = drawn.strip()
    if not ink:
        return drawn, width, None, None
    head = (font_name, ink[0]) if ord(ink[0]) in changeable else None
    return drawn, width, head, (font_name, ink[-1])


@lru_cache(maxsize=16384)
def _char_steps(core: str, cluster: int, offset: int) -> tuple[int, ...]:
    """Return the character indices of *core* (a word less its trailing spaces) where the
    baseline steps: the first, every *cluster* glyphs from *offset* after the first letter,
    and the second of two identical neighbours ("ll": never alike)."""
    lead = len(core) - len(core.lstrip())
    steps = {0, *range(lead + 1 + offset, len(core), cluster)}
    steps.update(m.end() for m in _DOUBLE.finditer(core))
    return tuple(sorted(steps))


def seeded(text: str) -> Callable[[], float]:
    """Return the ``random()`` of a generator seeded by *text*: ``random.Random(text).random``.

    Python seeds a generator from a string with its UTF-8 bytes followed by their SHA-512
    digest, read as one big-endian integer (seed version 2, fixed across Python versions);
    seeding ``random.Random``'s C base class with that integer directly skips its Python
    layer (~2 µs of ~7.5 µs; a block or a word is seeded ~38,000 times on 2,000 cards).
    """
    data = text.encode()
    return Random(int.from_bytes(data + sha512(data).digest(), "big")).random


def _glyph_steps(steps: set[int], joined: list[tuple[int, Sequence[int] | None]]) -> set[int]:
    """Return character indices *steps* as drawn-glyph indices, dropping any that would fall
    between the two letters of a join."""
    glyph_of: list[int] = []
    glyphs = 0
    for count, at in joined:
        glyph_of += [glyphs + a for a in (at if at is not None else range(count))]
        glyphs += count
    return {glyph_of[t] for t in steps if not t or glyph_of[t] != glyph_of[t - 1]}


def cycle_forms(text: str, font: AlternatesTTFont, phase: int) -> str:
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


def join_pairs(
    text: str, drawn: str, joins: Mapping[str, int], rand: Callable[[], float]
) -> tuple[str, list[int]]:
    """Return *drawn* with the pairs of *text* the hand joins written joined, most times.

    Also returns, for every character of *text*, the index of the glyph that writes it (the
    two letters of a join share one). A join is never written twice in a row: "tttt" is one
    joined "tt" and two letters.

    >>> join_pairs("little", "little", {"tt": 0xF300}, lambda: 0.0)
    ('li\uf300le', [0, 1, 2, 2, 3, 4])
    """
    out: list[str] = []
    at: list[int] = []
    i, n = 0, len(text)
    while i < n:
        code = joins.get(text[i : i + 2]) if i + 1 < n else None
        if code is not None and (not out or out[-1] != chr(code)) and rand() < JOIN_CHANCE:
            at += (len(out), len(out))
            out.append(chr(code))
            i += 2
        else:
            at.append(len(out))
            out.append(drawn[i])
            i += 1
    return "".join(out), at
