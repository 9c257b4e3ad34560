"""Resolve a batch's print-production choices (colour mode, imposition, duplex flip, file
size, address labels, printer calibration, the envelope's font and hand) from notecards.toml
and the command line, reading the printer's calibration profile; and warn about costly choices.

The defaults reproduce the plain hand-off (one card per page pair, RGB, ``cards.pdf``,
``envelopes.pdf``); every option is opt-in, from ``notecards.toml`` or the command line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from notecards.choices import EnvelopeFont, Flip, PdfX, parse_standard
from notecards.config import Config, read_toml
from notecards.errors import ConfigError
from notecards.layout.catalogue import (
    PAPER_SIZES,
    CardFormat,
    EnvelopeFormat,
    Fold,
    card_format,
    envelope_format,
    parse_length_pt,
)
from notecards.layout.labels import LABEL_SHEETS
from notecards.models import Problem, Severity
from notecards.postal.addresses import machinability_warning
from notecards.preflight.spec import PreflightSpec, spec_for_card, spec_for_envelope
from notecards.settings import Calibration, Production
from notecards.tables import check_hand_name

FLIPS = Flip.words()


def make_production(
    config: Config,
    *,
    cmyk: bool | None = None,
    pdfx: str | PdfX | None = None,
    imposition: str | None = None,
    flip: str | Flip | None = None,
    split: int | None = None,
    labels: str | None = None,
    calibration_path: str | Path | None = None,
    envelope_font: str | EnvelopeFont | None = None,
    envelope_hand: str | None = None,
    preflight: bool | None = None,
) -> Production:
    """Return the Production choices: explicit arguments win over *config*.

    *envelope_hand* names the hand that addresses the envelopes (a bundled hand or one of
    ``config.hand_styles``); given without *envelope_font*, it means written by hand even
    when *config* prints them in sans.

    Raises:
        ConfigError: an unknown paper, label sheet, flip, envelope font or hand, a hand
            asked for with printed (sans) addresses, or a bad split.
    """
    paper_name = (imposition if imposition is not None else config.imposition).strip().lower()
    if paper_name in ("", "none", "off"):
        paper = None
    elif paper_name in PAPER_SIZES:
        paper = PAPER_SIZES[paper_name]
    else:
        raise ConfigError(
            f'"{paper_name}" is not a paper for imposition. Choose one of: '
            f"{', '.join(PAPER_SIZES)}."
        )
    try:
        duplex = Flip(flip or config.duplex_flip)
    except ValueError:
        name = str(flip).strip().lower()
        raise ConfigError(
            f'"{name}" is not a duplex flip. Choose long-edge or short-edge.'
        ) from None
    size = config.split if split is None else split
    if size < 0:
        raise ConfigError(f"--split {size}: give the number of cards per file, or 0 for one file.")
    label_name = (labels if labels is not None else config.labels).strip().lower()
    sheet = None
    if label_name not in ("", "none", "off"):
        if label_name not in LABEL_SHEETS:
            raise ConfigError(
                f'"{label_name}" is not a label sheet. Choose one of: {", ".join(LABEL_SHEETS)}.'
            )
        sheet = LABEL_SHEETS[label_name]
    font = _envelope_font(config, envelope_font, envelope_hand)
    cal_path = calibration_path or config.calibration_path
    standard = config.pdfx if pdfx is None else _standard(pdfx)
    if not 100 <= config.ink_limit <= 400:
        raise ConfigError(
            f"ink_limit = {config.ink_limit}: give the total ink in percent, 100 to 400 "
            "(300 is usual for coated paper, 260-280 for uncoated)."
        )
    return Production(
        cmyk=bool(standard) or (config.cmyk if cmyk is None else cmyk),
        pdfx=standard,
        ink_limit=config.ink_limit / 100,
        imposition=paper,
        flip=duplex,
        split=size,
        labels=sheet,
        calibration=read_calibration(Path(cal_path)) if cal_path else None,
        envelope_hand=(envelope_hand or config.envelope_hand) if font is EnvelopeFont.HAND else "",
        preflight=config.preflight if preflight is None else preflight,
    )


def _envelope_font(
    config: Config, font: str | EnvelopeFont | None, hand: str | None
) -> EnvelopeFont:
    """Return how the addresses are written: a hand asked for alone means by hand.

    Raises:
        ConfigError: an unknown font or hand, or a hand asked for with the sans font.
    """
    if hand is not None:
        check_hand_name(hand, config.hand_styles, "--envelope-hand")
        if font is None:
            return EnvelopeFont.HAND
    try:
        chosen = EnvelopeFont(font or config.envelope_font)
    except ValueError:
        raise ConfigError(
            f'"{str(font).strip().lower()}" is not an envelope font. Choose hand (a '
            "legible hand, the default) or sans (printed)."
        ) from None
    if hand is not None and chosen is EnvelopeFont.SANS:
        raise ConfigError(
            f'--envelope-hand "{hand}" writes the addresses by hand and --envelope-font sans '
            "prints them: leave one of the two out."
        )
    return chosen


def _standard(value: str | PdfX) -> PdfX | None:
    return value if isinstance(value, PdfX) else parse_standard(value)


_CALIBRATION_KEYS = {
    "offset_x": "offset_x_pt",
    "offset_y": "offset_y_pt",
    "back_offset_x": "back_offset_x_pt",
    "back_offset_y": "back_offset_y_pt",
}


def read_calibration(path: Path) -> Calibration:
    """Return the Calibration in *path*, a TOML file written from the calibration sheet.

    Example file::

        name = "Office laser"
        offset_x = "-0.8mm"      # lengths with units, as measured on the calibration sheet
        offset_y = "1.2mm"
        back_offset_x = "0.5mm"
        back_offset_y = "0mm"
        scale_x = 1.0            # plain numbers, e.g. 0.998 when 200 mm print as 200.4 mm
        scale_y = 1.0

    Raises:
        ConfigError: the file is missing, is not TOML, or a value is not a length or number.
    """
    data = read_toml(
        path,
        "no such calibration file. Print `notecards calibration --out "
        "sheet.pdf`, measure it and write the numbers there.",
    )
    data = data.get("printer", data)
    values: dict[str, object] = {"name": str(data.get("name", path.stem))}
    for key, value in data.items():
        if key in _CALIBRATION_KEYS:
            values[_CALIBRATION_KEYS[key]] = _signed_length(path, key, value)
        elif key in ("scale_x", "scale_y", "scale"):
            if not isinstance(value, (int, float)) or not 0.9 <= float(value) <= 1.1:
                raise ConfigError(f"{path}: {key} must be a number near 1, e.g. 0.998.")
            for name in ("scale_x", "scale_y") if key == "scale" else (key,):
                values[name] = float(value)
        elif key != "name":
            raise ConfigError(
                f'{path}: unknown calibration key "{key}". Known: offset_x, '
                "offset_y, back_offset_x, back_offset_y, scale_x, scale_y, name."
            )
    return Calibration(**values)  # type: ignore[arg-type]


def _signed_length(path: Path, key: str, value: object) -> float:
    if isinstance(value, (int, float)):
        if value == 0:
            return 0.0
        raise ConfigError(f'{path}: {key} needs a unit, e.g. "{value}mm".')
    text = str(value).strip()
    sign = -1.0 if text.startswith("-") else 1.0
    try:
        return sign * parse_length_pt(text.lstrip("+-"))
    except ConfigError as err:
        raise ConfigError(f"{path}: {key}: {err}") from err


def production_problems(
    card: CardFormat, envelope: EnvelopeFormat | None, production: Production, home_country: str
) -> list[Problem]:
    """Return warnings about the chosen formats: costly envelopes, handwritten addresses."""
    problems = []
    if envelope is not None and production.labels is None and not card.is_postcard:
        warning = machinability_warning(
            envelope.width_pt, envelope.height_pt, home_country=home_country
        )
        if warning:
            problems.append(
                Problem(
                    Severity.WARNING,
                    "envelope",
                    None,
                    "",
                    f"{envelope.title}: {warning}",
                    "Choose another envelope with --envelope if that matters.",
                )
            )
    return problems


def preflight_spec(
    config: Config,
    *,
    card: str | None = None,
    envelope: str | None = None,
    bleed: str | None = None,
    cmyk: bool = False,
    pdfx: str | PdfX = "",
    crop_marks: bool = False,
) -> PreflightSpec:
    """Return what `notecards preflight` checks a file against: a card, or an envelope.

    *crop_marks*: marks are promised (and dashed fold marks, for a folded card).

    Raises:
        ConfigError: an unknown card or envelope format or PDF/X standard, or a bad bleed.
    """
    folded = False
    if envelope:
        spec = spec_for_envelope(envelope_format(envelope))
    else:
        card_spec = card_format(card or config.card_format)
        folded = card_spec.folded and card_spec.fold is Fold.SIDE
        spec = spec_for_card(card_spec, parse_length_pt(bleed or config.bleed))
    standard = _standard(pdfx)
    return replace(
        spec,
        require_cmyk=cmyk or bool(standard),
        pdfx=standard,
        ink_limit=config.ink_limit / 100,
        crop_marks=crop_marks,
        fold_marks=crop_marks and folded,
    )
