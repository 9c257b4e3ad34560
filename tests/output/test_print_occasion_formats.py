"""Card formats per occasion (issue 4): occasion.toml / [occasions.*] card_format, precedence,
one set of files per format, manifest pointing at the right file and page, job ticket."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch, render_batch, render_pdfs
from notecards.cli.main import main
from notecards.config import Config
from notecards.errors import ConfigError
from notecards.layout.catalogue import card_format, envelope_format
from notecards.paths import default_templates_dir
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_boxes, page_texts

# Orders alternate thank-you (every order) and graduation (explicit) cards.
ORDERS = [("Ada", ""), ("Ben", "graduation"), ("Cleo", ""), ("Dev", "graduation"), ("Eve", "")]


def _orders(write_orders) -> Path:
    return write_orders(
        [
            make_order(
                order_id=str(5001 + i),
                first_name=name,
                last_name=f"Quill{chr(65 + i)}",
                occasion=occasion,
                email=f"{name.lower()}@example.com",
            )
            for i, (name, occasion) in enumerate(ORDERS)
        ]
    )


def _templates(tmp_path: Path, graduation_extra: str = "") -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), folder)
    spec = folder / "graduation" / "occasion.toml"
    text = spec.read_text(encoding="utf-8")
    head, _, tail = text.partition("[front]")
    spec.write_text(head + graduation_extra + "\n[front]" + tail, encoding="utf-8")
    return folder


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _run(
    tmp_path,
    write_orders,
    *,
    extra: str = 'card_format = "a7-folded"\n',
    occasions: dict | None = None,
    **choices: str,
):
    config = Config(
        shop_name="Juniper & Pine",
        ledger_path=str(tmp_path / "ledger.sqlite"),
        templates_dir=str(_templates(tmp_path, extra)),
        occasions=occasions or {},
    )
    settings = make_settings(config, **choices)  # type: ignore[arg-type]
    plan = plan_batch([_orders(write_orders)], settings, today=TODAY)
    return plan, render_batch(plan, tmp_path / "out"), tmp_path / "out"


def test_occasion_card_format_writes_one_set_of_files_per_format(tmp_path, write_orders):
    """Verify graduation cards go to cards-a7-folded.pdf (A7 boxes, A7 envelopes) and the
    manifest points every card at its own file and page, envelopes in card order."""
    plan, result, out = _run(tmp_path, write_orders)
    names = sorted(p.name for p in result.files if p.suffix == ".pdf")
    assert names == [
        "cards-a2-folded.pdf",
        "cards-a7-folded.pdf",
        "envelopes-a2.pdf",
        "envelopes-a7.pdf",
    ]
    a7, a2 = card_format("a7-folded"), card_format("a2-folded")
    for name, card in (("cards-a7-folded.pdf", a7), ("cards-a2-folded.pdf", a2)):
        for boxes in page_boxes(out / name):
            left, bottom, right, top = boxes["trimbox"]
            assert (round(right - left, 1), round(top - bottom, 1)) == (
                round(card.sheet_width_pt, 1),
                round(card.sheet_height_pt, 1),
            )
    env = page_boxes(out / "envelopes-a7.pdf")[0]["mediabox"]
    assert round(env[2] - env[0], 1) == round(envelope_format("a7").width_pt, 1)
    rows = _manifest(out)
    assert [r["order_id"] for r in rows] == [str(5001 + i) for i in range(len(ORDERS))]
    for row, (name, occasion) in zip(rows, ORDERS, strict=True):
        expected = "a7-folded" if occasion else "a2-folded"
        assert row["cards_file"] == f"cards-{expected}.pdf"
        assert row["envelopes_file"] == f"envelopes-{expected[:2]}.pdf"
        inside = page_texts(out / row["cards_file"])[int(row["cards_pdf_pages"].split("-")[1]) - 1]
        assert name in inside
        envelope = page_texts(out / row["envelopes_file"])[int(row["envelope_page"]) - 1]
        assert f"Quill{chr(65 + ORDERS.index((name, occasion)))}".upper() in envelope.upper()
    # Envelopes in each file are in the order of that file's cards.
    assert [r["envelope_page"] for r in rows] == ["1", "1", "2", "2", "3"]
    # The layout used the job's own (A7) geometry: the message panel is an A7 panel.
    grad = next(job for job in plan.jobs if job.occasion.slug == "graduation")
    assert grad.card == a7 and grad.content is not None
    assert grad.content.message.lines[0].x_pt > a7.width_pt  # right half of the A7 spread
    ticket = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert [f["card"]["format"] for f in ticket["formats"]] == ["a2-folded", "a7-folded"]
    assert [f["quantity"]["cards"] for f in ticket["formats"]] == [3, 2]
    assert ticket["quantity"]["cards"] == 5 and ticket["card"] is None
    text = (out / "job.txt").read_text(encoding="utf-8")
    assert "FORMAT 2 of 2" in text and "A7 folded card" in text
    assert result.findings == ()


def test_single_format_batch_keeps_plain_names(tmp_path, write_orders):
    """Verify a batch whose occasions choose nothing keeps cards.pdf and envelopes.pdf."""
    plan, result, out = _run(tmp_path, write_orders, extra="")
    assert {p.name for p in result.files if p.suffix == ".pdf"} == {"cards.pdf", "envelopes.pdf"}
    ticket = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert ticket["card"]["format"] == "a2-folded" and len(ticket["formats"]) == 1


def test_command_line_card_format_wins_for_every_card(tmp_path, write_orders):
    """Verify --card-format overrides an occasion's own card_format."""
    plan, result, out = _run(tmp_path, write_orders, card="a6-flat")
    assert {p.name for p in result.files if p.suffix == ".pdf"} == {"cards.pdf", "envelopes.pdf"}
    assert all(job.card is None for job in plan.jobs)
    trim = page_boxes(out / "cards.pdf")[0]["trimbox"]
    assert round(trim[2] - trim[0], 1) == round(card_format("a6-flat").width_pt, 1)


def test_occasion_format_from_config_and_its_own_envelope(tmp_path, write_orders):
    """Verify [occasions.graduation] card_format/envelope in notecards.toml apply."""
    plan, result, out = _run(
        tmp_path,
        write_orders,
        extra="",
        occasions={"graduation": {"card_format": "a6-flat", "envelope": "a9"}},
    )
    names = {p.name for p in result.files if p.suffix == ".pdf"}
    assert names == {
        "cards-a2-folded.pdf",
        "cards-a6-flat.pdf",
        "envelopes-a2.pdf",
        "envelopes-a9.pdf",
    }
    env = page_boxes(out / "envelopes-a9.pdf")[0]["mediabox"]
    assert round(env[2] - env[0], 1) == round(envelope_format("a9").width_pt, 1)


def test_unknown_occasion_card_format_is_a_config_error(tmp_path, write_orders):
    """Verify a misspelt card_format names the occasion file and the known formats."""
    with pytest.raises(ConfigError) as info:
        _run(tmp_path, write_orders, extra='card_format = "a7-folden"\n')
    assert "graduation/occasion.toml: card_format:" in str(info.value)
    assert "a7-folded" in str(info.value)
    # Set in notecards.toml instead: the error names that file's table.
    with pytest.raises(ConfigError) as info:
        _run(
            tmp_path / "again",
            write_orders,
            extra="",
            occasions={"graduation": {"card_format": "a7-folden"}},
        )
    assert str(info.value).startswith("notecards.toml [occasions.graduation]: card_format:")


def test_mixed_format_proof_pdfs_keep_card_order(tmp_path, write_orders):
    """Verify render_pdfs (proofs) puts each card's own-format pages back in card order."""
    config = Config(
        ledger_path=str(tmp_path / "ledger.sqlite"),
        templates_dir=str(_templates(tmp_path, 'card_format = "a7-folded"\n')),
    )
    plan = plan_batch([_orders(write_orders)], make_settings(config), today=TODAY)
    cards_pdf, envelopes_pdf = render_pdfs(plan)
    path = tmp_path / "proof.pdf"
    path.write_bytes(cards_pdf)
    texts = page_texts(path)
    assert len(texts) == 2 * len(ORDERS)
    for index, (name, _) in enumerate(ORDERS):
        assert name in texts[2 * index + 1]


def test_cli_batch_with_occasion_format(tmp_path, write_orders, runner):
    """Verify `notecards batch` writes per-format files from notecards.toml's occasions."""
    templates = _templates(tmp_path, 'card_format = "a7-folded"\n')
    (tmp_path / "notecards.toml").write_text(
        f'[templates]\ndir = "{templates}"\n[ledger]\npath = "ledger.sqlite"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        [
            "batch",
            str(_orders(write_orders)),
            "--out",
            str(out),
            "--config",
            str(tmp_path / "notecards.toml"),
            "--date",
            TODAY.isoformat(),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "cards-a7-folded.pdf").is_file() and (out / "envelopes-a2.pdf").is_file()


def test_plotter_files_follow_each_cards_own_format(tmp_path, write_orders):
    """Verify a plotter SVG is the size of its own card's message panel (A7 vs A2)."""
    import xml.etree.ElementTree as ET

    from notecards.extras.plotter import write_plotter_svgs

    plan, _, _ = _run(tmp_path, write_orders)
    write_plotter_svgs(plan, tmp_path)
    widths = {}
    for job in plan.jobs:
        root = ET.parse(tmp_path / "plotter" / f"card-{job.card_number:04d}.svg").getroot()
        widths[job.occasion.slug] = root.get("width")
    a7, a2 = card_format("a7-folded"), card_format("a2-folded")
    assert widths["graduation"] == f"{a7.width_pt / 72 * 25.4:.2f}mm"
    assert widths["thank-you"] == f"{a2.width_pt / 72 * 25.4:.2f}mm"
