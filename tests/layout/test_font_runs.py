"""A line's font runs are the same whether its characters were met before or not (the
remembered-faces path of FontChain.runs against the per-character loop)."""

from __future__ import annotations

import pytest

from notecards.errors import FontError
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout import fonts
from notecards.layout.fonts import CLEAN_FALLBACKS, CarefulChain, chain
from tests.worldorders import WORLD

TEXTS = [
    "Dear Ada, thank you for the lavender candle!",
    "1427 Larkspur Lane, Apt 3",
    "Portland, OR 97214",
    "Zoë Ångström — crème brûlée, naïve café",
    "Lily 🌸 Park",
    "Ludwig-Erhard-Straße 12\n10117 Berlin",
    "",
    "   ",
    *(text for script in sorted(WORLD) for text in WORLD[script] if text),
]


def _chains():
    register_bundled_fonts()
    hand = chain("Caveat-Regular")
    careful = CarefulChain(
        chain("Kalam-Light", ("NotoSans", *CLEAN_FALLBACKS)).fonts,
        frozenset("0123456789I"),
        "Delius",
    )
    return [hand, chain("NotoSans", CLEAN_FALLBACKS), careful]


def _fresh(chain_, text):
    fonts._KNOWN.pop(chain_, None)
    try:
        return chain_.runs(text)
    except FontError as err:
        return str(err)


@pytest.mark.parametrize("index", range(len(_chains())))
def test_remembered_faces_give_the_loops_runs(index):
    """Verify every text splits into the same runs on a fresh chain and on one that has met
    all its characters (in every order), emoji dropped and scripts shaped alike."""
    chain_ = _chains()[index]
    expected = {text: _fresh(chain_, text) for text in TEXTS}
    fonts._KNOWN.pop(chain_, None)
    for text in TEXTS + TEXTS[::-1]:  # the second pass meets every character again
        try:
            got: object = chain_.runs(text)
        except FontError as err:
            got = str(err)
        assert got == expected[text], text
    assert fonts._KNOWN.get(chain_)  # the fast path was taken on the second pass


def test_careful_characters_keep_their_face_on_the_fast_path():
    """Verify an envelope's figures stay in the careful face once remembered."""
    careful = _chains()[2]
    fonts._KNOWN.pop(careful, None)
    first = careful.runs("Portland, OR 97214")
    again = careful.runs("Portland, OR 97214")
    assert first == again
    assert ("97214", "Delius") in again and again[0][1] == "Kalam-Light"


def test_the_emoji_pattern_is_the_emoji_ranges():
    """Verify is_emoji (one compiled pattern, so a text is searched at C speed) matches the
    documented ranges for every code point."""
    ranges = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0xE0020, 0xE007F))
    singles = {0x200D, 0xFE0F, 0xFE0E, 0x20E3, 0x2B50, 0x2B55, 0x2B1B, 0x2B1C}
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates are not characters
        expected = code in singles or any(low <= code <= high for low, high in ranges)
        assert fonts.is_emoji(chr(code)) == expected, hex(code)
