"""N-up imposition: where each card lands on a printer sheet, front and back. Pure geometry.

A card page (one page of ``cards.pdf``: the outside or the inside spread) is placed on a sheet
by an affine matrix. Backs are mirrored so that, printed duplex, every card's inside lands
behind its own outside, for either flip edge:

* the card turns over about its vertical axis (head to head: a side-fold card opens like a
  book, a flat card's back reads upright when turned like a page): ``F``;
* the sheet turns over about its long or its short edge: ``S``;
* a back placement is therefore ``B = S · T · F`` for the front placement ``T``.

Cards are numbered cut-and-stack: with *n* sheets, slot *j* of sheet *s* holds card
``j·n + s``, so after cutting, stacking slot piles in order gives cards 1, 2, 3 … in the
same order as the envelopes and labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

from reportlab.lib.units import inch

from notecards.choices import Flip
from notecards.errors import ConfigError
from notecards.layout.catalogue import Fold, PaperSize
from notecards.layout.geometry import Box

Matrix = tuple[float, float, float, float, float, float]
"""A PDF matrix (a, b, c, d, e, f): x' = a·x + c·y + e, y' = b·x + d·y + f."""

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: Room for crop marks around the grid when the sheet has space for them.
SLUG_PT = 0.25 * inch


def compose(outer: Matrix, inner: Matrix) -> Matrix:
    """Return the matrix applying *inner* first, then *outer*."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a1 * a2 + c1 * b2,
        b1 * a2 + d1 * b2,
        a1 * c2 + c1 * d2,
        b1 * c2 + d1 * d2,
        a1 * e2 + c1 * f2 + e1,
        b1 * e2 + d1 * f2 + f1,
    )


def apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    """Return the point (x, y) transformed by *matrix*."""
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def transform_box(matrix: Matrix, box: Box) -> Box:
    """Return the bounding box of *box* transformed by *matrix*."""
    points = [apply(matrix, x, y) for x in (box.x_pt, box.right_pt) for y in (box.y_pt, box.top_pt)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """How card pages of one trim size sit on one printer sheet, front and back."""

    paper: PaperSize
    width_pt: float
    height_pt: float
    columns: int
    rows: int
    rotated: bool
    bleed_pt: float
    flip: Flip
    trim: Box
    """The card's trim box on its own page (in ``cards.pdf``)."""
    fronts: tuple[Matrix, ...]
    backs: tuple[Matrix, ...]

    @property
    def per_sheet(self) -> int:
        """Return how many cards one sheet holds."""
        return self.columns * self.rows

    def front_trim(self, slot: int) -> Box:
        """Return where the trim of the card in *slot* lies on the sheet's front."""
        return transform_box(self.fronts[slot], self.trim)

    def back_trim(self, slot: int) -> Box:
        """Return where the trim of the card in *slot* lies on the sheet's back."""
        return transform_box(self.backs[slot], self.trim)

    @property
    def margins_pt(self) -> tuple[float, float]:
        """Return the free (x, y) margin between the outermost bleed and the sheet's edge."""
        cards = [self.front_trim(slot).inset(-self.bleed_pt) for slot in range(self.per_sheet)]
        return (min(b.x_pt for b in cards), self.height_pt - max(b.top_pt for b in cards))

    def clip(self) -> Box:
        """Return the part of a card page that is placed: its trim plus the sheet's bleed."""
        return self.trim.inset(-self.bleed_pt)

    @property
    def description(self) -> str:
        """Return e.g. "2-up on letter (1 × 2), long-edge flip"."""
        return (
            f"{self.per_sheet}-up on {self.paper.name} ({self.columns} × {self.rows}"
            f"{', cards turned 90°' if self.rotated else ''}), "
            f"{'portrait' if self.height_pt >= self.width_pt else 'landscape'} sheet, "
            f"bleed {self.bleed_pt / inch:.3g} in, duplex {self.flip} flip"
        )


def layout_sheet(
    paper: PaperSize,
    trim: Box,
    bleed_pt: float,
    *,
    crop_marks: bool,
    flip: Flip = Flip.LONG_EDGE,
    fold: Fold = Fold.SIDE,
) -> SheetLayout:
    """Return the densest layout of cards with trim *trim* on *paper*.

    Preference, in order: most cards per sheet; the card's full bleed kept (else cards are
    butt-cut, sharing cut lines); room for crop marks (when asked); a portrait sheet; cards
    not turned. A grid is centred on the sheet.

    Raises:
        ConfigError: not even one card fits on *paper*.

    >>> from notecards.layout.catalogue import PAPER_SIZES
    >>> layout = layout_sheet(PAPER_SIZES["letter"], Box(9, 9, 612, 396), 9, crop_marks=False)
    >>> layout.per_sheet, layout.bleed_pt
    (2, 0.0)
    """
    flip, fold = Flip(flip), Fold(fold)  # their words ("short-edge", "top") do too
    best: tuple[tuple[float, ...], SheetLayout] | None = None
    bleeds = (bleed_pt, 0.0) if bleed_pt > 0 else (0.0,)
    slugs = (SLUG_PT, 0.0) if crop_marks else (0.0,)
    for bleed, slug, landscape, rotated in product(bleeds, slugs, (False, True), (False, True)):
        width, height = (
            (paper.height_pt, paper.width_pt) if landscape else (paper.width_pt, paper.height_pt)
        )
        card_w, card_h = (
            (trim.height_pt, trim.width_pt) if rotated else (trim.width_pt, trim.height_pt)
        )
        cell_w, cell_h = card_w + 2 * bleed, card_h + 2 * bleed
        cols = int((width - 2 * slug + 1e-6) // cell_w)
        rows = int((height - 2 * slug + 1e-6) // cell_h)
        if cols * rows == 0:
            continue
        score = (cols * rows, bleed, slug, not landscape, not rotated)
        if best is None or score > best[0]:
            best = (
                score,
                _grid(paper, width, height, cols, rows, rotated, bleed, trim, flip, fold),
            )
    if best is None:
        raise ConfigError(
            f"A {trim.width_pt / inch:.2f} × {trim.height_pt / inch:.2f} in "
            f"card sheet does not fit on {paper.name} paper. Choose a larger "
            "--imposition paper (tabloid, a3, sra3)."
        )
    return best[1]


def _grid(
    paper: PaperSize,
    width: float,
    height: float,
    cols: int,
    rows: int,
    rotated: bool,
    bleed: float,
    trim: Box,
    flip: Flip,
    fold: Fold,
) -> SheetLayout:
    card_w, card_h = (trim.height_pt, trim.width_pt) if rotated else (trim.width_pt, trim.height_pt)
    cell_w, cell_h = card_w + 2 * bleed, card_h + 2 * bleed
    left = (width - cols * cell_w) / 2 + bleed
    top = height - (height - rows * cell_h) / 2 - bleed
    turn = _about_card(trim, fold)
    mirror = _sheet_mirror(width, height, flip)
    fronts, backs = [], []
    for row in range(rows):
        for col in range(cols):
            x = left + col * cell_w
            y = top - card_h - row * cell_h
            if rotated:  # quarter turn anticlockwise, trim's lower-left to (x + card_w, y)
                place = compose(
                    (0.0, 1.0, -1.0, 0.0, x + card_w, y),
                    (1.0, 0.0, 0.0, 1.0, -trim.x_pt, -trim.y_pt),
                )
            else:
                place = (1.0, 0.0, 0.0, 1.0, x - trim.x_pt, y - trim.y_pt)
            fronts.append(place)
            backs.append(compose(mirror, compose(place, turn)))
    return SheetLayout(
        paper, width, height, cols, rows, rotated, bleed, flip, trim, tuple(fronts), tuple(backs)
    )


def _about_card(trim: Box, fold: Fold) -> Matrix:
    """Return how a card turns over: about its vertical axis (side fold), else horizontal."""
    if fold is Fold.TOP:
        return (1.0, 0.0, 0.0, -1.0, 0.0, 2 * trim.y_pt + trim.height_pt)
    return (-1.0, 0.0, 0.0, 1.0, 2 * trim.x_pt + trim.width_pt, 0.0)


def _sheet_mirror(width: float, height: float, flip: Flip) -> Matrix:
    """Return where a point of the front is seen on the back of a sheet turned over."""
    long_is_vertical = height >= width
    about_vertical = long_is_vertical == (flip is Flip.LONG_EDGE)
    if about_vertical:
        return (-1.0, 0.0, 0.0, 1.0, width, 0.0)
    return (1.0, 0.0, 0.0, -1.0, 0.0, height)


def sheet_count(cards: int, per_sheet: int) -> int:
    """Return how many sheets *cards* cards need."""
    return max(1, math.ceil(cards / per_sheet)) if cards else 0


def card_at(sheet: int, slot: int, sheets: int) -> int:
    """Return the 0-based card index in *slot* of 0-based *sheet* (cut-and-stack order)."""
    return slot * sheets + sheet


def position_of(card_index: int, sheets: int) -> tuple[int, int]:
    """Return (sheet, slot), both 0-based, of the 0-based *card_index* (cut-and-stack)."""
    return card_index % sheets, card_index // sheets


def cut_lines(layout: SheetLayout) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Return the x and y positions of every trim edge on the sheet front (sorted, unique)."""
    xs: set[float] = set()
    ys: set[float] = set()
    for slot in range(layout.per_sheet):
        box = layout.front_trim(slot)
        xs.update((round(box.x_pt, 3), round(box.right_pt, 3)))
        ys.update((round(box.y_pt, 3), round(box.top_pt, 3)))
    return tuple(sorted(xs)), tuple(sorted(ys))
