"""The hand-off bundle: split files, labels in card order, job ticket, calibration, CLI."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import pdfplumber
import pytest

from notecards import make_settings, plan_batch, render_batch
from notecards.cli.main import main
from notecards.config import Config, load_config
from notecards.errors import ConfigError
from notecards.layout.labels import LABEL_SHEETS
from notecards.planning.production import make_production, read_calibration
from notecards.settings import Calibration
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_boxes, page_texts, words

NAMES = ["Ada", "Marcus", "Priya", "Helen", "Daniel", "Rosa", "Jonas"]
INCH = 72.0


def _orders(write_orders) -> Path:
    return write_orders(
        [
            make_order(
                order_id=str(4001 + i),
                first_name=name,
                last_name=f"Zed{chr(65 + i)}",
                email=f"{name.lower()}@example.com",
            )
            for i, name in enumerate(NAMES)
        ]
    )


def _batch(tmp_path: Path, write_orders, **options: object):
    config = Config(
        shop_name="Juniper & Pine", signer="Maya", ledger_path=str(tmp_path / "ledger.sqlite")
    )
    card = str(options.pop("card", "a2-folded"))
    settings = make_settings(config, card=card, production=make_production(config, **options))  # type: ignore
    plan = plan_batch([_orders(write_orders)], settings, today=TODAY)
    return plan, render_batch(plan, tmp_path / "out"), tmp_path / "out"


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_print_split_files_and_manifest_point_to_the_right_page(tmp_path, write_orders):
    """Verify --split 3 writes 3 parts of ≤ 3 cards and the manifest finds each card in them."""
    plan, result, out = _batch(tmp_path, write_orders, split=3)
    names = sorted(p.name for p in result.files if p.suffix == ".pdf")
    assert names == [
        "cards-001.pdf",
        "cards-002.pdf",
        "cards-003.pdf",
        "envelopes-001.pdf",
        "envelopes-002.pdf",
        "envelopes-003.pdf",
    ]
    assert [len(page_boxes(out / f"cards-00{i}.pdf")) for i in (1, 2, 3)] == [6, 6, 2]
    rows = _manifest(out)
    assert len(rows) == len(NAMES)
    for row, job in zip(rows, plan.jobs, strict=True):
        first, last = (int(p) for p in row["cards_pdf_pages"].split("-"))
        inside = page_texts(out / row["cards_file"])[last - 1]
        assert job.order.first_name in inside
        envelope = page_texts(out / row["envelopes_file"])[int(row["envelope_page"]) - 1]
        assert job.order.display_name.split()[-1].upper() in envelope.upper()
    assert result.card_pages == 2 * len(NAMES)


@pytest.mark.parametrize("sheet_name", ["avery-5160", "avery-l7160"])
def test_print_label_order_equals_card_order(tmp_path, write_orders, sheet_name):
    """Verify labels.pdf replaces envelopes and its labels read in card order, inside each box."""
    plan, result, out = _batch(tmp_path, write_orders, labels=sheet_name)
    assert not (out / "envelopes.pdf").exists()
    sheet = LABEL_SHEETS[sheet_name]
    boxes = sheet.boxes()
    page_height = sheet.paper_height_pt
    found = []
    for word in words(out / "labels.pdf", 0):
        if word["text"].startswith("Zed"):
            x, y = float(word["x0"]), page_height - float(word["bottom"])
            slot = next(
                i
                for i, b in enumerate(boxes)
                if b.x_pt <= x <= b.right_pt and b.y_pt <= y <= b.top_pt
            )
            assert float(word["x1"]) <= boxes[slot].right_pt
            found.append((slot, word["text"]))
    assert [text for _, text in sorted(found)] == [
        j.order.display_name.split()[-1] for j in plan.jobs
    ]
    assert [slot for slot, _ in sorted(found)] == list(range(len(plan.jobs)))
    rows = _manifest(out)
    assert rows[4]["envelopes_file"] == "labels.pdf"
    assert rows[4]["print_position"] == "label 5 on label sheet 1"


def test_print_job_ticket_reads_back(tmp_path, write_orders):
    """Verify job.json says what was printed: format, trim, quantities, duplex, bleed, files."""
    plan, result, out = _batch(tmp_path, write_orders, imposition="letter", cmyk=True)
    ticket = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert ticket["batch_id"] == plan.batch_id
    assert ticket["card"]["format"] == "a2-folded"
    assert ticket["card"]["trim_size"]["width_in"] == 8.5
    assert ticket["card"]["finished_size"]["height_in"] == 5.5
    assert ticket["quantity"] == {"cards": 7, "envelopes": 7, "labels": 0}
    assert ticket["print"]["duplex"] is True and ticket["print"]["flip"] == "long-edge"
    assert ticket["print"]["colour"].startswith("CMYK")
    assert ticket["print"]["imposition"].startswith("2-up on letter")
    assert ticket["print"]["bleed_in"] == 0  # butt-cut: 2-up A2 leaves no room for bleed
    assert {f["file"]: f["pages"] for f in ticket["files"]} == {"cards.pdf": 8, "envelopes.pdf": 7}
    assert ticket["preflight"] == "passed"
    text = (out / "job.txt").read_text(encoding="utf-8")
    assert "Duplex:        yes, flip on the long edge" in text
    assert "Stock:" in text


def test_print_default_ticket_flip_for_single_cards(tmp_path, write_orders):
    """Verify a landscape folded spread flips on the short edge; the files are the plain set."""
    _, result, out = _batch(tmp_path, write_orders)
    ticket = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert ticket["print"]["flip"] == "short-edge"
    assert sorted(p.name for p in result.files) == [
        "cards.pdf",
        "envelopes.pdf",
        "job.json",
        "job.txt",
        "manifest.csv",
        "rejects.csv",  # always written, a header alone when empty
        "skipped.csv",
    ]


def test_print_calibration_moves_the_sheet(tmp_path, write_orders):
    """Verify a calibration profile shifts front and back content by their own offsets."""
    profile = tmp_path / "calibration.toml"
    profile.write_text(
        textwrap.dedent("""\
        name = "Office laser"
        offset_x = "2mm"
        offset_y = "-1mm"
        back_offset_x = "-3mm"
        scale = 1.0
        """),
        encoding="utf-8",
    )
    calibration = read_calibration(profile)
    assert calibration.offset_x_pt == pytest.approx(2 * 72 / 25.4)
    assert calibration.offset_y_pt == pytest.approx(-72 / 25.4)
    assert calibration.back_offset_x_pt == pytest.approx(-3 * 72 / 25.4)
    _, _, plain = _batch(tmp_path / "a", write_orders, imposition="letter")
    _, _, moved = _batch(
        tmp_path / "b", write_orders, imposition="letter", calibration_path=profile
    )

    def first(path: Path, page: int, text: str) -> tuple[float, float]:
        word = next(w for w in words(path, page) if w["text"].strip(",") == text)
        return float(word["x0"]), float(word["top"])

    for page, dx, dy in ((0, 2, -1), (1, -3, 0)):
        text = "JUNIPER" if page == 0 else "Ada"
        (x0, y0), (x1, y1) = (
            first(plain / "cards.pdf", page, text),
            first(moved / "cards.pdf", page, text),
        )
        assert x1 - x0 == pytest.approx(dx * 72 / 25.4, abs=0.05)
        assert y0 - y1 == pytest.approx(dy * 72 / 25.4, abs=0.05)  # top is measured downward
    ticket = json.loads((moved / "job.json").read_text(encoding="utf-8"))
    assert ticket["print"]["calibration"] == "Office laser"


def test_print_calibration_file_errors(tmp_path):
    """Verify a calibration value without a unit is refused with the key named."""
    profile = tmp_path / "bad.toml"
    profile.write_text("offset_x = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match='offset_x needs a unit, e.g. "2mm"'):
        read_calibration(profile)
    assert Calibration().is_identity


def test_print_config_keys(tmp_path):
    """Verify the [cards] and [printer] keys reach the Production settings."""
    (tmp_path / "cal.toml").write_text('offset_y = "1mm"\n', encoding="utf-8")
    path = tmp_path / "notecards.toml"
    path.write_text(
        textwrap.dedent("""\
        [cards]
        cmyk = true
        imposition = "a4"
        duplex_flip = "short-edge"
        split = 500
        labels = "avery-l7160"
        envelope_font = "hand"
        [printer]
        calibration = "cal.toml"
        """),
        encoding="utf-8",
    )
    production = make_production(load_config(path))
    assert production.cmyk and production.split == 500 and production.flip == "short-edge"
    assert production.imposition is not None and production.imposition.name == "a4"
    assert production.labels is LABEL_SHEETS["avery-l7160"]
    assert production.envelope_hand
    assert production.calibration is not None
    assert production.calibration.offset_y_pt == pytest.approx(72 / 25.4)
    with pytest.raises(ConfigError, match='"a5" is not a paper for imposition'):
        make_production(Config(), imposition="a5")


def test_envelope_hand_reaches_production_and_the_command_line_wins():
    """Verify which hand addresses the envelopes: ``[cards] envelope_hand`` (default neat),
    ``--envelope-hand`` over it (meaning written by hand even when the file says sans), and
    none when the addresses are printed."""
    mine = Config(hand_styles={"mine": {"base": "casual"}}, envelope_hand="mine")
    assert make_production(Config()).envelope_hand == "neat"
    assert make_production(mine).envelope_hand == "mine"
    assert make_production(mine, envelope_hand="loose").envelope_hand == "loose"
    assert make_production(mine, envelope_font="sans").envelope_hand == ""
    printed = Config(hand_styles={"mine": {"base": "casual"}}, envelope_font="sans")
    assert make_production(printed).envelope_hand == ""
    assert make_production(printed, envelope_hand="mine").envelope_hand == "mine"
    with pytest.raises(ConfigError, match='^--envelope-hand = "min" is not known — did you mean'):
        make_production(mine, envelope_hand="min")
    with pytest.raises(ConfigError, match="--envelope-font sans prints them"):
        make_production(mine, envelope_hand="mine", envelope_font="sans")


def test_cli_preflight_exit_codes(tmp_path, write_orders, runner):
    """Verify `notecards preflight` passes a batch's own file and fails it as another format."""
    _, _, out = _batch(tmp_path, write_orders)
    ok = runner.invoke(main, ["preflight", str(out / "cards.pdf")], catch_exceptions=False)
    assert ok.exit_code == 0, ok.output
    assert ok.output.endswith("0 error(s), 0 warning(s) against A2 folded card, 4.25 × 5.5 in\n")
    bad = runner.invoke(main, ["preflight", str(out / "cards.pdf"), "--card-format", "a7-folded"])
    assert bad.exit_code == 1
    assert "error: page 1: The TrimBox is 612.0 × 396.0 pt" in bad.output
    env = runner.invoke(main, ["preflight", str(out / "envelopes.pdf"), "--envelope", "a2"])
    assert env.exit_code == 0, env.output


def test_cli_batch_print_options_and_calibration_sheet(tmp_path, write_orders, runner):
    """Verify batch accepts the print options and `calibration` writes a two-page sheet."""
    result = runner.invoke(
        main,
        [
            "batch",
            str(_orders(write_orders)),
            "--out",
            str(tmp_path / "out"),
            "--date",
            TODAY.isoformat(),
            "--ledger",
            str(tmp_path / "l.sqlite"),
            "--card-format",
            "postcard-4x6",
            "--imposition",
            "letter",
            "--duplex",
            "short-edge",
            "--crop-marks",
            "--cmyk",
            "--split",
            "4",
            "--quiet",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "cards-001.pdf",
        "cards-002.pdf",
    ]
    sheet = tmp_path / "calibration.pdf"
    made = runner.invoke(
        main, ["calibration", "--paper", "a4", "--out", str(sheet)], catch_exceptions=False
    )
    assert made.exit_code == 0
    assert len(page_boxes(sheet)) == 2
    with pdfplumber.open(str(sheet)) as pdf:
        assert "offset_x" in pdf.pages[0].extract_text()
        assert float(pdf.pages[0].width) == pytest.approx(595.28, abs=0.1)
