"""Write imposed sheets: each card page of a cards PDF becomes a form XObject placed n-up.

pypdf is used, not reportlab: the card pages are already drawn, so a page's content stream is
wrapped unchanged in a form (fonts and artwork forms are shared, copied once per file) and
the sheet's content is just ``q <matrix> cm /Cn Do Q`` per card, plus crop marks. That costs
about as much as copying the file, whatever the number of cards per sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import IO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from notecards.internals import add_object
from notecards.layout.geometry import Box
from notecards.layout.imposition import (
    IDENTITY,
    Matrix,
    SheetLayout,
    card_at,
    cut_lines,
    sheet_count,
)

#: Crop marks: start this far from the outermost bleed, this long, hairline, registration.
MARK_GAP_PT = 3.0
MARK_LENGTH_PT = 12.0
MIN_MARK_PT = 4.0


def impose(
    cards_pdf: bytes,
    layout: SheetLayout,
    target: str | Path | IO[bytes],
    *,
    pages_per_card: int = 2,
    crop_marks: bool = False,
    calibration: tuple[Matrix, Matrix] | None = None,
    title: str = "",
) -> int:
    """Write *cards_pdf* (pages_per_card pages per card) imposed per *layout*; return sheets.

    Sheet page 2·s+1 is the front of sheet s (every card's first page), 2·s+2 its back
    (second pages, mirrored for duplex). *calibration* is (front, back) matrices applied to
    the whole sheet, to cancel a desktop printer's offset and scale.
    """
    reader = PdfReader(BytesIO(cards_pdf))
    writer = PdfWriter()
    cards = len(reader.pages) // pages_per_card
    sheets = sheet_count(cards, layout.per_sheet)
    clip = layout.clip()
    forms: dict[int, IndirectObject] = {}
    marks = _crop_marks(layout) if crop_marks else b""
    for sheet in range(sheets):
        for side in range(pages_per_card):
            placements: list[tuple[Matrix, IndirectObject]] = []
            for slot in range(layout.per_sheet):
                card = card_at(sheet, slot, sheets)
                if card >= cards:
                    continue
                page_index = card * pages_per_card + side
                if page_index not in forms:
                    forms[page_index] = _form(writer, reader.pages[page_index], clip)
                matrix = layout.fronts[slot] if side == 0 else layout.backs[slot]
                placements.append((matrix, forms[page_index]))
            fix = IDENTITY if calibration is None else calibration[min(side, 1)]
            _sheet_page(writer, layout, placements, marks if side == 0 else b"", fix)
        # forms of this sheet are referenced; drop the map so memory stays flat per sheet
        forms.clear()
    writer.add_metadata(
        {"/Title": title or "Imposed cards", "/Creator": "notecards", "/Producer": "notecards"}
    )
    if isinstance(target, (str, Path)):
        with open(target, "wb") as handle:
            writer.write(handle)
    else:
        writer.write(target)
    return sheets


def calibrate(
    pdf: bytes, target: str | Path | IO[bytes], calibration: tuple[Matrix, Matrix]
) -> None:
    """Write *pdf* with every odd page moved by the front matrix, every even by the back one."""
    reader = PdfReader(BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for index, page in enumerate(writer.pages):
        page.add_transformation(calibration[index % 2])
    if isinstance(target, (str, Path)):
        with open(target, "wb") as handle:
            writer.write(handle)
    else:
        writer.write(target)


def _form(writer: PdfWriter, page: PageObject, clip: Box) -> IndirectObject:
    """Return a form XObject drawing *page* clipped to *clip* (page coordinates)."""
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(
        FloatObject(round(v, 4)) for v in (clip.x_pt, clip.y_pt, clip.right_pt, clip.top_pt)
    )
    resources = page.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    return add_object(writer, form.flate_encode())


def _sheet_page(
    writer: PdfWriter,
    layout: SheetLayout,
    placements: Sequence[tuple[Matrix, IndirectObject]],
    marks: bytes,
    fix: Matrix,
) -> None:
    page = writer.add_blank_page(layout.width_pt, layout.height_pt)
    xobjects = DictionaryObject()
    ops = [b"q", _cm(fix)]
    for number, (matrix, form) in enumerate(placements):
        name = f"/C{number}"
        xobjects[NameObject(name)] = form
        ops += [b"q", _cm(matrix), name.encode() + b" Do", b"Q"]
    ops += [marks, b"Q"]
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    content = DecodedStreamObject()
    content.set_data(b"\n".join(op for op in ops if op))
    page[NameObject("/Contents")] = add_object(writer, content.flate_encode())
    cards = [layout.front_trim(slot) for slot in range(layout.per_sheet)]
    trim = _union(cards)
    bleed = trim.inset(-layout.bleed_pt)
    page[NameObject("/TrimBox")] = _rect(trim)
    page[NameObject("/BleedBox")] = _rect(bleed)


def has_room_for_marks(layout: SheetLayout) -> bool:
    """Return True when the sheet's margins hold crop marks (cards filling the paper leave
    no slug: the sheet's edges are the cuts)."""
    return min(layout.margins_pt) - MARK_GAP_PT >= MIN_MARK_PT


def _crop_marks(layout: SheetLayout) -> bytes:
    """Return crop marks at every cut line, in the sheet margin, in registration colour."""
    xs, ys = cut_lines(layout)
    margin_x, margin_y = layout.margins_pt
    reach_x = min(MARK_LENGTH_PT, margin_x - MARK_GAP_PT)
    reach_y = min(MARK_LENGTH_PT, margin_y - MARK_GAP_PT)
    bottom, top = ys[0] - layout.bleed_pt, ys[-1] + layout.bleed_pt
    left, right = xs[0] - layout.bleed_pt, xs[-1] + layout.bleed_pt
    ops = [b"q 0.25 w 1 1 1 1 K"]
    if reach_y >= MIN_MARK_PT:
        for x in xs:
            ops.append(_line(x, bottom - MARK_GAP_PT, x, bottom - MARK_GAP_PT - reach_y))
            ops.append(_line(x, top + MARK_GAP_PT, x, top + MARK_GAP_PT + reach_y))
    if reach_x >= MIN_MARK_PT:
        for y in ys:
            ops.append(_line(left - MARK_GAP_PT, y, left - MARK_GAP_PT - reach_x, y))
            ops.append(_line(right + MARK_GAP_PT, y, right + MARK_GAP_PT + reach_x, y))
    ops.append(b"S Q")
    return b"\n".join(ops) if len(ops) > 2 else b""


def _line(x1: float, y1: float, x2: float, y2: float) -> bytes:
    return f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l".encode()


def _cm(matrix: Matrix) -> bytes:
    return (" ".join(f"{v:.5f}".rstrip("0").rstrip(".") or "0" for v in matrix) + " cm").encode()


def _union(boxes: Sequence[Box]) -> Box:
    left = min(b.x_pt for b in boxes)
    bottom = min(b.y_pt for b in boxes)
    right = max(b.right_pt for b in boxes)
    top = max(b.top_pt for b in boxes)
    return Box(left, bottom, right - left, top - bottom)


def _rect(box: Box) -> ArrayObject:
    return ArrayObject(
        FloatObject(round(v, 3)) for v in (box.x_pt, box.y_pt, box.right_pt, box.top_pt)
    )
