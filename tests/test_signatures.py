"""Signatures: a name in a script hand, or an image embedded once per file (issue 5)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from notecards.errors import ConfigError
from notecards.geometry import Box
from notecards.signatures import SignerSpec, draw_signature

BOX = Box(250, 30, 140, 45)


def _pages(signer: SignerSpec, pages: int = 1) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(420, 298), invariant=1)
    for n in range(pages):
        draw_signature(canvas, signer, BOX, f"order-{n}")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


@pytest.fixture
def signature_png(tmp_path: Path) -> Path:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    for x in range(20, 280):
        image.putpixel((x, 50 + (x % 17) - 8), (20, 30, 90, 255))
    path = tmp_path / "maria.png"
    image.save(path)
    return path


def test_draw_signature_name_is_written_inside_box() -> None:
    """Verify a name is drawn in the signature hand, extractable and inside its box."""
    pdf = _pages(SignerSpec("Maria Lopez"))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert page.extract_text() == "Maria Lopez"
        for char in page.chars:
            assert "Sacramento" in char["fontname"]
            assert BOX.x_pt - 0.01 <= char["x0"] and char["x1"] <= BOX.right_pt + 0.01
            assert BOX.y_pt - 0.01 <= 298 - char["bottom"] and 298 - char["top"] <= BOX.top_pt


def test_draw_signature_image_embedded_once(signature_png: Path) -> None:
    """Verify 50 cards signed with one PNG carry one image XObject."""
    reader = pypdf.PdfReader(io.BytesIO(_pages(SignerSpec("Maria", image=str(signature_png)),
                                               pages=50)))
    names = set()
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        names.update(xobjects[name].indirect_reference.idnum for name in xobjects)
    assert len(reader.pages) == 50
    assert len(names) == 1


def test_draw_signature_vector_not_supported(tmp_path: Path) -> None:
    """Verify the full error for an SVG signature."""
    path = tmp_path / "maria.svg"
    path.write_text("<svg/>")
    with pytest.raises(ConfigError) as err:
        _pages(SignerSpec("Maria", image=str(path)))
    assert str(err.value) == (f"{path}: vector signatures are not supported yet. Export the "
                              "signature as a PNG with a transparent background (300 dpi or more).")
