"""Read ``notecards.toml`` into a frozen Config; defaults apply to anything left out."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from notecards.choices import (
    AddressStyle,
    Choice,
    DateOrder,
    EnvelopeFont,
    Flip,
    GiftAddress,
    GiftCardTo,
    Ink,
    PdfX,
    Tone,
    did_you_mean,
    parse_standard,
)
from notecards.errors import ConfigError
from notecards.tables import (
    HandEntry,
    OccasionEntry,
    SignerSpec,
    check_hand_name,
    parse_column_mapping,
    parse_hand,
    parse_occasion,
    parse_signer,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAME = "notecards.toml"
#: The tones a shop can write in (``[shop] tone``): they choose greetings and wording.
TONES = Tone.words()
C = TypeVar("C", bound=Choice)


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a batch can be told; the CLI and library build it, the pipeline reads it."""

    shop_name: str = "Your Shop"
    return_address: tuple[str, ...] = ()
    home_country: str = "US"
    signer: str = "The team"
    tone: Tone = Tone.WARM
    signers: Mapping[str, SignerSpec] = field(default_factory=dict)
    """``[signers.NAME]``: how each signer signs (a name in a style, or an image)."""
    card_format: str = "a2-folded"
    envelope: str = ""
    bleed: str = "0.125in"
    crop_marks: bool = False
    hand: str = ""
    """Every card's hand (empty: each occasion's own)."""
    envelope_hand: str = "neat"
    """The hand that addresses every envelope (``envelope_font = "hand"``), whatever the card's."""
    ink: Ink | None = None
    """Every card's ink (None: each occasion's own)."""
    address_style: AddressStyle = AddressStyle.STANDARD
    qr_url: str = ""
    greeting_fallback: str = "friend"
    occasions: Mapping[str, OccasionEntry] = field(default_factory=dict)
    """``[occasions.NAME]``: what the shop changes of an occasion's occasion.toml."""
    ledger_path: str = "notecards-ledger.sqlite"
    templates_dir: str = ""
    date_order: DateOrder = DateOrder.AUTO
    gift_card_to: GiftCardTo = GiftCardTo.BUYER
    gift_address: GiftAddress = GiftAddress.SHIPPING
    formats: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """``[formats.NAME]``: a shop's own export, {their column: notecards column}."""
    hand_styles: Mapping[str, HandEntry] = field(default_factory=dict)
    """``[hand_styles.NAME]``: a shop's own hands."""
    cmyk: bool = False
    pdfx: PdfX | None = None
    ink_limit: int = 300
    imposition: str = ""
    duplex_flip: Flip = Flip.LONG_EDGE
    split: int = 0
    labels: str = ""
    envelope_font: EnvelopeFont = EnvelopeFont.HAND
    preflight: bool = True
    workers: int = 0
    """Processes that draw a batch (0: one per core; see output.parallel)."""
    calibration_path: str = ""
    results_holdout: float = 0.0
    """Share of just-because customers held out as a comparison group (0: off)."""
    require_approval: bool = False
    """``[review] require_approval``: ``batch`` prints only cards approved on the review page."""
    source_path: str = ""
    """The file this came from; empty when defaults apply."""

    def __post_init__(self) -> None:
        # A library caller may give a closed set's word as text ("formal") and a table as
        # TOML would ({"style": "signature"}): each becomes its member or record here.
        # load_config has parsed the file's already, with the file and key in any error.
        for name, kind in CHOICES.items():
            value = getattr(self, name)
            if value is not None and not isinstance(value, kind):
                object.__setattr__(self, name, parse_choice(kind, value, f"Config {name}"))
        source = self.source_path or CONFIG_NAME
        for name, (_, record) in TABLES.items():
            entries = getattr(self, name)
            if not isinstance(entries, Mapping) or any(
                not isinstance(entry, record) for entry in entries.values()
            ):
                object.__setattr__(self, name, parse_tables(entries, name, source))
        hands = {name: getattr(self, name) for name in HAND_SETTINGS}
        check_hands(hands, self.hand_styles, lambda name: f"Config {name}")

    @property
    def is_default(self) -> bool:
        """Return True when no configuration file was read."""
        return not self.source_path


#: TOML table.key → Config field. Kept flat so the file reads naturally.
_KEYS: dict[tuple[str, str], str] = {
    ("shop", "name"): "shop_name",
    ("shop", "return_address"): "return_address",
    ("shop", "home_country"): "home_country",
    ("shop", "signer"): "signer",
    ("shop", "tone"): "tone",
    ("cards", "format"): "card_format",
    ("cards", "envelope"): "envelope",
    ("cards", "bleed"): "bleed",
    ("cards", "crop_marks"): "crop_marks",
    ("cards", "hand"): "hand",
    ("cards", "ink"): "ink",
    ("cards", "address_style"): "address_style",
    ("cards", "qr_url"): "qr_url",
    ("cards", "greeting_fallback"): "greeting_fallback",
    ("cards", "cmyk"): "cmyk",
    ("cards", "pdfx"): "pdfx",
    ("cards", "ink_limit"): "ink_limit",
    ("cards", "imposition"): "imposition",
    ("cards", "duplex_flip"): "duplex_flip",
    ("cards", "split"): "split",
    ("cards", "labels"): "labels",
    ("cards", "envelope_font"): "envelope_font",
    ("cards", "envelope_hand"): "envelope_hand",
    ("cards", "preflight"): "preflight",
    ("cards", "workers"): "workers",
    ("printer", "calibration"): "calibration_path",
    ("review", "require_approval"): "require_approval",
    ("ledger", "path"): "ledger_path",
    ("templates", "dir"): "templates_dir",
    ("results", "holdout"): "results_holdout",
    ("input", "date_order"): "date_order",
    ("input", "gift_card_to"): "gift_card_to",
    ("input", "gift_address"): "gift_address",
}
#: The tables of ``[table.NAME]`` entries (each a Config field of the same name): the
#: parser of one entry and the record it makes.
TABLES: dict[str, tuple[Callable[[str, object, str], Any], type]] = {
    "occasions": (lambda _, values, where: parse_occasion(values, where), OccasionEntry),
    "formats": (lambda _, values, where: parse_column_mapping(values, where), dict),
    "signers": (parse_signer, SignerSpec),
    "hand_styles": (parse_hand, HandEntry),
}


def parse_tables(entries: object, table: str, source: str) -> dict[str, Any]:
    """Return the ``[table.NAME]`` entries of *source* as records.

    Raises:
        ConfigError: *table* or an entry is not a table, or an entry has a bad key or value
            (the message names *source* and ``[table.NAME]``).
    """
    if not isinstance(entries, Mapping):
        raise ConfigError(f"{source}: [{table}] must be a table.")
    parse, record = TABLES[table]
    return {
        name: entry
        if isinstance(entry, record) and record is not dict
        else parse(name, entry, f"{source} [{table}.{name}]")
        for name, entry in entries.items()
    }


def read_toml(path: Path, missing_hint: str) -> dict[str, Any]:
    """Return the TOML file at *path* as a dict (every TOML file notecards reads goes here).

    Raises:
        ConfigError: the file is missing (*missing_hint* says what to do) or is not TOML.
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: {missing_hint}") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err}). Fix the line it names.") from err


def find_config(start: Path) -> Path | None:
    """Return ``notecards.toml`` in *start*, or None."""
    candidate = start / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None) -> Config:
    """Return the Config read from *path*, or the defaults when *path* is None.

    Relative paths inside the file (ledger, templates, signature images) are resolved
    against the file's folder, so a shop folder can be run from anywhere.

    Raises:
        ConfigError: the file is missing, is not TOML, or has an unknown key.
    """
    if path is None:
        return Config()
    data = read_toml(
        path,
        "no such configuration file. Run `notecards init DIR` to create "
        "one, or leave out --config.",
    )
    values: dict[str, Any] = {"source_path": str(path)}
    for table, content in data.items():
        if table in TABLES:
            values[table] = parse_tables(content, table, str(path))
            continue
        if not isinstance(content, dict):
            raise ConfigError(
                f'{path}: unexpected top-level key "{table}". Put settings in '
                "[shop], [cards], [printer], [ledger], [templates], [input], [review] or "
                "[occasions.*]."
            )
        for key, value in content.items():
            name = _KEYS.get((table, key))
            if name is None:
                known = [f"{t}.{k}" for t, k in _KEYS]
                close = difflib.get_close_matches(f"{table}.{key}", known, n=1, cutoff=0.6)
                raise ConfigError(
                    f'{path}: unknown setting "{table}.{key}". Known: {", ".join(known)}'
                    + (f' — did you mean "{close[0]}"?' if close else ".")
                )
            values[name] = _coerce(path, f"{table}.{key}", name, value)
    # A [hand_styles.NAME] table may come later in the file than [cards]: the settings that
    # name a hand are checked once every table is read.
    keys = {name: f"{table}.{key}" for (table, key), name in _KEYS.items()}
    check_hands(values, values.get("hand_styles", {}), lambda name: f"{path}: {keys[name]}")
    config = Config(**values)
    return _resolve_paths(config, path.parent)


def _coerce(path: Path, key: str, name: str, value: Any) -> Any:
    expected = {f.name: f.type for f in fields(Config)}[name]
    if name == "return_address":
        if isinstance(value, str):
            return tuple(line.strip() for line in value.splitlines() if line.strip())
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ConfigError(f"{path}: {key} must be a list of lines or a multi-line string.")
    if expected == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{path}: {key} must be a whole number, e.g. {key} = 500.")
        return value
    if expected == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 0.5:
            raise ConfigError(
                f"{path}: {key} must be a share between 0 and 0.5, e.g. {key} = 0.05 (5 %)."
            )
        return float(value)
    if expected == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be true or false.")
        return value
    if not isinstance(value, str):
        raise ConfigError(f'{path}: {key} must be text in quotes, e.g. {key.split(".")[1]} = "…".')
    if name == "tone":
        return check_tone(value, f"{path}: {key}")
    kind = CHOICES.get(name)
    return parse_choice(kind, value, f"{path}: {key}") if kind is not None else value


#: Settings that name a hand: a bundled one or a ``[hand_styles.NAME]``.
HAND_SETTINGS = ("hand", "envelope_hand")


def check_hands(
    values: Mapping[str, Any], hand_styles: Mapping[str, object], where: Callable[[str], str]
) -> None:
    """Check that each of the HAND_SETTINGS in *values* names a hand (an empty ``hand``
    leaves each occasion its own; an empty ``envelope_hand`` names none).

    Raises:
        ConfigError: a setting names no hand; the message starts with ``where(setting)``.
    """
    for name in HAND_SETTINGS:
        if name in values and (values[name] or name != "hand"):
            check_hand_name(values[name], hand_styles, where(name))


#: Settings whose value must be one of a few words (a typo must not silently change a card),
#: and the enum each becomes. ink and pdfx may also be empty: None, "not set".
CHOICES: dict[str, type[Choice]] = {
    "tone": Tone,
    "ink": Ink,
    "address_style": AddressStyle,
    "date_order": DateOrder,
    "gift_card_to": GiftCardTo,
    "gift_address": GiftAddress,
    "pdfx": PdfX,
    "duplex_flip": Flip,
    "envelope_font": EnvelopeFont,
}


def parse_choice(kind: type[C], value: str, where: str) -> C | None:
    """Return the member of *kind* that *value* names (case and spaces ignored).

    Empty text is None for ``Ink`` and ``PdfX`` (not set), and a PDF/X standard may be
    written as ``PDF/X-1a`` or ``off``.

    >>> parse_choice(Flip, "Long", "[cards] duplex_flip")
    <Flip.LONG_EDGE: 'long-edge'>

    Raises:
        ConfigError: *where* = "value" is not known; says which word was probably meant.
    """
    if kind is PdfX:
        try:
            return parse_standard(value)  # type: ignore[return-value]  # kind is PdfX
        except ConfigError:
            pass
    elif kind is Ink and not value.strip():
        return None
    else:
        try:
            return kind(value)
        except ValueError:
            pass
    raise ConfigError(f'{where} = "{value}" is not known — {did_you_mean(value, kind.words())}')


def check_tone(value: str, where: str = "tone") -> Tone:
    """Return *value* as a known tone (case and spaces ignored).

    Raises:
        ConfigError: not one of TONES; says which one was probably meant.
    """
    tone = value.strip().lower()
    if tone in TONES:
        return Tone(tone)
    close = difflib.get_close_matches(tone, TONES, n=1, cutoff=0.5)
    hint = f'Did you mean "{close[0]}"? ' if close else ""
    raise ConfigError(f'{where}: unknown tone "{value}". {hint}Use one of: {", ".join(TONES)}.')


def _resolve_paths(config: Config, base: Path) -> Config:
    ledger = Path(config.ledger_path)
    templates = Path(config.templates_dir) if config.templates_dir else None
    calibration = Path(config.calibration_path) if config.calibration_path else None
    signers = {
        name: replace(entry, image=str(base / entry.image))
        if entry.image and not Path(entry.image).is_absolute()
        else entry
        for name, entry in config.signers.items()
    }
    # A learned hand's font sits beside notecards.toml (``notecards hand learn``).
    hand_styles = {
        name: replace(entry, font_path=str(base / entry.font_path))
        if entry.font_path is not None
        and not Path(entry.font_path).is_absolute()
        and (base / entry.font_path).is_file()
        else entry
        for name, entry in config.hand_styles.items()
    }
    return replace(
        config,
        signers=signers,
        hand_styles=hand_styles,
        calibration_path=str(
            calibration if calibration is None or calibration.is_absolute() else base / calibration
        )
        if calibration
        else "",
        ledger_path=str(ledger if ledger.is_absolute() else base / ledger),
        templates_dir=str(
            templates if templates is None or templates.is_absolute() else base / templates
        )
        if templates
        else "",
    )
