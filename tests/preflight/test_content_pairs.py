"""The one-pattern reading of a content stream gives exactly the token loop's pairs."""

from __future__ import annotations

import random
import re

import pikepdf
import pytest

from notecards.preflight.content import (
    _COMPOUND,
    content_findings,
    pairs,
    rules_for,
    token_pairs,
)

TOKENS = [b"1", b"-2.5", b"+.5", b"/F1", b"~", b"true", b"false", b"null", b"Tf", b"rg", b"q"]
TOKENS += [b"Q", b"*", b"}", b"{", b"'", b'"', b"T*", b"trueX", b"nullable", b"TsTJ", b"0.3"]
SEPARATORS = [b" ", b"\n", b"\t", b"  ", b"\r\n", b"\x0c"]


@pytest.mark.parametrize(
    "data",
    [
        b"1 0 0 1 0 0 cm q 0 g BT /F1 12 Tf 1 2 Td ~ Tj ET Q",
        b"1 2 true",  # operands left at the end: no pair
        b"1 2 /Name",
        b"true false null 1 } 2 { 3 *x y",
        b"trueX 1 falsey",
        b"",
        b"   ",
        b"q\tQ\r\n1\x0c2 w",
    ],
)
def test_pairs_of_known_streams(data):
    assert list(pairs(data)) == list(token_pairs(data.split()))


def test_pairs_of_random_streams_are_the_token_loops():
    """Verify 20,000 random token sequences read the same both ways (stray operands, words
    that start like true/false/null, tokens of no known kind, no final whitespace)."""
    rng = random.Random(14)
    for _ in range(20_000):
        tokens = [rng.choice(TOKENS) for _ in range(rng.randint(0, 12))]
        data = b"".join(token + rng.choice(SEPARATORS) for token in tokens)
        if rng.random() < 0.3:
            data = data.rstrip()
        assert list(pairs(data)) == list(token_pairs(data.split())), data


def test_glued_names_are_split_as_before():
    """Verify a name written against the token before it is read token by token."""
    assert list(pairs(b"/F1/F2 1 Tf ~/Im Do")) == [
        ([b"/F1", b"/F2", b"1"], "Tf"),
        ([b"~", b"/Im"], "Do"),
    ]


#: The compound-operand patterns as first written, one alternation per character: the
#: unrolled ones in content.py must fold exactly the same spans.
_REFERENCE_STRING = rb"\((?:[^\\()]|\\.|\((?:[^\\()]|\\.)*\))*\)"
_REFERENCE = re.compile(
    rb"\[(?:" + _REFERENCE_STRING + rb"|[^\]\(])*\]|" + _REFERENCE_STRING
    + rb"|<<.*?>>|<[0-9A-Fa-f\s]*>",
    re.DOTALL,
)  # fmt: skip
PIECES = [b"(", b")", b"\\", b"\\(", b"\\)", b"[", b"]", b"<", b">", b"<<", b">>", b"a", b"1"]
PIECES += [b" ", b"\n", b"\\\n", b"(x)", b"(a(b)c)", b"[(x) 3 (y)]", b"TJ", b"Tj", b"0f"]


def test_unrolled_compound_pattern_folds_what_the_plain_one_folds():
    """Verify 50,000 random streams of brackets, parentheses, escapes and words (balanced or
    not) have the same spans folded by both forms of the pattern."""
    rng = random.Random(8)
    for _ in range(50_000):
        data = b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        assert _COMPOUND.sub(b" ~ ", data) == _REFERENCE.sub(b" ~ ", data), data


@pytest.mark.parametrize(
    ("stream", "operands"),
    [
        (b"1 2 3 4 re 1 2 3 4 re 1 2 3 4 re f", None),
        (b"1 2 3 4 re 5 6 7 re 1 2 3 4 re f", 3),  # a short one inside a run
        (b"1 2 3 4 5 re 1 2 3 4 re f", 5),  # a stray operand before a run
        (b"0 Ts [(a)] TJ 1 2 Ts [(b)] TJ 0 Ts [(c)] TJ", 2),  # and inside a handwritten line
    ],
)
def test_folded_runs_keep_every_operand_count(stream, operands):
    """Verify runs read as one step (rectangles, handwritten shows) still find a wrong
    operand count anywhere in the run."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(stream)
    found = content_findings(pdf.pages[0], rules_for(False, 3.0), {})
    if operands is None:
        assert found == []
    else:
        assert len(found) == 1 and f"has {operands} operands" in found[0]
