"""Read a page's content stream as a RIP would: operand counts, and the colours text is filled
and stroked in.

pdfium and pypdf draw or parse around a malformed stream without a word; a RIP may reject it,
or, as with a missing stroke colour, print the outline of every letter in black. This walks
every operator of a page and of the forms it draws (pikepdf parses), keeping the graphics
state that matters for colour: fill and stroke colour and the text render mode.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pikepdf

#: Operators and how many operands each takes (the ones a content stream of ours can hold,
#: and the common others). Colour operators with a variable count (sc, scn) are not counted.
ARITY: dict[str, int] = {
    **dict.fromkeys(("q", "Q", "BT", "ET", "h", "S", "s", "f", "F", "f*", "B", "B*"), 0),
    **dict.fromkeys(("b", "b*", "n", "W", "W*", "T*", "EMC", "BX", "EX"), 0),
    **dict.fromkeys(("g", "G", "w", "J", "j", "M", "i", "ri", "gs", "cs", "CS", "Do"), 1),
    **dict.fromkeys(("Tc", "Tw", "Tz", "TL", "Tr", "Ts", "Tj", "TJ", "'", "sh", "BMC"), 1),
    "TsTJ": 1,  # "<rise> Ts [...] TJ", folded (see _operators)
    **dict.fromkeys(("Tf", "Td", "TD", "m", "l", "d", "d0", "BDC", "DP"), 2),
    **dict.fromkeys(("rg", "RG", '"'), 3),
    **dict.fromkeys(("k", "K", "re", "v", "y"), 4),
    **dict.fromkeys(("cm", "Tm", "c", "d1"), 6),
}
_SHOW = ("Tj", "TJ", "'", '"', "TsTJ")
_STROKED_MODES = (1, 2, 5, 6)
_FILLED_MODES = (0, 2, 4, 6)
_SPACE = {"g": "Gray", "G": "Gray", "rg": "RGB", "RG": "RGB", "k": "CMYK", "K": "CMYK"}
_MAX_DEPTH = 12

Colour = tuple[str, tuple[float, ...]]  # (space, values)
_BLACK: Colour = ("Gray", (0.0,))


@dataclass(frozen=True, slots=True)
class ContentRules:
    """What the content must satisfy beyond well-formed operators."""

    cmyk: bool = False
    """The file is meant to be CMYK: text must be solid K when black, inks under the limit."""
    ink_limit: float = 3.0
    """The most ink (1 = 100 %) any CMYK colour may lay down, C + M + Y + K."""


@dataclass(slots=True)
class _State:
    fill: Colour = _BLACK
    stroke: Colour = _BLACK
    mode: int = 0
    stack: list[tuple[Colour, Colour, int]] = field(default_factory=list)


def content_findings(
    page: Any,
    rules: ContentRules,
    cache: dict[Any, list[str]],
    forms: list[Any] | None = None,
) -> list[str]:
    """Return error messages about *page*'s content (a pikepdf page), each message once.

    *cache* keeps the messages of each form already read (forms recur on every page).
    *forms*, when given, receives the identity (object and generation number) of each form
    the page itself draws, in order; or :data:`UNREAD` when the content is malformed, so
    which forms it draws is a guess.
    """
    found: list[str] = []
    _walk(page.obj, _State(), rules, cache, found, 0, forms)
    return list(dict.fromkeys(found))


#: In *forms* of :func:`content_findings`: the page's forms could not be told for certain.
UNREAD = "unread"


def _walk(
    node: Any,
    state: _State,
    rules: ContentRules,
    cache: dict[Any, list[str]],
    out: list[str],
    depth: int,
    forms: list[Any] | None = None,
) -> None:
    try:
        operators = _operators(node)
    except pikepdf.PdfError as err:
        out.append(f"The content stream cannot be parsed ({err}); a RIP would reject it.")
        if forms is not None:
            forms[:] = [UNREAD]
        return
    resources = node.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    shown: dict[tuple[Colour, Colour, int], list[str]] = {}
    for operands, name in operators:
        expected = ARITY.get(name)
        if expected is not None and len(operands) != expected:
            if forms is not None:
                forms[:] = [UNREAD]
                forms = None
            out.append(
                f'The operator "{name}" has {len(operands)} operands where it takes '
                f"{expected} (stray operands in the content stream); a RIP may reject the page "
                "or draw it differently. Write each operator with its own operands."
            )
            continue
        if name == "q":
            state.stack.append((state.fill, state.stroke, state.mode))
        elif name == "Q" and state.stack:
            state.fill, state.stroke, state.mode = state.stack.pop()
        elif name in _SPACE:
            colour = (_SPACE[name], tuple(float(v) for v in operands))
            if name.islower():
                state.fill = colour
            else:
                state.stroke = colour
            out += _colour_findings(colour, rules)
        elif name == "Tr":
            state.mode = int(float(operands[0]))
        elif name in _SHOW:
            look = (state.fill, state.stroke, state.mode)
            if look not in shown:  # thousands of runs per page share a few states
                shown[look] = _text_findings(state, rules)
                out += shown[look]
        elif name == "Do" and xobjects is not None and depth < _MAX_DEPTH:
            xobject = xobjects.get(_text(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                if forms is not None:
                    forms.append(xobject.objgen)
                key = (xobject.objgen, state.fill, state.stroke, state.mode)
                if key not in cache:
                    cache[key] = []
                    inner = _State(state.fill, state.stroke, state.mode)
                    _walk(xobject, inner, rules, cache, cache[key], depth + 1)
                out += cache[key]


#: A string, with escapes and (balanced, one level) parentheses; an array of strings and
#: numbers (TJ); a hex string; a dictionary (marked content). Each counts as one operand.
#: The patterns are written unrolled (a run of plain characters, then one escape or nested
#: string and a run again), which the regex engine reads several times faster than one
#: alternation per character; tests/preflight/test_content_pairs.py checks them against the
#: one-alternation-per-character forms.
_NESTED = rb"\([^\\()]*(?:\\.[^\\()]*)*\)"
_STRING = rb"\([^\\()]*(?:(?:\\.|" + _NESTED + rb")[^\\()]*)*\)"
_COMPOUND = re.compile(
    rb"\[[^\]\(]*(?:" + _STRING + rb"[^\]\(]*)*\]|" + _STRING + rb"|<<.*?>>|<[0-9A-Fa-f\s]*>",
    re.DOTALL,
)
_TOKEN = re.compile(rb"/[^\s/\[\]()<>{}%]*|[^\s/\[\]()<>{}%~]+|~")
#: Handwriting writes "<rise> Ts [...] TJ" at every baseline step: read as one pseudo-operator
#: "TsTJ" (one operand, shows text), so the walk takes one step for two.
#: Runs of those, each with its one operand (a handwritten line is dozens): read as one,
#: since neither the state nor the operand counts change between them.
_SHOW_RUNS = re.compile(rb"TsTJ(?:\s+[-+]?[\d.]+\s+TsTJ(?=\s|$))+")
#: Runs of well-formed rectangles (a QR code is hundreds): each rectangle after the first,
#: with its four operands, is folded into the first (matched from the operator: the pattern
#: is then tried where "re" is, not at every space of the page).
_RECTS = re.compile(rb"(?<!\S)re(?:(?:\s+[-+]?[\d.]+){4}\s+re(?=\s))+")
_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI(?:\s|/)")
#: An operator and the operands before it, as the token loop below reads them: a token is an
#: operand when it starts with "/", "~" (a folded compound), a sign, a dot or a digit, or is
#: true, false or null; any other token is an operator.
_PAIR = re.compile(
    rb"(?<!\S)((?:(?:[/~+\-.\d]\S*|true|false|null)\s+)*)"
    rb"((?!(?:true|false|null)(?:\s|$))(?![/~+\-.\d])\S+)"
)
#: A "/" inside a token: a name glued to what comes before it (the token loop splits those).
_GLUED = re.compile(rb"\S/")


def _operators(node: Any) -> list[tuple[list[Any], str]]:
    """Return (operands, operator) of *node*'s content (a page or a form), in order.

    Compound operands (strings, arrays, dictionaries) are folded to one token first, so the
    walk touches only operators and plain operands: parsing every glyph string as an object
    costs ten times more, and a batch checks tens of thousands of pages. A stream with an
    inline image (binary data) is parsed by qpdf instead.
    """
    contents = node.get("/Contents")
    if isinstance(node, pikepdf.Stream):
        data = node.read_bytes()
    elif isinstance(contents, pikepdf.Array):
        data = b"\n".join(part.read_bytes() for part in contents)
    elif contents is not None:
        data = contents.read_bytes()
    else:
        data = b""
    if b"BI" in data and _INLINE_IMAGE.search(data):
        return [
            (list(instruction.operands), str(instruction.operator))
            for instruction in pikepdf.parse_content_stream(node)
            if not isinstance(instruction, pikepdf.ContentStreamInlineImage)
        ]
    data = _COMPOUND.sub(b" ~ ", data).replace(b" Ts ~ TJ", b" TsTJ")
    if b"TsTJ" in data:
        data = _SHOW_RUNS.sub(b"TsTJ", data)
    if b"re" in data:  # the pattern tries every space of a page: only where it may match
        data = _RECTS.sub(b"re", data)
    if b"%" in data:  # comments, once strings are gone
        data = re.sub(rb"%[^\r\n]*", b" ", data)
    return pairs(data)


def pairs(data: bytes) -> list[tuple[list[Any], str]]:
    """Return (operands, operator) of folded content *data*: by one pattern at C speed when
    every token stands apart (the same pairs as :func:`token_pairs`), else token by token."""
    if _GLUED.search(data) is None:
        return [(found.split(), name.decode("latin-1")) for found, name in _PAIR.findall(data)]
    return list(token_pairs(_TOKEN.findall(data)))  # names written without a space between


def token_pairs(tokens: Iterable[bytes]) -> Iterator[tuple[list[Any], str]]:
    """Yield (operands, operator) of *tokens*, one token at a time."""
    operands: list[Any] = []
    for token in tokens:
        first = token[:1]
        if first in b"/~" or first in b"+-.0123456789" or token in (b"true", b"false", b"null"):
            operands.append(token)
            continue
        yield operands, token.decode("latin-1")
        operands = []


def _text(token: Any) -> str:
    return token.decode("latin-1") if isinstance(token, bytes) else str(token)


def _text_findings(state: _State, rules: ContentRules) -> list[str]:
    found = []
    if state.mode in (2, 6) and state.stroke != state.fill:
        found.append(
            f"Text is filled in {_show(state.fill)} but its outline (render mode "
            f"{state.mode}) is stroked in {_show(state.stroke)}, so every letter gets an "
            "outline of another ink. Set the stroke colour to the fill colour."
        )
    if rules.cmyk:
        for colour, used in ((state.fill, _FILLED_MODES), (state.stroke, _STROKED_MODES)):
            if state.mode in used and _rich_black(colour):
                found.append(
                    f"Black text is a four-colour build ({_show(colour)}); shops ask for "
                    "100 % K (0 0 0 1 k) so letters cannot print out of register."
                )
    return found


def _colour_findings(colour: Colour, rules: ContentRules) -> list[str]:
    """Return findings about a colour as it is set (registration, 1 1 1 1, is for marks)."""
    space, values = colour
    if space == "CMYK" and sum(values) > rules.ink_limit + 1e-6 and min(values) < 1:
        return [
            f"A colour lays down {sum(values) * 100:.0f} % ink ({_show(colour)}); the limit is "
            f"{rules.ink_limit * 100:.0f} %. Reduce C, M and Y (keep K)."
        ]
    if space == "RGB" and not rules.cmyk and max(values) - min(values) < 1e-6 and min(values) < 1:
        return [
            f"A neutral grey is written as RGB ({_show(colour)}); a RIP builds it from all four "
            "inks. Write greys and black as DeviceGray (g / G)."
        ]
    return []


def _rich_black(colour: Colour) -> bool:
    space, values = colour
    return space == "CMYK" and values[3] >= 0.9 and sum(values[:3]) > 0.0


def _show(colour: Colour) -> str:
    space, values = colour
    return f"{space} " + " ".join(f"{v:g}" for v in values)


def rules_for(cmyk: bool, ink_limit: float) -> ContentRules:
    """Return the content rules of a file in CMYK (or not) with *ink_limit* (1 = 100 %)."""
    return replace(ContentRules(), cmyk=cmyk, ink_limit=ink_limit)
