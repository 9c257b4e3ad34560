"""Hand-addressed envelopes: written in a legible hand inside the USPS read area, read by OCR.

The envelopes are rendered by the batch (the default ``--envelope-font hand``), rasterised at
300 dpi and read back whole with tesseract, which must find each "CITY, ST ZIP" line.
``--envelope-font sans`` keeps the printed face.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from notecards import make_settings, plan_batch, render_pdfs
from notecards.config import Config
from notecards.layout.envelope import read_area

DPI = 300
#: Test addresses: US, one per line of the delivery address as a person would write them.
ADDRESSES = (
    ("Ada Whitfield", "14 Orchard Lane", "Burlington", "VT", "05401"),
    ("Marcus Bell", "88 Harbor Street", "Portland", "ME", "04101"),
    ("José Núñez", "2203 Calle del Sol", "Santa Fe", "NM", "87501"),
    ("Helen Park", "77 Willow Court", "Asheville", "NC", "28801"),
    ("Daniel Brooks", "310 Pine Avenue", "Boise", "ID", "83702"),
    ("Rosa Martinelli", "9 Elm Street", "Hartford", "CT", "06103"),
    ("Eli Sandoval", "64 Campus Drive", "Madison", "WI", "53706"),
    ("Tom Okafor", "601 Mill Road", "Ann Arbor", "MI", "48104"),
    ("Grace Liu", "2 Lakeview Terrace", "Seattle", "WA", "98109"),
    ("Omar Haddad", "1550 Sunset Boulevard", "Phoenix", "AZ", "85007"),
)


def _orders(write_orders, tmp_path: Path) -> Path:
    rows = []
    for n, (name, street, city, state, zip_code) in enumerate(ADDRESSES):
        first, last = name.split(" ", 1)
        rows.append(
            {
                "order_id": str(3000 + n),
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}@example.com",
                "address_line1": street,
                "city": city,
                "region": state,
                "postal_code": zip_code,
                "country": "US",
                "items": "Candle",
                "order_date": "2026-11-20",
            }
        )
    return write_orders(rows)


@pytest.fixture(scope="module")
def envelopes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from tests.conftest import CANONICAL

    tmp = tmp_path_factory.mktemp("envelopes")
    import csv

    def write(rows: list[dict[str, str]]) -> Path:
        path = tmp / "orders.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CANONICAL)
            writer.writeheader()
            writer.writerows({k: row.get(k, "") for k in CANONICAL} for row in rows)
        return path

    orders = _orders(write, tmp)
    out = {}
    for font in ("hand", "sans"):
        config = Config(
            shop_name="Juniper & Pine",
            return_address=("12 Mill Street", "Portland, ME 04101"),
            ledger_path=str(tmp / f"{font}.sqlite"),
            envelope_font=font,
        )
        plan = plan_batch([orders], make_settings(config), today=date(2026, 11, 22))
        assert len(plan.jobs) == len(ADDRESSES)
        out[font] = render_pdfs(plan)[1]
    return out


def _ocr(image: Image.Image, *args: str) -> str:
    assert shutil.which("tesseract"), "install tesseract: apt-get install tesseract-ocr (.ci/run)"
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", *args],
        input=buffer.getvalue(),
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8", "replace")


def test_envelopes_are_hand_addressed_by_default(envelopes):
    """Verify the default writes the address in the hand (figures in its careful digits);
    sans prints it in Noto Sans."""
    for font, letters, digits in (("hand", "Kalam", "Delius"), ("sans", "NotoSans", "NotoSans")):
        with pdfplumber.open(BytesIO(envelopes[font])) as pdf:
            for page, (_, street, *_rest) in zip(pdf.pages, ADDRESSES, strict=True):
                chars = [c for c in page.chars if c["size"] > 9 and c["text"].isalnum()]
                assert chars, font
                for char in chars:
                    careful = char["text"].isdigit() or char["text"] == "I"
                    expected = digits if careful else letters
                    assert expected in char["fontname"], (font, char["text"], char["fontname"])
                words = page.extract_text().split()  # written, yet still real text
                assert all(word in words for word in street.split()), (street, words)


def test_hand_address_stays_in_the_read_area_and_varies(envelopes):
    """Verify every written glyph lies in the USPS read area and no two envelopes match."""
    with pdfplumber.open(BytesIO(envelopes["hand"])) as pdf:
        for page in pdf.pages:
            height = float(page.height)
            width = float(page.width)
            from notecards.layout.catalogue import envelope_format

            area = read_area(envelope_format("a2"))
            assert width == pytest.approx(area.width_pt + 72)
            for char in page.chars:
                if char["size"] <= 9:
                    continue
                assert area.x_pt <= char["x0"] and char["x1"] <= area.right_pt, char
                assert area.y_pt <= height - char["bottom"], char
                assert height - char["top"] <= area.top_pt, char
    first = pdfium.PdfDocument(envelopes["hand"])
    try:
        a = first[0].render(scale=1).to_pil()
        b = first[1].render(scale=1).to_pil()
    finally:
        first.close()
    assert a.tobytes() != b.tobytes()


def test_tesseract_reads_zip_city_and_state_of_every_envelope(envelopes):
    """Verify OCR of each whole written envelope (300 dpi) reads its "CITY, ST ZIP" line."""
    document = pdfium.PdfDocument(envelopes["hand"])
    try:
        for number, (_, _, city, state, zip_code) in enumerate(ADDRESSES):
            image = document[number].render(scale=DPI / 72).to_pil().convert("L")
            text = " ".join(_ocr(image, "--psm", "6").upper().split())
            assert f"{city.upper()}, {state} {zip_code}" in text, text
    finally:
        document.close()
