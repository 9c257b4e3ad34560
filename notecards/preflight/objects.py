"""Check what pdfium finds on a page: fonts embedded, the safe area, images' resolution, the
slug's crop and fold marks.

Every object of the page is checked, and every object inside the forms it draws. A form
drawn on many pages (a card's front artwork, the return address) is the same objects each
time: its objects are checked once per form, place and page box, and what they found is
replayed on every page that draws it (:class:`ObjectChecks`). The forms are told apart by
the content stream's own ``Do`` operators (``content.py`` reads them), so two forms that
look alike are never taken for each other.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator, Sequence
from typing import Any

import pypdfium2.raw as pdfium_c

from notecards.layout.imposition import IDENTITY, Matrix, compose
from notecards.models import Severity
from notecards.preflight.rules import PreflightSpec

TOLERANCE_PT = 0.5  # size and bleed comparisons; reportlab writes sizes to 2-3 decimals
_EDGE_PT = 0.5  # a mark this close to the trim edge (or past it) is bleed artwork
_MAX_SAFE_FINDINGS_PER_PAGE = 10
_MAX_FORM_DEPTH = 15
#: Forms remembered per file (a batch draws a few; imposed sheets draw each card once).
_FORMS_KEPT = 512
_TEXT, _PATH, _IMAGE, _SHADING, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_SHADING,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
_KIND = {_PATH: "drawn mark", _IMAGE: "image", _SHADING: "shading"}

Box = tuple[float, float, float, float]  # left, bottom, right, top in points
Finding = tuple[Severity, str]

#: What checking one object found, in order: ("finding", finding), ("unsafe", finding) (an
#: object outside the safe area: counted, and only the first few of a page reported) or
#: ("mark", (bounds, dashed)) (a straight stroke in the slug).
Event = tuple[str, Any]


class ObjectChecks:
    """The object checks of one file's pages, with what is reused from page to page."""

    def __init__(self, rules: PreflightSpec) -> None:
        self.rules = rules
        self._floats = [ctypes.c_float() for _ in range(4)]
        self._refs = [ctypes.byref(value) for value in self._floats]
        self._forms: dict[tuple[Any, ...], list[Event]] = {}

    def box(self, func: Any, handle: Any) -> Box | None:
        """Return a page box or an object's bounds through a raw pdfium call, or None."""
        if not func(handle, *self._refs):
            return None
        left, bottom, right, top = self._floats
        return (left.value, bottom.value, right.value, top.value)

    def check(
        self,
        page: Any,
        trim: Box,
        media: Box,
        sized: bool,
        front: bool,
        forms: Sequence[Any] | None,
    ) -> Iterator[Finding]:
        """Yield the findings of every object on *page* (a pdfium page handle).

        *front*: an odd page (imposed sheets promise their marks on the fronts). *forms*:
        the identity of each form the page's content draws, in order, or None when the
        content could not be read that far (then every form is checked afresh).
        """
        scan = _Scan(self, page, trim, media, sized)
        unsafe = 0
        marks: list[tuple[Box, bool]] = []
        try:
            for kind, payload in self._events(scan, forms):
                if kind == "mark":
                    marks.append(payload)
                    continue
                if kind == "unsafe":
                    unsafe += 1
                    if unsafe > _MAX_SAFE_FINDINGS_PER_PAGE:
                        continue
                yield payload
        finally:
            scan.close()
        if sized or front:
            yield from _mark_checks(marks, trim, self.rules, sized)
        if unsafe > _MAX_SAFE_FINDINGS_PER_PAGE:
            yield (
                Severity.WARNING,
                f"{unsafe - _MAX_SAFE_FINDINGS_PER_PAGE} more objects on this page "
                "are outside the safe area.",
            )

    def _events(self, scan: _Scan, forms: Sequence[Any] | None) -> Iterator[Event]:
        page = scan.page
        count = pdfium_c.FPDFPage_CountObjects(page)
        objects = [pdfium_c.FPDFPage_GetObject(page, n) for n in range(count)]
        kinds = [pdfium_c.FPDFPageObj_GetType(obj) for obj in objects]
        if forms is not None and kinds.count(_FORM) != len(forms):
            forms = None  # pdfium drew other forms than the content names: check them all
        drawn = iter(forms or ())
        box, bounds_of, font_of = (
            self.box,
            pdfium_c.FPDFPageObj_GetBounds,
            pdfium_c.FPDFTextObj_GetFont,
        )
        embedded, clear = pdfium_c.FPDFFont_GetIsEmbedded, scan.clear
        for obj, kind in zip(objects, kinds, strict=True):
            if kind == _TEXT and embedded(font_of(obj)) and clear(box(bounds_of, obj)):
                continue  # most objects of a page: a word in an embedded font, well inside
            if kind != _FORM:
                yield from scan.events(obj, kind, IDENTITY, False)
                continue
            matrix = object_matrix(obj)
            key = None
            if forms is not None:
                size = pdfium_c.FPDFFormObj_CountObjects(obj)
                key = (next(drawn), matrix, size, scan.trim, scan.media, scan.sized)
                if key in self._forms:
                    yield from self._forms[key]
                    continue
            events = [
                event
                for inner, inner_kind, ctm, _ in _objects(obj, True, matrix, 1)
                for event in scan.events(inner, inner_kind, ctm, True)
            ]
            if key is not None:
                if len(self._forms) >= _FORMS_KEPT:
                    self._forms.clear()
                self._forms[key] = events
            yield from events


class _Scan:
    """One page being checked: its boxes, and its text page once a message quotes text."""

    def __init__(self, checks: ObjectChecks, page: Any, trim: Box, media: Box, sized: bool):
        rules = checks.rules
        self.checks = checks
        self.rules = rules
        self.page = page
        self.trim = trim
        self.media = media
        self.sized = sized
        self.marks_wanted = rules.crop_marks or sized
        self.margin = rules.printable_margin_pt
        self.printable = _inset(media, self.margin)
        s = rules.safe_pt
        self.safe = (trim[0] + s, trim[1] + s, trim[2] - s, trim[3] - s)
        self._textpage: Any = None
        # Text within both is reported for nothing (see events): both boxes, 0.01 pt looser.
        inner = self.safe if not self.margin else _intersect(self.safe, self.printable)
        self._clear = (inner[0] - 0.01, inner[1] - 0.01, inner[2] + 0.01, inner[3] + 0.01)

    def clear(self, bounds: Box | None) -> bool:
        """Return True when text with these page-space *bounds* has nothing to report:
        inside the safe area and the printable area (:meth:`events` would find nothing)."""
        if bounds is None:
            return False
        left, bottom, right, top = self._clear
        return bounds[0] >= left and bounds[1] >= bottom and bounds[2] <= right and bounds[3] <= top

    def text_of(self, obj: Any) -> str:
        """Return the (first 40 characters of the) text of a text object on this page."""
        if self._textpage is None:
            self._textpage = pdfium_c.FPDFText_LoadPage(self.page)
        return _text_of(obj, self._textpage)

    def close(self) -> None:
        """Close the text page, when one was loaded."""
        if self._textpage:
            pdfium_c.FPDFText_ClosePage(self._textpage)

    def events(self, obj: Any, kind: int, ctm: Matrix, nested: bool) -> list[Event]:
        """Return what checking one object (at *ctm* when *nested* in a form) finds."""
        out: list[Event] = []
        rules, trim = self.rules, self.trim
        if kind == _TEXT:
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            if not pdfium_c.FPDFFont_GetIsEmbedded(font):
                out.append(
                    (
                        "finding",
                        (
                            Severity.ERROR,
                            f'Font "{_font_name(font)}" is not embedded. Use an '
                            "embedded TrueType font (reportlab: TTFont) or convert the "
                            "text to outlines.",
                        ),
                    )
                )
        bounds = self.checks.box(pdfium_c.FPDFPageObj_GetBounds, obj)
        if bounds is None:
            return out
        box = transform(bounds, ctm) if nested else bounds
        if kind == _PATH and self.marks_wanted and _stroked(obj):
            out += (("mark", line) for line in _slug_lines(obj, ctm, trim))
        if _outside(box, trim):
            return out  # slug-area marks and notes are cut away by design
        if kind == _TEXT and self.margin and _overshoot(box, self.printable) > 0.01:
            message = (
                f'Text "{self.text_of(obj)}" is within {self.margin / 72:.2f} in of the '
                "paper's edge, where a desktop printer does not print. Move it inward."
            )
            out.append(("finding", (Severity.ERROR, message)))
        if kind == _IMAGE:
            out += (("finding", finding) for finding in _image_checks(obj, ctm, rules))
        if kind != _TEXT and _reaches_edge(box, trim):
            return out  # bleed artwork
        overshoot = _overshoot(box, self.safe)
        if overshoot <= 0.01:
            return out
        if kind == _TEXT:
            what = f'Text "{self.text_of(obj)}"'
        else:
            what = f"A {_KIND.get(kind, 'mark')} at {fmt_box(box)}"
        message = (
            f"{what} is {overshoot:.1f} pt outside the safe area "
            f"({rules.safe_pt:.1f} pt inside the trim). Move it inward."
        )
        out.append(("unsafe", (Severity.ERROR, message)))
        return out


def _objects(
    handle: Any, in_form: bool, ctm: Matrix, depth: int
) -> Iterator[tuple[Any, int, Matrix, bool]]:
    """Yield (object, type, matrix to page space, is nested) of every object, forms opened."""
    count = pdfium_c.FPDFFormObj_CountObjects if in_form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if in_form else pdfium_c.FPDFPage_GetObject
    for number in range(count(handle)):
        obj = get(handle, number)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == _FORM:
            if depth + 1 < _MAX_FORM_DEPTH:
                yield from _objects(obj, True, compose(ctm, object_matrix(obj)), depth + 1)
            continue
        yield obj, kind, ctm, in_form


def _mark_checks(
    marks: list[tuple[Box, bool]], trim: Box, rules: PreflightSpec, sized: bool
) -> Iterator[Finding]:
    """Check the slug's marks: crop marks present when promised, fold marks told apart."""
    solid = [box for box, dashed in marks if not dashed]
    dashed = [box for box, dashed in marks if dashed]
    if not rules.crop_marks and not rules.fold_marks and not marks:
        return
    if rules.crop_marks and not solid:
        yield (
            Severity.ERROR,
            "The page has no crop marks, though crop marks were asked for; the shop cannot "
            "tell where to cut.",
        )
    if rules.fold_marks and not dashed:
        yield (Severity.ERROR, "The page has no fold marks (dashed), though the card is folded.")
    if not sized:
        return  # imposed sheets: cut lines run between cards, not only at the trim's edges
    for box in solid:
        vertical = box[2] - box[0] < box[3] - box[1]
        at = (box[0] + box[2]) / 2 if vertical else (box[1] + box[3]) / 2
        edges = (trim[0], trim[2]) if vertical else (trim[1], trim[3])
        if min(abs(at - edge) for edge in edges) > TOLERANCE_PT:
            yield (
                Severity.ERROR,
                f"A solid mark in the slug at {'x' if vertical else 'y'} = {at:.1f} pt is not "
                "at a trim edge, so it reads as a crop mark. Draw fold marks dashed.",
            )
            return


def _slug_lines(obj: Any, ctm: Matrix, trim: Box) -> list[tuple[Box, bool]]:
    """Return the straight strokes of a path object that lie wholly outside *trim*."""
    matrix = compose(ctm, object_matrix(obj))
    dashed = pdfium_c.FPDFPageObj_GetDashCount(obj) > 0
    x, y = ctypes.c_float(), ctypes.c_float()
    lines = []
    last: tuple[float, float] | None = None
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (
            x.value * matrix[0] + y.value * matrix[2] + matrix[4],
            x.value * matrix[1] + y.value * matrix[3] + matrix[5],
        )
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_LINETO and last:
            box = (
                min(last[0], point[0]),
                min(last[1], point[1]),
                max(last[0], point[0]),
                max(last[1], point[1]),
            )
            if _outside(box, trim):
                lines.append((box, dashed))
        last = point
    return lines


def _stroked(obj: Any) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
        return False
    return bool(stroke.value)


def _intersect(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _inset(box: Box, by: float) -> Box:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def _font_name(font: Any) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace") or "(unnamed)"


def _text_of(obj: Any, textpage: Any) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
    if not size:
        return ""
    buffer = (pdfium_c.FPDF_WCHAR * -(size // -2))()
    pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, size)
    text = bytes(memoryview(buffer).cast("B")).decode("utf-16-le", "replace").rstrip("\x00")
    return " ".join(text.split())[:40]


def _image_checks(image: Any, ctm: Matrix, rules: PreflightSpec) -> Iterator[Finding]:
    a, b, c, d, _, _ = compose(ctm, object_matrix(image))
    width_in, height_in = math.hypot(a, b) / 72, math.hypot(c, d) / 72
    px_width, px_height = ctypes.c_uint(), ctypes.c_uint()
    if not pdfium_c.FPDFImageObj_GetImagePixelSize(image, px_width, px_height):
        return
    if width_in <= 0 or height_in <= 0:
        return
    ppi = min(px_width.value / width_in, px_height.value / height_in)
    if ppi < rules.min_image_ppi - 0.5:
        yield (
            Severity.ERROR,
            f"An image of {px_width.value} × {px_height.value} px is placed at "
            f"{width_in:.2f} × {height_in:.2f} in, which is {ppi:.0f} ppi; print "
            f"needs at least {rules.min_image_ppi:.0f} ppi at the placed size.",
        )


def object_matrix(obj: Any) -> Matrix:
    """Return a page object's own matrix."""
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def transform(box: Box, m: Matrix) -> Box:
    """Return the bounding box of *box* mapped through *m*."""
    corners = [
        (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
        for x in (box[0], box[2])
        for y in (box[1], box[3])
    ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _outside(box: Box, trim: Box) -> bool:
    return (
        box[2] <= trim[0] + 0.01
        or box[0] >= trim[2] - 0.01
        or box[3] <= trim[1] + 0.01
        or box[1] >= trim[3] - 0.01
    )


def _reaches_edge(box: Box, trim: Box) -> bool:
    return (
        box[0] <= trim[0] + _EDGE_PT
        or box[1] <= trim[1] + _EDGE_PT
        or box[2] >= trim[2] - _EDGE_PT
        or box[3] >= trim[3] - _EDGE_PT
    )


def _overshoot(box: Box, safe: Box) -> float:
    return max(safe[0] - box[0], safe[1] - box[1], box[2] - safe[2], box[3] - safe[3], 0.0)


def fmt_box(box: Box) -> str:
    """Return a box as "[l b r t]" with one decimal."""
    return "[" + " ".join(f"{v:.1f}" for v in box) + "]"
