"""notecards/internals.py pinned against the installed reportlab, pypdf and Python.

Each test exercises one private part the way notecards uses it, and checks the PDF that comes
out. An upgrade that renames or changes one of them fails here, in one place.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont as FTFont
from pypdf.generic import DecodedStreamObject, IndirectObject, NameObject
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from notecards import internals
from notecards.paths import default_fonts_dir

NOTO = default_fonts_dir() / "NotoSans-Regular.ttf"


@cache
def _face(name: str) -> bytes:
    """Return a few letters of NotoSans as a font whose face is called *name*.

    reportlab registers one font object per face name (a second TTFont of the same face gets
    the first one), so each test makes its own face and changes no other test's font.
    """
    font = FTFont(str(NOTO), recalcTimestamp=False)  # the same bytes on every call
    options = subset.Options()
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="ABCDEFGZabcdefgopi ")
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6):
            record.string = name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font(name: str, cls: type[TTFont] = TTFont) -> TTFont:
    """Return a font of its own face, registered under *name*."""
    font = cls(name, io.BytesIO(_face(name)))
    pdfmetrics.registerFont(font)
    assert pdfmetrics.getFont(name) is font
    return font


def _canvas() -> tuple[Canvas, io.BytesIO]:
    out = io.BytesIO()
    return Canvas(out, pagesize=(200, 100), invariant=1), out


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_canvas_document_is_the_pdf_document_the_canvas_writes():
    canvas, _ = _canvas()
    doc = internals.canvas_document(canvas)
    assert isinstance(doc, pdfdoc.PDFDocument)
    canvas.beginForm("box", 1, 2, 30, 40)
    canvas.rect(5, 5, 10, 10)
    canvas.endForm()
    assert internals.form_bbox(canvas, "box") == (1.0, 2.0, 30.0, 40.0)
    assert pdfdoc.xObjectName("box") in doc.idToObject


def test_add_form_registers_a_hand_made_form_that_do_form_draws():
    canvas, out = _canvas()
    canvas.setFont("Helvetica", 10)
    canvas.drawString(10, 80, "before")  # a page is open, as when a signature is drawn
    form = pdfdoc.PDFStream(content=b"0 0 m 50 50 l S", filters=[pdfdoc.PDFZCompress])
    form.dictionary = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("XObject"),
            "Subtype": pdfdoc.PDFName("Form"),
            "FormType": 1,
            "BBox": pdfdoc.PDFArray([0, 0, 50, 50]),
            "Resources": pdfdoc.PDFDictionary(),
        }
    )
    internals.add_form(canvas, "line", form)
    assert canvas.hasForm("line")
    assert internals.form_bbox(canvas, "line") == (0.0, 0.0, 50.0, 50.0)
    canvas.doForm("line")
    canvas.drawString(10, 60, "after")  # the page goes on after the form was defined
    canvas.showPage()
    canvas.save()
    page = pypdf.PdfReader(io.BytesIO(out.getvalue())).pages[0]
    (xobject,) = page["/Resources"]["/XObject"].values()
    assert xobject.get_object()["/Subtype"] == "/Form"
    assert xobject.get_object().get_data() == b"0 0 m 50 50 l S"
    assert "before" in page.extract_text() and "after" in page.extract_text()


def _font_file(holder) -> pypdf.generic.StreamObject:
    """Return the one embedded TrueType program in *holder*'s resources."""
    (program,) = [
        font.get_object()["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        for font in holder["/Resources"]["/Font"].values()
        if "/FontDescriptor" in font.get_object()
    ]
    return program


def test_pdf_copier_brings_a_page_with_its_font_into_another_document():
    source, source_out = _canvas()
    _font("PinCopierNoto")
    source.setFont("PinCopierNoto", 20)
    source.drawString(10, 40, "Copied")
    source.showPage()
    source.save()
    page = pypdf.PdfReader(io.BytesIO(source_out.getvalue())).pages[0]
    stored = _font_file(page)

    canvas, out = _canvas()
    copier = internals.PdfCopier(internals.canvas_document(canvas))
    form = pdfdoc.PDFStream(content=page.get_contents().get_data(), filters=[])
    form.dictionary = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("XObject"),
            "Subtype": pdfdoc.PDFName("Form"),
            "BBox": pdfdoc.PDFArray([0, 0, 200, 100]),
            "Resources": copier.copy(page["/Resources"]),
        }
    )
    internals.add_form(canvas, "copied", form)
    canvas.doForm("copied")
    canvas.showPage()
    canvas.save()

    assert "Copied" in _text(out.getvalue())
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    (xobject,) = reader.pages[0]["/Resources"]["/XObject"].values()
    again = _font_file(xobject.get_object())
    # The font program's bytes are copied as stored (still deflated), not decoded and re-encoded.
    assert again["/Filter"] == stored["/Filter"] == ["/FlateDecode"]
    assert internals.raw_stream_bytes(again) == internals.raw_stream_bytes(stored)
    assert again.get_data() == stored.get_data()


def test_font_program_is_the_parsed_font_file():
    font = _font("PinProgramNoto")
    assert internals.font_program(font) == _face("PinProgramNoto")


def test_font_codes_and_widths_are_the_fonts_own():
    font = _font("PinCodesNoto")
    with FTFont(io.BytesIO(_face("PinCodesNoto"))) as ft:
        expected = ft.getGlyphID(ft.getBestCmap()[ord("A")])
    assert internals.font_codes(font)[ord("A")] == expected
    assert internals.code_width(font, ord("A")) == pytest.approx(
        pdfmetrics.stringWidth("A", "PinCodesNoto", 1000)
    )


def _render(pdf: bytes, page: int) -> bytes:
    document = pdfium.PdfDocument(pdf)
    try:
        return bytes(document[page].render(scale=2).to_pil().convert("L").tobytes())
    finally:
        document.close()


def test_map_code_draws_the_glyph_at_the_code_and_measures_it():
    font = _font("PinMapNoto")
    gid = internals.font_codes(font)[ord("g")]
    width = internals.code_width(font, ord("g"))
    internals.map_code(font, 0xF123, gid, width, extracts=True)
    assert internals.font_codes(font)[0xF123] == gid
    assert pdfmetrics.stringWidth("\uf123", "PinMapNoto", 10) == pytest.approx(
        pdfmetrics.stringWidth("g", "PinMapNoto", 10)
    )
    canvas, out = _canvas()
    for text in ("g", "\uf123"):
        canvas.setFont("PinMapNoto", 40)
        canvas.drawString(20, 30, text)
        canvas.showPage()
    canvas.save()
    pdf = out.getvalue()
    assert _render(pdf, 0) == _render(pdf, 1)  # the subset holds the glyph under the new code


class _Renamed(TTFont):  # type: ignore[misc]
    """Write every "A" of the font's subsets so it extracts as "Z" (as alternates.py does)."""

    def addObjects(self, doc):  # noqa: N802
        subsets = internals.font_subsets(self, doc)
        super().addObjects(doc)
        for number, used in enumerate(subsets):
            codes = [ord("Z") if code == ord("A") else code for code in used]
            internals.set_to_unicode(self, doc, number, codes)


def test_font_subsets_and_set_to_unicode_change_what_text_extracts_as():
    font = _font("PinSubsetsNoto", _Renamed)
    canvas, out = _canvas()
    doc = internals.canvas_document(canvas)
    assert internals.font_subsets(font, doc) == []  # not used in this document yet
    canvas.setFont("PinSubsetsNoto", 20)
    canvas.drawString(10, 40, "ABBA")
    (used,) = internals.font_subsets(font, doc)
    assert {ord("A"), ord("B")} <= set(used)
    canvas.showPage()
    canvas.save()
    assert _text(out.getvalue()).strip() == "ZBBZ"


def test_fill_rects_writes_what_a_path_of_rects_writes():
    rects = [(10, 20.5, 3.25, 1), (0.1234567, 7, 12, 0.5), (100, 99.999, 1e-3, 2)]
    pages = []
    for fast in (False, True):
        canvas, out = _canvas()
        canvas.setFillGray(0.5)
        if fast:
            internals.fill_rects(canvas, [f"{fp_str(rect)} re" for rect in rects])
            internals.fill_rects(canvas, [])
        else:
            path = canvas.beginPath()
            for rect in rects:
                path.rect(*rect)
            canvas.drawPath(path, stroke=0, fill=1)
            canvas.drawPath(canvas.beginPath(), stroke=0, fill=1)
        canvas.showPage()
        canvas.save()
        pages.append(out.getvalue())
    assert pages[0] == pages[1]


def test_add_object_makes_an_indirect_object_of_the_writer():
    writer = pypdf.PdfWriter()
    stream = DecodedStreamObject()
    stream.set_data(b"q Q")
    ref = internals.add_object(writer, stream)
    assert isinstance(ref, IndirectObject)
    assert ref.pdf is writer and ref.get_object() is stream
    page = writer.add_blank_page(100, 100)
    page[NameObject("/Contents")] = ref
    out = io.BytesIO()
    writer.write(out)
    again = pypdf.PdfReader(io.BytesIO(out.getvalue())).pages[0]
    assert again.get_contents().get_data() == b"q Q"


def test_pool_processes_are_the_workers_a_pool_started():
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        assert internals.pool_processes(pool) == []
        child = pool.submit(os.getpid).result(timeout=60)
        assert [p.pid for p in internals.pool_processes(pool)] == [child]
    finally:
        pool.shutdown()


def test_exit_now_runs_the_exit_handlers_but_frees_nothing(tmp_path: Path) -> None:
    """Verify exit_now exits with its status after the exit handlers ran (multiprocessing's
    among them: without it, the resource tracker warns of a spawned pool's semaphores) and
    the streams are flushed, without freeing what the process holds."""
    script = tmp_path / "leave.py"
    script.write_text(
        "import atexit, multiprocessing, sys\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from notecards import internals\n"
        "class Freed:\n"
        "    def __del__(self):\n"
        "        print('freed', flush=True)\n"
        "if __name__ == '__main__':\n"
        "    kept = Freed()\n"
        "    atexit.register(print, 'handlers ran')\n"
        "    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn'))\n"
        "    pool.submit(abs, -1).result()\n"
        "    pool.shutdown(wait=False)\n"
        "    sys.stdout.write('done ')\n"
        "    sys.exit(3) if sys.argv[1:] == ['python'] else internals.exit_now(3)\n",
        encoding="utf-8",
    )
    ours = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    python = subprocess.run(
        [sys.executable, str(script), "python"], capture_output=True, text=True, timeout=120
    )
    assert python.returncode == 3 and "freed" in python.stdout  # Python's exit frees it
    assert ours.returncode == 3
    assert ours.stdout.split() == ["done", "handlers", "ran"]
    assert ours.stderr == ""


def test_pack_last_page_compresses_a_page_as_the_save_would():
    """Verify a page packed as it ends is written with the same bytes as an unpacked one,
    and its text is no longer held by the document."""
    from reportlab import rl_config

    def draw(pack: bool) -> tuple[bytes, list[object]]:
        out = io.BytesIO()
        canvas = Canvas(out, invariant=1, pageCompression=1)
        held = []
        for n in range(3):
            canvas.setFont("Helvetica", 12)
            canvas.drawString(20, 20 + n, f"page {n} " * 20)
            canvas.showPage()
            if pack:
                internals.pack_last_page(canvas)
            held.append(internals.canvas_document(canvas).Pages.pages[-1].stream)
        before = rl_config.useA85
        rl_config.useA85 = 0  # PrintCanvas saves without ASCII85; the packed page never has it
        try:
            canvas.save()
        finally:
            rl_config.useA85 = before
        return out.getvalue(), held

    packed, held = draw(True)
    plain, kept = draw(False)
    assert packed == plain
    assert held == [None, None, None] and all(kept)
    assert b"/FlateDecode" in packed


def test_share_page_parts_writes_the_pages_reportlab_writes():
    """Verify pages that share their resources, boxes and transition, each formatted once,
    are written with the bytes of pages that each get their own: forms on some pages, an
    image on one, a form added after the first pages, page boxes that change, a turned
    page and one with a transition."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(image, format="PNG")

    def draw(shared: bool) -> tuple[bytes, int, int]:
        out = io.BytesIO()
        canvas = Canvas(out, invariant=1, pageCompression=1)
        canvas.setTrimBox((9, 9, 300, 200))
        canvas.setBleedBox((0, 0, 309, 209))
        canvas.beginForm("logo")
        canvas.rect(0, 0, 10, 10, fill=1)
        canvas.endForm()
        for n in range(8):
            canvas.setFont("Helvetica", 12)
            canvas.drawString(20, 20, f"page {n}")
            if n % 2:
                canvas.doForm("logo")
            if n == 3:
                canvas.setPageRotation(90)
                canvas.setPageTransition("Split", 1, 0, "V", "I")
            if n == 4:
                canvas.setPageRotation(0)
                canvas.setPageTransition(None)
                canvas.setTrimBox((18, 18, 290, 190))
            if n == 5:
                canvas.drawImage(ImageReader(io.BytesIO(image.getvalue())), 30, 30, 4, 4)
            if n == 6:
                canvas.beginForm("seal")
                canvas.circle(5, 5, 5, fill=1)
                canvas.endForm()
                canvas.doForm("seal")
            canvas.showPage()
        if shared:
            internals.share_page_parts(canvas)
        pages = internals.canvas_document(canvas).Pages.pages
        kinds = len({id(page.Resources) for page in pages})
        boxes = len({id(page.TrimBox) for page in pages})
        canvas.save()
        return out.getvalue(), kinds, boxes

    shared, kinds, boxes = draw(True)
    plain, none, every = draw(False)
    assert shared == plain
    assert none == 1 and 1 < kinds < 8  # all None before the save; a few shared ones
    assert (boxes, every) == (2, 8)  # two trim boxes; one array per page otherwise
    assert b"/Rotate 90" in plain and b"/Split" in plain
    assert len(pypdf.PdfReader(io.BytesIO(shared)).pages) == 8
