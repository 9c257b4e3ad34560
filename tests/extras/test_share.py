"""The share image: a card's inside, 1080 × 1080, with every glyph of personal data absent."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from notecards import make_settings, plan_batch, render_batch
from notecards.cli.main import main
from notecards.config import Config
from notecards.errors import InputError
from notecards.extras.proofs import render_page
from notecards.extras.share import (
    PANEL_DPI,
    find_card,
    personal_terms,
    redact_page,
    share_image,
)
from tests.conftest import TODAY, make_order
from tests.pdfcheck import decode_qr

PERSONAL = "Ada, this one is for your Burlington reading nook, Ada Whitfield."


@pytest.fixture(scope="module", params=["a2-folded", "a6-flat"])
def batch(request, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("share")
    orders = tmp / "orders.csv"
    rows = [
        make_order(personal_line=PERSONAL),
        make_order(
            order_id="1002",
            first_name="Marcus",
            last_name="Bell",
            email="marcus@example.com",
            city="Portland",
            postal_code="04101",
        ),
    ]
    orders.write_text(
        "\n".join([",".join(rows[0]), *(",".join(f'"{v}"' for v in row.values()) for row in rows)])
        + "\n",
        encoding="utf-8",
    )
    settings = make_settings(
        Config(shop_name="Juniper & Pine", signer="Maya", ledger_path=str(tmp / "ledger.sqlite")),
        card=request.param,
    )
    plan = plan_batch([orders], settings, today=TODAY)
    assert len(plan.jobs) == 2, plan.rejects
    render_batch(plan, tmp / "out", record=False)
    return tmp / "out"


def ink_pixels(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Count dark (ink) pixels in *box* (pixels, top-down) of *image*."""
    region = image.crop(tuple(round(v) for v in box)).convert("L")
    return sum(region.point(lambda v: 255 if v < 140 else 0).histogram()[255:])


def occurrences(pdf_path: Path, page: int, word: str) -> list[tuple[float, ...]]:
    """Return the pixel box (at PANEL_DPI) of every character of every *word* on the page.

    Found with pdfplumber, independently of the code under test; each box is shrunk to its
    core so that ink of neighbouring letters does not count.
    """
    with pdfplumber.open(str(pdf_path)) as pdf:
        chars = pdf.pages[page].chars
    text = "".join(c["text"] for c in chars)
    scale = PANEL_DPI / 72
    boxes = []
    for match in re.finditer(re.escape(word), text):  # lines join without a space
        for c in chars[match.start() : match.end()]:
            w, h = c["x1"] - c["x0"], c["bottom"] - c["top"]
            boxes.append(
                (
                    (c["x0"] + 0.25 * w) * scale,
                    (c["top"] + 0.3 * h) * scale,
                    (c["x1"] - 0.25 * w) * scale,
                    (c["bottom"] - 0.3 * h) * scale,
                )
            )
    return boxes


def test_share_image_is_a_square_post(batch):
    """Verify the share image is 1080 × 1080 RGB."""
    image = share_image(batch, "1001")
    assert image.size == (1080, 1080)
    assert image.mode == "RGB"


def test_share_draws_no_glyph_of_the_recipients_data(batch):
    """Verify no glyph of the name or the city is drawn (OCR-free: the glyph boxes hold no ink).

    The first name occurs three times (greeting and personal line), the last name and the
    city once; each is found with pdfplumber and must hold ink before and none after.
    """
    row = find_card(batch, "1001")
    pdf = (batch / "cards.pdf").read_bytes()
    redaction = redact_page(pdf, 1, personal_terms(row))
    original = render_page(pdf, 1, dpi=PANEL_DPI)
    for word, count in (("Ada", 3), ("Whitfield", 1), ("Burlington", 1)):
        boxes = occurrences(batch / "cards.pdf", 1, word)
        assert len(boxes) == count * len(word), word
        assert sum(ink_pixels(original, box) for box in boxes) > 0, word
        for box in boxes:
            assert ink_pixels(redaction.image, box) == 0, (word, box)
    words = Counter(word for run in redaction.hidden for word in run.split())
    assert words == {"Ada": 3, "Whitfield": 1, "Burlington": 1}


def test_share_keeps_the_rest_of_the_message(batch):
    """Verify words that are not personal stay written."""
    row = find_card(batch, "1001")
    pdf = (batch / "cards.pdf").read_bytes()
    redaction = redact_page(pdf, 1, personal_terms(row))
    boxes = occurrences(batch / "cards.pdf", 1, "reading")
    assert boxes
    assert sum(ink_pixels(redaction.image, box) for box in boxes) > 0


def test_share_hides_the_qr_code(batch, tmp_path):
    """Verify the QR code (its link carries the order id) cannot be scanned from the post."""
    pdf = (batch / "cards.pdf").read_bytes()
    page = 1 if decode_qr(render_page(pdf, 1)) else 0
    assert decode_qr(render_page(pdf, page))  # the printed card has one
    assert decode_qr(share_image(batch, "1001")) == []


def test_share_finds_a_card_by_order_id_or_number(batch):
    """Verify CARD may be the order id or the card number (with or without №)."""
    assert find_card(batch, "1002")["recipient"] == "Marcus Bell"
    assert find_card(batch, "2")["order_id"] == "1002"
    assert find_card(batch, "№ 1")["order_id"] == "1001"


def test_personal_terms_cover_name_parts_email_city_postcode_order():
    """Verify each name part and every personal column becomes a term, longest first."""
    row = {
        "recipient": "Anne-Marie de Vries",
        "email": "am@example.com",
        "city": "Delft",
        "postal_code": "2611 AB",
        "order_id": "A-7",
    }
    terms = personal_terms(row)
    assert set(terms) == {
        "Anne-Marie de Vries",
        "Anne",
        "Marie",
        "de",
        "Vries",
        "am@example.com",
        "Delft",
        "2611 AB",
        "A-7",
    }
    assert terms[0] == "Anne-Marie de Vries"


def test_share_unknown_card_is_an_input_error(batch, tmp_path):
    """Verify an unknown card and a folder without a manifest raise InputError with a hint."""
    with pytest.raises(InputError) as err:
        find_card(batch, "9999")
    assert str(err.value) == (
        f"{batch / 'manifest.csv'}: no card with order id or card number "
        '"9999". See manifest.csv for the cards of this batch.'
    )
    with pytest.raises(InputError, match="no manifest here"):
        find_card(tmp_path, "1")


def test_cli_share_writes_the_png(runner, batch, tmp_path):
    """Verify `notecards share BATCH_DIR ORDER_ID --out FILE.png` writes the image."""
    out = tmp_path / "post.png"
    result = runner.invoke(
        main, ["share", str(batch), "1001", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}\n"
    with Image.open(out) as image:
        assert image.size == (1080, 1080)
    missing = runner.invoke(main, ["share", str(batch), "77", "--out", str(out)])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: ") and '"77"' in missing.output


def test_share_from_an_imposed_sheet_hides_every_card_on_it(tmp_path):
    """Verify a 2-up sheet: both people's data is absent and the post shows only this card."""
    from notecards.planning.production import make_production

    orders = tmp_path / "orders.csv"
    rows = [
        make_order(),
        make_order(
            order_id="1002",
            first_name="Marcus",
            last_name="Bell",
            email="marcus@example.com",
            city="Portland",
            postal_code="04101",
        ),
    ]
    orders.write_text(
        "\n".join([",".join(rows[0]), *(",".join(f'"{v}"' for v in row.values()) for row in rows)])
        + "\n",
        encoding="utf-8",
    )
    config = Config(
        shop_name="Juniper & Pine", signer="Maya", ledger_path=str(tmp_path / "ledger.sqlite")
    )
    settings = make_settings(config, production=make_production(config, imposition="letter"))
    render_batch(plan_batch([orders], settings, today=TODAY), tmp_path / "out", record=False)
    out = tmp_path / "out"
    first, second = find_card(out, "1001"), find_card(out, "1002")
    assert first["cards_pdf_pages"] == second["cards_pdf_pages"]  # one sheet, two cards
    pdf = (out / "cards.pdf").read_bytes()
    inside = int(first["cards_pdf_pages"].split("-")[-1]) - 1
    redaction = redact_page(pdf, inside, personal_terms(first), others=[personal_terms(second)])
    original = render_page(pdf, inside, dpi=PANEL_DPI)
    for word in ("Ada", "Marcus"):  # each greeting; the rest of their data is not written
        boxes = occurrences(out / "cards.pdf", inside, word)
        assert boxes and sum(ink_pixels(original, box) for box in boxes) > 0, word
        assert all(ink_pixels(redaction.image, box) == 0 for box in boxes), word
    # The panel is Ada's card alone: Marcus's greeting lies outside it.
    scale = PANEL_DPI / 72
    height = redaction.page_height_pt
    marcus = occurrences(out / "cards.pdf", inside, "Marcus")[0]
    mx, my = marcus[0] / scale, height - marcus[1] / scale
    panel = redaction.panel
    assert not (panel.x_pt <= mx <= panel.right_pt and panel.y_pt <= my <= panel.top_pt)
    assert decode_qr(share_image(out, "1001")) == []
