"""Where everything sits on the handwriting sample sheet: one pure function, two readers.

:func:`sheet_layout` is the single source of truth for the sheet: the drawing code prints it
(:mod:`notecards.drawing.hand_sheet`) and the learner cuts a filled-in scan with it
(:mod:`notecards.learned.boxes`). All lengths are PDF points, origin at the page's lower left.
"""

from __future__ import annotations

from dataclasses import dataclass

from notecards.errors import ConfigError

PAPERS: dict[str, tuple[float, float]] = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}

LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
PUNCTUATION = ".,;:!?'\"-()&@/+%"
#: Accented letters of the shop's languages (English, French, German, Spanish, Italian,
#: Portuguese, Dutch and the Nordic languages).
ACCENTED_LOWER = "éèêëàâáäåçñóôöøúüûíîïßæœ"
ACCENTED_UPPER = "ÉÀÄÖÜÇÑÅØ"
#: The joined pairs a hand writes most often (English letter-pair frequencies, and doubles).
PAIRS = ("th", "he", "in", "er", "an", "re", "on", "nd", "ou", "oo", "tt", "ll", "ee", "ss", "ff")
#: Boxes per lower-case letter: each extra one becomes an alternate form.
LOWER_COPIES = 3

MARGIN_PT = 36.0  # page edge to the outside of a registration mark
MARK_PT = 14.0  # side of a (solid, black) registration mark
CELL_W_PT = 36.0
CELL_H_PT = 46.0
BASELINE_PT = 14.0  # the baseline guide sits this far above a box's bottom edge
LABEL_PT = 5.5  # size of the character printed in a box's top-left corner
HEADER_PT = 30.0  # room for the instructions under the top marks


@dataclass(frozen=True, slots=True)
class SheetBox:
    """One box to write in: *text* (a character or a joined pair), its *copy* number."""

    text: str
    kind: str  # lower | upper | digit | punctuation | accented | pair | signature
    copy: int
    page: int
    x_pt: float
    y_pt: float
    w_pt: float
    h_pt: float
    row: int = 0  # 1-based, as a person counts them on the sheet
    column: int = 0

    @property
    def baseline_pt(self) -> float:
        """Return the page height of the box's baseline guide."""
        return self.y_pt + BASELINE_PT if self.kind != "signature" else self.y_pt + self.h_pt / 3

    @property
    def label(self) -> str:
        """Return what is printed in the corner (``a·2`` for the second box of ``a``)."""
        if self.kind == "signature":
            return "Sign here"
        return f"{self.text}·{self.copy + 1}" if self.kind == "lower" else self.text


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """The whole sheet: paper, registration marks (same on every page) and boxes."""

    paper: str
    width_pt: float
    height_pt: float
    marks: tuple[tuple[float, float], ...]  # mark centres: top-left, top-right, bottom-right, -left
    boxes: tuple[SheetBox, ...]
    pages: int

    def page_boxes(self, page: int) -> tuple[SheetBox, ...]:
        """Return the boxes of *page* (0-based)."""
        return tuple(box for box in self.boxes if box.page == page)


def sheet_entries() -> list[tuple[str, str, int]]:
    """Return every ``(text, kind, copy)`` to write, in the order the sheet shows them."""
    entries = [(c, "lower", n) for n in range(LOWER_COPIES) for c in LOWER]
    entries += [(c, "upper", 0) for c in UPPER]
    entries += [(c, "digit", 0) for c in DIGITS]
    entries += [(c, "punctuation", 0) for c in PUNCTUATION]
    entries += [(c, "accented", 0) for c in ACCENTED_LOWER + ACCENTED_UPPER]
    entries += [(p, "pair", 0) for p in PAIRS]
    return entries


def sheet_layout(paper: str = "letter", *, signature: bool = True) -> SheetLayout:
    """Return the layout of the sample sheet on *paper* (``letter`` or ``a4``).

    Boxes flow left to right, top to bottom, in a grid between the marks; a pair takes two
    cells and never breaks across a row. With *signature*, page 2 holds one signature box.

    >>> layout = sheet_layout("a4")
    >>> sum(1 for box in layout.boxes if box.text == "g")
    3

    Raises:
        ConfigError: unknown paper, or the boxes do not fit on one page.
    """
    if paper not in PAPERS:
        raise ConfigError(f'Unknown paper "{paper}". Use one of: {", ".join(PAPERS)}.')
    width, height = PAPERS[paper]
    half = MARK_PT / 2
    left, right = MARGIN_PT + half, width - MARGIN_PT - half
    bottom, top = MARGIN_PT + half, height - MARGIN_PT - half
    marks = ((left, top), (right, top), (right, bottom), (left, bottom))
    grid_left = MARGIN_PT
    grid_top = height - MARGIN_PT - MARK_PT - HEADER_PT
    grid_bottom = MARGIN_PT + MARK_PT + 6.0
    columns = int((width - 2 * MARGIN_PT) // CELL_W_PT)
    rows = int((grid_top - grid_bottom) // CELL_H_PT)
    # Centre the grid between the side margins.
    grid_left += ((width - 2 * MARGIN_PT) - columns * CELL_W_PT) / 2
    boxes: list[SheetBox] = []
    row = column = 0
    for text, kind, copy in sheet_entries():
        cells = len(text)
        if column + cells > columns:
            row, column = row + 1, 0
        if row >= rows:
            raise ConfigError(f"The sample sheet does not fit on {paper} paper.")
        x = grid_left + column * CELL_W_PT
        y = grid_top - (row + 1) * CELL_H_PT
        boxes.append(
            SheetBox(text, kind, copy, 0, x, y, cells * CELL_W_PT, CELL_H_PT, row + 1, column + 1)
        )
        column += cells
    pages = 1
    if signature:
        sig_w, sig_h = 4.0 * 72, 1.5 * 72
        boxes.append(
            SheetBox("signature", "signature", 0, 1, (width - sig_w) / 2, height / 2, sig_w, sig_h)
        )
        pages = 2
    return SheetLayout(paper, width, height, marks, tuple(boxes), pages)
