"""Check a range of a PDF's pages for print: boxes, size, fonts, safe area, images, colour.

This is preflight's hot loop (a 10,000-card batch is 30,000 pages), so it walks pdfium's page
objects through the raw API: the helper objects of ``pypdfium2`` cost more than the checks.
Every page and every object on it is still checked; ``check_pages`` takes a page range so a
worker process can check part of a file while the batch draws the next one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from notecards.models import Severity
from notecards.preflight.content import UNREAD, content_findings, rules_for
from notecards.preflight.objects import TOLERANCE_PT, Box, ObjectChecks, fmt_box
from notecards.preflight.rules import PreflightSpec

if TYPE_CHECKING:
    import pypdf

_RGB_OPERATOR = re.compile(rb"(?:^|\s)[-+.\d]+\s+[-+.\d]+\s+[-+.\d]+\s+(?:rg|RG)(?=\s|$)")
RGB_MESSAGE = (
    "RGB colour is used; this printer needs CMYK. "
    "Draw with CMYK colours (reportlab: setFillColorCMYK)."
)
JS_MESSAGE = (
    "The PDF contains JavaScript; printers reject it. Export it again without "
    "scripts or form actions."
)

PageFinding = tuple[int, Severity, str]  # 0-based page index, severity, message


def check_pages(
    source: str | bytes, rules: PreflightSpec, sized: bool, start: int, stop: int
) -> list[PageFinding]:
    """Return the findings of pages *start* to *stop* (0-based, stop excluded) of *source*.

    *source* is a path or the PDF's bytes; it is opened here, so a worker process can be
    given a file name instead of the file. *sized*: compare the trim and bleed with *rules*.
    """
    with open_pages(source, rules) as pages:
        return pages.check_range(start, stop, sized)


@contextmanager
def open_pages(source: str | bytes, rules: PreflightSpec) -> Iterator[_Pages]:
    """Open *source* for page checks (``check_range``); its pikepdf document (``pike``) can
    serve the whole-document checks too, so one opening of a big file does both."""
    document = pdfium.PdfDocument(source)
    pages = _Pages(document, source, rules)
    try:
        yield pages
    finally:
        pages.close()
        document.close()


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
        self.objects = ObjectChecks(rules)

    def check_range(self, start: int, stop: int, sized: bool) -> list[PageFinding]:
        """Return the findings of pages *start* to *stop* (0-based, stop excluded)."""
        findings: list[PageFinding] = []
        for index in range(start, stop):
            findings += (
                (index, severity, message) for severity, message in self.check(index, sized)
            )
        return findings

    def check(self, index: int, sized: bool) -> list[tuple[Severity, str]]:
        """Return (severity, message) of every finding on page *index*."""
        forms: list[Any] = []  # the forms the page draws, read from its content
        content = content_findings(
            self.pike_pages[index], self._content_rules, self._content_cache, forms
        )
        page = pdfium_c.FPDF_LoadPage(self.document.raw, index)
        if not page:  # a damaged page: say so, check the rest
            return [(Severity.ERROR, "The page cannot be read (pdfium could not load it).")]
        try:
            self.index = index
            drawn = None if UNREAD in forms else forms
            found = list(_box_checks(self, page, sized, drawn))
            if pdfium_c.FPDFPage_GetAnnotCount(page) > 0 and self._has_js_annotation(index):
                found.append((Severity.ERROR, JS_MESSAGE))
        finally:
            pdfium_c.FPDF_ClosePage(page)
        if self.rules.require_cmyk and _uses_rgb(self.reader.pages[index], self._rgb_forms):
            found.append((Severity.ERROR, RGB_MESSAGE))
        found += ((Severity.ERROR, message) for message in content)
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

            import pypdf  # 0.1 s to import, for the few files that need it

            source = self.source
            self._reader = pypdf.PdfReader(
                io.BytesIO(source) if isinstance(source, bytes) else source
            )
            if self._reader.is_encrypted:
                self._reader.decrypt("")
        return self._reader

    def _has_js_annotation(self, index: int) -> bool:
        annotations = self.reader.pages[index].get("/Annots")
        for annot in annotations.get_object() if annotations is not None else []:
            annot = annot.get_object()
            if is_js(annot.get("/A")) or "/AA" in annot:
                return True
        return False


def _box_checks(
    pages: _Pages, page: Any, sized: bool, forms: list[Any] | None
) -> Iterator[tuple[Severity, str]]:
    rules = pages.rules
    box = pages.objects.box
    media = box(pdfium_c.FPDFPage_GetMediaBox, page) or (0.0, 0.0, 612.0, 792.0)
    trim = box(pdfium_c.FPDFPage_GetTrimBox, page)
    bleed = box(pdfium_c.FPDFPage_GetBleedBox, page)
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
    front = pages.index % 2 == 0
    if trim is None:  # already reported; guess the cut from the bleed so marks are not noise
        b = rules.bleed_pt
        guess = (bleed[0] + b, bleed[1] + b, bleed[2] - b, bleed[3] - b) if bleed else media
        yield from pages.objects.check(page, guess, media, sized, front, forms)
        return
    if sized:
        yield from _size_checks(trim, bleed, rules)
    yield from pages.objects.check(page, trim, media, sized, front, forms)


def _size_checks(
    trim: Box, bleed: Box | None, rules: PreflightSpec
) -> Iterator[tuple[Severity, str]]:
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    if (
        abs(width - rules.trim_width_pt) > TOLERANCE_PT
        or abs(height - rules.trim_height_pt) > TOLERANCE_PT
    ):
        label = f" for {rules.label}" if rules.label else ""
        yield (
            Severity.ERROR,
            f"The TrimBox is {fmt_size(width, height)}; the trim size{label} is "
            f"{fmt_size(rules.trim_width_pt, rules.trim_height_pt)}.",
        )
    if bleed is not None:
        margins = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        if any(abs(m - rules.bleed_pt) > TOLERANCE_PT for m in margins):
            shown = ", ".join(f"{m:.1f}" for m in margins)
            yield (
                Severity.ERROR,
                f"The BleedBox extends the TrimBox by {shown} pt (left, bottom, "
                f"right, top); the bleed should be {rules.bleed_pt:.1f} pt "
                f"({rules.bleed_pt / 72 * 25.4:.1f} mm) on every side.",
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


def fmt_size(width_pt: float, height_pt: float) -> str:
    """Return a size in points and millimetres."""
    return (
        f"{width_pt:.1f} × {height_pt:.1f} pt ({width_pt / 72 * 25.4:.1f} × "
        f"{height_pt / 72 * 25.4:.1f} mm)"
    )


def _contains(outer: Box, inner: Box) -> bool:
    return (
        inner[0] >= outer[0] - 0.01
        and inner[1] >= outer[1] - 0.01
        and inner[2] <= outer[2] + 0.01
        and inner[3] <= outer[3] + 0.01
    )
