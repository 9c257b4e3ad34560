"""Check a PDF against a card or envelope format and the print shop's rules; return findings.

Page geometry, fonts and images are read with pdfium (fast enough for 1,000 pages); the document
catalogue (JavaScript) and colour spaces with pypdf. Rules: PRINT-AND-POSTAL-FACTS.md §2.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .catalogue import CardFormat, EnvelopeFormat
from .errors import InputError

_TOLERANCE_PT = 0.5  # size and bleed comparisons; reportlab writes sizes to 2-3 decimals
_EDGE_PT = 0.5  # a mark this close to the trim edge (or past it) is bleed artwork
_MAX_SAFE_FINDINGS_PER_PAGE = 10
_TEXT, _PATH, _IMAGE, _SHADING, _FORM = (
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_IMAGE,
    pdfium_c.FPDF_PAGEOBJ_SHADING,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
_KIND = {_PATH: "drawn mark", _IMAGE: "image", _SHADING: "shading"}
_RGB_OPERATOR = re.compile(rb"(?:^|\s)[-+.\d]+\s+[-+.\d]+\s+[-+.\d]+\s+(?:rg|RG)(?=\s|$)")

Box = tuple[float, float, float, float]  # left, bottom, right, top in points
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a printer would reject ("error") or question ("warning"); page is 1-based."""

    severity: str
    page: int | None
    message: str

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page is not None else ""
        return f"{self.severity}: {where}{self.message}"


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


def spec_for_card(card: CardFormat, bleed_pt: float, safe_pt: float = 9.0) -> PreflightSpec:
    """Return the spec for a card's printed sheet (the unfolded spread for folded cards)."""
    return PreflightSpec(
        card.sheet_width_pt, card.sheet_height_pt, bleed_pt, safe_pt, label=card.title
    )


def spec_for_envelope(env: EnvelopeFormat) -> PreflightSpec:
    """Return the spec for printing on a made-up envelope: no bleed, the usual safe margin."""
    return PreflightSpec(env.width_pt, env.height_pt, 0.0, label=env.title)


def preflight_pdf(path_or_bytes: str | Path | bytes, spec: PreflightSpec | None) -> list[Finding]:
    """Return every finding for the PDF, errors and warnings in page order; [] means print-ready.

    Without a *spec* the size and bleed amount are not checked; the rest uses the defaults.

    Raises:
        InputError: the file does not exist or cannot be read.

    Example::

        spec = spec_for_card(card_format("a7-folded"), bleed_pt=9)
        for finding in preflight_pdf("out/cards.pdf", spec):
            print(finding)
    """
    data = _read(path_or_bytes)
    rules = spec or PreflightSpec(0.0, 0.0, 0.0)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        return [Finding("error", None, f"The file cannot be opened as a PDF ({err}).")]
    findings: list[Finding] = []
    if pdfium_c.FPDF_GetSecurityHandlerRevision(document) != -1:
        findings.append(
            Finding(
                "error",
                None,
                "The PDF is encrypted; printers need it without a password or security settings.",
            )
        )
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        findings += _document_checks(reader, rules)
    except Exception as err:  # pypdf raises many types on damaged files; pdfium could open it
        findings.append(Finding("warning", None, f"Part of the PDF could not be parsed ({err})."))
    seen: dict[str, list[int]] = {}
    for index in range(len(document)):
        page = document[index]
        try:
            page_findings = list(_page_checks(page, rules, spec is not None))
        except pdfium.PdfiumError as err:  # a damaged content stream: say so, check the rest
            page_findings = [Finding("error", None, f"The page cannot be read ({err}).")]
        finally:
            page.close()
        for finding in page_findings:  # a finding repeated on many pages is listed once
            if finding.message in seen:
                seen[finding.message].append(index + 1)
            else:
                seen[finding.message] = [index + 1]
                findings.append(Finding(finding.severity, index + 1, finding.message))
    document.close()
    return [_with_pages(finding, seen) for finding in findings]


def _read(path_or_bytes: str | Path | bytes) -> bytes:
    if isinstance(path_or_bytes, bytes):
        return path_or_bytes
    path = Path(path_or_bytes)
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(
            str(path), f"cannot be read ({err.strerror}).", "Check the path and try again."
        ) from err


def _with_pages(finding: Finding, seen: dict[str, list[int]]) -> Finding:
    """Say how many more pages repeat a finding, instead of listing it once per page."""
    pages = seen.get(finding.message, [])
    if len(pages) < 2:
        return finding
    more = len(pages) - 1
    return Finding(
        finding.severity,
        finding.page,
        f"{finding.message} Also on {more} more page{'s' if more > 1 else ''}.",
    )


def _page_checks(page: pdfium.PdfPage, rules: PreflightSpec, sized: bool) -> Iterator[Finding]:
    media = page.get_mediabox()
    trim = page.get_trimbox(fallback_ok=False)
    bleed = page.get_bleedbox(fallback_ok=False)
    if trim is None:
        yield Finding(
            "error",
            None,
            "The page has no TrimBox, so the printer cannot tell where to "
            "cut. Set one (reportlab: canvas.setTrimBox).",
        )
    if bleed is None:
        yield Finding(
            "error", None, "The page has no BleedBox. Set one (reportlab: canvas.setBleedBox)."
        )
    if bleed is not None and not _contains(media, bleed):
        yield Finding(
            "error", None, f"The BleedBox {_fmt(bleed)} is not inside the MediaBox {_fmt(media)}."
        )
    if trim is not None and bleed is not None and not _contains(bleed, trim):
        yield Finding(
            "error", None, f"The TrimBox {_fmt(trim)} is not inside the BleedBox {_fmt(bleed)}."
        )
    if trim is None:  # already reported; guess the cut from the bleed so marks are not noise
        b = rules.bleed_pt
        guess = (bleed[0] + b, bleed[1] + b, bleed[2] - b, bleed[3] - b) if bleed else media
        yield from _object_checks(page, guess, rules)
        return
    if sized:
        yield from _size_checks(trim, bleed, rules)
    yield from _object_checks(page, trim, rules)


def _size_checks(trim: Box, bleed: Box | None, rules: PreflightSpec) -> Iterator[Finding]:
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    if (
        abs(width - rules.trim_width_pt) > _TOLERANCE_PT
        or abs(height - rules.trim_height_pt) > _TOLERANCE_PT
    ):
        label = f" for {rules.label}" if rules.label else ""
        yield Finding(
            "error",
            None,
            f"The TrimBox is {_size(width, height)}; the trim size"
            f"{label} is {_size(rules.trim_width_pt, rules.trim_height_pt)}.",
        )
    if bleed is not None:
        margins = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        if any(abs(m - rules.bleed_pt) > _TOLERANCE_PT for m in margins):
            shown = ", ".join(f"{m:.1f}" for m in margins)
            yield Finding(
                "error",
                None,
                f"The BleedBox extends the TrimBox by {shown} pt (left, "
                f"bottom, right, top); the bleed should be {rules.bleed_pt:.1f} pt "
                f"({rules.bleed_pt / 72 * 25.4:.1f} mm) on every side.",
            )


def _object_checks(page: pdfium.PdfPage, trim: Box, rules: PreflightSpec) -> Iterator[Finding]:
    safe = (
        trim[0] + rules.safe_pt,
        trim[1] + rules.safe_pt,
        trim[2] - rules.safe_pt,
        trim[3] - rules.safe_pt,
    )
    matrices: list[Matrix] = [_IDENTITY]
    unsafe = 0
    textpage: pdfium.PdfTextPage | None = None
    for obj in page.get_objects(max_depth=15):
        level = obj.level
        del matrices[level + 1 :]
        ctm = matrices[level]
        kind = obj.type
        if kind == _FORM:
            matrices.append(_compose(_matrix(obj), ctm))
            continue
        if kind == _TEXT:
            font = obj.get_font()
            if not font.is_embedded:
                name = font.get_base_name() or "(unnamed)"
                yield Finding(
                    "error",
                    None,
                    f'Font "{name}" is not embedded. Use an embedded '
                    "TrueType font (reportlab: TTFont) or convert the text to outlines.",
                )
        box = _transform(obj.get_bounds(), ctm) if level else tuple(obj.get_bounds())
        if _outside(box, trim):
            continue  # slug-area marks and notes are cut away by design
        if kind == _IMAGE:
            yield from _image_checks(obj, ctm, rules)
        if kind == _TEXT or not _reaches_edge(box, trim):
            overshoot = _overshoot(box, safe)
            if overshoot > 0.01:
                unsafe += 1
                if unsafe > _MAX_SAFE_FINDINGS_PER_PAGE:
                    continue
                if kind == _TEXT:
                    textpage = textpage or page.get_textpage()
                    obj.textpage = textpage
                    text = " ".join(obj.extract().split())[:40]
                    what = f'Text "{text}"'
                else:
                    what = f"A {_KIND.get(kind, 'mark')} at {_fmt(box)}"
                yield Finding(
                    "error",
                    None,
                    f"{what} is {overshoot:.1f} pt outside the safe "
                    f"area ({rules.safe_pt:.1f} pt inside the trim). Move it inward.",
                )
    if unsafe > _MAX_SAFE_FINDINGS_PER_PAGE:
        yield Finding(
            "warning",
            None,
            f"{unsafe - _MAX_SAFE_FINDINGS_PER_PAGE} more objects on "
            "this page are outside the safe area.",
        )
    if textpage is not None:
        textpage.close()


def _image_checks(image: Any, ctm: Matrix, rules: PreflightSpec) -> Iterator[Finding]:
    a, b, c, d, _, _ = _compose(_matrix(image), ctm)
    width_in, height_in = math.hypot(a, b) / 72, math.hypot(c, d) / 72
    px_width, px_height = image.get_px_size()
    if width_in <= 0 or height_in <= 0:
        return
    ppi = min(px_width / width_in, px_height / height_in)
    if ppi < rules.min_image_ppi - 0.5:
        yield Finding(
            "error",
            None,
            f"An image of {px_width} × {px_height} px is placed at "
            f"{width_in:.2f} × {height_in:.2f} in, which is {ppi:.0f} ppi; print needs "
            f"at least {rules.min_image_ppi:.0f} ppi at the placed size.",
        )


def _document_checks(reader: pypdf.PdfReader, rules: PreflightSpec) -> Iterator[Finding]:
    root: Any = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    has_js = (
        (names is not None and "/JavaScript" in names.get_object())
        or _is_js(root.get("/OpenAction"))
        or "/AA" in root
    )
    rgb_pages: list[int] = []
    visited: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        annotations = page.get("/Annots")
        for annot in annotations.get_object() if annotations is not None else []:
            annot = annot.get_object()
            has_js = has_js or _is_js(annot.get("/A")) or "/AA" in annot
        if rules.require_cmyk and _uses_rgb(page, visited):
            rgb_pages.append(number)
    if has_js:
        yield Finding(
            "error",
            None,
            "The PDF contains JavaScript; printers reject it. Export it "
            "again without scripts or form actions.",
        )
    if rgb_pages:
        more = len(rgb_pages) - 1
        also = f" Also on {more} more page{'s' if more > 1 else ''}." if more else ""
        yield Finding(
            "error",
            rgb_pages[0],
            "RGB colour is used; this printer needs CMYK. "
            f"Draw with CMYK colours (reportlab: setFillColorCMYK).{also}",
        )


def _is_js(action: Any) -> bool:
    action = action.get_object() if action is not None else None
    return isinstance(action, dict) and action.get("/S") == "/JavaScript"


def _uses_rgb(node: Any, visited: set[int]) -> bool:
    """Return True if a page or form draws in RGB: rg/RG operators, RGB spaces or images."""
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
        if key is not None and key in visited:
            continue
        if key is not None:
            visited.add(key)
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image" and _is_rgb_space(xobject.get("/ColorSpace")):
            return True
        if xobject.get("/Subtype") == "/Form" and _uses_rgb(xobject, visited):
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


def _matrix(obj: Any) -> Matrix:
    m = obj.get_matrix()
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
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


def _transform(box: Box, m: Matrix) -> Box:
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


def _fmt(box: Box) -> str:
    return "[" + " ".join(f"{v:.1f}" for v in box) + "]"


def _size(width_pt: float, height_pt: float) -> str:
    return (
        f"{width_pt:.1f} × {height_pt:.1f} pt ({width_pt / 72 * 25.4:.1f} × "
        f"{height_pt / 72 * 25.4:.1f} mm)"
    )
