"""One row never stops the day: a poisoned order at each stage costs that order only.

One real-sized file (a few hundred orders) carries one poisoned order per stage in its
middle: loading, occasion, message, layout, envelope. The batch must write every other
card, reject exactly those rows with a located reason, exit 0 and say how many it rejected.
Drawing is tested on its own file (a fault no planning check foresaw).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notecards import make_settings, plan_batch
from notecards.cli.main import main
from notecards.config import Config
from notecards.errors import TemplateError
from notecards.loading import guarded
from notecards.output.isolation import render_isolated
from notecards.paths import default_templates_dir
from tests.conftest import CANONICAL, TODAY, make_order
from tests.pdfcheck import page_texts

ROWS = 240
#: order id → (stage, what the reject's reason must say)
POISON = {
    "5100": ("loading", "could not be read"),
    "5130": ("occasion", "unknown occasion"),
    "5160": ("message", "gift_from"),
    "5190": ("layout", "does not fit"),
    "5220": ("envelope", "U+13000"),
}


def _rows() -> list[dict[str, str]]:
    rows = []
    for n in range(ROWS):
        order_id = str(5000 + n)
        row = make_order(
            order_id=order_id,
            email=f"buyer{n}@example.org",
            first_name=("Ada", "Ben", "Chloe", "Dev")[n % 4],
            gift_from="Maya Lin",
        )
        rows.append(row)
    by_id = {row["order_id"]: row for row in rows}
    by_id["5130"]["occasion"] = "graduaton"  # a typo'd occasion
    by_id["5160"]["gift_from"] = ""  # the template splits it: nothing to split on this row
    by_id["5190"]["personal_line"] = "So many heartfelt words for you. " * 120
    by_id["5220"]["city"] = "Burlington \U00013000"  # a character no font has
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = [*CANONICAL, "gift_from"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _templates(folder: Path) -> Path:
    """The bundled templates, the thank-you wording using a column of each row."""
    shutil.copytree(default_templates_dir(), folder)
    for variant in (folder / "thank-you" / "messages").glob("*.j2"):
        text = variant.read_text(encoding="utf-8")
        variant.write_text(
            text.rstrip() + "\n\nA gift from {{ gift_from.split()[0] }}.\n", encoding="utf-8"
        )
    return folder


def _fail_for(order_id: str):
    real = guarded.build_order

    def build(group, options):
        if group.get("order_id") == order_id:
            raise KeyError("a value no rule expected")
        return real(group, options)

    return build


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("day")
    path = _write(tmp / "orders.csv", _rows())
    templates = _templates(tmp / "templates")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(guarded, "build_order", _fail_for("5100"))
        result = CliRunner().invoke(
            main,
            [
                "batch",
                str(path),
                "--out",
                str(tmp / "out"),
                "--ledger",
                str(tmp / "l.sqlite"),
                "--templates",
                str(templates),
                "--date",
                TODAY.isoformat(),
                "--quiet",
            ],
        )
    return tmp, path, result


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_batch_completes_and_says_how_many_were_rejected(day):
    """Verify exit 0, every other order carded, and the summary's count of rejects."""
    _, _, result = day
    assert result.exit_code == 0, result.output
    assert f"{ROWS - len(POISON)} new cards" in result.stdout
    assert f"{len(POISON)} rejected" in result.stdout


@pytest.mark.parametrize("order_id", sorted(POISON))
def test_each_poisoned_row_is_rejected_with_its_place_and_reason(day, order_id):
    """Verify each stage's poison: its row in rejects.csv, located, with what to do."""
    tmp, path, result = day
    stage, words = POISON[order_id]
    rejects = {r["order_id"]: r for r in _csv(tmp / "out" / "rejects.csv")}
    assert set(rejects) == set(POISON)
    reject = rejects[order_id]
    row = int(order_id) - 5000 + 2  # the header is row 1
    assert reject["row"] == str(row) and reject["source"] == str(path)
    assert words in reject["reason"], (stage, reject["reason"])
    assert " — " in reject["reason"] or stage in ("occasion", "layout"), reject["reason"]
    # and the CLI said so on stderr, located as file:row N: what
    assert f"{path}:row {row}:" in result.stderr


def test_no_card_is_lost_around_the_poison(day):
    """Verify the manifest lists every other order, in order, and the PDF has their cards."""
    tmp, _, _ = day
    manifest = _csv(tmp / "out" / "manifest.csv")
    expected = [str(5000 + n) for n in range(ROWS) if str(5000 + n) not in POISON]
    assert [m["order_id"] for m in manifest] == expected
    texts = page_texts(tmp / "out" / "cards.pdf")
    assert len(texts) == 2 * len(expected)
    assert "A gift from Maya." in texts[2 * 120 + 1]  # the template's row value, drawn


def test_a_broken_template_file_stops_before_anything_is_drawn(tmp_path, write_orders):
    """Verify a template syntax error is a whole-batch stop: located, no traceback, no file."""
    templates = _templates(tmp_path / "templates")
    (templates / "thank-you" / "messages" / "02-personal.j2").write_text(
        "Dear {{ first_name }},\n{% if %}\n", encoding="utf-8"
    )
    path = write_orders([make_order()])
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(path),
            "--out",
            str(tmp_path / "out"),
            "--ledger",
            str(tmp_path / "l.sqlite"),
            "--templates",
            str(templates),
        ],
    )
    assert result.exit_code == 1
    assert "02-personal.j2:line 2:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "cards.pdf").exists()
    settings = make_settings(
        Config(ledger_path=str(tmp_path / "l.sqlite")), templates_dir=templates
    )
    with pytest.raises(TemplateError):
        plan_batch([path], settings, today=TODAY)


def test_a_card_that_fails_while_drawing_costs_that_card_only(tmp_path, write_orders, monkeypatch):
    """Verify a drawing fault no check foresaw: that card rejected, the others written."""
    rows = [make_order(order_id=str(7000 + n), email=f"b{n}@example.org") for n in range(60)]
    path = write_orders(rows)
    settings = make_settings(Config(ledger_path=str(tmp_path / "l.sqlite")))
    plan = plan_batch([path], settings, today=TODAY)
    from notecards.drawing import cards as drawing_cards

    real = drawing_cards._draw_inside

    def draw_inside(canvas, geometry, content, **kw):
        if content.label.endswith("· 7030"):
            raise ValueError("a fault in drawing")
        return real(canvas, geometry, content, **kw)

    monkeypatch.setattr(drawing_cards, "_draw_inside", draw_inside)
    result, written = render_isolated(plan, tmp_path / "out")
    assert result.cards == 59 and len(written.jobs) == 59
    rejects = _csv(tmp_path / "out" / "rejects.csv")
    assert [r["order_id"] for r in rejects] == ["7030"]
    assert rejects[0]["row"] == "32" and "could not be drawn" in rejects[0]["reason"]
    orders = [m["order_id"] for m in _csv(tmp_path / "out" / "manifest.csv")]
    assert "7030" not in orders and len(orders) == 59
