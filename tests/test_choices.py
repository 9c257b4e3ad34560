"""The closed sets: found from what a person types, written back as the same words."""

from __future__ import annotations

import pytest

from notecards.choices import Choice, DateOrder, EnvelopeFont, Flip, Ink, PdfX, parse_standard
from notecards.errors import ConfigError
from notecards.loading import LoadOptions


@pytest.mark.parametrize(
    ("kind", "typed", "member"),
    [
        (Ink, " Blue-Black ", Ink.BLUE_BLACK),
        (Flip, "Short", Flip.SHORT_EDGE),
        (Flip, "long-edge", Flip.LONG_EDGE),
        (PdfX, "X1A", PdfX.X_1A),
        (DateOrder, "mdy", DateOrder.MDY),
        (EnvelopeFont, "HAND", EnvelopeFont.HAND),
    ],
)
def test_a_member_is_found_from_what_a_person_types(kind: type[Choice], typed, member):
    assert kind(typed) is member


def test_an_unknown_word_is_no_member():
    with pytest.raises(ValueError):
        Ink("green")
    with pytest.raises(ValueError):
        Flip(3)


def test_members_are_their_words():
    assert Ink.words() == ("blue-black", "blue", "black")
    assert str(DateOrder.MDY) == f"{DateOrder.MDY}" == "MDY"
    assert {Ink.BLUE: 1}["blue"] == 1  # a dict keyed by members is found by the word too


def test_parse_standard_reads_the_ways_pdfx_is_written():
    assert parse_standard("PDF/X-1a") is PdfX.X_1A
    assert parse_standard("pdfx-4") is PdfX.X_4
    assert parse_standard(" none ") is None
    with pytest.raises(ConfigError, match=r'^"x-9" is not a PDF/X standard'):
        parse_standard("x-9")


def test_load_options_take_the_words_as_text():
    options = LoadOptions(date_order="DMY", gift_card_to="recipient", gift_address="billing")
    assert options.date_order is DateOrder.DMY
    with pytest.raises(ConfigError, match='^date_order "YMD" is not allowed. Use one of: "auto"'):
        LoadOptions(date_order="YMD")
