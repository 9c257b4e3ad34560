"""Vector signatures (SVG, PDF) as form XObjects: defined once per PDF, drawn on every card.

* SVG is converted with svglib into a reportlab drawing and recorded into a form with
  ``beginForm``/``endForm`` (reportlab keeps the page being drawn aside meanwhile).
* A PDF's first page is copied into a form by hand with pypdf: its content stream and the
  objects its resources reach (fonts, images, graphics states) are rewritten as reportlab PDF
  objects, which reportlab has no public way to import.

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
from pypdf import generic
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Shape
from reportlab.pdfbase import pdfdoc

from notecards.errors import ConfigError
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
    x0, y0, x1, y1 = (float(v) for v in canvas._doc.getFormBBox(name, "BBox"))
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
    doc = canvas._doc
    copier = _Copier(doc)
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
    doc.Reference(form, pdfdoc.xObjectName(name))  # what doc.addForm does, minus its state change


class _Copier:
    """Rewrite pypdf objects as reportlab PDF objects (indirect objects copied once)."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.done: dict[int, Any] = {}

    def copy(self, obj: Any) -> Any:
        if isinstance(obj, generic.IndirectObject):
            if obj.idnum in self.done:
                return self.done[obj.idnum]
            target = obj.get_object()
            if isinstance(
                target, generic.StreamObject | generic.DictionaryObject | generic.ArrayObject
            ):
                return self._indirect(obj.idnum, target)
            return self.copy(target)
        if isinstance(obj, generic.StreamObject):
            return self._stream(obj)
        if isinstance(obj, generic.DictionaryObject):
            return pdfdoc.PDFDictionary({str(k)[1:]: self.copy(v) for k, v in obj.items()})
        if isinstance(obj, generic.ArrayObject):
            return pdfdoc.PDFArray([self.copy(v) for v in obj])
        out = io.BytesIO()  # a number, name, string, boolean or null: pypdf writes it exactly
        obj.write_to_stream(out)
        return out.getvalue()

    def _indirect(self, idnum: int, target: Any) -> Any:
        # Register before filling, so objects that point back at this one find it.
        if isinstance(target, generic.StreamObject):
            new: Any = pdfdoc.PDFStream(content=b"")
        elif isinstance(target, generic.DictionaryObject):
            new = pdfdoc.PDFDictionary()
        else:
            new = pdfdoc.PDFArray([])
        ref = self.done[idnum] = self.doc.Reference(new)
        filled = self.copy(target)
        if isinstance(new, pdfdoc.PDFStream):
            new.dictionary, new.content, new.filters = (
                filled.dictionary,
                filled.content,
                filled.filters,
            )
        elif isinstance(new, pdfdoc.PDFDictionary):
            new.dict = filled.dict
        else:
            new.sequence = filled.sequence
        return ref

    def _stream(self, obj: Any) -> pdfdoc.PDFStream:
        encoded = isinstance(obj, generic.EncodedStreamObject) and "/Filter" in obj
        skip = ("/Length",) if encoded else ("/Length", "/Filter", "/DecodeParms")
        items = {str(k)[1:]: self.copy(v) for k, v in obj.items() if k not in skip}
        if encoded:  # copy the bytes as they are in the file, under their own /Filter
            return pdfdoc.PDFStream(pdfdoc.PDFDictionary(items), obj._data, ())
        return pdfdoc.PDFStream(pdfdoc.PDFDictionary(items), obj.get_data(), [pdfdoc.PDFZCompress])
