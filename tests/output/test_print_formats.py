"""Print-ready rules on real PDFs: every card format's boxes, the safe area, CMYK, postcards."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.layout.catalogue import CARD_FORMATS, card_format
from notecards.layout.panels import SAFE_PT, SLUG_PT
from notecards.planning.production import make_production
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_boxes

INCH = 72.0
RGB_OPERATOR = re.compile(rb"(?:^|\s)[-+.\d]+\s+[-+.\d]+\s+[-+.\d]+\s+(?:rg|RG)(?=\s|$)")

ORDERS = [
    make_order(order_id="2001", first_name="Ada", last_name="Whitfield"),
    make_order(
        order_id="2002",
        first_name="Marcus",
        last_name="Bell",
        address_line1="88 Harbor St",
        address_line2="Apt 3B",
        city="Portland",
        region="ME",
        postal_code="04101",
        personal_line="See you at the market on Saturday!",
    ),
    make_order(
        order_id="2003",
        first_name="Chloé",
        last_name="Lefèvre",
        address_line1="12 Rue des Lilas",
        city="Montréal",
        region="QC",
        postal_code="H2J 3K5",
        country="CA",
    ),
]


def render(
    tmp_path: Path,
    write_orders,
    *,
    bleed: str = "0.125in",
    crop_marks: bool = False,
    **options: object,
) -> tuple[object, object, Path]:
    config = Config(
        shop_name="Juniper & Pine",
        return_address=("12 Mill Street", "Portland, ME 04101"),
        signer="Maya",
        ledger_path=str(tmp_path / "ledger.sqlite"),
    )
    card = str(options.pop("card", "a2-folded"))
    envelope = options.pop("envelope", None)
    settings = make_settings(
        config,
        card=card,
        bleed=bleed,
        crop_marks=crop_marks,
        envelope=envelope,  # type: ignore[arg-type]
        production=make_production(config, **options),
    )  # type: ignore
    plan = plan_batch([write_orders(ORDERS)], settings, today=TODAY)
    result = render_batch(plan, tmp_path / "out")
    return plan, result, tmp_path / "out"


@pytest.mark.parametrize(
    "bleed, bleed_pt, crop_marks",
    [("0.125in", 9.0, False), ("3mm", 3 * 72 / 25.4, True), ("0", 0.0, False), ("0", 0.0, True)],
    ids=["eighth-inch", "3mm-crop-marks", "no-bleed", "no-bleed-crop-marks"],
)
@pytest.mark.parametrize("name", list(CARD_FORMATS))
def test_print_boxes_and_safe_area_for_every_format(
    tmp_path, write_orders, name, bleed, bleed_pt, crop_marks
):
    """Verify MediaBox ⊇ BleedBox ⊇ TrimBox are right for every format, and no glyph leaves safe."""
    plan, result, out = render(
        tmp_path, write_orders, card=name, bleed=bleed, crop_marks=crop_marks
    )
    card = card_format(name)
    assert result.findings == (), result.findings  # the batch's own preflight is clean
    margin = bleed_pt + (SLUG_PT if crop_marks else 0.0)
    boxes = page_boxes(out / "cards.pdf")
    assert len(boxes) == 2 * len(plan.jobs)
    for box in boxes:
        assert box["has_trim"] and box["has_bleed"]
        assert box["mediabox"] == pytest.approx(
            (0, 0, card.sheet_width_pt + 2 * margin, card.sheet_height_pt + 2 * margin), abs=0.01
        )
        assert box["trimbox"] == pytest.approx(
            (margin, margin, margin + card.sheet_width_pt, margin + card.sheet_height_pt), abs=0.01
        )
        assert box["bleedbox"] == pytest.approx(
            (
                margin - bleed_pt,
                margin - bleed_pt,
                margin + card.sheet_width_pt + bleed_pt,
                margin + card.sheet_height_pt + bleed_pt,
            ),
            abs=0.01,
        )
    with pdfplumber.open(str(out / "cards.pdf")) as pdf:
        for page in pdf.pages:
            height = float(page.height)
            for char in page.chars:
                if not char["text"].strip():
                    continue
                bottom = height - float(char["bottom"])
                top = height - float(char["top"])
                assert float(char["x0"]) >= margin + SAFE_PT - 0.05, char["text"]
                assert float(char["x1"]) <= margin + card.sheet_width_pt - SAFE_PT + 0.05
                assert bottom >= margin + SAFE_PT - 0.05, char["text"]
                assert top <= margin + card.sheet_height_pt - SAFE_PT + 0.05, char["text"]


def _streams(path: Path) -> list[bytes]:
    """Return every content stream of *path*: pages and, recursively, their form XObjects."""
    reader = PdfReader(BytesIO(path.read_bytes()))
    data: list[bytes] = []
    seen: set[int] = set()

    def forms(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        xobjects = resources.get("/XObject")
        if xobjects is None:
            return
        for ref in xobjects.get_object().values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":
                data.append(form.get_data())
                forms(form.get("/Resources"))

    for page in reader.pages:
        contents = page.get_contents()
        data.append(contents.get_data() if contents is not None else b"")
        forms(page.get("/Resources"))
    return data


@pytest.mark.parametrize(
    "options",
    [{}, {"imposition": "letter"}, {"labels": "avery-5160"}, {"card": "postcard-4x6"}],
    ids=["cards-envelopes", "imposed", "labels", "postcard"],
)
def test_print_cmyk_mode_leaves_no_rgb_operator(tmp_path, write_orders, options):
    """Verify --cmyk writes no rg/RG operator in any content stream or form of any output."""
    _, result, out = render(tmp_path, write_orders, cmyk=True, **options)
    pdfs = [p for p in result.files if p.suffix == ".pdf"]
    assert pdfs
    for path in pdfs:
        streams = _streams(path)
        assert any(b" k" in s or b" K" in s for s in streams), path.name
        for stream in streams:
            assert not RGB_OPERATOR.search(stream), path.name


def test_print_rgb_default_does_use_rgb(tmp_path, write_orders):
    """Verify the check above can fail: the default (RGB) files do contain rg operators."""
    _, _, out = render(tmp_path, write_orders)
    assert any(RGB_OPERATOR.search(s) for s in _streams(out / "cards.pdf"))


def test_print_postcard_address_side_within_usps_limits(tmp_path, write_orders):
    """Verify the postcard's address sits in the OCR read area and the clear zone stays empty."""
    plan, result, out = render(tmp_path, write_orders, card="postcard-4x6")
    assert not (out / "envelopes.pdf").exists()
    margin = 9.0
    width = 6 * INCH
    with pdfplumber.open(str(out / "cards.pdf")) as pdf:
        for index, job in enumerate(plan.jobs):
            page = pdf.pages[2 * index + 1]
            page_h = float(page.height)
            surname = job.order.display_name.split()[-1]
            address_chars = []
            for word in page.extract_words():
                x0, x1 = float(word["x0"]) - margin, float(word["x1"]) - margin
                bottom = page_h - float(word["bottom"]) - margin
                top = page_h - float(word["top"]) - margin
                # barcode clear zone: bottom 5/8 in across the rightmost 4 3/4 in
                assert not (x1 > width - 4.75 * INCH and bottom < 0.625 * INCH), word["text"]
                if x0 >= width / 2:
                    address_chars.append((x0, x1, bottom, top, word["text"]))
            texts = " ".join(w[4] for w in address_chars)
            assert surname.upper() in texts.upper()
            for x0, x1, bottom, top, text in address_chars:
                if text.upper() in ("PLACE", "STAMP", "HERE"):
                    continue
                assert 0.5 * INCH <= x0 and x1 <= width - 0.5 * INCH, text
                assert 0.625 * INCH <= bottom and top <= 2.75 * INCH, text


def test_print_nonmachinable_envelope_is_warned(tmp_path, write_orders):
    """Verify a C5 envelope for a US shop is flagged as a flat (large envelope) in the plan."""
    config = Config(ledger_path=str(tmp_path / "ledger.sqlite"))
    settings = make_settings(config, card="iso-a5-folded")
    plan = plan_batch([write_orders(ORDERS)], settings, today=TODAY)
    assert any("larger than a letter" in p.message for p in plan.problems)
    settings = make_settings(config, card="a2-folded")
    plan = plan_batch([write_orders(ORDERS)], settings, today=TODAY)
    assert not any(p.source == "envelope" for p in plan.problems)
