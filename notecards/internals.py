"""The private parts of reportlab, pypdf and concurrent.futures that notecards relies on.

Written against reportlab 5.1.0, pypdf 7.1.1 and Python 3.11's ``concurrent.futures``
(pyproject allows older reportlab and pypdf; those are not tested). Nothing else in the
package touches another library's private attributes or undocumented internal state:
``tests/test_architecture.py`` fails when it does, and ``tests/test_internals.py`` pins every
function here against the installed libraries, so an upgrade that changes one of them fails
in that one file, not somewhere in a drawn card.

What is used, and why no public API does the job:

* ``canvas._doc`` (reportlab): the PDF document a canvas writes into. Font subsets, forms
  and indirect objects belong to it; reportlab passes it to its own helpers but has no
  public getter (:func:`canvas_document`, :func:`form_bbox`, :func:`add_form`).
* ``doc.Reference(form, name)`` (reportlab): registers a form XObject built by hand;
  ``doc.addForm`` does the same but also ends the canvas' "form" state, which a form
  defined between pages must not (:func:`add_form`).
* reportlab's PDF object model (``PDFStream.dictionary/content/filters``,
  ``PDFDictionary.dict``, ``PDFArray.sequence``) and pypdf's ``EncodedStreamObject._data``
  (the stream's bytes as stored, still encoded): reportlab has no public way to import
  objects from another PDF, so :class:`PdfCopier` writes pypdf's objects as reportlab's
  (:func:`raw_stream_bytes`).
* ``TTFont.face._ttf_data`` (reportlab): the font program reportlab parsed. HarfBuzz shapes
  with the same bytes; a varied hand exists only in memory (:func:`font_program`).
* ``TTFont.face.charToGlyph/charWidths/glyphToChar`` (reportlab): the code → glyph maps that
  reportlab subsets by. A shaped glyph or an alternate letter form gets a private code here,
  because reportlab applies no OpenType features (:func:`font_codes`, :func:`map_code`,
  :func:`code_width`).
* ``TTFont.state[doc].subsets``, ``SUBSETN``, ``face.subfontNameX`` and
  ``doc.idToObject["toUnicodeCMap:…"]`` (reportlab): the subsets a document used and their
  ToUnicode maps, rewritten so alternate forms extract as their letter
  (:func:`font_subsets`, :func:`set_to_unicode`).
* ``doc.Pages.pages``, ``PDFPage.stream``/``Contents``/``compression`` (reportlab): a page's
  content is kept as text until the file is saved (10,000 cards: ~150 MB); packing it
  as the page ends (the very bytes the save would write) keeps a batch's memory small
  (:func:`pack_last_page`).
* A path's operators as ``PDFPathObject`` keeps them (reportlab): a path starts with ``n``
  and each rectangle is ``fp_str(x, y, w, h) re``, so a QR code's hundreds of rectangles,
  formatted once per place, are filled as one path without a method call each
  (:func:`fill_rects`).
* ``PdfWriter._add_object`` (pypdf): makes a stream an indirect object; pypdf only does it
  inside its own page methods (:func:`add_object`).
* ``ProcessPoolExecutor._processes`` (Python): the pool's worker processes, so an
  interrupted batch can terminate them; ``shutdown`` waits for running work
  (:func:`pool_processes`).
* ``threading._shutdown`` and ``atexit._run_exitfuncs`` (Python): the first two steps of
  Python's exit (join the threads, a worker pool's among them; run the exit handlers,
  multiprocessing's among them), without the heap's teardown that follows them, which has
  no public switch (:func:`exit_now`).
"""

from __future__ import annotations

import atexit
import io
import os
import sys
import threading
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypdf import PdfWriter
    from pypdf.generic import IndirectObject, PdfObject


def canvas_document(canvas: Any) -> Any:
    """Return the reportlab ``PDFDocument`` that *canvas* writes into."""
    return canvas._doc


def pack_last_page(canvas: Any) -> None:
    """Compress the content of the page *canvas* just ended, now rather than at save.

    The page is written exactly as reportlab's save would write it (zlib at its default
    level, one FlateDecode filter), so the file's bytes do not change; only the text of the
    page is no longer held until then. Pages without page compression are left alone.
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream

    pages = canvas._doc.Pages.pages
    if not pages:
        return
    page = pages[-1]
    text = page.stream
    if not page.compression or page.Contents or not text:
        return
    data = text.encode("utf8") if isinstance(text, str) else text
    stream = PDFStream(content=zlib.compress(data), filters=[])
    stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None


def share_page_parts(canvas: Any) -> None:
    """Give the pages of *canvas* one shared copy of each equal part of their dictionaries
    (resources, page boxes, transition), formatted once per save, just before the save.

    reportlab builds and formats every page's resources, boxes and transition anew when it
    saves (``PDFPage.check_format`` and ``format``): about half of saving a file of cards,
    though a batch's pages use the same fonts, forms, procedure sets and boxes (400 pages
    of cards have 5 different resource dictionaries). Each shared part is built exactly as
    reportlab builds it, so the file's bytes do not change.
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary

    resources: dict[tuple[Any, ...], Any] = {}
    arrays: dict[tuple[Any, ...], Any] = {}
    no_transition = _once(PDFDictionary)({})
    for page in canvas._doc.Pages.pages:
        if page.Override_default_compilation:
            continue
        if not page.Resources:
            page.Resources = _page_resources(page, resources)
        if not page.MediaBox:  # as check_format sets it
            turned = page.Rotate in (90, 270)
            size = (
                [page.pageheight, page.pagewidth] if turned else [page.pagewidth, page.pageheight]
            )
            page.MediaBox = PDFArray([0, 0, *size])
        for name in ("MediaBox", "CropBox", "ArtBox", "BleedBox", "TrimBox"):
            box = getattr(page, name)
            if type(box) is PDFArray:
                key = tuple(box.sequence)
                if key not in arrays:
                    arrays[key] = _once(PDFArray)(box.sequence)
                setattr(page, name, arrays[key])
        if type(page.Trans) is PDFDictionary and not page.Trans.dict:
            page.Trans = no_transition


def _page_resources(page: Any, shared: dict[tuple[Any, ...], Any]) -> Any:
    """Return the resource dictionary check_format would build for *page*, one per kind."""
    from reportlab.pdfbase.pdfdoc import PDFResourceDictionary

    xobjects = page.XObjects.dict if page.XObjects else None
    key = (
        bool(page.hasImages),
        tuple((name, getattr(ref, "name", id(ref))) for name, ref in xobjects.items())
        if xobjects
        else None,
        id(page.ExtGState) if page.ExtGState else None,
        tuple(page._shadingUsed.items()),
        tuple(page._colorsUsed.items()),
    )
    if key not in shared:
        resources = shared[key] = _once(PDFResourceDictionary)()
        resources.basicFonts()
        if page.hasImages:
            resources.allProcs()
        else:
            resources.basicProcs()
        if page.XObjects:
            resources.XObject = page.XObjects
        if page.ExtGState:
            resources.ExtGState = page.ExtGState
        resources.setShading(page._shadingUsed)
        resources.setColorSpace(page._colorsUsed)
    return shared[key]


#: The classes _once made, by the reportlab class they format once.
_ONCE: dict[Any, Any] = {}


def _once(kind: Any) -> Any:
    """Return a subclass of the reportlab object class *kind* whose instances format once
    per document (shared by many pages, they are written once per page all the same)."""
    if kind not in _ONCE:

        class Once(kind):  # type: ignore[misc]
            formatted: tuple[Any, bytes] | None = None

            def format(self, document: Any) -> bytes:
                if self.formatted is None or self.formatted[0] is not document:
                    self.formatted = (document, super().format(document))
                return self.formatted[1]

        Once.__name__ = Once.__qualname__ = f"Once{kind.__name__}"
        _ONCE[kind] = Once
    return _ONCE[kind]


def fill_rects(canvas: Any, rects: Sequence[str]) -> None:
    """Fill *rects* (``"x y w h re"`` operators, numbers as reportlab's ``fp_str`` writes
    them) as one path: the bytes of ``beginPath``, ``path.rect`` for each and ``drawPath(path,
    stroke=0, fill=1)``."""
    from reportlab.pdfgen.pathobject import PDFPathObject

    canvas.drawPath(PDFPathObject(["n", *rects] if rects else None), stroke=0, fill=1)


def form_bbox(canvas: Any, name: str) -> tuple[float, float, float, float]:
    """Return the bounding box (x0, y0, x1, y1) of the form XObject *name* on *canvas*."""
    x0, y0, x1, y1 = (float(v) for v in canvas._doc.getFormBBox(name, "BBox"))
    return x0, y0, x1, y1


def add_form(canvas: Any, name: str, form: Any) -> None:
    """Register the reportlab ``PDFStream`` *form* as the form XObject *name* of *canvas*.

    What ``doc.addForm`` does, minus its change of the canvas' state: the form may be defined
    while a page is being drawn, and ``canvas.doForm(name)`` draws it.
    """
    from reportlab.pdfbase import pdfdoc

    canvas._doc.Reference(form, pdfdoc.xObjectName(name))


class PdfCopier:
    """Rewrite pypdf objects as reportlab PDF objects of *doc* (indirect objects copied once).

    >>> copier = PdfCopier(canvas_document(canvas))  # doctest: +SKIP
    >>> resources = copier.copy(page["/Resources"])   # doctest: +SKIP
    """

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.done: dict[int, Any] = {}

    def copy(self, obj: Any) -> Any:
        """Return *obj* (any pypdf object) as a reportlab object, or its bytes when simple."""
        from pypdf import generic
        from reportlab.pdfbase import pdfdoc

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
        from pypdf import generic
        from reportlab.pdfbase import pdfdoc

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

    def _stream(self, obj: Any) -> Any:
        from pypdf import generic
        from reportlab.pdfbase import pdfdoc

        encoded = isinstance(obj, generic.EncodedStreamObject) and "/Filter" in obj
        skip = ("/Length",) if encoded else ("/Length", "/Filter", "/DecodeParms")
        items = {str(k)[1:]: self.copy(v) for k, v in obj.items() if k not in skip}
        if encoded:  # copy the bytes as they are in the file, under their own /Filter
            return pdfdoc.PDFStream(pdfdoc.PDFDictionary(items), raw_stream_bytes(obj), ())
        return pdfdoc.PDFStream(pdfdoc.PDFDictionary(items), obj.get_data(), [pdfdoc.PDFZCompress])


def font_program(font: Any) -> bytes:
    """Return the TrueType bytes reportlab parsed for the registered *font* (a ``TTFont``)."""
    return bytes(font.face._ttf_data)


def font_codes(font: Any) -> Mapping[int, int]:
    """Return the code point → glyph id map of *font* (a ``TTFont``), as reportlab subsets it.

    Read it, never change it: :func:`map_code` adds codes.
    """
    return font.face.charToGlyph  # type: ignore[no-any-return]


def code_width(font: Any, code: int) -> float:
    """Return the advance of *code* in *font*, in 1/1000 em (the PDF ``/Widths`` unit)."""
    return font.face.charWidths[code]  # type: ignore[no-any-return]  # as stored: int or float


def map_code(font: Any, code: int, gid: int, width: float, *, extracts: bool = False) -> None:
    """Make *code* draw glyph *gid* of *font*, *width* (1/1000 em) wide.

    With *extracts*, the glyph also lists *code* among its characters (reportlab writes a
    subset's ToUnicode map from those).
    """
    face = font.face
    face.charToGlyph[code] = gid
    face.charWidths[code] = width
    if extracts:
        face.glyphToChar.setdefault(gid, []).append(code)


def font_subsets(font: Any, doc: Any) -> list[list[int]]:
    """Return the code points of each subset of *font* used in *doc* so far (none: [])."""
    state = font.state.get(doc)
    return [list(subset) for subset in state.subsets] if state is not None else []


def set_to_unicode(font: Any, doc: Any, number: int, texts: Sequence[int | str]) -> None:
    """Rewrite the ToUnicode map of subset *number* of *font* in *doc*: glyph *i* extracts
    as ``texts[i]`` (a code point, or a text of one or more characters: a joined pair's two).

    Call it after reportlab wrote the font's objects (``TTFont.addObjects``); a subset with no
    map is left alone.
    """
    from reportlab.pdfbase.ttfonts import SUBSETN

    base_name = b"".join((SUBSETN(number), b"+", font.face.name, font.face.subfontNameX)).decode(
        "pdfdoc"
    )
    stream = doc.idToObject.get("toUnicodeCMap:" + base_name)
    if stream is not None:
        stream.content = to_unicode_cmap(
            base_name, [chr(t) if isinstance(t, int) else t for t in texts]
        )


def to_unicode_cmap(font_name: str, texts: list[str]) -> str:
    """Return a ToUnicode CMap mapping subset code *i* to ``texts[i]`` (one or more chars).

    reportlab's own writes one code point per code; a joined pair needs two.

    >>> to_unicode_cmap("AAAAAA+Hand", ["a", "th"]).splitlines()[14:16]
    ['<00> <0061>', '<01> <00740068>']
    """
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({font_name})",
            f"/Ordering ({font_name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(texts) - 1:02X}>",
            "endcodespacerange",
            f"{len(texts)} beginbfchar",
            *(
                f"<{i:02X}> <{text.encode('utf-16-be').hex().upper()}>"
                for i, text in enumerate(texts)
            ),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def raw_stream_bytes(stream: Any) -> bytes:
    """Return the bytes of the pypdf stream *stream* as stored in its file (still encoded)."""
    return stream._data  # type: ignore[no-any-return]


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """Add *obj* to the pypdf ``PdfWriter`` *writer*; return its ``IndirectObject``."""
    return writer._add_object(obj)


def pool_processes(executor: ProcessPoolExecutor) -> list[BaseProcess]:
    """Return the worker processes *executor* has started (none before its first task)."""
    return list((executor._processes or {}).values())


def exit_now(status: int) -> None:
    """Exit this process with *status* once its exit handlers have run, without freeing its heap.

    Python's exit joins the threads, runs the exit handlers, then collects and frees every
    object still alive: for a big batch, 130,000 objects in reference cycles (the envelopes'
    reportlab document among them), 0.6 s of work for nobody. The first two steps run here
    as Python runs them: a stopped pool's thread hands its workers their last task before
    multiprocessing's handler joins them and unlinks their semaphores (else its resource
    tracker warns of leaks). Then the standard streams are flushed.
    """
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
