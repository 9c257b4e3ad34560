"""The tables of notecards.toml and occasion.toml as frozen records, checked where they are read.

``[signers.NAME]`` → :class:`SignerSpec`, ``[hand_styles.NAME]`` → :class:`HandEntry`, an
``occasion.toml`` and ``[occasions.NAME]`` → :class:`OccasionEntry`. Each parser takes the
table as TOML gave it and *where* it came from (``shop/notecards.toml [hand_styles.mine]``),
and raises :class:`~notecards.errors.ConfigError` naming *where* and the key for an unknown
key or a value of the wrong kind. Past :mod:`notecards.config` and
:func:`notecards.planning.occasions.read_occasions`, nothing sees a raw table.

A setting that names a hand (``[cards] hand``, ``[cards] envelope_hand``) is checked with
:func:`check_hand_name` when the file is read: the bundled hands' names are kept here
(:data:`BUNDLED_HANDS`), the shop's own are its ``[hand_styles.NAME]`` tables. What a record
cannot know here is checked where it is used, with the same *where*: a hand's ``base`` (the
bundled hands' amounts live in ``handwriting/``), an occasion's ``card_format`` (the
catalogue, in ``layout/``) and ``code`` pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from notecards.choices import Choice, Ink, Rule, did_you_mean
from notecards.errors import ConfigError

#: The names of the bundled hands (``handwriting/styles.py`` ``STYLES``; tests/test_tables.py
#: keeps the two equal), so a setting naming a hand is checked where it is read.
BUNDLED_HANDS = ("casual", "neat", "loose", "script", "signature")


def check_hand_name(name: str, hand_styles: Mapping[str, object], where: str) -> str:
    """Return *name* when it names a hand: a bundled one or one of *hand_styles*.

    >>> check_hand_name("maya", {"maya": None}, "notecards.toml: cards.envelope_hand")
    'maya'

    Raises:
        ConfigError: no hand has that name; the message starts with *where* and says which
            hand was probably meant.
    """
    if name in BUNDLED_HANDS or name in hand_styles:
        return name
    known = sorted({*BUNDLED_HANDS, *hand_styles})
    raise ConfigError(
        f'{where} = "{name}" is not known — {did_you_mean(name, known)}. A hand is a bundled '
        "one or a [hand_styles.NAME] table of notecards.toml (`notecards hand learn` writes one)."
    )


@dataclass(frozen=True, slots=True)
class SignerSpec:
    """Who signs: a name written in ``style``, or ``image`` (PNG/JPEG, SVG or PDF file)."""

    name: str
    style: str = "signature"
    image: str = ""


@dataclass(frozen=True, slots=True)
class HandEntry:
    """A shop's own hand, ``[hand_styles.NAME]``: a built-in ``base`` and what differs from it.

    Every field but ``name``, ``base`` and ``where`` is a field of
    :class:`~notecards.handwriting.styles.HandStyle`; None keeps the base's value.
    """

    name: str
    base: str = "casual"
    where: str = ""
    """Where the table was read, for messages: ``notecards.toml [hand_styles.mine]``."""
    font_path: str | None = None
    font_name: str | None = None
    baseline_jitter: float | None = None
    rotation_deg: float | None = None
    size_jitter: float | None = None
    tracking_jitter: float | None = None
    line_drift: float | None = None
    line_slope_deg: float | None = None
    margin_wander: float | None = None
    ink: Ink | None = None
    pressure: float | None = None
    slope_rise: float | None = None
    cluster_glyphs: int | None = None
    alternates: bool | None = None
    outline_forms: int | None = None
    baseline_curve: float | None = None
    ink_variation: float | None = None

    def changes(self) -> dict[str, object]:
        """Return the hand's own values, by HandStyle field (the ones it sets)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in _HAND_OWN and getattr(self, f.name) is not None
        }


@dataclass(frozen=True, slots=True)
class FrontEntry:
    """An occasion's ``[front]`` table (None: the default design's value)."""

    title: str | None = None
    subtitle: str | None = None
    motif: str | None = None
    accent: str | None = None
    title_font: str | None = None


@dataclass(frozen=True, slots=True)
class OccasionEntry:
    """An ``occasion.toml``, or what ``[occasions.NAME]`` changes of it (None: not set here)."""

    where: str
    """Where it was read, for messages: ``templates/birthday/occasion.toml``."""
    title: str | None = None
    rule: Rule | None = None
    front: FrontEntry | None = None
    sign_off: str | None = None
    hand: str | None = None
    ink: Ink | None = None
    qr: bool | None = None
    qr_url: str | None = None
    qr_caption: str | None = None
    mail_ahead_days: int | None = None
    cadence_days: int | None = None
    card_format: str | None = None
    envelope: str | None = None
    code: str | None = None
    codes: str | None = None
    code_label: str | None = None

    def keys(self) -> frozenset[str]:
        """Return the keys this table sets."""
        return frozenset(
            f.name for f in fields(self) if f.name != "where" and getattr(self, f.name) is not None
        )


_HAND_OWN = ("name", "base", "where")
#: A hand's amounts (fractions of the font size, or degrees) and its counts.
_HAND_AMOUNTS = (
    "baseline_jitter",
    "rotation_deg",
    "size_jitter",
    "tracking_jitter",
    "line_drift",
    "line_slope_deg",
    "margin_wander",
    "pressure",
    "slope_rise",
    "baseline_curve",
    "ink_variation",
)
_HAND_COUNTS = ("cluster_glyphs", "outline_forms")


def parse_signer(name: str, values: object, where: str) -> SignerSpec:
    """Return ``[signers.NAME]``: the name as written (default NAME), style and image.

    Raises:
        ConfigError: not a table, an unknown key, or a value that is not text.
    """
    table = _table(values, where)
    _known_keys(table, ("name", "style", "image"), where)
    return SignerSpec(
        name=_text(table, "name", where) or name,
        style=_text(table, "style", where) or "signature",
        image=_text(table, "image", where) or "",
    )


def parse_hand(name: str, values: object, where: str) -> HandEntry:
    """Return ``[hand_styles.NAME]`` as a HandEntry.

    Raises:
        ConfigError: not a table, an unknown key, a negative or non-numeric amount, an
            unknown ink, or a value of another wrong kind.
    """
    table = _table(values, where)
    allowed = [f.name for f in fields(HandEntry) if f.name not in ("name", "where")]
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(unknown)}. "
            f"Allowed: base, {', '.join(sorted(set(allowed) - {'base'}))}."
        )
    found: dict[str, Any] = {}
    for key, value in table.items():
        if key in _HAND_AMOUNTS or key in _HAND_COUNTS:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{where}: {key} must be a number ≥ 0, not {value!r}.")
            found[key] = float(value) if key in _HAND_AMOUNTS else int(value)
        elif key == "alternates":
            found[key] = _flag(table, key, where)
        elif key == "ink":
            found[key] = _choice(table, key, Ink, where)
        else:  # base, font_path, font_name
            found[key] = _text(table, key, where)
    if found.get("cluster_glyphs", 1) < 1:
        raise ConfigError(f"{where}: cluster_glyphs must be at least 1.")
    return HandEntry(name=name, where=where, **found)


def parse_occasion(values: object, where: str) -> OccasionEntry:
    """Return an occasion.toml (or an ``[occasions.NAME]`` table) as an OccasionEntry.

    Raises:
        ConfigError: not a table, an unknown key, an unknown rule or ink, or a value of the
            wrong kind (text, true/false, a whole number of days).
    """
    table = _table(values, where)
    names = [f.name for f in fields(OccasionEntry) if f.name != "where"]
    _known_keys(table, names, where)
    front = None
    if "front" in table:
        front_table = _table(table["front"], f"{where} [front]")
        front_keys = [f.name for f in fields(FrontEntry)]
        _known_keys(front_table, front_keys, f"{where} [front]")
        front = FrontEntry(**{k: _text(front_table, k, f"{where} [front]") for k in front_keys})
    rule = None
    if "rule" in table:
        text = _text(table, "rule", where) or ""
        try:
            rule = Rule(text)
        except ValueError:
            raise ConfigError(
                f'{where}: rule "{text}" is unknown. Use one of: {", ".join(Rule.words())}.'
            ) from None
    return OccasionEntry(
        where=where,
        title=_text(table, "title", where),
        rule=rule,
        front=front,
        sign_off=_text(table, "sign_off", where),
        hand=_text(table, "hand", where),
        ink=_choice(table, "ink", Ink, where),
        qr=_flag(table, "qr", where),
        qr_url=_text(table, "qr_url", where),
        qr_caption=_text(table, "qr_caption", where),
        mail_ahead_days=_days(table, "mail_ahead_days", where),
        cadence_days=_days(table, "cadence_days", where),
        card_format=_text(table, "card_format", where),
        envelope=_text(table, "envelope", where),
        code=_text(table, "code", where),
        codes=_text(table, "codes", where),
        code_label=_text(table, "code_label", where),
    )


def parse_column_mapping(values: object, where: str) -> Mapping[str, str]:
    """Return ``[formats.NAME]``, {their column: notecards column}, every value text.

    Raises:
        ConfigError: not a table, or a column mapped to something that is not text.
    """
    table = _table(values, where)
    for column in table:
        _text(table, column, where)
    return dict(table)


def _table(values: object, where: str) -> Mapping[str, Any]:
    if not isinstance(values, Mapping):
        raise ConfigError(f"{where} must be a table (a [section] of its own).")
    return values


def _known_keys(table: Mapping[str, Any], known: list[str] | tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f'{where}: unknown key "{key}" — {did_you_mean(key, known)}.')


def _text(table: Mapping[str, Any], key: str, where: str) -> str | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, str):
        raise ConfigError(
            f'{where}: {key} must be text in quotes, e.g. {key} = "…", not {value!r}.'
        )
    return value


def _flag(table: Mapping[str, Any], key: str, where: str) -> bool | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, not {value!r}.")
    return value


def _days(table: Mapping[str, Any], key: str, where: str) -> int | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: {key} must be a whole number of days, e.g. {key} = 10.")
    return value


def _choice(table: Mapping[str, Any], key: str, kind: type[Choice], where: str) -> Any:
    text = _text(table, key, where)
    if text is None:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(
            f'{where}: {key} = "{text}" is not known — {did_you_mean(text, kind.words())}'
        ) from None
