"""Words that read as written to this person: checked on 1,000 rendered cards.

200 repeat customers, 50 per shipped occasion, each get five cards over five daily batches
(plan_batch + render_batch, the ledger carrying their history). Every rule is read back from
the text of the rendered cards.pdf: which wording a card has is recognised from the text alone,
by the fixed words of each bundled template's first-order and repeat-customer forms.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from notecards import make_settings, plan_batch
from notecards.config import Config, load_config
from notecards.drawing.cards import draw_cards
from notecards.errors import ConfigError
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.panels import card_geometry
from notecards.ledger import open_ledger
from notecards.output.render import issued_card
from notecards.paths import default_templates_dir
from notecards.planning.wording import GREETINGS, clean_item, items_phrase
from tests.conftest import TODAY, make_order

CUSTOMERS = 200
CARDS_EACH = 5
OCCASIONS = ("thank-you", "birthday", "just-because", "graduation")
NAMES = ("Ada", "Bea", "Cal", "Dov", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo")
#: What the shops' exports hold: variants, SKUs, quantities, long orders.
ORDERS = (
    ("Lavender Candle - Large / Blue",),
    ("2 × Honey Soap", "Linen Tea Towel (SKU TT-204)"),
    ("Beeswax Wrap - Default Title", "Ceramic Mug x3", "Wool Socks LC001"),
    ("Lavender Candle - Small", "Honey Soap", "Linen Tea Towel", "Ceramic Mug", "Notebook"),
    ("USB Reading Lamp",),
)
PERSONAL = ("", "Hope the candle smells as lovely as the last one!", "", "Enjoy the socks!", "")


def _fingerprints() -> dict[str, dict[str, list[tuple[str, list[str]]]]]:
    """Return, per occasion, each variant's forms as (form, fixed words of that form)."""
    found: dict[str, dict[str, list[tuple[str, list[str]]]]] = {}
    for occasion in OCCASIONS:
        variants: dict[str, list[tuple[str, list[str]]]] = {}
        for path in sorted((default_templates_dir() / occasion / "messages").glob("*.j2")):
            source = path.read_text(encoding="utf-8")
            match = re.search(
                r"\{% if is_repeat_customer %\}(.*)\{% else %\}(.*)\{% endif %\}\s*$|"
                r"\{% if is_repeat_customer %\}(.*?)\{% else %\}(.*?)\{% endif %\}",
                source,
                re.S,
            )
            assert match, f"{path}: no first-order and repeat-customer forms"
            repeat, first = (match[1], match[2]) if match[1] else (match[3], match[4])
            variants[path.stem] = [("repeat", _fixed(repeat)), ("first", _fixed(first))]
        found[occasion] = variants
    return found


def _fixed(template: str) -> list[str]:
    """Return the runs of fixed words of *template* (what every rendering of it contains)."""
    template = re.sub(r"\{% if .*?%\}.*?\{% endif %\}", " ", template, flags=re.S)  # optional
    parts = re.split(r"\{\{.*?\}\}|\{%.*?%\}", template, flags=re.S)
    runs = [" ".join(p.split()) for p in parts]
    return [r for r in runs if len(r) >= 6]


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    """Return one record per card: customer, occasion, day, order, and its page's text."""
    tmp = tmp_path_factory.mktemp("wording")
    settings = make_settings(
        Config(
            shop_name="Juniper & Pine",
            return_address=("12 Mill Street", "Portland, ME 04101"),
            signer="Maya",
            ledger_path=str(tmp / "ledger.sqlite"),
        )
    )
    register_bundled_fonts()
    cards: list[dict[str, object]] = []
    for day in range(CARDS_EACH):
        rows = []
        for c in range(CUSTOMERS):
            occasion = OCCASIONS[c % len(OCCASIONS)]
            rows.append(
                make_order(
                    order_id=f"{c:03d}-{day}",
                    order_date=(TODAY + timedelta(days=day)).isoformat(),
                    first_name=NAMES[c % len(NAMES)],
                    last_name=f"Customer{c:03d}",
                    email=f"c{c}@example.com",
                    occasion="" if occasion == "thank-you" else occasion,
                    items="; ".join(ORDERS[(c + day) % len(ORDERS)]),
                    personal_line=PERSONAL[(c + day) % len(PERSONAL)],
                )
            )
        path = tmp / f"orders-{day}.csv"
        _write(path, rows)
        plan = plan_batch([path], settings, today=TODAY + timedelta(days=day))
        assert len(plan.jobs) == CUSTOMERS
        # The cards as render_batch draws them (envelopes and preflight left out for time),
        # recorded in the ledger as render_batch records them.
        pdf = BytesIO()
        geometry = card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
        draw_cards(pdf, geometry, [j.content for j in plan.jobs], shop_name="J", title="t")
        with open_ledger(settings.ledger_path) as ledger:
            ledger.record_batch(
                plan.batch_id,
                (TODAY + timedelta(days=day)).isoformat(),
                datetime(2026, 11, 22 + day, tzinfo=timezone.utc).isoformat(timespec="seconds"),
                str(tmp),
                [issued_card(job) for job in plan.jobs],
            )
        document = pdfium.PdfDocument(pdf.getvalue())
        try:
            for job in plan.jobs:
                page = document[2 * job.card_number - 1]  # the inside of a folded card
                text = page.get_textpage().get_text_range()
                cards.append(
                    {
                        "customer": job.order.email,
                        "occasion": job.occasion.slug,
                        "day": day,
                        "name": job.order.first_name,
                        "items": job.order.items,
                        "personal": job.order.personal_line,
                        "text": _normal(text),
                    }
                )
        finally:
            document.close()
    return cards


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _wording(card: dict[str, object], prints: dict[str, dict[str, list[tuple[str, list[str]]]]]):
    """Return (variant, form) recognised from the card's rendered text alone."""
    text = str(card["text"])
    matches = [
        (variant, form)
        for variant, forms in prints[str(card["occasion"])].items()
        for form, runs in forms
        if all(run in text for run in runs)
    ]
    assert len(matches) == 1, (text, matches)
    return matches[0]


def test_every_occasion_has_eight_wordings_with_both_forms():
    """Verify each shipped occasion has at least 8 wordings, each with two different forms."""
    prints = _fingerprints()
    for occasion, variants in prints.items():
        assert len(variants) >= 8, occasion
        for variant, ((_, repeat), (_, first)) in variants.items():
            assert repeat != first, (occasion, variant)


def test_thousand_cards_follow_the_wording_rules(rendered):
    """Verify on 1,000 rendered cards: forms, no repeat in the last 5, greetings, items."""
    assert len(rendered) == CUSTOMERS * CARDS_EACH
    prints = _fingerprints()
    by_customer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    greetings: Counter[str] = Counter()
    used: dict[str, set[str]] = defaultdict(set)
    for card in rendered:
        variant, form = _wording(card, prints)
        # First card: first-order words; every later card: the repeat-customer words.
        assert form == ("first" if card["day"] == 0 else "repeat"), card
        by_customer[str(card["customer"])].append((variant, form))
        used[str(card["occasion"])].add(variant)
        text, name = str(card["text"]), str(card["name"])
        # The greeting: Dear / Hi / Hello and the name (or the occasion's own opening).
        opening = re.match(rf"(?:Happy )?(\w+),? {name}[,!]", text)
        assert opening, text[:60]
        greetings[opening[1]] += 1
        _check_items(card, text)
    for customer, wordings in by_customer.items():
        variants = [v for v, _ in wordings]
        assert len(set(variants)) == len(variants) == CARDS_EACH, (customer, variants)
    for occasion, variants in used.items():
        assert len(variants) >= 6, (occasion, variants)  # the choice spreads over the wordings
    warm = set(GREETINGS["warm"])
    assert warm <= set(greetings), greetings  # greetings vary
    assert set(greetings) <= warm | {"birthday", "Congratulations"}, greetings


def _check_items(card: dict[str, object], text: str) -> None:
    """Verify items read as a person writes them and the personal line is not echoed."""
    # Never a shop system's spelling: variants, SKUs, title case inside a sentence.
    for raw in ("Large / Blue", "Default Title", "TT-204", "LC001", "SKU", " x3", "2 ×"):
        assert raw not in text, (raw, text)
    assert not re.search(r"\b(?:Your|your|pack|love) (?:[A-Z][a-z]+ )+(?:Candle|Soap|Mug)", text)
    items = [i for i in (clean_item(x) for x in card["items"]) if i]  # type: ignore[attr-defined]
    personal = str(card["personal"])
    if personal:
        assert personal in text
        body = text.replace(personal, " ")
        for item in items:
            if re.search(rf"\b{item.noun}s?\b", personal, re.I):
                # Named by the personal line: the template does not say it again.
                assert not re.search(rf"\b{item.noun}s?\b", body, re.I), (item, text)
    if card["occasion"] != "thank-you":
        return
    # Where a thank-you names the order, it is as a person writes it.
    if len(items) > 3 and "other treats" not in text:
        assert "your order" in text or not any(i.noun in text for i in items), text
    if "other treats" in text:
        assert len(items) > 3
        assert re.search(r"[Yy]our \w+ \w+ and (?:three|four|five|six|seven) other treats", text)
    if "honey soaps" in text:
        assert "two honey soaps" in text


def test_items_phrase_examples():
    """Verify the item rules on the issue's own examples."""
    candle = clean_item("Lavender Candle - Large / Blue")
    assert candle is not None and candle.name == "lavender candle"
    items = [clean_item(x) for x in ("Candle", "2 × Mug", "Tea Towel", "Honey Soap x2")]
    assert items_phrase([i for i in items if i]) == "your candle and five other treats"
    assert items_phrase([i for i in items[:2] if i]) == "your candle and two mugs"
    assert items_phrase([i for i in items[:3] if i]) == "your candle, two mugs and tea towel"
    assert clean_item("SKU-1234") is None


def test_tone_is_checked_with_a_suggestion(tmp_path):
    """Verify [shop] tone accepts the three tones and suggests the closest for a typo."""
    path = tmp_path / "notecards.toml"
    path.write_text('[shop]\ntone = "Formal"\n', encoding="utf-8")
    assert load_config(path).tone == "formal"
    path.write_text('[shop]\ntone = "playfull"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r'unknown tone "playfull". Did you mean "playful"\?'):
        load_config(path)
