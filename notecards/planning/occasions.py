"""Occasions: read ``templates/<occasion>/occasion.toml`` and decide which card an order gets.

Reading the folders is the only I/O here (``read_occasions``); the rules (``choose_occasion``,
``card_key``) are pure and take ``today`` as a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from notecards.choices import Ink, Rule
from notecards.config import read_toml
from notecards.errors import ConfigError
from notecards.layout.catalogue import card_format, envelope_format
from notecards.models import Order, normalise_name
from notecards.planning.codes import check_pattern
from notecards.tables import FrontEntry, OccasionEntry, parse_occasion

RULES = Rule.words()
#: The words before a card's code when the occasion names none.
DEFAULT_CODE_LABEL = "Your code for next time:"


@dataclass(frozen=True, slots=True)
class FrontDesign:
    """What the front panel says and shows."""

    title: str
    subtitle: str = ""
    motif: str = "sprig"
    accent: str = "#3f5d4a"
    title_font: str = "Sacramento-Regular"


@dataclass(frozen=True, slots=True)
class Occasion:
    """One occasion folder: its rule, its message variants and its front design."""

    slug: str
    title: str
    rule: Rule
    variants: tuple[str, ...]
    """Template names (relative to the templates folder), one per wording variant."""
    front: FrontDesign
    sign_off: str = "Warmly,"
    hand: str = "casual"
    ink: Ink = Ink.BLUE_BLACK
    qr: bool = False
    qr_url: str = ""
    qr_caption: str = ""
    mail_ahead_days: int = 10
    cadence_days: int = 120
    code_label: str = DEFAULT_CODE_LABEL
    """The words before a card's code (``code_label``)."""
    card_format: str = ""
    """This occasion's own card format (catalogue name); "" uses the batch's."""
    envelope: str = ""
    """This occasion's own envelope; "" uses the card format's own."""
    code: str = ""
    """A code per card, e.g. "THANKS-{code}" ({code} is generated); "" for none."""
    codes: str = ""
    """A file of codes to take in order (absolute, or relative to notecards.toml); ""."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the rules decided for one order: an occasion and a card key, or a skip reason."""

    occasion: Occasion | None
    card_key: str = ""
    skip_reason: str = ""
    occasion_date: date | None = None


def slugify(text: str) -> str:
    """Return the folder-style name of an occasion ("Thank You" → "thank-you")."""
    words = "".join(c if c.isalnum() else " " for c in normalise_name(text)).split()
    return "-".join(words)


def read_occasions(
    templates_dir: Path, overrides: Mapping[str, OccasionEntry] | None = None
) -> dict[str, Occasion]:
    """Return every occasion found in *templates_dir*, with config *overrides* applied.

    A folder is an occasion when it has an ``occasion.toml`` and at least one template in
    ``messages/``. Adding a folder adds an occasion; no code changes. A key set in
    ``[occasions.NAME]`` wins over the folder's (a ``[front]`` table as a whole).

    Raises:
        ConfigError: the folder is missing, or an occasion.toml (or its override) is invalid;
            the message names the file and the key.
    """
    if not templates_dir.is_dir():
        raise ConfigError(
            f"{templates_dir}: templates folder not found. Run `notecards init "
            "DIR` for a copy of the bundled templates, or fix [templates] dir."
        )
    occasions: dict[str, Occasion] = {}
    for folder in sorted(p for p in templates_dir.iterdir() if p.is_dir()):
        spec_path = folder / "occasion.toml"
        if not spec_path.is_file():
            continue
        spec = parse_occasion(read_toml(spec_path, "cannot be read."), str(spec_path))
        override = (overrides or {}).get(folder.name)
        occasions[folder.name] = _occasion_from(folder, spec, override)
    if not occasions:
        raise ConfigError(
            f"{templates_dir}: no occasion folders (each needs occasion.toml and "
            "messages/*.j2). Run `notecards init DIR` for working examples."
        )
    return occasions


def _occasion_from(
    folder: Path, spec: OccasionEntry, override: OccasionEntry | None = None
) -> Occasion:
    """Return the Occasion of *folder* from its occasion.toml and the shop's *override*."""
    if override is not None:
        spec = replace(spec, **{key: getattr(override, key) for key in override.keys()})
    overridden = override.keys() if override is not None else frozenset()

    def where(key: str) -> str:
        return override.where if override is not None and key in overridden else spec.where

    variants = tuple(
        f"{folder.name}/messages/{p.name}" for p in sorted((folder / "messages").glob("*.j2"))
    )
    if not variants:
        raise ConfigError(f"{folder}/messages: no message templates (*.j2). Add at least one.")
    title = spec.title if spec.title is not None else folder.name.replace("-", " ").capitalize()
    front = spec.front or FrontEntry()
    return Occasion(
        slug=folder.name,
        title=title,
        rule=spec.rule or Rule.EXPLICIT,
        variants=variants,
        front=FrontDesign(
            title=front.title if front.title is not None else title,
            **{k: v for k, v in asdict(front).items() if k != "title" and v is not None},
        ),
        sign_off=_or(spec.sign_off, "Warmly,"),
        hand=_or(spec.hand, "casual"),
        ink=spec.ink or Ink.BLUE_BLACK,
        qr=bool(spec.qr),
        qr_url=_or(spec.qr_url, ""),
        qr_caption=_or(spec.qr_caption, ""),
        mail_ahead_days=10 if spec.mail_ahead_days is None else spec.mail_ahead_days,
        cadence_days=120 if spec.cadence_days is None else spec.cadence_days,
        code_label=_or(spec.code_label, DEFAULT_CODE_LABEL),
        card_format=_format_name(where("card_format"), spec.card_format, "card_format"),
        envelope=_format_name(where("envelope"), spec.envelope, "envelope"),
        code=_code_pattern(where("code"), spec.code),
        codes=_codes_path(folder, spec.codes, from_config="codes" in overridden),
    )


def _or(value: str | None, default: str) -> str:
    return default if value is None else value


def _code_pattern(source: str, pattern: str | None) -> str:
    """Return the occasion's code pattern ("" for none), checked."""
    pattern = (pattern or "").strip()
    if pattern:
        check_pattern(pattern, source)
    return pattern


def _codes_path(folder: Path, name: str | None, *, from_config: bool) -> str:
    """Return the codes file: relative to the occasion folder when occasion.toml names it
    (relative to notecards.toml, resolved by the planner, when the shop's config does)."""
    name = (name or "").strip()
    if not name or Path(name).is_absolute() or from_config:
        return name
    return str(folder / name)


def _format_name(source: str, name: str | None, key: str) -> str:
    """Return the catalogue name *name* of *key*, checked ("" when not set).

    Raises:
        ConfigError: the name is not in the catalogue (the message lists the known ones).
    """
    name = (name or "").strip()
    if not name:
        return ""
    try:
        found = card_format(name) if key == "card_format" else envelope_format(name)
    except ConfigError as err:
        raise ConfigError(f"{source}: {key}: {err}") from err
    return found.name


def with_overrides(occasion: Occasion, **changes: Any) -> Occasion:
    """Return *occasion* with fields replaced (used for command-line overrides)."""
    return replace(occasion, **changes)


def choose_occasion(order: Order, today: date, occasions: Mapping[str, Occasion]) -> Decision:
    """Return the card *order* should get on *today*, or why it gets none.

    An explicit ``occasion`` column always wins. Otherwise an order gets the every-order
    occasion (a thank-you for every order), a contact gets a birthday card when the birthday
    falls within the mail-ahead window, then a cadence card when the last order is old enough.
    """
    if order.occasion:
        slug = slugify(order.occasion)
        occasion = occasions.get(slug)
        if occasion is None:
            return Decision(
                None,
                skip_reason=(
                    f'unknown occasion "{order.occasion}"; use one of: {", ".join(occasions)}'
                ),
            )
        return Decision(occasion, _explicit_key(order, occasion, today), occasion_date=today)
    by_rule: dict[Rule, Occasion] = {}
    for occasion in occasions.values():
        by_rule.setdefault(occasion.rule, occasion)
    if order.order_id and Rule.EVERY_ORDER in by_rule:
        occasion = by_rule[Rule.EVERY_ORDER]
        return Decision(
            occasion, f"{occasion.slug}:{order.order_id}", occasion_date=order.order_date or today
        )
    if order.birthday is not None and Rule.BIRTHDAY in by_rule:
        occasion = by_rule[Rule.BIRTHDAY]
        upcoming = order.birthday.next_on_or_after(today)
        if upcoming - today <= timedelta(days=occasion.mail_ahead_days):
            return Decision(
                occasion,
                f"{occasion.slug}:{order.customer_key}:{upcoming.year}",
                occasion_date=upcoming,
            )
    if order.last_order_date is not None and Rule.CADENCE in by_rule:
        occasion = by_rule[Rule.CADENCE]
        if today - order.last_order_date >= timedelta(days=occasion.cadence_days):
            return Decision(
                occasion,
                f"{occasion.slug}:{order.customer_key}:{order.last_order_date.isoformat()}",
                occasion_date=today,
            )
    if order.birthday is not None:
        upcoming = order.birthday.next_on_or_after(today)
        return Decision(None, skip_reason=f"not due: birthday on {upcoming.isoformat()}")
    return Decision(None, skip_reason="not due: no order id, birthday or lapsed last order")


def _explicit_key(order: Order, occasion: Occasion, today: date) -> str:
    if order.order_id:
        return f"{occasion.slug}:{order.order_id}"
    if occasion.rule is Rule.BIRTHDAY and order.birthday is not None:
        return f"{occasion.slug}:{order.customer_key}:{order.birthday.next_on_or_after(today).year}"
    # A contact-list card without an order: at most once a year per person and occasion.
    return f"{occasion.slug}:{order.customer_key}:{today.year}"
