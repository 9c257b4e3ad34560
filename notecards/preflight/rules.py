"""What a printed page must be: the records preflight checks against and reports with.

Records only (no checking), so the checks in ``pages``, ``document`` and ``spec`` all import
them from here and none imports another back.
"""

from __future__ import annotations

from dataclasses import dataclass

from notecards.choices import PdfX
from notecards.layout.catalogue import CardFormat, EnvelopeFormat
from notecards.models import Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a printer would reject (an error) or question (a warning); page is 1-based."""

    severity: Severity
    page: int | None
    message: str

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page is not None else ""
        return f"{self.severity.value}: {where}{self.message}"


@dataclass(frozen=True, slots=True)
class PreflightSpec:
    """What the printed page must be: trim size, bleed and safe margin (points), image ppi."""

    trim_width_pt: float
    trim_height_pt: float
    bleed_pt: float
    safe_pt: float = 9.0
    min_image_ppi: float = 300.0
    label: str = ""
    require_cmyk: bool = False
    ink_limit: float = 3.0
    """The most ink a CMYK colour may lay down (C + M + Y + K; 3.0 = 300 %)."""
    any_size: bool = False
    """Do not compare the page size with the trim (imposed sheets are the paper's size)."""
    crop_marks: bool = False
    """Crop marks are promised: solid marks must stand in the slug at the cut lines."""
    fold_marks: bool = False
    """Fold marks are promised too: dashed, in the slug, never solid like a crop mark."""
    printable_margin_pt: float = 0.0
    """Text must keep this far from the paper's edge (a desktop printer's margin); 0: any."""
    pdfx: PdfX | None = None
    """The file must meet this PDF/X standard's document rules (None: no PDF/X)."""


def spec_for_card(card: CardFormat, bleed_pt: float, safe_pt: float = 9.0) -> PreflightSpec:
    """Return the spec for a card's printed sheet (the unfolded spread for folded cards)."""
    return PreflightSpec(
        card.sheet_width_pt, card.sheet_height_pt, bleed_pt, safe_pt, label=card.title
    )


def spec_for_envelope(env: EnvelopeFormat) -> PreflightSpec:
    """Return the spec for printing on a made-up envelope: no bleed, the usual safe margin."""
    return PreflightSpec(env.width_pt, env.height_pt, 0.0, label=env.title)
