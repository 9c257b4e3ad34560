"""The one-pattern reading of a content stream gives exactly the token loop's pairs."""

from __future__ import annotations

import random

import pytest

from notecards.preflight.content import pairs, token_pairs

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
