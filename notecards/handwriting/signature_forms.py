"""Vector signatures (SVG, PDF) as form XObjects: defined once per PDF, drawn on every card.

* SVG is converted with svglib into a reportlab drawing and recorded into a form with
  ``beginForm``/``endForm`` (reportlab keeps the page being drawn aside meanwhile).
* A PDF's first page is copied into a form by hand with pypdf: its content stream and the
  objects its resources reach (fonts, images, graphics states) are rewritten as reportlab PDF
  objects, which reportlab has no public way to import (:class:`notecards.internals.PdfCopier`).

The form is named after the file's bytes, so every card of a PDF signed with the same file
uses the same XObject, and a reprint writes the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path
from typing import Any

import pypdf
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Shape
from reportlab.pdfbase import pdfdoc

from notecards.errors import ConfigError
from notecards.internals import PdfCopier, add_form, canvas_document, form_bbox
from notecards.layout.geometry import Box

log = logging.getLogger(__name__)


def draw_vector_signature(canvas: Any, path: Path, box: Box) -> None:
    """Draw the SVG or PDF signature at *path* as large as fits *box* (aspect kept, lower left).

    Raises:
        ConfigError: the file cannot be read, or has nothing to draw.
    """
    data = path.read_bytes()
    name = f"signature-{hashlib.sha256(data).hexdigest()[:16]}"
    if not canvas.hasForm(name):
        if path.suffix.lower() == ".svg":
            _define_svg_form(canvas, name, path)
        else:
            _define_pdf_form(canvas, name, path, data)
    x0, y0, x1, y1 = form_bbox(canvas, name)
    scale = min(box.width_pt / (x1 - x0), box.height_pt / (y1 - y0))
    canvas.saveState()
    canvas.transform(scale, 0, 0, scale, box.x_pt - x0 * scale, box.y_pt - y0 * scale)
    canvas.doForm(name)
    canvas.restoreState()


def _define_svg_form(canvas: Any, name: str, path: Path) -> None:
    from svglib.svglib import svg2rlg  # imported here: lxml is slow to import

    try:
        drawing = svg2rlg(str(path))
    except Exception as err:  # svglib raises lxml's and its own errors
        raise ConfigError(
            f"{path}: cannot read this SVG ({err}). Export the signature "
            "again as plain SVG, or as a PNG with a transparent background."
        ) from err
    if drawing is None:
        raise ConfigError(
            f"{path}: cannot read this SVG. Export the signature again as plain "
            "SVG, or as a PNG with a transparent background."
        )
    bounds = drawing.getBounds()
    if bounds is None or bounds[2] <= bounds[0] and bounds[3] <= bounds[1]:
        raise ConfigError(f"{path}: the SVG draws nothing. Check that it holds the signature.")
    pad = max(_max_stroke(drawing) / 2, 0.5)  # a straight line still gets a height
    x0, y0, x1, y1 = bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad
    canvas.beginForm(name, x0, y0, x1, y1)
    renderPDF.draw(drawing, canvas, 0, 0, showBoundary=False)
    canvas.endForm()


def _max_stroke(node: Drawing | Group | Shape) -> float:
    """Return the widest stroke in *node* (getBounds ignores stroke widths)."""
    if isinstance(node, Group):  # Drawing is a Group
        return max((_max_stroke(child) for child in node.contents), default=0.0)
    if getattr(node, "strokeColor", None) is None:
        return 0.0
    return float(getattr(node, "strokeWidth", 0) or 0)


def _define_pdf_form(canvas: Any, name: str, path: Path, data: bytes) -> None:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ConfigError(
                f"{path}: the signature PDF is encrypted. Save it again without "
                "a password, or export it as SVG or PNG."
            )
        page = reader.pages[0]
        contents = page.get_contents()
        content = contents.get_data() if contents is not None else b""
        bbox = [float(v) for v in page.cropbox]
        resources = page.get("/Resources")
        group = page.get("/Group")
    except ConfigError:
        raise
    except Exception as err:  # pypdf raises many kinds on damaged files
        raise ConfigError(
            f"{path}: cannot read this PDF ({err}). Export the signature as "
            "SVG or as a PNG with a transparent background."
        ) from err
    if not content.strip():
        raise ConfigError(
            f"{path}: the PDF's first page is empty. Check that it holds the signature."
        )
    if int(page.get("/Rotate", 0) or 0) % 360:
        log.warning("%s: the page's /Rotate is ignored; the signature is drawn unrotated.", path)
    copier = PdfCopier(canvas_document(canvas))
    form = pdfdoc.PDFStream(content=content, filters=[pdfdoc.PDFZCompress])
    form.dictionary = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("XObject"),
            "Subtype": pdfdoc.PDFName("Form"),
            "FormType": 1,
            "BBox": pdfdoc.PDFArray(bbox),
            "Resources": copier.copy(resources)
            if resources is not None
            else pdfdoc.PDFDictionary(),
        }
    )
    if group is not None:  # transparency group: keeps soft masks and blending as drawn
        form.dictionary["Group"] = copier.copy(group)
    add_form(canvas, name, form)
