"""Helpers that open real PDFs: text, words, boxes, fonts, pixels and QR payloads."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject


def pdf_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


def page_texts(path: Path) -> list[str]:
    reader = PdfReader(BytesIO(pdf_bytes(path)))
    return [page.extract_text() or "" for page in reader.pages]


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
