"""Helpers that open real PDFs: text, words, boxes, fonts, pixels and QR payloads."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import overload

import pdfplumber
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject


def pdf_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


class PageTexts(Sequence[str]):
    """The text of each page of a PDF (pypdf's extract_text), extracted when first asked for.

    It behaves as the list of the pages' texts; ``len()`` and one page read only what they
    need, so a test that looks at page 462 of 480 extracts one page, not 480 (a handwritten
    page takes pypdf ~20 ms). Iterating, joining or comparing extracts every page.
    """

    def __init__(self, data: bytes) -> None:
        self._reader = PdfReader(BytesIO(data))
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._reader.pages)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        number = range(len(self))[index]  # IndexError past the end, as a list
        if number not in self._texts:
            self._texts[number] = self._reader.pages[number].extract_text() or ""
        return self._texts[number]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PageTexts, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list's equality, a list's hash

    def __repr__(self) -> str:
        return repr(list(self))


#: Recently read PDFs by their bytes' digest (a few: a test reads one file many times).
_TEXTS: dict[bytes, PageTexts] = {}


def page_texts(path: Path) -> PageTexts:
    """Return the text of every page of the PDF at *path* (see PageTexts).

    The same bytes give the same object, so a test that looks at one page per manifest row
    reads the file once.
    """
    data = pdf_bytes(path)
    key = hashlib.sha256(data).digest()
    texts = _TEXTS.get(key)
    if texts is None:
        if len(_TEXTS) >= 8:
            del _TEXTS[next(iter(_TEXTS))]
        texts = _TEXTS[key] = PageTexts(data)
    return texts


def page_boxes(path: Path) -> list[dict[str, tuple[float, ...]]]:
    reader = PdfReader(BytesIO(pdf_bytes(path)))
    boxes = []
    for page in reader.pages:
        boxes.append(
            {
                name: tuple(float(v) for v in getattr(page, name))
                for name in ("mediabox", "trimbox", "bleedbox")
            }
            | {"has_trim": "/TrimBox" in page, "has_bleed": "/BleedBox" in page}
        )
    return boxes


def fonts_in(path: Path) -> dict[str, bool]:
    """Return base font name → embedded, for every font referenced anywhere in the file."""
    reader = PdfReader(BytesIO(pdf_bytes(path)))
    found: dict[str, bool] = {}
    for obj_id in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(obj_id)
        if isinstance(obj, IndirectObject):
            obj = obj.get_object()
        if hasattr(obj, "get") and obj.get("/Type") == "/Font":
            _record_font(obj, found)
    return found


def _record_font(font, found: dict[str, bool]) -> None:
    name = str(font.get("/BaseFont"))
    subtype = font.get("/Subtype")
    if subtype == "/Type0":
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant.get("/FontDescriptor")
    else:
        descriptor = font.get("/FontDescriptor")
    embedded = False
    if descriptor is not None:
        descriptor = descriptor.get_object()
        embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    found[name] = embedded


def words(path: Path, page: int) -> list[dict]:
    with pdfplumber.open(str(path)) as pdf:
        return pdf.pages[page].extract_words()


def chars(path: Path, page: int) -> list[dict]:
    with pdfplumber.open(str(path)) as pdf:
        return list(pdf.pages[page].chars)


def render(path: Path, page: int = 0, scale: float = 2.0) -> Image.Image:
    document = pdfium.PdfDocument(pdf_bytes(path))
    try:
        return document[page].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def decode_qr(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def to_unicode(font: object) -> dict[int, str]:
    """Return a simple font's ToUnicode map: code → text (one letter, or two for a join)."""
    if "/ToUnicode" not in font:  # type: ignore[operator]  # a standard font reportlab adds
        return {}
    stream = font["/ToUnicode"].get_object().get_data().decode("latin-1")  # type: ignore[index]
    return {
        int(code, 16): bytes.fromhex(text).decode("utf-16-be")
        for code, text in re.findall(r"<([0-9A-Fa-f]{2})> <((?:[0-9A-Fa-f]{4})+)>", stream)
    }


def drawn_glyphs(pdf: bytes | PdfReader, page_number: int) -> list[tuple[str, str, int]]:
    """Return the page's text glyphs in drawing order: (text, font, code).

    Each ``BT`` (a new line of writing) is marked by ``("\\n", "", -1)``.
    """
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(BytesIO(pdf))
    page = reader.pages[page_number]
    fonts = page["/Resources"]["/Font"]
    maps = {name: to_unicode(fonts[name].get_object()) for name in fonts}
    out: list[tuple[str, str, int]] = []
    font = ""
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BT":
            out.append(("\n", "", -1))
        elif operator == b"Tf":
            font = str(operands[0])
        elif operator in (b"TJ", b"Tj"):
            parts = operands[0] if operator == b"TJ" else [operands[0]]
            for part in parts:
                if isinstance(part, (bytes, str)):
                    data = part if isinstance(part, bytes) else part.get_original_bytes()
                    out += [(maps[font].get(code, "?"), font, code) for code in data]
    return out


def neighbour_pairs(
    glyphs: list[tuple[str, str, int]],
) -> list[tuple[tuple[str, str, int], tuple[str, str, int], str]]:
    """Return the neighbouring glyphs that write the same letter(s), in reading order.

    Spaces and line starts (``drawn_glyphs``' markers) are skipped: the last letter of a word
    and the first of the next, or of the next line, are neighbours. Each pair comes with what
    lay between: ``""`` (inside a word), ``" "`` or ``"\\n"``.
    """
    pairs = []
    before: tuple[str, str, int] | None = None
    between = ""
    for glyph in glyphs:
        text = glyph[0]
        if text.isspace():
            between = "\n" if "\n" in between + text else " "
            continue
        if before is not None and before[0] == text and text.isalpha():
            pairs.append((before, glyph, between))
        before, between = glyph, ""
    return pairs
