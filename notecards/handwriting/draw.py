"""Write a handwriting plan into PDF text, in as few bytes as the look allows.

The cost of a card is mostly the bytes of its content stream (reportlab encodes and deflates
every one of them), so each line becomes::

    q .99999 .00349 -.00349 .99999 31.02 258.31 cm BT 0.11 w /F2+0 1 Tf
      14.999 -.209 .209 14.999 0 .44 Tm -.013 Ts[15(Dear)]TJ -.032 Ts[3(Ad)]TJ ... ET Q

* ``cm``: where the line sits and its slope, unique to the card;
* one ``Tm`` per segment of a few words, in the line's frame: tilt, and the letter height
  folded in (the font is set at size 1; the height scales the y axis only, so advances stay
  as layout measured them);
* at every baseline step, ``Ts`` (baseline, in em) and one ``TJ`` number (spacing);
* nothing per glyph but its code: alternate forms and joined pairs are other codes of the
  same font.

What lies inside a word depends only on the word's shape, so it is written once per PDF and
word shape and reused (names, items and template words recur on every card); a line joins its
words' pieces with one step token each and a ``Tm`` per segment. Tokens and numbers are
preformatted per style. ``benchmarks/bench_handwriting.py`` checks issue 5's budget.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import cycle, islice
from math import cos, radians, sin
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.rl_accel import escapePDF

from notecards.errors import ConfigError
from notecards.handwriting.plan import plan_block, step_tables
from notecards.handwriting.styles import HandStyle, ink_for_pdf, registered_ttfont
from notecards.handwriting.words import TABLE, WordShape
from notecards.internals import canvas_document
from notecards.layout.geometry import TextBlock

#: Each code byte as it appears inside a PDF string (without the parentheses): as itself
#: where that is the same byte whether reportlab writes the page stream as UTF-8 (deflated)
#: or as PDFDocEncoding (not), escaped elsewhere and where PDF needs it ("(", ")", "\\",
#: line ends, NUL). Alternate letter forms take low subset codes: 1 byte, not 4 ("\\001").
_RAW = tuple(
    chr(b) if (0 < b < 0x18 or 0x20 <= b < 0x7F) and b not in b"()\\\r\n" else escapePDF(bytes([b]))
    for b in range(256)
)


def draw_block(
    canvas: Any, block: TextBlock, style: HandStyle, seed: str, *, cmyk: bool = False
) -> None:
    """Draw *block* on a reportlab canvas in *style*, varied by *seed* (e.g. order id + occasion).

    Use it instead of ``canvas.drawString``; the canvas must be bottom-up (reportlab's default).

    >>> draw_block(canvas, layout.message, get_style("casual"), f"{order.order_id}:birthday")
    ... # doctest: +SKIP

    Raises:
        FontError: a run's font is not a registered TrueType font.
    """
    if not getattr(canvas, "bottomup", 1):
        raise ConfigError("draw_block needs a bottom-up canvas (reportlab's default).")
    ink = ink_for_pdf(style.ink, cmyk=cmyk)
    overprint = ink == (0.0, 0.0, 0.0, 1.0)  # solid black text overprints (no knockout)
    if overprint:
        canvas.saveState()
        canvas.setFillOverprint(True)
        canvas.setStrokeOverprint(True)
        canvas.setOverprintMask(True)
    # Fill and stroke are both set, in the same colour space: with pressure the glyphs are
    # filled and stroked (render mode 2), and an unset stroke colour would print as black.
    code = [f"q {ink_operators(ink)} {2 if style.pressure else 0} Tr 0 Tc 0 Tw 100 Tz"]
    doc = canvas_document(canvas)
    cached = _bodies.get(doc)
    if cached is None or len(cached[0]) > _BODY_CACHE:
        cached = _bodies[doc] = ({}, {})
    bodies, encoded = cached
    size = block.size_pt
    tokens = _step_tokens(style)
    for plan in plan_block(block, style, seed):
        shape = plan.shape
        if not shape.words:
            continue
        out = [
            f"q {_rotation(round(plan.angle_deg * 10))} {_coord(round(plan.x_pt * 100))} "
            f"{_coord(round(plan.y_pt * 100))} cm {_tint(ink, plan.tint, cmyk)}BT "
            f"{plan.stroke_pt:.2f} w "
        ]
        add = out.append
        written = list(map(bodies.get, shape.words))
        if None in written:
            for n, word in enumerate(shape.words):
                if written[n] is None:
                    written[n] = bodies[word] = _word_body(word, doc, tokens, encoded)
        font = ""
        segments = shape.segments
        ends = [*(s.start for s in segments[1:]), len(written)]
        for seg, end in zip(segments, ends, strict=True):
            if seg.stroke_pt:  # the pen presses harder or lighter here
                tm = f"{_width(seg.stroke_pt)}{_matrix(size, round(seg.tilt_deg * 10), seg.scale)} "
            else:
                tm = f"{_matrix(size, round(seg.tilt_deg * 10), seg.scale)} "
            tm += f"{_coord(round(seg.x_pt * 100))} {_coord(round(seg.y_pt * 100))} Tm "
            first, body, last = written[seg.start]  # type: ignore[misc]  # every None written
            if first != font:  # at size 1: the Tm scales it
                add(f"{first} 1 Tf ")
            add(tm)
            add(body)
            font = last
            for first, body, last in written[seg.start + 1 : end]:  # type: ignore[misc]
                if first != font:
                    add(f"{first} 1 Tf ")
                add(body)
                font = last
        add("ET Q")
        code.append("".join(out))
    code.append("Q")
    canvas.addLiteral(" ".join(code))
    if overprint:
        canvas.restoreState()


def ink_operators(ink: tuple[float, ...]) -> str:
    """Return the operators setting fill and stroke to *ink*: 1 value gray, 3 RGB, 4 CMYK.

    >>> ink_operators((0.88, 0.72, 0.2, 0.5))
    '0.880 0.720 0.200 0.500 k 0.880 0.720 0.200 0.500 K'
    """
    fill = " ".join(f"{v:.3f}" for v in ink)
    fill_op, stroke_op = _INK_OPERATORS[len(ink)]
    return f"{fill} {fill_op} {fill} {stroke_op}"


_INK_OPERATORS = {1: ("g", "G"), 3: ("rg", "RG"), 4: ("k", "K")}

#: Per PDF document (its subset codes are the document's own): the word bodies already
#: written, and each (font, drawn text) already encoded as (subset name, codes) chunks.
_Encoded = dict[tuple[str, str], list[tuple[str, bytes]]]
_bodies: WeakKeyDictionary[Any, tuple[dict[WordShape, tuple[str, str, str]], _Encoded]] = (
    WeakKeyDictionary()
)
_BODY_CACHE = 50_000


@lru_cache(maxsize=1024)
def _tint(ink: tuple[float, ...], tint: float, cmyk: bool) -> str:
    """Return the fill and stroke colour of a line written *tint* lighter than *ink*.

    The operators follow the ink's own colour space (gray, RGB or CMYK), so a lighter line
    never leaves stray operands (preflight checks every content stream for them).
    """
    if not tint:
        return ""
    if len(ink) == 4:  # CMYK: less of every ink
        values = " ".join(_fmt(v * (1 - tint), 3) for v in ink)
    else:  # gray or RGB: towards white
        values = " ".join(_fmt(v + (1 - v) * tint, 3) for v in ink)
    fill_op, stroke_op = _INK_OPERATORS[len(ink)]
    return f"{values} {fill_op} {values} {stroke_op} "


def _number(n: int) -> str:  # a TJ number moves the next glyph back by n/1000 em
    return str(n) if n else ""


@lru_cache(maxsize=1024)
def _width(stroke_pt: float) -> str:
    """Return the operator setting the pen's stroke to *stroke_pt* (0.01 pt steps)."""
    return f"{_fmt(stroke_pt, 2)} w "


@lru_cache(maxsize=65536)
def _coord(hundredths: int) -> str:
    """Return a coordinate given in 1/100 pt, in as few characters as it takes."""
    return _fmt(hundredths / 100, 2)


@lru_cache(maxsize=4096)
def _rotation(tenth_deg: int) -> str:
    """Return the ``a b c d`` of a matrix rotating by *tenth_deg* / 10 degrees."""
    t = radians(tenth_deg / 10)
    return f"{_fmt(cos(t), 5)} {_fmt(sin(t), 5)} {_fmt(-sin(t), 5)} {_fmt(cos(t), 5)}"


def _fmt(value: float, places: int) -> str:
    """Return *value* with at most *places* decimals and no redundant zeros (``-.26``)."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    text = text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text
    return "0" if text in ("", "-", "-0") else text


_Tokens = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[int, ...]]


@lru_cache(maxsize=64)
def _step_tokens(style: HandStyle) -> _Tokens:
    """Return (step, head, rise, shift) per table entry; a glyph's code follows a step.

    ``step[j]`` ends the open TJ, sets baseline j and moves from spacing j-1 to j.
    ``head[j]`` follows a new ``Tm``: baseline j and spacing j from nothing.
    ``rise[j]`` is baseline j (em) as written, ``shift[j]`` spacing j in 1/1000 em.
    """
    tables = step_tables(style)
    rise = tuple(_fmt(r, 3) for r in tables.rise_em)
    shift = tables.shift_milli
    step = tuple(f")]TJ {rise[j]} Ts[{_number(shift[j - 1] - shift[j])}(" for j in range(len(rise)))
    head = tuple(f"{rise[j]} Ts[{_number(-shift[j])}(" for j in range(len(rise)))
    return step, head, rise, shift


@lru_cache(maxsize=8192)
def _matrix(size_pt: float, tenth_deg: int, scale: float) -> str:
    """Return ``a b c d`` of a Tm: font size, rotation by tenth_deg/10°, height × scale."""
    t = radians(tenth_deg / 10)
    a, b = size_pt * cos(t), size_pt * sin(t)
    return f"{_fmt(a, 3)} {_fmt(b, 3)} {_fmt(-b * scale, 3)} {_fmt(a * scale, 3)}"


def _window(table: tuple[str, ...], start: int, count: int) -> Any:
    """Return *count* entries of a doubled table from *start* (wrapping for huge lines)."""
    if count <= TABLE:
        return table[start : start + count]
    return islice(cycle(table[:TABLE]), start, start + count)


def _word_body(
    word: WordShape, doc: Any, tokens: _Tokens, encoded: _Encoded
) -> tuple[str, str, str]:
    """Return how *word* is written in *doc*: (first font, operators, last font).

    The operators set the word's first baseline and spacing, write its glyphs with a step
    token at every inner step (and a font change where the word changes font), and end by
    moving the pen back by the last spacing: a word starts and ends undisplaced, so a line
    is its words joined. A piece of text met before in *doc* is encoded as it was then
    (*encoded*): reportlab gives a character its subset code once per document.
    """
    codes, switches = b"", []
    for font_name, text, _ in word.pieces:
        chunks = encoded.get((font_name, text))
        if chunks is None:
            font = registered_ttfont(font_name)
            chunks = encoded[(font_name, text)] = [
                (font.getSubsetInternalName(subset, doc), chunk)
                for subset, chunk in font.splitString(text, doc)
            ]
        for ref, chunk in chunks:
            switches.append((len(codes), ref))
            codes += chunk
    toks = list(map(_RAW.__getitem__, codes))
    step, head, _, shift = tokens
    steps, start = word.steps, word.table_start
    for b, token in zip(steps[1:], _window(step, start + 1, len(steps) - 1), strict=True):
        toks[b] = token + toks[b]
    first = font_ref = switches[0][1] if switches else ""
    for at, ref in switches[1:]:  # a font (or subset) change inside the word
        if ref != font_ref:
            font_ref = ref
            toks[at] = f")]TJ {ref} 1 Tf[(" + toks[at]
    back = _number(shift[(start + len(steps) - 1) % TABLE])
    return first, f"{head[start]}{''.join(toks)}){back}]TJ ", font_ref
