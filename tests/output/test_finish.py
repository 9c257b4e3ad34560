"""The finish of a plain (not PDF/X) print file: same-length edits of reportlab's bytes give the
same document as a full rewrite with pikepdf, checked with qpdf and pikepdf."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from notecards.drawing.pages import make_canvas
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.catalogue import card_format
from notecards.layout.panels import card_geometry
from notecards.output import pdfx

QPDF = shutil.which("qpdf")


def _written(path: Path, words: str) -> bytes:
    register_bundled_fonts()
    page = card_geometry(card_format("a2-folded"), 9.0, False).page
    canvas = make_canvas(path, page, title="Juniper cards", author="Juniper")
    for n, font in enumerate(("Caveat-Regular", "NotoSans", "Kalam-Light")):
        canvas.setFont(font, 14)
        canvas.drawString(60, 300 - 30 * n, f"{words} {font}")
        canvas.showPage()
    canvas.save()
    return path.read_bytes()


def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    return sorted(
        str(font.BaseFont)
        for page in pdf.pages
        for font in page.Resources.Font.values()
        if "+" in str(font.BaseFont)
    )


def test_plain_finish_edits_in_place_and_matches_the_full_rewrite(tmp_path):
    """Verify the fast finish keeps every offset, renames every subset, sets a per-file /ID
    and version 1.4, and gives the same pages, fonts and info as the pikepdf rewrite."""
    data = _written(tmp_path / "raw.pdf", "Thank you")
    assert b"/ASCII85Decode" not in data  # PrintCanvas writes Flate only
    fast = pdfx.finish_bytes(data, "cards.pdf")
    assert fast is not None and len(fast) == len(data)  # same-length edits
    slow_path = tmp_path / "slow.pdf"
    # the full rewrite, as a PDF/X file or a file of another writer gets it
    slow_path.write_bytes(pdfx.finish_bytes(data, "cards.pdf", title="Juniper cards"))
    fast_path = tmp_path / "cards.pdf"
    fast_path.write_bytes(fast)
    if QPDF:
        checked = subprocess.run([QPDF, "--check", str(fast_path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No syntax or stream encoding errors" in checked.stdout
    with pikepdf.open(fast_path) as quick, pikepdf.open(slow_path) as full:
        assert quick.pdf_version == "1.4"
        assert _fonts(quick) == _fonts(full)  # the same new prefixes
        assert not any(name.startswith("/AAAAA") for name in _fonts(quick))
        for key in ("/Title", "/CreationDate", "/ModDate", "/Trapped", "/Author"):
            assert quick.docinfo[key] == full.docinfo[key], key
        assert len(quick.pages) == len(full.pages) == 3
        for mine, theirs in zip(quick.pages, full.pages, strict=True):
            assert mine.Contents.read_bytes() == theirs.Contents.read_bytes()
            for box in ("/TrimBox", "/BleedBox", "/MediaBox"):
                assert list(mine.obj[box]) == list(theirs.obj[box])
        for font in (f for p in quick.pages for f in p.Resources.Font.values()):
            descriptor = font.get("/DescendantFonts", [font])[0].get("/FontDescriptor", font)
            if "/FontName" in descriptor:
                assert str(descriptor.FontName).split("+")[0] == str(font.BaseFont).split("+")[0]


def test_plain_finish_gives_each_file_its_own_id_and_prefixes(tmp_path):
    """Verify two files of one batch get different /IDs and subset names, and a file
    finished twice under one name gives the same bytes."""
    one = pdfx.finish_bytes(_written(tmp_path / "a.pdf", "Thank you"), "cards-001.pdf")
    two = pdfx.finish_bytes(_written(tmp_path / "b.pdf", "Happy birthday"), "cards-002.pdf")
    again = pdfx.finish_bytes(_written(tmp_path / "c.pdf", "Thank you"), "cards-001.pdf")
    assert one == again
    ids = [re.search(rb"/ID \n\[<([0-9a-f]{32})>", d).group(1) for d in (one, two)]  # type: ignore[union-attr]
    assert ids[0] != ids[1]
    names = [set(re.findall(rb"/BaseFont /([A-Z]{6})\+", d)) for d in (one, two)]
    assert names[0] and not names[0] & names[1]


@pytest.mark.parametrize("change", ["objstm", "version", "no-id"])
def test_a_file_the_fast_finish_does_not_know_is_rewritten_with_pikepdf(tmp_path, change):
    """Verify a file that is not plain reportlab output (object streams, a newer version,
    no trailer /ID) still gets the full finish."""
    data = _written(tmp_path / "raw.pdf", "Thank you")
    if change == "objstm":
        with pikepdf.open(tmp_path / "raw.pdf") as pdf:
            pdf.save(tmp_path / "x.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
        data = (tmp_path / "x.pdf").read_bytes()
    elif change == "version":
        data = b"%PDF-1.7\n" + data[9:]
    else:
        data = data.replace(b"/ID \n[<", b"/XX \n[<")
    assert pdfx._finish_in_place(data, "cards.pdf") is None
    out = tmp_path / "cards.pdf"
    out.write_bytes(pdfx.finish_bytes(data, "cards.pdf"))
    with pikepdf.open(out) as pdf:
        assert "/ID" in pdf.trailer and pdf.docinfo["/Trapped"] == pikepdf.Name("/False")
        assert not any(name.startswith("/AAAAA") for name in _fonts(pdf))


def test_finishing_a_file_edits_it_where_it_lies_with_the_same_result(tmp_path):
    """Verify finish_pdf edits a plain file in place (mapped, no copy held) and gives the
    bytes finish_bytes gives; a PDF/X file is still rewritten whole."""
    data = _written(tmp_path / "cards.pdf", "Thank you")
    expected = pdfx.finish_bytes(data, "cards.pdf")
    pdfx.finish_pdf(tmp_path / "cards.pdf")
    assert (tmp_path / "cards.pdf").read_bytes() == expected
    (tmp_path / "x.pdf").write_bytes(data)
    pdfx.finish_pdf(tmp_path / "x.pdf", standard="x-1a")
    with pikepdf.open(tmp_path / "x.pdf") as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
