"""Words as a person writes them: item names in a sentence, greetings in the shop's tone.

Pure functions over plain values; :mod:`notecards.planning.messages` exposes them to the
templates as filters and context variables.

* Item names lose what a shop system adds (Shopify's ``" - Large / Blue"`` variant title,
  ``"(Blue)"``, SKU-like codes), take sentence case ("lavender candle", not "Lavender Candle"),
  keep their quantity in words ("two mugs"), and a long order is summarised ("your candle
  and three other treats").
* An item the personal line already names is left out of the template's words, so a card never
  says the same thing twice.
* Greetings vary from card to card (Dear / Hi / Hello) within the shop's tone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from notecards.choices import Tone

GREETINGS: dict[Tone, tuple[str, ...]] = {
    Tone.WARM: ("Dear", "Hi", "Hello"),
    Tone.FORMAL: ("Dear", "Hello"),
    Tone.PLAYFUL: ("Hi", "Hello", "Hey"),
}
#: What the rest of a long order is called, by tone ("and three other treats").
OTHER_THINGS = {Tone.WARM: "treats", Tone.FORMAL: "items", Tone.PLAYFUL: "goodies"}
#: An order with more items than this is summarised.
LONGEST_LIST = 3

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
)
_QUANTITY = re.compile(
    r"^\s*(?:(\d+)\s*(?:×|x|X|\*)\s+(.+)|(.+?)\s+(?:×|x|X|\*)\s*(\d+)|(\d+)\s+(.+))\s*$"
)
_DASH_TAIL = re.compile(r"\s+[-–—]\s+(.+)$")
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SKU = re.compile(
    r"(?x)\b(?i:sku|item|ref|art)\s*[:#.]?\s*[\w-]*\d[\w-]*"  # "SKU: LC-001"
    r"|\#\s*[\w-]+"  # "#4471"
    r"|\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b"  # "LC-001-BL"
    r"|\b(?=[A-Z]*\d)[A-Z]{1,4}\d{2,}[A-Z0-9]*\b"  # "LC001", "A12"
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\S+")
_UNIT = re.compile(
    r"^(?:\d+(?:[.,]\d+)?\s*(?:oz|ml|cl|l|g|kg|lb|lbs|cm|mm|in|\"|pk|pack)?|oz|ml|cl|g|kg|lbs?)$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Item:
    """One line of an order as a person would name it."""

    name: str  # sentence case, no variant or SKU: "lavender candle"
    quantity: int = 1

    @property
    def noun(self) -> str:
        """Return the word that names the thing ("candle" of "lavender candle")."""
        words = self.name.split()
        return words[-1].lower() if words else ""

    def phrase(self) -> str:
        """Return the item with its quantity in words: "lavender candle", "two mugs"."""
        if self.quantity == 1:
            return self.name
        return f"{number_word(self.quantity)} {plural(self.name)}"


def number_word(value: int) -> str:
    """Return "two" … "twelve", then digits."""
    return _NUMBER_WORDS[value] if 0 <= value < len(_NUMBER_WORDS) else str(value)


def plural(name: str) -> str:
    """Return *name* with its last word in the plural ("honey soaps", "wax matches")."""
    head, _, last = name.rpartition(" ")
    lower = last.lower()
    if not last or lower.endswith("s") and not lower.endswith(("ss", "us")):
        word = last
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    elif lower.endswith("y") and lower[-2:-1] not in tuple("aeiou"):
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def clean_item(label: str) -> Item | None:
    """Return *label* as a person would name it, or None when nothing but codes is left.

    >>> clean_item("2 × Lavender Candle - Large / Blue (SKU LC-001)")
    Item(name='lavender candle', quantity=2)
    """
    text = " ".join(str(label).split())
    quantity = 1
    match = _QUANTITY.match(text)
    if match:
        groups = match.groups()
        if groups[0]:
            quantity, text = int(groups[0]), groups[1]
        elif groups[2]:
            text, quantity = groups[2], int(groups[3])
        elif groups[4] and not _UNIT.match(groups[5].split()[0]):
            quantity, text = int(groups[4]), groups[5]
    text = _PARENS.sub("", text)
    # Shopify and others write "Product - Variant": what follows the dash is the variant.
    tail = _DASH_TAIL.search(text)
    if tail:
        text = text[: tail.start()]
    text = _SKU.sub(" ", text)
    words = [
        _sentence_case(w)
        for w in _WORD.findall(text)
        if any(c.isalpha() for c in w) and not _UNIT.match(w)
    ]
    name = " ".join(words).strip(" -–—,/")
    if not name:
        return None
    return Item(name, max(1, quantity))


def _sentence_case(word: str) -> str:
    """Return *word* in sentence case; acronyms ("USB") and brand casing ("iPhone") stay."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and len(letters) <= 4:
        return word
    if any(c.isupper() for c in word[1:]) and not all(c.isupper() for c in letters):
        return word
    return word.lower()


def clean_items(labels: Sequence[str]) -> list[Item]:
    """Return the order's items named as a person would, merging repeated names."""
    merged: dict[str, Item] = {}
    for label in labels:
        item = clean_item(label)
        if item is None:
            continue
        known = merged.get(item.name)
        merged[item.name] = Item(item.name, item.quantity + (known.quantity if known else 0))
    return list(merged.values())


def names_item(text: str, item: Item) -> bool:
    """Return True when *text* (a personal line) names *item* (its noun, singular or plural)."""
    noun = item.noun
    if len(noun) < 3:
        return False
    stem = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
    return re.search(rf"\b{re.escape(stem)}(?:s|es)?\b", text, re.IGNORECASE) is not None


def items_phrase(items: Sequence[Item], tone: str = Tone.WARM, empty: str = "your order") -> str:
    """Return the order's items in a sentence: "your candle and two mugs".

    More than three items are summarised: "your lavender candle and three other treats".
    """
    if not items:
        return empty
    if len(items) > LONGEST_LIST:
        rest = sum(i.quantity for i in items[1:])
        other = OTHER_THINGS.get(tone, "treats")  # type: ignore[call-overload]  # any text
        return f"your {items[0].phrase()} and {number_word(rest)} other {other}"
    phrases = [i.phrase() for i in items]
    if len(phrases) == 1:
        return f"your {phrases[0]}"
    return f"your {', '.join(phrases[:-1])} and {phrases[-1]}"


def labels_phrase(labels: Sequence[str], tone: str = Tone.WARM) -> str:
    """Return order item labels (as exported) in a sentence: the ``items_phrase`` filter.

    *tone* is what a template wrote (``items | items_phrase("formal")``); an unknown one is warm.
    """
    return items_phrase(clean_items(labels), tone if tone in Tone.words() else Tone.WARM)


def greeting_word(tone: Tone, seed: str) -> str:
    """Return the greeting ("Dear", "Hi" …) of the card seeded by *seed*, within *tone*."""
    choices = GREETINGS.get(tone, GREETINGS[Tone.WARM])
    digest = hashlib.sha256(f"greeting:{seed}".encode()).digest()
    return choices[digest[0] % len(choices)]


def wording_context(
    labels: Sequence[str], personal_line: str, tone: Tone, *, name: str, seed: str
) -> dict[str, object]:
    """Return the template variables for items and greeting (see the README's list)."""
    items = clean_items(labels)
    unsaid = [i for i in items if not personal_line or not names_item(personal_line, i)]
    return {
        "greeting": f"{greeting_word(tone, seed)} {name}",
        "greeting_word": greeting_word(tone, seed),
        "tone": tone,
        "item_names": [i.phrase() for i in items],
        "items_phrase": items_phrase(unsaid, tone),
        "items_plural": len(unsaid) > 1 or any(i.quantity > 1 for i in unsaid),
        "items_named": bool(unsaid),
    }
