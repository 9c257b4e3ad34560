"""Signatures: a name in a script hand, or an image embedded once per file (issue 5)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from notecards.cli.main import main
from notecards.errors import ConfigError
from notecards.handwriting.signatures import SignerSpec, draw_signature
from notecards.layout.geometry import Box
from tests.conftest import make_order

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
    reader = pypdf.PdfReader(
        io.BytesIO(_pages(SignerSpec("Maria", image=str(signature_png)), pages=50))
    )
    names = set()
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"]
        names.update(xobjects[name].indirect_reference.idnum for name in xobjects)
    assert len(reader.pages) == 50
    assert len(names) == 1


SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
  <path d="M20 70 C 40 10, 60 10, 70 60 S 110 90, 130 40 C 150 10, 170 80, 200 50 L 280 45"
        fill="none" stroke="#1a2a6c" stroke-width="4" stroke-linecap="round"/>
  <path d="M60 80 Q 150 95 260 75" fill="none" stroke="#1a2a6c" stroke-width="2"/>
</svg>
"""


@pytest.fixture
def signature_svg(tmp_path: Path) -> Path:
    path = tmp_path / "maria.svg"
    path.write_text(SVG, encoding="utf-8")
    return path


@pytest.fixture
def signature_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "maria.pdf"
    canvas = Canvas(str(path), pagesize=(300, 100), invariant=1)
    canvas.setStrokeColorRGB(0.1, 0.15, 0.4)
    canvas.setLineWidth(3)
    stroke = canvas.beginPath()
    stroke.moveTo(20, 30)
    stroke.curveTo(40, 90, 60, 90, 70, 40)
    stroke.curveTo(110, 10, 150, 90, 280, 55)
    canvas.drawPath(stroke)
    canvas.setFont("Helvetica-Oblique", 14)  # a font resource, copied with the page
    canvas.drawString(200, 15, "M.L.")
    canvas.save()
    return path


def signature_forms(pdf: bytes) -> tuple[int, set[int]]:
    """Return (pages, object numbers of the signature forms they use)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    forms = set()
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for name in xobjects:
            if name.startswith("/FormXob.signature-"):
                assert xobjects[name]["/Subtype"] == "/Form"
                forms.add(xobjects[name].indirect_reference.idnum)
    return len(reader.pages), forms


def assert_drawn_inside(pdf: bytes, box: Box, page_height: float, pages: range) -> None:
    """Every path of the signature (stroke width included) lies inside *box*, and some exist."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for n in pages:
            page = doc.pages[n]
            paths = page.curves + page.lines
            assert paths, f"page {n + 1} has no signature paths"
            for path in paths:
                half = path["linewidth"] / 2
                assert box.x_pt - 0.01 <= path["x0"] - half
                assert path["x1"] + half <= box.right_pt + 0.01
                assert box.y_pt - 0.01 <= page_height - path["bottom"] - half
                assert page_height - path["top"] + half <= box.top_pt + 0.01


@pytest.mark.parametrize("kind", ["svg", "pdf"])
def test_draw_signature_vector_is_one_form_inside_the_box(
    kind: str, signature_svg: Path, signature_pdf: Path
) -> None:
    """Verify 50 cards signed with an SVG or PDF use one form XObject, drawn inside the box."""
    signer = SignerSpec("Maria", image=str(signature_svg if kind == "svg" else signature_pdf))
    pdf = _pages(signer, pages=50)
    pages, forms = signature_forms(pdf)
    assert pages == 50 and len(forms) == 1
    assert_drawn_inside(pdf, BOX, 298, range(0, 50, 7))
    assert _pages(signer, pages=50) == pdf  # a reprint writes the same bytes
    if kind == "pdf":
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            assert doc.pages[0].extract_text() == "M.L."  # the page's own font came along


def test_draw_signature_vector_keeps_the_page_state(signature_svg: Path) -> None:
    """Verify text drawn after the signature form is defined still lands on the page."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(420, 298), invariant=1)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(20, 200, "before")
    draw_signature(canvas, SignerSpec("Maria", image=str(signature_svg)), BOX, "1")
    canvas.drawString(20, 100, "after")
    canvas.showPage()
    canvas.save()
    with pdfplumber.open(buf) as doc:
        assert doc.pages[0].extract_text() == "before\nafter"


def test_draw_signature_bad_vector_files(tmp_path: Path) -> None:
    """Verify the errors for unreadable and empty SVGs, a PDF that is not one, an unknown kind."""
    svg = tmp_path / "maria.svg"
    svg.write_text("hello", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _pages(SignerSpec("Maria", image=str(svg)))
    assert str(err.value) == (
        f"{svg}: cannot read this SVG. Export the signature again as "
        "plain SVG, or as a PNG with a transparent background."
    )
    svg.write_text("<svg", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        _pages(SignerSpec("Maria", image=str(svg)))
    assert str(err.value) == f"{svg}: the SVG draws nothing. Check that it holds the signature."
    pdf = tmp_path / "maria.pdf"
    pdf.write_bytes(b"not a pdf")
    with pytest.raises(
        ConfigError, match=f"^{pdf}: cannot read this PDF .*Export the signature as SVG or as a PNG"
    ):
        _pages(SignerSpec("Maria", image=str(pdf)))
    gif = tmp_path / "maria.gif"
    gif.write_bytes(b"GIF89a")
    with pytest.raises(ConfigError) as err:
        _pages(SignerSpec("Maria", image=str(gif)))
    assert str(err.value) == f"{gif}: a signature image must be PNG, JPEG, SVG or PDF."


def test_batch_signed_by_svg_signer_from_config(
    tmp_path: Path, runner, write_orders, signature_svg: Path
) -> None:
    """Verify a real batch signs every card with the SVG named in notecards.toml, once per PDF."""
    config = tmp_path / "notecards.toml"
    config.write_text(
        '[shop]\nname = "Juniper & Pine"\nsigner = "Maria"\n\n'
        '[signers.Maria]\nimage = "maria.svg"\n',
        encoding="utf-8",
    )
    orders = write_orders(
        [
            make_order(order_id=str(1001 + n), email=f"c{n}@example.com", first_name=name)
            for n, name in enumerate(["Ada", "Tom", "Rosa", "Eli"])
        ]
    )
    out = tmp_path / "out"
    result = runner.invoke(
        main, ["batch", str(orders), "--out", str(out), "--config", str(config), "--no-preflight"]
    )
    assert result.exit_code == 0, result.output
    pdf = (out / "cards.pdf").read_bytes()
    pages, forms = signature_forms(pdf)
    assert pages == 8 and len(forms) == 1  # outside + inside per card, one signature form
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    signed = [
        n
        for n, page in enumerate(reader.pages)
        if any(k.startswith("/FormXob.signature-") for k in page["/Resources"].get("/XObject", {}))
    ]
    assert signed == [1, 3, 5, 7]  # every inside page
