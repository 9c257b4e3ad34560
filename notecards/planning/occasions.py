"""Occasions: read ``templates/<occasion>/occasion.toml`` and decide which card an order gets.

Reading the folders is the only I/O here (``read_occasions``); the rules (``choose_occasion``,
``card_key``) are pure and take ``today`` as a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from notecards.choices import Ink
from notecards.config import did_you_mean, read_toml
from notecards.errors import ConfigError
from notecards.layout.catalogue import card_format, envelope_format
from notecards.models import Order, normalise_name
from notecards.planning.codes import check_pattern


class Rule(str, Enum):
    """When an occasion's card is sent (``rule`` in occasion.toml)."""

    EVERY_ORDER = "every-order"
    BIRTHDAY = "birthday"
    CADENCE = "cadence"
    EXPLICIT = "explicit"

    def __str__(self) -> str:
        return self.value


RULES = tuple(rule.value for rule in Rule)


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
    params: Mapping[str, Any] = field(default_factory=dict)
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
    templates_dir: Path, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Occasion]:
    """Return every occasion found in *templates_dir*, with config *overrides* applied.

    A folder is an occasion when it has an ``occasion.toml`` and at least one template in
    ``messages/``. Adding a folder adds an occasion; no code changes.

    Raises:
        ConfigError: the folder is missing, or an occasion.toml is invalid.
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
        spec = read_toml(spec_path, "cannot be read.")
        extra = dict((overrides or {}).get(folder.name, {}))
        occasions[folder.name] = _occasion_from(
            folder, spec_path, {**spec, **extra}, overridden=frozenset(extra)
        )
    if not occasions:
        raise ConfigError(
            f"{templates_dir}: no occasion folders (each needs occasion.toml and "
            "messages/*.j2). Run `notecards init DIR` for working examples."
        )
    return occasions


def _occasion_from(
    folder: Path, spec_path: Path, spec: Mapping[str, Any], overridden: frozenset[str] = frozenset()
) -> Occasion:
    """Return the Occasion of *folder*; keys in *overridden* came from notecards.toml."""

    def where(key: str) -> str:
        return f"notecards.toml [occasions.{folder.name}]" if key in overridden else str(spec_path)

    variants = tuple(
        f"{folder.name}/messages/{p.name}" for p in sorted((folder / "messages").glob("*.j2"))
    )
    if not variants:
        raise ConfigError(f"{folder}/messages: no message templates (*.j2). Add at least one.")
    rule = str(spec.get("rule", "explicit"))
    if rule not in RULES:
        raise ConfigError(f'{spec_path}: rule "{rule}" is unknown. Use one of: {", ".join(RULES)}.')
    front_spec = spec.get("front", {})
    if not isinstance(front_spec, dict):
        raise ConfigError(f"{spec_path}: [front] must be a table.")
    title = str(spec.get("title", folder.name.replace("-", " ").capitalize()))
    known = {f for f in FrontDesign.__dataclass_fields__}
    front = FrontDesign(
        title=str(front_spec.get("title", title)),
        **{k: str(v) for k, v in front_spec.items() if k in known - {"title"}},
    )
    try:
        return Occasion(
            slug=folder.name,
            title=title,
            rule=Rule(rule),
            variants=variants,
            front=front,
            sign_off=str(spec.get("sign_off", "Warmly,")),
            hand=str(spec.get("hand", "casual")),
            ink=_ink(where("ink"), spec),
            qr=bool(spec.get("qr", False)),
            qr_url=str(spec.get("qr_url", "")),
            qr_caption=str(spec.get("qr_caption", "")),
            mail_ahead_days=int(spec.get("mail_ahead_days", 10)),
            cadence_days=int(spec.get("cadence_days", 120)),
            params=dict(spec),
            card_format=_format_name(where("card_format"), spec, "card_format"),
            envelope=_format_name(where("envelope"), spec, "envelope"),
            code=_code_pattern(where("code"), spec),
            codes=_codes_path(folder, spec, overridden),
        )
    except (TypeError, ValueError) as err:
        raise ConfigError(f"{spec_path}: {err}. Day counts must be whole numbers.") from err


def _ink(source: str, spec: Mapping[str, Any]) -> Ink:
    """Return the occasion's ink.

    Raises:
        ConfigError: not an ink (the message names the file and the inks).
    """
    value = str(spec.get("ink", Ink.BLUE_BLACK))
    try:
        return Ink(value)
    except ValueError:
        raise ConfigError(
            f'{source}: ink = "{value}" is not known — {did_you_mean(value, Ink.words())}'
        ) from None


def _code_pattern(source: str, spec: Mapping[str, Any]) -> str:
    """Return the occasion's code pattern ("" for none), checked."""
    pattern = str(spec.get("code", "")).strip()
    if pattern:
        check_pattern(pattern, source)
    return pattern


def _codes_path(folder: Path, spec: Mapping[str, Any], overridden: frozenset[str]) -> str:
    """Return the codes file: relative to the occasion folder when occasion.toml names it."""
    name = str(spec.get("codes", "")).strip()
    if not name or Path(name).is_absolute() or "codes" in overridden:
        return name
    return str(folder / name)


def _format_name(source: str, spec: Mapping[str, Any], key: str) -> str:
    """Return the catalogue name of *key* in *spec*, checked ("" when not set).

    Raises:
        ConfigError: the name is not in the catalogue (the message lists the known ones).
    """
    name = str(spec.get(key, "")).strip()
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
