"""End-to-end: the bundled sample orders through plan_batch and render_batch, outputs opened."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.layout.envelope import clear_zone, read_area
from notecards.output.render import BatchResult
from notecards.paths import sample_orders_path
from tests.conftest import TODAY
from tests.pdfcheck import chars, decode_qr, fonts_in, page_boxes, page_texts, render

INCH = 72.0


def demo_settings(tmp_path: Path):
    config = Config(
        shop_name="Juniper & Pine",
        return_address=("12 Mill Street", "Portland, ME 04101"),
        signer="Maya",
        ledger_path=str(tmp_path / "ledger.sqlite"),
    )
    return make_settings(config)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, BatchResult, Path]:
    tmp = tmp_path_factory.mktemp("batch")
    settings = demo_settings(tmp)
    plan = plan_batch([sample_orders_path()], settings, today=TODAY)
    result = render_batch(plan, tmp / "out")
    return plan, result, tmp / "out"


def read_manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_batch_counts_add_up(batch):
    """Verify every row read ends in exactly one place: card, skipped or rejected."""
    plan, result, out = batch
    assert plan.rows_read == 14
    assert plan.rows_carded + plan.rows_skipped + len(plan.rejects) == plan.rows_read
    assert result.cards == len(plan.jobs) == 12
    assert plan.summary() == (
        "12 new cards, 0 already issued — 14 rows read: 12 carded, 1 skipped, 1 rejected"
    )


def test_batch_page_counts_and_boxes(batch):
    """Verify two pages per folded A2 card, one envelope per card, and correct page boxes."""
    plan, result, out = batch
    boxes = page_boxes(out / "cards.pdf")
    assert len(boxes) == 2 * len(plan.jobs) == result.card_pages
    for box in boxes:
        assert box["has_trim"] and box["has_bleed"]
        assert box["mediabox"] == pytest.approx((0, 0, 8.75 * INCH, 5.75 * INCH))
        assert box["trimbox"] == pytest.approx((9, 9, 9 + 8.5 * INCH, 9 + 5.5 * INCH))
        assert box["bleedbox"] == pytest.approx(box["mediabox"])
    envelopes = page_boxes(out / "envelopes.pdf")
    assert len(envelopes) == len(plan.jobs)
    assert envelopes[0]["mediabox"] == pytest.approx((0, 0, 5.75 * INCH, 4.375 * INCH))
    assert envelopes[0]["trimbox"] == pytest.approx(envelopes[0]["mediabox"])


def test_batch_embeds_every_font(batch):
    """Verify every font referenced anywhere is embedded, and no standard Helvetica appears."""
    _, _, out = batch
    for name in ("cards.pdf", "envelopes.pdf"):
        fonts = fonts_in(out / name)
        assert fonts, name
        assert all(fonts.values()), fonts
        assert not any("Helvetica" in font for font in fonts)
        assert b"/Helvetica" not in (out / name).read_bytes()


def test_batch_text_is_searchable_per_card(batch):
    """Verify each card's pages contain its recipient's greeting name and its order id."""
    plan, _, out = batch
    texts = page_texts(out / "cards.pdf")
    for job in plan.jobs:
        outside, inside = texts[2 * job.card_number - 2], texts[2 * job.card_number - 1]
        assert job.order.first_name in inside
        if job.order.order_id:
            assert job.order.order_id in outside
    assert "Núñez" not in texts[0]  # the greeting uses the first name only
    assert any("José" in text for text in texts)


def test_batch_glyphs_stay_in_safe_area(batch):
    """Verify every glyph on every card page lies 1/8 in inside the trim."""
    plan, _, out = batch
    safe_left, safe_bottom = 9 + 9, 9 + 9
    safe_right, safe_top = 9 + 8.5 * INCH - 9, 9 + 5.5 * INCH - 9
    page_height = 5.75 * INCH
    fold = 9 + 4.25 * INCH
    for page in range(2 * len(plan.jobs)):
        for char in chars(out / "cards.pdf", page):
            if not char["text"].strip():
                continue
            bottom = page_height - char["bottom"]
            top = page_height - char["top"]
            assert safe_left <= char["x0"] and char["x1"] <= safe_right, char
            assert safe_bottom <= bottom and top <= safe_top, char
            # Nothing straddles the fold.
            assert char["x1"] <= fold - 9 or char["x0"] >= fold + 9, char


def test_batch_qr_decodes_to_order_url(batch):
    """Verify the thank-you card's QR code, rendered to pixels, decodes to its order's URL."""
    plan, _, out = batch
    job = plan.jobs[0]
    assert job.occasion.slug == "thank-you"
    image = render(out / "cards.pdf", page=1, scale=3)
    assert decode_qr(image) == [f"https://example.com/review?order={job.order.order_id}"]


def test_batch_manifest_reads_back(batch):
    """Verify the manifest lists cards in print order with their pages and envelope pages."""
    plan, _, out = batch
    rows = read_manifest(out)
    assert [int(r["card_number"]) for r in rows] == list(range(1, len(plan.jobs) + 1))
    envelope_texts = page_texts(out / "envelopes.pdf")
    for row, job in zip(rows, plan.jobs, strict=True):
        assert row["order_id"] == job.order.order_id
        assert row["recipient"] == job.order.display_name
        first = 2 * int(row["card_number"]) - 1
        assert row["cards_pdf_pages"] == f"{first}-{first + 1}"
        envelope = envelope_texts[int(row["envelope_page"]) - 1]
        assert job.order.display_name.upper() in envelope.upper()  # CA prints names in capitals
    assert rows[0]["occasion"] == "thank-you"
    assert {r["occasion"] for r in rows} == {"thank-you", "birthday", "just-because", "graduation"}


def test_batch_envelope_address_in_read_area(batch):
    """Verify the recipient block sits in the USPS read area and the clear zone stays empty."""
    plan, _, out = batch
    envelope = plan.settings.envelope
    area = read_area(envelope)
    zone = clear_zone(envelope)
    height = envelope.height_pt
    for page in range(len(plan.jobs)):
        for char in chars(out / "envelopes.pdf", page):
            bottom = height - char["bottom"]
            in_zone = char["x1"] > zone.x_pt and bottom < zone.top_pt
            assert not in_zone, char
            if char["size"] > 10:  # the recipient block (return address is 8 pt)
                assert area.x_pt <= char["x0"] and char["x1"] <= area.right_pt
                assert area.y_pt <= bottom and height - char["top"] <= area.top_pt
            elif char["size"] > 6:  # return address: upper left
                assert char["x1"] < envelope.width_pt / 2
                assert bottom > height * 2 / 3


def test_batch_envelopes_in_card_order(batch):
    """Verify envelope page k is addressed to the recipient of card k."""
    plan, _, out = batch
    texts = page_texts(out / "envelopes.pdf")
    for job in plan.jobs:
        assert job.order.address.line1.upper() in texts[job.card_number - 1].upper()


def test_batch_repeat_customer_never_gets_same_wording_twice_in_a_row(batch):
    """Verify a customer with three orders gets a different variant each time."""
    plan, _, _ = batch
    ada = [job for job in plan.jobs if job.order.first_name == "Ada"]
    assert len(ada) == 3
    variants = [job.template for job in ada]
    assert all(a != b for a, b in zip(variants, variants[1:], strict=False))
    # Her history reaches the wording: only the later cards speak of a repeat order.
    repeat_phrases = ("second", "third", "number 2", "number 3", "back again", "again")
    assert not any(p in ada[0].message.text for p in repeat_phrases)
    assert all(any(p in job.message.text for p in repeat_phrases) for job in ada[1:])


def test_batch_personal_line_is_its_own_paragraph(batch):
    """Verify the personal line is written as its own paragraph of the message."""
    plan, _, _ = batch
    job = plan.jobs[0]
    assert job.order.personal_line
    assert job.message.paragraphs[-1].text == job.order.personal_line
    assert job.message.paragraphs[-1].role == "personal"


def test_batch_outputs_are_deterministic(batch, tmp_path):
    """Verify rendering the same plan again gives byte-identical PDFs."""
    plan, _, out = batch
    again = render_batch(plan, tmp_path / "again", record=False)
    assert again.batch_id == plan.batch_id
    for name in ("cards.pdf", "envelopes.pdf"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()
