"""The settings a batch runs with: records resolved from notecards.toml and the command line.

These records sit just above the format catalogue and below every stage that uses them
(planning, drawing, output), so no stage imports them from an orchestrator. They are made by
:func:`notecards.planning.batch.make_settings` and
:func:`notecards.planning.production.make_production`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from notecards.choices import Choice, Flip, PdfX, parse_standard
from notecards.config import Config
from notecards.layout.catalogue import (
    CardFormat,
    EnvelopeFormat,
    PaperSize,
    card_format,
    envelope_format,
)
from notecards.layout.labels import LabelSheet

#: Flip and parse_standard were defined here; they live with the other closed sets now.
__all__ = ["BatchSettings", "Calibration", "Flip", "Mailing", "Production", "parse_standard"]


class Mailing(Choice):
    """What carries a batch's addresses; its word is also the file's name (``labels.pdf``)."""

    ENVELOPES = "envelopes"
    LABELS = "labels"


@dataclass(frozen=True, slots=True)
class Calibration:
    """How one desktop printer misplaces a page, and the correction applied at render time.

    A point (x, y) of a sheet is printed at (offset_x + scale_x·x, offset_y + scale_y·y);
    the back of a duplex sheet has its own offsets (printers feed it differently).
    """

    offset_x_pt: float = 0.0
    offset_y_pt: float = 0.0
    back_offset_x_pt: float = 0.0
    back_offset_y_pt: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0
    name: str = ""

    def matrix(self, *, back: bool = False) -> tuple[float, float, float, float, float, float]:
        """Return the PDF ``cm`` matrix that applies this correction to a front or back page."""
        dx = self.back_offset_x_pt if back else self.offset_x_pt
        dy = self.back_offset_y_pt if back else self.offset_y_pt
        return (self.scale_x, 0.0, 0.0, self.scale_y, dx, dy)

    @property
    def is_identity(self) -> bool:
        """Return True when the profile changes nothing."""
        return self.matrix() == self.matrix(back=True) == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Production:
    """The print-production side of BatchSettings (see the module docstring)."""

    cmyk: bool = False
    pdfx: PdfX | None = None
    """Finish every print file as this PDF/X standard (implies cmyk)."""
    ink_limit: float = 3.0
    """The most ink a CMYK colour may lay down (C + M + Y + K; 3.0 = 300 %)."""
    imposition: PaperSize | None = None
    flip: Flip = Flip.LONG_EDGE
    split: int = 0
    labels: LabelSheet | None = None
    calibration: Calibration | None = None
    envelope_hand: str = ""
    """The hand that addresses the envelopes (``envelope_font = "hand"``): a bundled hand or
    a ``[hand_styles.NAME]``; empty: the addresses are printed in sans."""
    preflight: bool = True

    @property
    def mailing(self) -> Mailing:
        """Return what the addresses are printed on: labels when a sheet is chosen."""
        return Mailing.LABELS if self.labels is not None else Mailing.ENVELOPES


@dataclass(frozen=True, slots=True)
class BatchSettings:
    """The resolved choices a batch runs with (config file + command line)."""

    config: Config
    card: CardFormat
    envelope: EnvelopeFormat
    bleed_pt: float
    crop_marks: bool
    templates_dir: Path
    ledger_path: Path
    production: Production = Production()
    """Colour mode, imposition, split, labels, calibration (see planning/production.py)."""
    fixed_card: bool = False
    """The card format was given on the command line: it wins over occasions' own formats."""
    fixed_envelope: bool = False
    """The envelope was given on the command line: every card goes in it."""

    def for_formats(
        self, card: CardFormat | None, envelope: EnvelopeFormat | None
    ) -> BatchSettings:
        """Return these settings with a card's own format and envelope (None: the batch's)."""
        card = card or self.card
        envelope = envelope or self.envelope
        if card == self.card and envelope == self.envelope:
            return self
        return replace(self, card=card, envelope=envelope)

    def formats_for(self, card_name: str, envelope_name: str) -> tuple[CardFormat, EnvelopeFormat]:
        """Return the card format and envelope of an occasion's cards, given the occasion's
        own ``card_format`` and ``envelope`` ("" when it chose none).

        The command line wins for every card; otherwise an occasion's own ``card_format``
        (with its ``envelope``, or that card's own) wins over ``[cards] format``, because a
        shop that set graduation cards to a7-folded means it.

        Raises:
            ConfigError: the occasion names an unknown format.
        """
        if self.fixed_card or not (card_name or envelope_name):
            return self.card, self.envelope
        card = card_format(card_name) if card_name else self.card
        if self.fixed_envelope:
            return card, self.envelope
        if envelope_name:
            return card, envelope_format(envelope_name)
        if card == self.card:
            return card, self.envelope
        return card, envelope_format(card.envelope or "a2")
