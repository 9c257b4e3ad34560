"""The catalogue of card, envelope and paper formats, in points. Data and lookups only."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import inch, mm

from notecards.choices import Choice
from notecards.errors import ConfigError


class Fold(Choice):
    """Where a folded card folds."""

    SIDE = "side"
    """On its left edge: printed on a sheet twice as wide, opens like a book."""
    TOP = "top"
    """On its top edge (a tent card): printed on a sheet twice as tall."""


@dataclass(frozen=True, slots=True)
class CardFormat:
    """A finished card size and how it is printed.

    ``width_pt`` × ``height_pt`` is the finished (trimmed, folded) card. A folded card is printed
    on a sheet twice as wide (``fold="side"``, opens like a book) or twice as tall (``"top"``).
    """

    name: str
    title: str
    width_pt: float
    height_pt: float
    folded: bool
    envelope: str | None
    fold: Fold = Fold.SIDE
    is_postcard: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.fold, Fold):  # given as its word, "side" or "top"
            object.__setattr__(self, "fold", Fold(self.fold))

    @property
    def sheet_width_pt(self) -> float:
        """Return the width of the printed (unfolded) sheet."""
        return self.width_pt * 2 if self.folded and self.fold == "side" else self.width_pt

    @property
    def sheet_height_pt(self) -> float:
        """Return the height of the printed (unfolded) sheet."""
        return self.height_pt * 2 if self.folded and self.fold is Fold.TOP else self.height_pt

    @property
    def pages_per_card(self) -> int:
        """Return the PDF pages one card takes (always two: outside/inside or front/back)."""
        return 2


@dataclass(frozen=True, slots=True)
class EnvelopeFormat:
    """An envelope, landscape (address side), in points."""

    name: str
    title: str
    width_pt: float
    height_pt: float

    @property
    def aspect_ratio(self) -> float:
        """Return length ÷ height, as USPS measures machinability."""
        return self.width_pt / self.height_pt


@dataclass(frozen=True, slots=True)
class PaperSize:
    """A printer sheet for imposition, portrait."""

    name: str
    width_pt: float
    height_pt: float


CARD_FORMATS: dict[str, CardFormat] = {
    card.name: card
    for card in (
        CardFormat(
            "a2-folded", "A2 folded card, 4.25 × 5.5 in", 4.25 * inch, 5.5 * inch, True, "a2"
        ),
        CardFormat(
            "a6-folded", "A6 folded card, 4.5 × 6.25 in", 4.5 * inch, 6.25 * inch, True, "a6"
        ),
        CardFormat("a7-folded", "A7 folded card, 5 × 7 in", 5 * inch, 7 * inch, True, "a7"),
        CardFormat(
            "iso-a6-folded", "ISO A6 folded card, 105 × 148 mm", 105 * mm, 148 * mm, True, "c6"
        ),
        CardFormat(
            "iso-a5-folded", "ISO A5 folded card, 148.5 × 210 mm", 148.5 * mm, 210 * mm, True, "c5"
        ),
        CardFormat(
            "a2-flat", "A2 flat notecard, 5.5 × 4.25 in", 5.5 * inch, 4.25 * inch, False, "a2"
        ),
        CardFormat(
            "a6-flat", "A6 flat notecard, 6.25 × 4.5 in", 6.25 * inch, 4.5 * inch, False, "a6"
        ),
        CardFormat("a7-flat", "A7 flat notecard, 7 × 5 in", 7 * inch, 5 * inch, False, "a7"),
        CardFormat(
            "iso-a6-flat", "ISO A6 flat card, 148 × 105 mm", 148 * mm, 105 * mm, False, "c6"
        ),
        CardFormat(
            "postcard-4x6",
            "4 × 6 in postcard (address side for USPS)",
            6 * inch,
            4 * inch,
            False,
            None,
            is_postcard=True,
        ),
    )
}

ENVELOPE_FORMATS: dict[str, EnvelopeFormat] = {
    env.name: env
    for env in (
        EnvelopeFormat("a2", "A2 envelope, 5.75 × 4.375 in", 5.75 * inch, 4.375 * inch),
        EnvelopeFormat("a6", "A6 envelope, 6.5 × 4.75 in", 6.5 * inch, 4.75 * inch),
        EnvelopeFormat("a7", "A7 envelope, 7.25 × 5.25 in", 7.25 * inch, 5.25 * inch),
        EnvelopeFormat("a9", "A9 envelope, 8.75 × 5.75 in", 8.75 * inch, 5.75 * inch),
        EnvelopeFormat("no10", "#10 envelope, 9.5 × 4.125 in", 9.5 * inch, 4.125 * inch),
        EnvelopeFormat("6x9", "6 × 9 in envelope", 9 * inch, 6 * inch),
        EnvelopeFormat("c6", "C6 envelope, 162 × 114 mm", 162 * mm, 114 * mm),
        EnvelopeFormat("c5", "C5 envelope, 229 × 162 mm", 229 * mm, 162 * mm),
        EnvelopeFormat("dl", "DL envelope, 220 × 110 mm", 220 * mm, 110 * mm),
    )
}

PAPER_SIZES: dict[str, PaperSize] = {
    paper.name: paper
    for paper in (
        PaperSize("letter", 8.5 * inch, 11 * inch),
        PaperSize("a4", 210 * mm, 297 * mm),
        PaperSize("tabloid", 11 * inch, 17 * inch),
        PaperSize("a3", 297 * mm, 420 * mm),
        PaperSize("sra3", 320 * mm, 450 * mm),
    )
}


def card_format(name: str) -> CardFormat:
    """Return the card format called *name*.

    Raises:
        ConfigError: the name is unknown; the message lists the known ones.
    """
    key = name.strip().lower()
    if key not in CARD_FORMATS:
        raise ConfigError(
            f'"{name}" is not a card format. Choose one of: {", ".join(CARD_FORMATS)}.'
        )
    return CARD_FORMATS[key]


def envelope_format(name: str) -> EnvelopeFormat:
    """Return the envelope format called *name*.

    Raises:
        ConfigError: the name is unknown; the message lists the known ones.
    """
    key = name.strip().lower().replace("#", "no")
    if key not in ENVELOPE_FORMATS:
        raise ConfigError(
            f'"{name}" is not an envelope format. Choose one of: {", ".join(ENVELOPE_FORMATS)}.'
        )
    return ENVELOPE_FORMATS[key]


def parse_length_pt(text: str) -> float:
    """Return a length typed by a user ("3mm", "0.125in", "9pt", "0") in points.

    Raises:
        ConfigError: the text is not a length.

    >>> round(parse_length_pt("0.125in"), 2)
    9.0
    >>> round(parse_length_pt("3mm"), 3)
    8.504
    """
    value = text.strip().lower().replace(" ", "")
    units = {"mm": mm, "cm": 10 * mm, "in": inch, '"': inch, "pt": 1.0}
    suffix = next((unit for unit in units if value.endswith(unit)), "")
    number = value[: -len(suffix)] if suffix else value
    # A bare number is only accepted for zero: "3" could mean mm or inches.
    factor = units[suffix] if suffix else (1.0 if value in ("0", "0.0") else -1.0)
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if factor < 0 or amount < 0:
        raise ConfigError(
            f'"{text}" is not a length. Write it with a unit, e.g. 3mm, 0.125in or 9pt.'
        )
    return amount * factor
