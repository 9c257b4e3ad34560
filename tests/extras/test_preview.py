"""Proofs: PNGs of the first cards and a contact sheet, from the bytes that go to print."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from notecards import make_settings, plan_batch, render_batch
from notecards.cli.main import main
from notecards.config import Config
from notecards.extras.proofs import contact_sheet, render_page, write_proofs
from notecards.output.render import render_pdfs
from notecards.paths import sample_orders_path
from tests.conftest import TODAY
from tests.pdfcheck import decode_qr


def load(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def _settings(tmp_path: Path):
    return make_settings(
        Config(
            shop_name="Juniper & Pine", signer="Maya", ledger_path=str(tmp_path / "ledger.sqlite")
        )
    )


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("preview")
    return plan_batch([sample_orders_path()], _settings(tmp), today=TODAY)


@pytest.fixture(scope="module")
def proofs(plan, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("proofs")
    return write_proofs(plan, out, limit=2), out


def test_preview_writes_first_cards_envelopes_and_sheet(proofs):
    """Verify preview writes outside/inside proofs and envelopes of the first N cards only."""
    files, out = proofs
    assert sorted(p.name for p in out.iterdir()) == [
        "card-001-inside.png",
        "card-001-outside.png",
        "card-002-inside.png",
        "card-002-outside.png",
        "contact-sheet.png",
        "envelope-001.png",
        "envelope-002.png",
    ]
    assert files.contact_sheet == out / "contact-sheet.png"
    inside = load(out / "card-001-inside.png")
    assert inside.size == pytest.approx((8.75 * 150, 5.75 * 150), abs=1)  # page at 150 dpi


def test_preview_qr_decodes_from_the_proof(plan, proofs):
    """Verify the QR code of card 1 still decodes from the proof PNG (after handwriting jitter)."""
    _, out = proofs
    job = plan.jobs[0]
    assert job.qr_url
    assert decode_qr(load(out / "card-001-inside.png")) == [job.qr_url]


def test_preview_bytes_are_the_printed_bytes(plan, tmp_path):
    """Verify proofs come from the same PDF bytes a batch writes (no second drawing path)."""
    cards, envelopes = render_pdfs(plan)
    result = render_batch(plan, tmp_path / "out", record=False)
    assert (result.out_dir / "cards.pdf").read_bytes() == cards
    assert (result.out_dir / "envelopes.pdf").read_bytes() == envelopes
    assert not (tmp_path / "ledger.sqlite").exists()


def test_preview_proof_pixels_match_a_render_of_cards_pdf(plan, proofs, tmp_path):
    """Verify a proof is pixel-identical to rendering the printed cards.pdf page."""
    _, out = proofs
    result = render_batch(plan, tmp_path / "out", record=False)
    printed = render_page((result.out_dir / "cards.pdf").read_bytes(), 3)  # card 2 inside
    proof = load(out / "card-002-inside.png")
    assert ImageChops.difference(printed, proof).getbbox() is None


def test_contact_sheet_shows_every_card_within_budget(plan):
    """Verify the contact sheet has a cell for every card and stays under its pixel budget."""
    cards, _ = render_pdfs(plan)
    sheet = contact_sheet(cards, ["№ 1"], title="t")
    assert sheet.width == 2400
    assert sheet.width * sheet.height <= 36_000_000
    small = contact_sheet(cards, [], width_px=800)
    assert small.height > sheet.height * 800 / 2400  # narrower sheet: more rows


def test_cli_preview_writes_no_ledger(runner, tmp_path):
    """Verify `notecards preview` writes proofs and never creates or touches the ledger."""
    ledger = tmp_path / "ledger.sqlite"
    result = runner.invoke(
        main,
        [
            "preview",
            str(sample_orders_path()),
            "--date",
            TODAY.isoformat(),
            "--limit",
            "1",
            "--out",
            str(tmp_path / "p"),
            "--ledger",
            str(ledger),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert not ledger.exists()
    assert f"wrote {tmp_path / 'p' / 'contact-sheet.png'}" in result.output
    assert "Preview, nothing printed or recorded: 12 new cards" in result.output
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "card-001-inside.png",
        "card-001-outside.png",
        "contact-sheet.png",
        "envelope-001.png",
    ]


def test_cli_batch_proofs_writes_contact_sheet_next_to_pdfs(runner, tmp_path):
    """Verify `batch --proofs` puts proofs/contact-sheet.png beside the PDFs, run after run."""
    args = [
        "batch",
        str(sample_orders_path()),
        "--date",
        TODAY.isoformat(),
        "--out",
        str(tmp_path / "out"),
        "--ledger",
        str(tmp_path / "ledger.sqlite"),
        "--proofs",
        "--quiet",
    ]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sheet = tmp_path / "out" / "proofs" / "contact-sheet.png"
    assert load(sheet).width == 2400
    reprint = runner.invoke(main, [*args, "--reprint", "1001"], catch_exceptions=False)
    assert reprint.exit_code == 0, reprint.output
    assert sheet.exists()  # replaced by the reprint batch's sheet, not an error
    assert not list((tmp_path / "out").glob(".notecards-partial-*"))


PRINT_CASES = {
    "default": {},
    "cmyk": {"cmyk": True},
    "imposition": {"imposition": "letter"},
    "labels": {"labels": "avery-5160"},
    "split": {"split": 5},
}


@pytest.mark.parametrize("case", sorted(PRINT_CASES))
def test_preview_files_are_the_batch_files_for_every_print_option(case, tmp_path):
    """Verify preview's files are byte for byte the batch's, whatever the print options."""
    from notecards.output.render import render_files
    from notecards.planning.production import make_production

    config = Config(shop_name="Juniper & Pine", signer="Maya")
    settings = make_settings(
        config,
        ledger_path=tmp_path / "ledger.sqlite",
        production=make_production(config, preflight=False, **PRINT_CASES[case]),
    )
    plan = plan_batch([sample_orders_path()], settings, today=TODAY, limit=6)
    printed = render_files(plan)
    result = render_batch(plan, tmp_path / "out", record=False)
    pdfs = sorted(p.name for p in result.files if p.suffix == ".pdf")
    assert sorted(printed.files) == pdfs
    for name in pdfs:
        assert printed.files[name] == (result.out_dir / name).read_bytes(), name
    if case == "split":
        assert len(pdfs) == 4  # 6 cards in parts of 5: two cards files, two envelopes files


def test_preview_of_imposed_cards_shows_the_sheet(tmp_path):
    """Verify an imposed batch's proof is its letter sheet (what prints), not a lone card."""
    from notecards.planning.production import make_production

    config = Config(shop_name="Juniper & Pine", signer="Maya")
    settings = make_settings(
        config,
        ledger_path=tmp_path / "ledger.sqlite",
        production=make_production(config, imposition="letter", preflight=False),
    )
    plan = plan_batch([sample_orders_path()], settings, today=TODAY, limit=3)
    files = write_proofs(plan, tmp_path / "p", limit=1)
    outside = load(files.cards[0])
    assert sorted(outside.size) == pytest.approx([8.5 * 150, 11 * 150], abs=2)  # a letter sheet
    assert files.contact_sheet is not None and files.contact_sheet.exists()
