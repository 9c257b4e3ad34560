"""Preflight: small reportlab PDFs that break one print rule each, and a clean one."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pypdf
import pytest
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from notecards.errors import InputError
from notecards.layout.catalogue import card_format, envelope_format
from notecards.preflight.pages import check_pages
from notecards.preflight.spec import (
    Finding,
    PreflightSpec,
    preflight_pdf,
    spec_for_card,
    spec_for_envelope,
)
from tests.conftest import ROOT

FONT_PATH = ROOT / "fonts" / "NotoSans-Regular.ttf"
TRIM_W, TRIM_H, BLEED, SLUG = 360.0, 252.0, 9.0, 36.0  # 5 × 3.5 in, 1/8 in bleed
SPEC = PreflightSpec(TRIM_W, TRIM_H, BLEED, label="test card", require_cmyk=True)
Draw = Callable[[Canvas, float, float], None]  # canvas, trim left, trim bottom


@pytest.fixture(scope="module", autouse=True)
def noto() -> None:
    pdfmetrics.registerFont(TTFont("PreflightNoto", str(FONT_PATH)))


def _image(size_px: int, mode: str = "L") -> ImageReader:
    buffer = io.BytesIO()
    Image.new(mode, (size_px, size_px), 128).save(buffer, "PNG")
    return ImageReader(io.BytesIO(buffer.getvalue()))


def _clean_artwork(c: Canvas, x: float, y: float) -> None:
    """Full-bleed background, crop marks in the slug, text and a 300 ppi image inside."""
    c.setFillColorCMYK(0.1, 0, 0.05, 0)
    c.rect(x - BLEED, y - BLEED, TRIM_W + 2 * BLEED, TRIM_H + 2 * BLEED, fill=1, stroke=0)
    c.setStrokeColorCMYK(0, 0, 0, 1)
    c.setLineWidth(0.25)
    for mark_x in (x, x + TRIM_W):  # vertical crop marks below and above the page
        c.line(mark_x, y - BLEED - 3, mark_x, y - SLUG + 3)
        c.line(mark_x, y + TRIM_H + BLEED + 3, mark_x, y + TRIM_H + SLUG - 3)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont("PreflightNoto", 14)
    c.drawString(x + 20, y + 200, "Dear Ada, happy birthday!")
    c.drawImage(_image(300), x + 200, y + 30, inch, inch)


def _write(
    tmp_path: Path,
    draw: Draw = _clean_artwork,
    *,
    trim: tuple[float, float] = (TRIM_W, TRIM_H),
    trim_box: bool = True,
    bleed_box: bool = True,
    pages: int = 1,
    **canvas_options: object,
) -> Path:
    width, height = trim
    path = tmp_path / "test.pdf"
    c = Canvas(
        str(path),
        pagesize=(width + 2 * SLUG, height + 2 * SLUG),
        invariant=1,
        **canvas_options,
    )
    for _ in range(pages):
        if trim_box:
            c.setTrimBox((SLUG, SLUG, SLUG + width, SLUG + height))
        if bleed_box:
            c.setBleedBox((SLUG - BLEED, SLUG - BLEED, SLUG + width + BLEED, SLUG + height + BLEED))
        draw(c, SLUG, SLUG)
        c.showPage()
    c.save()
    return path


def _with(extra: Draw) -> Draw:
    def draw(c: Canvas, x: float, y: float) -> None:
        _clean_artwork(c, x, y)
        extra(c, x, y)

    return draw


def test_preflight_clean_pdf_has_no_findings(tmp_path):
    """Verify bleed artwork, slug crop marks and reportlab's unused Helvetica pass."""
    assert preflight_pdf(_write(tmp_path), SPEC) == []


def test_preflight_accepts_bytes(tmp_path):
    """Verify the PDF can be passed as bytes."""
    assert preflight_pdf(_write(tmp_path).read_bytes(), SPEC) == []


def test_preflight_missing_trimbox(tmp_path):
    """Verify a page without TrimBox is an error (and no size error follows from it)."""
    path = _write(tmp_path, trim_box=False)
    assert preflight_pdf(path, SPEC) == [
        Finding(
            "error",
            1,
            "The page has no TrimBox, so the printer cannot tell where to cut. Set one "
            "(reportlab: canvas.setTrimBox).",
        )
    ]


def test_preflight_missing_bleedbox(tmp_path):
    """Verify a page without BleedBox is an error."""
    path = _write(tmp_path, bleed_box=False)
    assert preflight_pdf(path, SPEC) == [
        Finding("error", 1, "The page has no BleedBox. Set one (reportlab: canvas.setBleedBox).")
    ]


def test_preflight_unembedded_helvetica(tmp_path):
    """Verify a standard Type1 font used for text is reported once for all pages."""

    def helvetica(c: Canvas, x: float, y: float) -> None:
        c.setFont("Helvetica", 12)
        c.drawString(x + 20, y + 100, "Thank you")

    path = _write(tmp_path, _with(helvetica), pages=3)
    assert preflight_pdf(path, SPEC) == [
        Finding(
            "error",
            1,
            'Font "Helvetica" is not embedded. Use an embedded TrueType font (reportlab: '
            "TTFont) or convert the text to outlines. Also on 2 more pages.",
        )
    ]


def test_preflight_text_over_safe_line(tmp_path):
    """Verify glyphs between the safe line and the trim are an error."""

    def near_edge(c: Canvas, x: float, y: float) -> None:
        c.setFont("PreflightNoto", 12)
        c.drawString(x + 4, y + 100, "Best wishes")

    assert preflight_pdf(_write(tmp_path, _with(near_edge)), SPEC) == [
        Finding(
            "error",
            1,
            'Text "Best wishes" is 3.8 pt outside the safe area (9.0 pt inside the trim). '
            "Move it inward.",
        )
    ]


def test_preflight_text_in_form_xobject_over_safe_line(tmp_path):
    """Verify text inside a form XObject is measured in page coordinates."""

    def form(c: Canvas, x: float, y: float) -> None:
        c.beginForm("signature")
        c.setFont("PreflightNoto", 10)
        c.drawString(0, 0, "Love, Bea")
        c.endForm()
        c.saveState()
        c.translate(x + TRIM_W - 30, y + 120)
        c.doForm("signature")
        c.restoreState()

    [finding] = preflight_pdf(_write(tmp_path, _with(form)), SPEC)
    assert finding.message.startswith('Text "Love, Bea" is ')


def test_forms_drawn_on_many_pages_are_checked_on_each(tmp_path):
    """Verify a form's objects are reported on every page that draws it, where it draws it.

    Forms recurring on every page are checked once per form, place and page box and the
    result replayed (preflight/objects.py): two look-alike forms (same size, same object
    count, same place) are still told apart, the same form placed elsewhere is checked
    there, and the per-page limit on safe-area findings counts replayed objects too.
    """
    path = tmp_path / "forms.pdf"
    c = Canvas(str(path), pagesize=(TRIM_W + 2 * SLUG, TRIM_H + 2 * SLUG), invariant=1)
    for name, x in (("inside", 40), ("outside", 2), ("many", 2)):
        c.beginForm(name)
        c.setFont("PreflightNoto", 10)
        for row in range(12 if name == "many" else 1):
            c.drawString(x, 20 * row, f"{name} {row}")
        c.endForm()
    layout = [("inside", 100), ("outside", 100), ("inside", 100), ("outside", 150), ("many", 0)]
    for name, y in layout:
        c.setTrimBox((SLUG, SLUG, SLUG + TRIM_W, SLUG + TRIM_H))
        c.setBleedBox((SLUG - BLEED, SLUG - BLEED, SLUG + TRIM_W + BLEED, SLUG + TRIM_H + BLEED))
        c.saveState()
        c.translate(SLUG, SLUG + y)
        c.doForm(name)
        c.restoreState()
        c.showPage()
    c.save()
    by_page: dict[int, list[str]] = {}
    for index, _, message in check_pages(
        str(path), PreflightSpec(TRIM_W, TRIM_H, BLEED), True, 0, 5
    ):
        by_page.setdefault(index + 1, []).append(message)
    assert sorted(by_page) == [2, 4, 5]
    assert by_page[2] == [
        'Text "outside 0" is 6.5 pt outside the safe area (9.0 pt inside the trim). Move it inward.'
    ]
    assert by_page[4] == by_page[2]  # the same form placed higher: still too near the edge
    assert len(by_page[5]) == 11 and by_page[5][-1] == (
        "2 more objects on this page are outside the safe area."
    )
    assert by_page[5][0].startswith('Text "many 0" is 11.4 pt')


def test_preflight_small_mark_over_safe_line(tmp_path):
    """Verify a small drawn mark crossing the safe line is an error, a bleed band is not."""

    def marks(c: Canvas, x: float, y: float) -> None:
        c.rect(x + 5, y + 60, 10, 10, fill=1, stroke=0)  # a dot 5 pt inside the trim
        c.rect(x - BLEED, y - BLEED, 40, TRIM_H + 2 * BLEED, fill=1, stroke=0)  # bleed band

    assert preflight_pdf(_write(tmp_path, _with(marks)), SPEC) == [
        Finding(
            "error",
            1,
            "A drawn mark at [41.0 96.0 51.0 106.0] is 4.0 pt outside the safe area "
            "(9.0 pt inside the trim). Move it inward.",
        )
    ]


def test_preflight_low_resolution_image(tmp_path):
    """Verify a 72 ppi image at its placed size is an error."""

    def photo(c: Canvas, x: float, y: float) -> None:
        c.drawImage(_image(72), x + 60, y + 60, inch, inch)

    assert preflight_pdf(_write(tmp_path, _with(photo)), SPEC) == [
        Finding(
            "error",
            1,
            "An image of 72 × 72 px is placed at 1.00 × 1.00 in, which is 72 ppi; print needs "
            "at least 300 ppi at the placed size.",
        )
    ]


def test_preflight_wrong_trim_size(tmp_path):
    """Verify a TrimBox that is not the ordered size is an error."""
    path = _write(tmp_path, lambda c, x, y: None, trim=(300.0, 252.0))
    assert preflight_pdf(path, SPEC) == [
        Finding(
            "error",
            1,
            "The TrimBox is 300.0 × 252.0 pt (105.8 × 88.9 mm); the trim size for test card is "
            "360.0 × 252.0 pt (127.0 × 88.9 mm).",
        )
    ]


def test_preflight_wrong_bleed(tmp_path):
    """Verify a BleedBox that does not add the shop's bleed on every side is an error."""
    spec = PreflightSpec(TRIM_W, TRIM_H, 3 / 25.4 * 72 * 1.5)  # asks 4.5 mm, file has 3.2 mm
    [finding] = preflight_pdf(_write(tmp_path, lambda c, x, y: None), spec)
    assert finding == Finding(
        "error",
        1,
        "The BleedBox extends the TrimBox by 9.0, 9.0, 9.0, 9.0 pt (left, bottom, right, top); "
        "the bleed should be 12.8 pt (4.5 mm) on every side.",
    )


def test_preflight_rgb_when_cmyk_required(tmp_path):
    """Verify RGB colour is an error only when the spec asks for CMYK."""

    def rgb(c: Canvas, x: float, y: float) -> None:
        c.setFillColorRGB(1, 0, 0)
        c.rect(x + 60, y + 60, 20, 20, fill=1, stroke=0)

    path = _write(tmp_path, _with(rgb))
    assert preflight_pdf(path, SPEC) == [
        Finding(
            "error",
            1,
            "RGB colour is used; this printer needs CMYK. Draw with CMYK colours (reportlab: "
            "setFillColorCMYK).",
        )
    ]
    relaxed = PreflightSpec(TRIM_W, TRIM_H, BLEED, require_cmyk=False)
    assert preflight_pdf(path, relaxed) == []


def test_preflight_rgb_image_when_cmyk_required(tmp_path):
    """Verify an RGB image counts as RGB colour."""

    def photo(c: Canvas, x: float, y: float) -> None:
        c.drawImage(_image(300, "RGB"), x + 60, y + 60, inch, inch)

    [finding] = preflight_pdf(_write(tmp_path, _with(photo)), SPEC)
    assert finding.message.startswith("RGB colour is used")


def test_preflight_javascript(tmp_path):
    """Verify document JavaScript is an error."""
    writer = pypdf.PdfWriter(clone_from=_write(tmp_path))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert preflight_pdf(buffer.getvalue(), SPEC) == [
        Finding(
            "error",
            None,
            "The PDF contains JavaScript; printers reject it. Export it again without scripts "
            "or form actions.",
        )
    ]


@pytest.mark.parametrize("where", ["names", "open-action", "additional-actions"])
def test_preflight_document_javascript_in_each_place_of_the_catalogue(tmp_path, where):
    """Verify JavaScript is found wherever the catalogue holds it: the document's named
    scripts, a script run on opening, or additional actions."""
    with pikepdf.open(_write(tmp_path)) as pdf:
        script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="1"))
        if where == "names":
            tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), script]))
            pdf.Root.Names = pikepdf.Dictionary(JavaScript=tree)
        elif where == "open-action":
            pdf.Root.OpenAction = script
        else:
            pdf.Root.AA = pikepdf.Dictionary(WC=script)
        buffer = io.BytesIO()
        pdf.save(buffer)
    messages = [finding.message for finding in preflight_pdf(buffer.getvalue(), SPEC)]
    assert messages == [
        "The PDF contains JavaScript; printers reject it. Export it again without scripts "
        "or form actions."
    ]
    # A destination to open at is not a script.
    with pikepdf.open(_write(tmp_path)) as pdf:
        pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
        buffer = io.BytesIO()
        pdf.save(buffer)
    assert preflight_pdf(buffer.getvalue(), SPEC) == []


def test_preflight_encrypted(tmp_path):
    """Verify an encrypted PDF (even one that opens without a password) is an error."""
    no_user_password = StandardEncryption("", ownerPassword="owner", canPrint=1)
    path = _write(tmp_path, encrypt=no_user_password)
    assert Finding(
        "error",
        None,
        "The PDF is encrypted; printers need it without a password or security settings.",
    ) in preflight_pdf(path, SPEC)


def test_preflight_not_a_pdf(tmp_path):
    """Verify a file that is not a PDF gives one finding rather than a crash."""
    [finding] = preflight_pdf(b"hello", SPEC)
    assert finding.severity == "error" and finding.page is None
    assert finding.message.startswith("The file cannot be opened as a PDF")


def test_preflight_missing_file(tmp_path):
    """Verify a missing file raises InputError naming it."""
    with pytest.raises(InputError) as info:
        preflight_pdf(tmp_path / "nope.pdf", SPEC)
    assert str(info.value).startswith(f"{tmp_path / 'nope.pdf'}: cannot be read")


def test_preflight_without_spec_skips_size(tmp_path):
    """Verify no spec means no size or bleed-amount check."""
    path = _write(tmp_path, lambda c, x, y: None, trim=(300.0, 200.0))
    assert preflight_pdf(path, None) == []


def test_spec_for_card_uses_printed_sheet():
    """Verify a side-folded card is checked against its unfolded spread."""
    spec = spec_for_card(card_format("a7-folded"), bleed_pt=9.0)
    assert (spec.trim_width_pt, spec.trim_height_pt) == (720.0, 504.0)
    assert (spec.bleed_pt, spec.safe_pt, spec.label) == (9.0, 9.0, "A7 folded card, 5 × 7 in")


def test_spec_for_envelope_has_no_bleed():
    """Verify envelopes are printed to their own size with no bleed."""
    spec = spec_for_envelope(envelope_format("a7"))
    assert (spec.trim_width_pt, spec.trim_height_pt, spec.bleed_pt) == (522.0, 378.0, 0.0)
