"""The world's names and addresses are drawn, not rejected (a 470-order Etsy export).

Every script the shops ship to gets its card and envelope; only a character no bundled font
has rejects its order, naming the character. Every glyph in the PDFs comes from a font that
has it, Arabic is joined, Hebrew reads right to left, Devanagari vowel signs are reordered.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.layout.shaping import GLYPH_BASE
from notecards.paths import default_fonts_dir
from notecards.planning.production import make_production
from tests.conftest import TODAY, make_order
from tests.pdfcheck import render
from tests.worldorders import NO_FONT, WORLD, world_export


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("world")
    path, ids = world_export(tmp / "EtsySoldOrders2026-11.csv")
    config = Config(
        shop_name="Juniper & Pine",
        return_address=("12 Mill Street", "Portland, ME 04101"),
        ledger_path=str(tmp / "l.sqlite"),
    )
    # Envelopes printed in the clean faces, so the fallback chain's shaping is what is checked
    # (the default hand, Kalam, writes Devanagari itself).
    settings = make_settings(config, production=make_production(config, envelope_font="sans"))
    plan = plan_batch([path], settings, today=TODAY)
    render_batch(plan, tmp / "out")
    with (tmp / "out" / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        manifest = {row["order_id"]: row for row in csv.DictReader(handle)}
    yield plan, ids, manifest, tmp / "out"
    for path in ("cards.pdf", "envelopes.pdf"):
        _pdf(tmp / "out" / path).close()
    _pdf.cache_clear()


def test_every_order_but_the_one_with_no_font_gets_its_card(world):
    """Verify 469 cards of 470 orders; the reject names the character and what to do."""
    plan, ids, manifest, out = world
    assert plan.rows_read == 470
    assert len(plan.jobs) == 469 and len(manifest) == 469
    assert all(str(ids[script]) in manifest for script in WORLD)
    [reject] = plan.rejects
    assert reject.row == 471
    assert NO_FONT in reject.reason and "U+13000" in reject.reason and " — " in reject.reason
    with (out / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["order_id"] == str(ids["no-font"]) and "U+13000" in row["reason"]


def test_emoji_are_dropped_with_a_warning_not_rejected(world):
    plan, ids, manifest, out = world
    warning = [p for p in plan.problems if "emoji" in p.message]
    assert len(warning) == 1 and "🌸" in warning[0].message
    page = int(manifest[str(ids["emoji"])]["envelope_page"]) - 1
    text = "".join(c["text"] for c in chars(out / "envelopes.pdf", page))
    assert "Lily" in text and "🌸" not in text


@cache
def _pdf(path: Path) -> pdfplumber.PDF:
    return pdfplumber.open(str(path))  # one parse per file: cards.pdf has 938 pages


def chars(path: Path, page: int) -> list[dict]:
    return list(_pdf(path).pages[page].chars)


@cache
def _font_files() -> dict[str, tuple[frozenset[int], int]]:
    """PostScript name → (cmap, glyph count) of every bundled font."""
    found = {}
    for path in default_fonts_dir().glob("*.ttf"):
        with TTFont(path, lazy=True) as font:
            name = font["name"].getDebugName(6)
            found[name] = (frozenset(font.getBestCmap()), font["maxp"].numGlyphs)
    return found


def _pages(world, script: str) -> list[tuple[Path, int]]:
    _, ids, manifest, out = world
    row = manifest[str(ids[script])]
    first, last = (int(n) for n in row["cards_pdf_pages"].split("-"))
    cards = [(out / "cards.pdf", page - 1) for page in range(first, last + 1)]
    return [*cards, (out / "envelopes.pdf", int(row["envelope_page"]) - 1)]


@pytest.mark.parametrize("script", sorted(WORLD))
def test_no_glyph_is_drawn_from_a_font_that_lacks_it(world, script):
    """Verify every character on the script's card and envelope is in the font drawing it."""
    fonts = _font_files()
    for path, page in _pages(world, script):
        for char in chars(path, page):
            name = char["fontname"].split("+", 1)[-1]
            cmap, glyphs = fonts[name]
            code = ord(char["text"]) if len(char["text"]) == 1 else -1
            if code not in cmap:  # a shaped glyph with no character: a real glyph id
                assert 0 < code - GLYPH_BASE < glyphs, (script, name, hex(code))


def _line_chars(world, script: str, font: str) -> list[dict]:
    """The envelope's characters drawn in *font*, on the first line that has any."""
    path, page = _pages(world, script)[-1]
    found = [c for c in chars(path, page) if font in c["fontname"]]
    top = min(round(c["top"]) for c in found)
    return sorted((c for c in found if round(c["top"]) == top), key=lambda c: c["x0"])


def test_arabic_is_joined(world):
    """Verify the Arabic name is drawn with joined forms (glyphs that no character maps to)."""
    drawn = _line_chars(world, "arabic", "NotoNaskhArabic")
    joined = [c for c in drawn if 0xE000 <= ord(c["text"][0]) <= 0xF8FF]
    assert len(joined) >= 3  # محمد العلي: initial, medial and final forms


def test_hebrew_reads_right_to_left(world):
    """Verify the first letter of the Hebrew name is the rightmost one drawn."""
    drawn = "".join(c["text"] for c in _line_chars(world, "hebrew", "NotoSansHebrew"))
    assert drawn.replace(" ", "") == "נועה כהן"[::-1].replace(" ", "")


def test_devanagari_vowel_sign_is_reordered(world):
    """Verify प्रिया: the i-sign (ि) is drawn left of the consonant cluster it follows."""
    drawn = _line_chars(world, "devanagari", "NotoSansDevanagari")
    with TTFont(default_fonts_dir() / "NotoSansDevanagari-Regular.ttf", lazy=True) as font:
        cmap = font.getBestCmap()
        code = ord(drawn[0]["text"])
        glyph = cmap[code] if code in cmap else font.getGlyphName(code - GLYPH_BASE)
    assert glyph.startswith("ivowelsign")  # one of the i-sign's widths, first on the line


def test_every_script_is_inked_on_its_envelope(world):
    """Verify the envelope of each script has ink where its address is (no blank boxes)."""
    for script in ("japanese", "chinese", "korean", "thai", "arabic"):
        path, page = _pages(world, script)[-1]
        image = render(path, page, scale=1.0).convert("L")
        dark = image.point(lambda v: 255 if v < 128 else 0).histogram()[255]
        assert dark > 400, script


def test_a_signer_in_any_script_signs_in_a_hand_that_has_the_letters(tmp_path, write_orders):
    """Verify a Cyrillic and Japanese signer: Caveat (a hand with Cyrillic), then Klee One."""
    from notecards import render_pdfs

    path = write_orders([make_order()])
    settings = make_settings(
        Config(signer="Мария 美咲", return_address=("x",), ledger_path=str(tmp_path / "l"))
    )
    plan = plan_batch([path], settings, today=TODAY)
    assert len(plan.jobs) == 1 and not plan.rejects
    cards, _ = render_pdfs(plan)
    (tmp_path / "cards.pdf").write_bytes(cards)
    with pdfplumber.open(str(tmp_path / "cards.pdf")) as pdf:
        drawn = {c["text"]: c["fontname"].split("+")[-1] for c in pdf.pages[1].chars}
    assert drawn["М"] == "Caveat-Regular" and drawn["美"] == "KleeOne-Regular"


def test_combining_marks_are_composed_on_the_card(world):
    """Verify "Zoe" + combining acute is written as one "é" (no mark drifting off its letter)."""
    (path, page), *_ = [p for p in _pages(world, "combining") if p[0].name == "cards.pdf"][1:]
    text = "".join(c["text"] for c in chars(path, page))
    assert "Zoé" in text and "\u0301" not in text


def test_a_dropped_emoji_leaves_no_double_space():
    from notecards.handwriting.styles import register_bundled_fonts
    from notecards.layout.fonts import CLEAN_FALLBACKS, chain

    register_bundled_fonts()
    assert chain("NotoSans", CLEAN_FALLBACKS).runs("Lily 🌸 Park") == [("Lily Park", "NotoSans")]
    assert chain("NotoSans", CLEAN_FALLBACKS).dropped("Lily 🌸 Park") == ["🌸"]
