"""Cut a straightened sheet into its boxes and separate each box's ink from the paper.

The printed corner label and the dotted baseline guide are pale grey; the ink threshold is
set between them and a pen's ink, so both fall away with the paper. The box edges are left
out by cutting a little inside them.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from notecards.layout.hand_sheet import SheetBox
from notecards.learned.scan import Page

#: A pixel is ink when it is darker than this fraction of the paper around it. The sheet's
#: labels print at 0.62 and its guides at 0.78; ballpoint, gel and felt-tip ink is below 0.45.
INK_BELOW = 0.52
_INSET_PT = 2.2  # cut this far inside a box's printed edge
_SPECK_PT2 = 0.5  # ink specks smaller than this (square points) are dust or sensor noise
_FULL = 0.45  # a box more than this dark is a smudge, a shadow or a crossed-out box

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Cut:
    """The ink of one box, cropped to its bounding box, placed against the box's baseline."""

    box: SheetBox
    ink: Mask  # rows top to bottom
    left_pt: float  # ink's left edge from the box's left edge
    top_pt: float  # ink's top above the baseline (negative below it)
    px_per_pt: float

    @property
    def width_pt(self) -> float:
        """Return the ink's width in points."""
        return float(self.ink.shape[1] / self.px_per_pt)

    @property
    def height_pt(self) -> float:
        """Return the ink's height in points."""
        return float(self.ink.shape[0] / self.px_per_pt)

    @property
    def bottom_pt(self) -> float:
        """Return the ink's bottom above the baseline (negative for descenders)."""
        return self.top_pt - self.height_pt


def cut_box(page: Page, box: SheetBox) -> Cut | str:
    """Return the ink of *box* on *page*, or what is wrong with it (``"empty"`` …)."""
    scale = page.px_per_pt
    height = page.layout.height_pt
    x0 = round((box.x_pt + _INSET_PT) * scale)
    x1 = round((box.x_pt + box.w_pt - _INSET_PT) * scale)
    y0 = round((height - box.y_pt - box.h_pt + _INSET_PT) * scale)
    y1 = round((height - box.y_pt - _INSET_PT) * scale)
    region = page.image[y0:y1, x0:x1]
    ink = _clean(region < INK_BELOW, scale)
    if ink.mean() > _FULL:
        return "too dark to read (a shadow, a smudge or a filled-in box)"
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return "empty"
    if rows.size < 0.06 * box.h_pt * scale and cols.size < 0.06 * box.h_pt * scale:
        return "only a dot of ink (too small to be a letter)"
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    baseline_px = (height - box.baseline_pt) * scale - y0
    return Cut(
        box=box,
        ink=ink[top:bottom, left:right].copy(),
        left_pt=(x0 + left) / scale - box.x_pt,
        top_pt=(baseline_px - top) / scale,
        px_per_pt=scale,
    )


def _clean(ink: Mask, scale: float) -> Mask:
    """Drop specks of noise, keeping every stroke and the dots of i and j."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    smallest = _SPECK_PT2 * scale * scale
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= smallest
    return np.asarray(keep[labels], dtype=np.bool_)


def stroke_width_pt(cuts: list[Cut]) -> float:
    """Return the pen's stroke width: twice the area over the outline length, as a median."""
    widths = []
    for cut in cuts:
        image = cut.ink.astype(np.uint8)
        contours, _ = cv2.findContours(image, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        perimeter = sum(cv2.arcLength(c, True) for c in contours)
        if perimeter > 0:
            widths.append(2 * float(image.sum()) / perimeter / cut.px_per_pt)
    return float(np.median(widths)) if widths else 1.0


def letter_gap_pt(cut: Cut) -> float | None:
    """Return the gap between the two letters of a pair box, or None when they touch.

    The widest run of ink-free columns in the middle half of the ink is the space the writer
    leaves between letters: twice a side bearing.
    """
    columns = np.asarray(cut.ink.any(axis=0), dtype=np.bool_)
    width = columns.size
    middle = columns[width // 4 : width - width // 4]
    best = run = 0
    for has_ink in middle:
        run = 0 if has_ink else run + 1
        best = max(best, run)
    return best / cut.px_per_pt if best else None
