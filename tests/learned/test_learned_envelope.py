"""Envelopes addressed in the shop's own hand: ``[cards] envelope_hand`` = a learned hand.

The shop's hand "maya" was learned from a photographed Breip sheet (tests/learned/conftest.py).
With ``envelope_hand = "maya"`` the rendered envelopes must write the address in that hand,
keep the ZIP's figures and the capital I in the careful face (Delius), stay inside the USPS
read area, keep their text, and be read back by tesseract; an occasion's own hand leaves the
envelope alone, and ``envelope_font = "sans"`` still prints.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from notecards import make_settings, plan_batch, render_files
from notecards.cli.main import main
from notecards.config import Config, load_config
from notecards.layout.catalogue import envelope_format
from notecards.layout.envelope import read_area
from notecards.learned.learn import LearnReport
from notecards.output import parallel
from notecards.output.parallel import DrawPool, write_envelopes
from notecards.planning.batch import BatchPlan
from notecards.planning.compose import layout_envelope_for
from notecards.tables import OccasionEntry
from tests.conftest import CANONICAL, TODAY

DPI = 300
#: US addresses whose lines use capital I ("ID", "WI", "MI") and ZIPs with leading zeros.
ADDRESSES = (
    ("Ada Whitfield", "14 Orchard Lane", "Burlington", "VT", "05401"),
    ("Daniel Brooks", "310 Pine Avenue", "Boise", "ID", "83702"),
    ("Rosa Martinelli", "9 Elm Street", "Hartford", "CT", "06103"),
    ("Eli Sandoval", "64 Campus Drive", "Madison", "WI", "53706"),
    ("Tom Okafor", "601 Mill Road", "Ann Arbor", "MI", "48104"),
)


def _write_orders(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL, extrasaction="ignore")
        writer.writeheader()
        for n, (name, street, city, state, zip_code) in enumerate(ADDRESSES):
            first, last = name.split(" ", 1)
            writer.writerow(
                {
                    "order_id": str(5100 + n),
                    "order_date": "2026-11-20",
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}@example.com",
                    "address_line1": street,
                    "city": city,
                    "region": state,
                    "postal_code": zip_code,
                    "country": "US",
                    "items": "Candle",
                }
            )
    return path


@pytest.fixture(scope="module")
def maya_config(shop: tuple[Path, LearnReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The learned shop's notecards.toml with ``envelope_hand = "maya"``, beside the original
    (so its hand's font resolves the same), on a ledger of its own."""
    folder, _ = shop
    ledger = tmp_path_factory.mktemp("maya-envelopes") / "ledger.sqlite"
    text = (folder / "notecards.toml").read_text(encoding="utf-8")
    text = text.replace("[cards]\n", '[cards]\nenvelope_hand = "maya"\n', 1)
    text = text.replace('path = "notecards-ledger.sqlite"', f'path = "{ledger.as_posix()}"')
    path = folder / "envelope-maya.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _plan(config: Config, orders: Path) -> BatchPlan:
    plan = plan_batch([orders], make_settings(config), today=TODAY)
    assert len(plan.jobs) == len(ADDRESSES)
    return plan


@pytest.fixture(scope="module")
def maya_plan(maya_config: Path, tmp_path_factory: pytest.TempPathFactory) -> BatchPlan:
    orders = _write_orders(tmp_path_factory.mktemp("orders") / "orders.csv")
    config = load_config(maya_config)
    assert config.envelope_hand == "maya" and config.hand == "maya"
    return _plan(config, orders)


@pytest.fixture(scope="module")
def envelopes(maya_plan: BatchPlan) -> bytes:
    return render_files(maya_plan).files["envelopes.pdf"]


def _base_fonts(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(BytesIO(pdf))
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def _ocr(image_path: Path) -> str:
    tesseract = shutil.which("tesseract")
    assert tesseract, "install tesseract: apt-get install tesseract-ocr (.ci/run)"
    result = subprocess.run(
        [tesseract, str(image_path), "stdout", "--psm", "6"],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8", "replace")


def test_the_address_is_written_in_the_learned_hand_with_careful_figures(envelopes: bytes):
    """Verify every letter of the address is drawn in the learned font, every figure and
    capital I in Delius, and the text still extracts, street by street and ZIP by ZIP."""
    fonts = _base_fonts(envelopes)
    assert any("maya" in name for name in fonts), fonts
    assert any("Delius" in name for name in fonts), fonts
    assert not any("Kalam" in name for name in fonts), fonts  # not the default neat hand
    with pdfplumber.open(BytesIO(envelopes)) as pdf:
        assert len(pdf.pages) == len(ADDRESSES)
        for page, (name, street, city, state, zip_code) in zip(pdf.pages, ADDRESSES, strict=True):
            chars = [c for c in page.chars if c["size"] > 9 and c["text"].isalnum()]
            written = "".join(c["text"] for c in chars)
            assert zip_code in written and name.split()[0] in written, written
            for char in chars:
                careful = char["text"].isdigit() or char["text"] == "I"
                expected = "Delius" if careful else "maya"
                assert expected in char["fontname"], (char["text"], char["fontname"])
            words = page.extract_text().split()
            assert all(word in words for word in street.split()), (street, words)
            assert f"{city.upper()}, {state} {zip_code}" in " ".join(words), words


def test_the_learned_hand_stays_in_the_read_area_at_a_legible_size(
    maya_plan: BatchPlan, envelopes: bytes
):
    """Verify every written glyph lies in the USPS read area, set at the hand-addressed
    sizes (11-15 pt) with the envelope's steady pen."""
    area = read_area(envelope_format("a2"))
    layouts = [layout_envelope_for(job, maya_plan.settings) for job in maya_plan.jobs]
    hand = layouts[0].hand
    assert hand is not None and "maya" in hand.font_name
    # The envelope's steady pen, on top of the learned hand's own amounts.
    assert (hand.line_slope_deg, hand.rotation_deg, hand.slope_rise) == (0.3, 0.4, 0.03)
    with pdfplumber.open(BytesIO(envelopes)) as pdf:
        for page, layout in zip(pdf.pages, layouts, strict=True):
            assert 11.0 <= layout.recipient_size_pt <= 15.0
            height = float(page.height)
            address = [c for c in page.chars if c["size"] > 9]
            assert address
            for char in address:
                assert char["size"] > 0.9 * layout.recipient_size_pt, char
                assert area.x_pt <= char["x0"] and char["x1"] <= area.right_pt, char
                assert area.y_pt <= height - char["bottom"], char
                assert height - char["top"] <= area.top_pt, char


def test_tesseract_reads_the_zip_of_every_envelope(envelopes: bytes, tmp_path: Path):
    """Verify OCR of each whole rendered envelope (300 dpi) reads its ZIP code."""
    document = pdfium.PdfDocument(envelopes)
    try:
        for number, (*_, zip_code) in enumerate(ADDRESSES):
            image = document[number].render(scale=DPI / 72).to_pil().convert("L")
            image.save(tmp_path / f"envelope-{number}.png")
            read = _ocr(tmp_path / f"envelope-{number}.png")
            assert zip_code in re.findall(r"\d{5}", read), (zip_code, read)
    finally:
        document.close()


def test_a_worker_process_draws_the_learned_envelopes_byte_for_byte(
    maya_plan: BatchPlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Verify the spawned envelope worker registers the learned hand as planning did: the
    same bytes as drawing here."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CARDS", 1)
    (tmp_path / "worker").mkdir()
    (tmp_path / "here").mkdir()
    settings, jobs = maya_plan.settings, maya_plan.jobs
    with DrawPool(2) as pool:
        wait = pool.start(tmp_path / "worker" / "e.pdf", settings, jobs, "t", None)
        assert pool._executor is not None  # drawn in another process
        assert wait() == (len(ADDRESSES), None)
    write_envelopes(tmp_path / "here" / "e.pdf", settings, jobs, "t")
    drawn = (tmp_path / "worker" / "e.pdf").read_bytes()
    assert drawn == (tmp_path / "here" / "e.pdf").read_bytes()
    assert any("maya" in name for name in _base_fonts(drawn))


def test_neither_the_cards_hand_nor_an_occasions_hand_changes_the_envelope(
    maya_config: Path, tmp_path: Path
):
    """Verify the envelope's hand is ``envelope_hand`` alone: the default (neat) in a shop
    whose cards are written in "maya", and "maya" when an occasion writes in "loose"."""
    orders = _write_orders(tmp_path / "orders.csv")
    shop_config = replace(load_config(maya_config), ledger_path=str(tmp_path / "l.sqlite"))
    default = replace(shop_config, envelope_hand="neat")
    cards, mail = (
        render_files(_plan(default, orders)).files[n] for n in ("cards.pdf", "envelopes.pdf")
    )
    assert any("maya" in name for name in _base_fonts(cards))
    assert any("Kalam" in name for name in _base_fonts(mail))
    assert not any("maya" in name for name in _base_fonts(mail))
    loose = OccasionEntry(where="test [occasions.thank-you]", hand="loose")
    occasion_hand = replace(shop_config, hand="", occasions={"thank-you": loose})
    files = render_files(_plan(occasion_hand, orders)).files
    assert any("IndieFlower" in name for name in _base_fonts(files["cards.pdf"]))
    mail_fonts = _base_fonts(files["envelopes.pdf"])
    assert any("maya" in name for name in mail_fonts), mail_fonts
    assert not any("IndieFlower" in name for name in mail_fonts), mail_fonts


def test_sans_still_prints_whatever_the_envelope_hand(maya_config: Path, tmp_path: Path):
    orders = _write_orders(tmp_path / "orders.csv")
    config = replace(
        load_config(maya_config), envelope_font="sans", ledger_path=str(tmp_path / "l.sqlite")
    )
    mail = render_files(_plan(config, orders)).files["envelopes.pdf"]
    with pdfplumber.open(BytesIO(mail)) as pdf:
        address = [c for page in pdf.pages for c in page.chars if c["text"].isalnum()]
        assert address and all("NotoSans" in c["fontname"] for c in address)


def test_cli_envelope_hand_writes_the_batch_envelopes_in_the_learned_hand(
    shop: tuple[Path, LearnReport], tmp_path: Path
):
    """Verify ``batch --envelope-hand maya`` in a shop whose notecards.toml keeps the default
    envelope hand, a located error for a misspelt one, and the option on preview and review."""
    folder, _ = shop
    orders = _write_orders(tmp_path / "orders.csv")
    runner = CliRunner()
    args = ["--config", str(folder / "notecards.toml"), "--ledger", str(tmp_path / "l.sqlite")]
    result = runner.invoke(
        main,
        ["batch", str(orders), *args, "--out", str(tmp_path / "out"), "--date", "2026-11-22"]
        + ["--envelope-hand", "maya", "--quiet"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    fonts = _base_fonts((tmp_path / "out" / "envelopes.pdf").read_bytes())
    assert any("maya" in name for name in fonts) and not any("Kalam" in n for n in fonts), fonts
    bad = runner.invoke(
        main,
        ["preview", str(orders), *args, "--out", str(tmp_path / "p"), "--envelope-hand", "mya"],
    )
    assert bad.exit_code == 1
    assert '--envelope-hand = "mya" is not known — did you mean "maya"?' in bad.output
    for command in ("preview", "review"):
        assert "--envelope-hand" in runner.invoke(main, [command, "--help"]).output
