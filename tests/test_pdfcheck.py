"""The PDF helpers the tests read files with: lazy page texts are the eager list's texts."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from tests.pdfcheck import page_texts


def test_page_texts_are_the_texts_of_every_page_in_order(tmp_path):
    path = tmp_path / "three.pdf"
    canvas = Canvas(str(path), invariant=1)
    for word in ("one", "two", "three"):
        canvas.drawString(72, 720, f"page {word}")
        canvas.showPage()
    canvas.save()
    eager = [page.extract_text() for page in PdfReader(BytesIO(path.read_bytes())).pages]
    lazy = page_texts(path)
    assert len(lazy) == 3
    assert lazy[2] == eager[2] and lazy[2].strip() == "page three"
    assert lazy[-1] == eager[-1] and lazy[0:2] == eager[0:2]
    assert lazy == eager and list(lazy) == eager and " ".join(lazy) == " ".join(eager)
    assert lazy != eager[:2]
    with pytest.raises(IndexError):
        lazy[3]
    assert page_texts(path) is lazy  # the same bytes are read once
