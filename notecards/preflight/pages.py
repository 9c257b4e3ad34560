"""Check a range of a PDF's pages for print: boxes, size, fonts, safe area, images, colour.

This is preflight's hot loop (a 10,000-card batch is 30,000 pages), so it walks pdfium's page
objects through the raw API: the helper objects of ``pypdfium2`` cost more than the checks.
Every page and every object on it is still checked; ``check_pages`` takes a page range so a
worker process can check part of a file while the batch draws the next one.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Iterator
from typing import Any

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from notecards.models import Severity
from notecards.preflight.content import content_findings, rules_for
from notecards.preflight.rules import PreflightSpec

_TOLERANCE_PT = 0.5  # size and bleed comparisons; reportlab writes sizes to 2-3 decimals
_EDGE_PT = 0.5  # a mark this close to the trim edge (or past it) is bleed artwork
_MAX_SAFE_FINDINGS_PER_PAGE = 10
_MAX_FORM_DEPTH = 15
_TEXT, _PATH, _IMAGE, _SHADING, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_SHADING,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
_KIND = {_PATH: "drawn mark", _IMAGE: "image", _SHADING: "shading"}
_RGB_OPERATOR = re.compile(rb"(?:^|\s)[-+.\d]+\s+[-+.\d]+\s+[-+.\d]+\s+(?:rg|RG)(?=\s|$)")
RGB_MESSAGE = (
    "RGB colour is used; this printer needs CMYK. "
    "Draw with CMYK colours (reportlab: setFillColorCMYK)."
)
JS_MESSAGE = (
    "The PDF contains JavaScript; printers reject it. Export it again without "
    "scripts or form actions."
)

Box = tuple[float, float, float, float]  # left, bottom, right, top in points
Matrix = tuple[float, float, float, float, float, float]
PageFinding = tuple[int, Severity, str]  # 0-based page index, severity, message
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def check_pages(
    source: str | bytes, rules: PreflightSpec, sized: bool, start: int, stop: int
) -> list[PageFinding]:
    """Return the findings of pages *start* to *stop* (0-based, stop excluded) of *source*.

    *source* is a path or the PDF's bytes; it is opened here, so a worker process can be
    given a file name instead of the file. *sized*: compare the trim and bleed with *rules*.
    """
    document = pdfium.PdfDocument(source)
    pages = _Pages(document, source, rules)
    findings: list[PageFinding] = []
    try:
        for index in range(start, stop):
            findings += (
                (index, severity, message) for severity, message in pages.check(index, sized)
            )
    finally:
        pages.close()
        document.close()
    return findings


class _Pages:
    """The open document of a page range, and what is reused from page to page."""

    def __init__(
        self, document: pdfium.PdfDocument, source: str | bytes, rules: PreflightSpec
    ) -> None:
        self.document = document
        self.source = source
        self.rules = rules
        self._reader: pypdf.PdfReader | None = None
        self.index = 0
        self._pike: pikepdf.Pdf | None = None
        self._pike_pages: list[Any] | None = None
        self._content_cache: dict[Any, list[str]] = {}
        self._content_rules = rules_for(rules.require_cmyk, rules.ink_limit)
        self._rgb_forms: dict[int, bool] = {}
        self._floats = [ctypes.c_float() for _ in range(4)]
        self._refs = [ctypes.byref(value) for value in self._floats]

    def check(self, index: int, sized: bool) -> list[tuple[Severity, str]]:
        """Return (severity, message) of every finding on page *index*."""
        page = pdfium_c.FPDF_LoadPage(self.document.raw, index)
        if not page:  # a damaged page: say so, check the rest
            return [(Severity.ERROR, "The page cannot be read (pdfium could not load it).")]
        try:
            self.index = index
            found = list(_box_checks(self, page, sized))
            if pdfium_c.FPDFPage_GetAnnotCount(page) > 0 and self._has_js_annotation(index):
                found.append((Severity.ERROR, JS_MESSAGE))
        finally:
            pdfium_c.FPDF_ClosePage(page)
        if self.rules.require_cmyk and _uses_rgb(self.reader.pages[index], self._rgb_forms):
            found.append((Severity.ERROR, RGB_MESSAGE))
        found += (
            (Severity.ERROR, message)
            for message in content_findings(
                self.pike_pages[index], self._content_rules, self._content_cache
            )
        )
        return found

    @property
    def pike(self) -> pikepdf.Pdf:
        """Return the document opened with pikepdf (its content streams are read with it)."""
        if self._pike is None:
            import io

            source = self.source
            self._pike = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        return self._pike

    @property
    def pike_pages(self) -> list[Any]:
        """Return the document's pages, listed once: ``Pdf.pages[i]`` walks the page tree
        on every call (0.8 ms per page at 20,000 pages, which made a big batch's check
        quadratic)."""
        if self._pike_pages is None:
            self._pike_pages = list(self.pike.pages)
        return self._pike_pages

    def close(self) -> None:
        """Close what was opened for the content checks."""
        if self._pike is not None:
            self._pike.close()

    @property
    def reader(self) -> pypdf.PdfReader:
        """Return the pypdf reader (opened on first use: only colour and actions need it)."""
        if self._reader is None:
            import io

            source = self.source
            self._reader = pypdf.PdfReader(
                io.BytesIO(source) if isinstance(source, bytes) else source
            )
            if self._reader.is_encrypted:
                self._reader.decrypt("")
        return self._reader

    def box(self, func: Any, handle: Any) -> Box | None:
        """Return a page box or an object's bounds through a raw pdfium call, or None."""
        if not func(handle, *self._refs):
            return None
        left, bottom, right, top = self._floats
        return (left.value, bottom.value, right.value, top.value)

    def _has_js_annotation(self, index: int) -> bool:
        annotations = self.reader.pages[index].get("/Annots")
        for annot in annotations.get_object() if annotations is not None else []:
            annot = annot.get_object()
            if is_js(annot.get("/A")) or "/AA" in annot:
                return True
        return False


def _box_checks(pages: _Pages, page: Any, sized: bool) -> Iterator[tuple[Severity, str]]:
    rules = pages.rules
    media = pages.box(pdfium_c.FPDFPage_GetMediaBox, page) or (0.0, 0.0, 612.0, 792.0)
    trim = pages.box(pdfium_c.FPDFPage_GetTrimBox, page)
    bleed = pages.box(pdfium_c.FPDFPage_GetBleedBox, page)
    if trim is None:
        yield (
            Severity.ERROR,
            "The page has no TrimBox, so the printer cannot tell where to cut. "
            "Set one (reportlab: canvas.setTrimBox).",
        )
    if bleed is None:
        yield (Severity.ERROR, "The page has no BleedBox. Set one (reportlab: canvas.setBleedBox).")
    if bleed is not None and not _contains(media, bleed):
        yield (
            Severity.ERROR,
            f"The BleedBox {fmt_box(bleed)} is not inside the MediaBox {fmt_box(media)}.",
        )
    if trim is not None and bleed is not None and not _contains(bleed, trim):
        yield (
            Severity.ERROR,
            f"The TrimBox {fmt_box(trim)} is not inside the BleedBox {fmt_box(bleed)}.",
        )
    if trim is None:  # already reported; guess the cut from the bleed so marks are not noise
        b = rules.bleed_pt
        guess = (bleed[0] + b, bleed[1] + b, bleed[2] - b, bleed[3] - b) if bleed else media
        yield from _object_checks(pages, page, guess, media, sized)
        return
    if sized:
        yield from _size_checks(trim, bleed, rules)
    yield from _object_checks(pages, page, trim, media, sized)


def _size_checks(
    trim: Box, bleed: Box | None, rules: PreflightSpec
) -> Iterator[tuple[Severity, str]]:
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    if (
        abs(width - rules.trim_width_pt) > _TOLERANCE_PT
        or abs(height - rules.trim_height_pt) > _TOLERANCE_PT
    ):
        label = f" for {rules.label}" if rules.label else ""
        yield (
            Severity.ERROR,
            f"The TrimBox is {fmt_size(width, height)}; the trim size{label} is "
            f"{fmt_size(rules.trim_width_pt, rules.trim_height_pt)}.",
        )
    if bleed is not None:
        margins = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        if any(abs(m - rules.bleed_pt) > _TOLERANCE_PT for m in margins):
            shown = ", ".join(f"{m:.1f}" for m in margins)
            yield (
                Severity.ERROR,
                f"The BleedBox extends the TrimBox by {shown} pt (left, bottom, "
                f"right, top); the bleed should be {rules.bleed_pt:.1f} pt "
                f"({rules.bleed_pt / 72 * 25.4:.1f} mm) on every side.",
            )


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
                yield from _objects(obj, True, compose(object_matrix(obj), ctm), depth + 1)
            continue
        yield obj, kind, ctm, in_form


def _object_checks(
    pages: _Pages, page: Any, trim: Box, media: Box, sized: bool
) -> Iterator[tuple[Severity, str]]:
    rules = pages.rules
    marks: list[tuple[Box, bool]] = []  # stroked lines in the slug: (bounds, dashed)
    margin = rules.printable_margin_pt
    safe = (
        trim[0] + rules.safe_pt,
        trim[1] + rules.safe_pt,
        trim[2] - rules.safe_pt,
        trim[3] - rules.safe_pt,
    )
    unsafe = 0
    textpage = None
    try:
        for obj, kind, ctm, nested in _objects(page, False, _IDENTITY, 0):
            if kind == _TEXT:
                font = pdfium_c.FPDFTextObj_GetFont(obj)
                if not pdfium_c.FPDFFont_GetIsEmbedded(font):
                    yield (
                        Severity.ERROR,
                        f'Font "{_font_name(font)}" is not embedded. Use an '
                        "embedded TrueType font (reportlab: TTFont) or convert the "
                        "text to outlines.",
                    )
            bounds = pages.box(pdfium_c.FPDFPageObj_GetBounds, obj)
            if bounds is None:
                continue
            box = transform(bounds, ctm) if nested else bounds
            if kind == _PATH and (rules.crop_marks or sized) and _stroked(obj):
                marks += _slug_lines(obj, ctm, trim)
            if _outside(box, trim):
                continue  # slug-area marks and notes are cut away by design
            if kind == _TEXT and margin and _overshoot(box, _inset(media, margin)) > 0.01:
                textpage = textpage or pdfium_c.FPDFText_LoadPage(page)
                yield (
                    Severity.ERROR,
                    f'Text "{_text_of(obj, textpage)}" is within {margin / 72:.2f} in of the '
                    "paper's edge, where a desktop printer does not print. Move it inward.",
                )
            if kind == _IMAGE:
                yield from _image_checks(obj, ctm, rules)
            if kind != _TEXT and _reaches_edge(box, trim):
                continue  # bleed artwork
            overshoot = _overshoot(box, safe)
            if overshoot <= 0.01:
                continue
            unsafe += 1
            if unsafe > _MAX_SAFE_FINDINGS_PER_PAGE:
                continue
            if kind == _TEXT:
                textpage = textpage or pdfium_c.FPDFText_LoadPage(page)
                what = f'Text "{_text_of(obj, textpage)}"'
            else:
                what = f"A {_KIND.get(kind, 'mark')} at {fmt_box(box)}"
            yield (
                Severity.ERROR,
                f"{what} is {overshoot:.1f} pt outside the safe area "
                f"({rules.safe_pt:.1f} pt inside the trim). Move it inward.",
            )
    finally:
        if textpage:
            pdfium_c.FPDFText_ClosePage(textpage)
    # Imposed sheets are cut from the front: marks are promised on fronts (odd pages).
    if sized or pages.index % 2 == 0:
        yield from _mark_checks(marks, trim, rules, sized)
    if unsafe > _MAX_SAFE_FINDINGS_PER_PAGE:
        yield (
            Severity.WARNING,
            f"{unsafe - _MAX_SAFE_FINDINGS_PER_PAGE} more objects on this page "
            "are outside the safe area.",
        )


def _mark_checks(
    marks: list[tuple[Box, bool]], trim: Box, rules: PreflightSpec, sized: bool
) -> Iterator[tuple[Severity, str]]:
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
        if min(abs(at - edge) for edge in edges) > _TOLERANCE_PT:
            yield (
                Severity.ERROR,
                f"A solid mark in the slug at {'x' if vertical else 'y'} = {at:.1f} pt is not "
                "at a trim edge, so it reads as a crop mark. Draw fold marks dashed.",
            )
            return


def _slug_lines(obj: Any, ctm: Matrix, trim: Box) -> list[tuple[Box, bool]]:
    """Return the straight strokes of a path object that lie wholly outside *trim*."""
    matrix = compose(object_matrix(obj), ctm)
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


def _image_checks(image: Any, ctm: Matrix, rules: PreflightSpec) -> Iterator[tuple[Severity, str]]:
    a, b, c, d, _, _ = compose(object_matrix(image), ctm)
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


def is_js(action: Any) -> bool:
    """Return True if a PDF action (or reference to one) runs JavaScript."""
    action = action.get_object() if action is not None else None
    return isinstance(action, dict) and action.get("/S") == "/JavaScript"


def _uses_rgb(node: Any, forms: dict[int, bool]) -> bool:
    """Return True if a page or form draws in RGB: rg/RG operators, RGB spaces or images.

    *forms* remembers the answer for each form and image already read, so a form drawn on
    every page is read once and still counts on every page that draws it.
    """
    contents = node.get_contents() if hasattr(node, "get_contents") else node
    if contents is not None and _RGB_OPERATOR.search(contents.get_data()):
        return True
    resources = node.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    for space in (resources.get("/ColorSpace") or {}).values():
        if _is_rgb_space(space):
            return True
    for ref in (resources.get("/XObject") or {}).values():
        key = getattr(ref, "idnum", None)
        if key is not None and key in forms:
            if forms[key]:
                return True
            continue
        if key is not None:
            forms[key] = False  # a form that draws itself is not read twice
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        rgb = (subtype == "/Image" and _is_rgb_space(xobject.get("/ColorSpace"))) or (
            subtype == "/Form" and _uses_rgb(xobject, forms)
        )
        if key is not None:
            forms[key] = rgb
        if rgb:
            return True
    return False


def _is_rgb_space(space: Any) -> bool:
    space = space.get_object() if space is not None else None
    if space in ("/DeviceRGB", "/CalRGB", "/RGB"):
        return True
    if isinstance(space, list) and space:
        family = space[0]
        if family == "/ICCBased":
            return int(space[1].get_object().get("/N", 0)) == 3
        if family == "/Indexed":
            return _is_rgb_space(space[1])
        return bool(family == "/CalRGB")
    return False


def object_matrix(obj: Any) -> Matrix:
    """Return a page object's own matrix."""
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """Return *inner* followed by *outer* (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (
        a * oa + b * oc,
        a * ob + b * od,
        c * oa + d * oc,
        c * ob + d * od,
        e * oa + f * oc + oe,
        e * ob + f * od + of,
    )


def transform(box: Box, m: Matrix) -> Box:
    """Return the bounding box of *box* mapped through *m*."""
    corners = [
        (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
        for x in (box[0], box[2])
        for y in (box[1], box[3])
    ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _contains(outer: Box, inner: Box) -> bool:
    return (
        inner[0] >= outer[0] - 0.01
        and inner[1] >= outer[1] - 0.01
        and inner[2] <= outer[2] + 0.01
        and inner[3] <= outer[3] + 0.01
    )


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


def fmt_size(width_pt: float, height_pt: float) -> str:
    """Return a size in points and millimetres."""
    return (
        f"{width_pt:.1f} × {height_pt:.1f} pt ({width_pt / 72 * 25.4:.1f} × "
        f"{height_pt / 72 * 25.4:.1f} mm)"
    )
