"""Address-label sheets (Avery 5160/8160, L7160): label positions and address fitting. Pure.

Labels are filled in reading order (left to right, top to bottom, sheet after sheet), so
label *n* carries the address of card *n*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import inch, mm

from notecards.layout.geometry import Box, FontFor, Measure, Run, SetLine, measure_runs, split_runs

#: Text stays this far inside a label's edge: die-cut labels shift up to ~1 mm on a desktop.
LABEL_PADDING_PT = 0.09 * inch


@dataclass(frozen=True, slots=True)
class LabelSheet:
    """A sheet of identical labels; margins measured from the sheet's top-left corner."""

    name: str
    title: str
    paper_width_pt: float
    paper_height_pt: float
    columns: int
    rows: int
    label_width_pt: float
    label_height_pt: float
    left_pt: float
    top_pt: float
    pitch_x_pt: float
    pitch_y_pt: float

    @property
    def per_sheet(self) -> int:
        """Return the number of labels on one sheet."""
        return self.columns * self.rows

    def boxes(self) -> tuple[Box, ...]:
        """Return every label's box (PDF coordinates), in reading order."""
        return tuple(
            Box(
                self.left_pt + col * self.pitch_x_pt,
                self.paper_height_pt - self.top_pt - row * self.pitch_y_pt - self.label_height_pt,
                self.label_width_pt,
                self.label_height_pt,
            )
            for row in range(self.rows)
            for col in range(self.columns)
        )

    def position(self, index: int) -> tuple[int, int]:
        """Return (sheet, label) numbers, both 1-based, of the 0-based *index*-th label."""
        return index // self.per_sheet + 1, index % self.per_sheet + 1


_AVERY_5160 = dict(
    paper_width_pt=8.5 * inch,
    paper_height_pt=11 * inch,
    columns=3,
    rows=10,
    label_width_pt=2.625 * inch,
    label_height_pt=1 * inch,
    left_pt=0.1875 * inch,
    top_pt=0.5 * inch,
    pitch_x_pt=2.75 * inch,
    pitch_y_pt=1 * inch,
)

LABEL_SHEETS: dict[str, LabelSheet] = {
    sheet.name: sheet
    for sheet in (
        LabelSheet("avery-5160", "Avery 5160, 30 labels 2 5/8 × 1 in on US Letter", **_AVERY_5160),
        LabelSheet("avery-8160", "Avery 8160 (inkjet 5160), 30 labels on US Letter", **_AVERY_5160),
        LabelSheet(
            "avery-l7160",
            "Avery L7160, 21 labels 63.5 × 38.1 mm on A4",
            210 * mm,
            297 * mm,
            3,
            7,
            63.5 * mm,
            38.1 * mm,
            7.25 * mm,
            15.15 * mm,
            66.04 * mm,
            38.1 * mm,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class LabelLayout:
    """One filled label: its box and the address lines set inside it."""

    box: Box
    lines: tuple[SetLine, ...]
    size_pt: float
    label: str


def layout_label(
    box: Box,
    lines: Sequence[str],
    label: str,
    *,
    measure: Measure,
    font_for: FontFor,
    max_size_pt: float = 10.0,
    min_size_pt: float = 6.0,
) -> LabelLayout:
    """Return *lines* set left-aligned in *box*, shrunk until the block fits, centred vertically.

    Below *min_size_pt* a line too long for the label is set at the minimum size anyway (it
    may then touch the padding); the pipeline already warns about very long address lines.
    """
    inner = box.inset(LABEL_PADDING_PT)
    lines = [line for line in lines if line.strip()]
    size = max_size_pt
    while size > min_size_pt:
        widest = max((measure_runs(line, size, measure, font_for) for line in lines), default=0.0)
        if widest <= inner.width_pt and size * 1.18 * len(lines) <= inner.height_pt:
            break
        size = round(size - 0.25, 2)
    leading = size * 1.18
    block = size * 0.76 + leading * max(len(lines) - 1, 0)
    first = inner.y_pt + (inner.height_pt + block) / 2 - size * 0.76
    set_lines = []
    for index, text in enumerate(lines):
        runs = tuple(
            Run(part, font, measure(part, font, size)) for part, font in split_runs(text, font_for)
        )
        set_lines.append(
            SetLine(
                runs,
                inner.x_pt,
                first - index * leading,
                sum(r.width_pt for r in runs),
                role="address",
            )
        )
    return LabelLayout(box, tuple(set_lines), size, label)
