"""Imposition: n-up geometry, insides behind their own outsides for both flips, on real PDFs."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from notecards import make_settings, plan_batch, render_batch
from notecards.choices import Flip
from notecards.config import Config
from notecards.errors import ConfigError
from notecards.layout.catalogue import CARD_FORMATS, PAPER_SIZES, CardFormat, Fold, card_format
from notecards.layout.geometry import Box
from notecards.layout.imposition import apply, card_at, layout_sheet, position_of
from notecards.layout.panels import card_geometry
from notecards.planning.production import make_production
from notecards.settings import Mailing
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_boxes, render

NAMES = ["Ada", "Marcus", "Priya", "Helen", "Daniel", "Rosa", "Jonas"]


def _mirror(width: float, height: float, flip: str):
    """Where the point (x, y) of a sheet's front is seen on its back (independent of the code)."""
    portrait = height >= width
    if (flip == "long-edge") == portrait:
        return lambda x, y: (width - x, y)
    return lambda x, y: (x, height - y)


@pytest.mark.parametrize("flip", ["long-edge", "short-edge"])
@pytest.mark.parametrize(
    "card_name, paper, per_sheet",
    [
        ("a2-folded", "letter", 2),
        ("postcard-4x6", "letter", 2),
        ("iso-a6-flat", "a4", 4),
        ("iso-a6-folded", "a4", 2),
        ("a2-flat", "letter", 4),
        ("a7-folded", "sra3", 2),
        ("a2-folded", "sra3", 4),
        ("postcard-4x6", "tabloid", 4),
    ],
)
def test_print_back_lands_behind_front(card_name, paper, per_sheet, flip):
    """Verify every point of card k's inside is printed behind the same point of its outside."""
    card = card_format(card_name)
    trim = card_geometry(card, 9.0).page.trim
    layout = layout_sheet(PAPER_SIZES[paper], trim, 9.0, crop_marks=True, flip=flip)
    assert layout.per_sheet == per_sheet
    mirror = _mirror(layout.width_pt, layout.height_pt, flip)
    # Turning a card over about its vertical axis: front point (x, y) is back point (x', y).
    for slot in range(layout.per_sheet):
        for x, y in (
            (trim.x_pt, trim.y_pt),
            (trim.right_pt, trim.y_pt),
            (trim.x_pt + 17, trim.top_pt - 5),
            (trim.right_pt, trim.top_pt),
        ):
            x_back = 2 * trim.x_pt + trim.width_pt - x
            on_front = apply(layout.fronts[slot], x, y)
            on_back = apply(layout.backs[slot], x_back, y)
            assert mirror(*on_back) == pytest.approx(on_front, abs=1e-6)
        front = layout.front_trim(slot)
        sheet = Box(0, 0, layout.width_pt, layout.height_pt)
        assert sheet.contains(front.inset(-layout.bleed_pt))
    trims = [layout.front_trim(s) for s in range(layout.per_sheet)]
    for i, a in enumerate(trims):  # no two cards overlap
        for b in trims[i + 1 :]:
            assert (
                a.right_pt <= b.x_pt + 1e-6
                or b.right_pt <= a.x_pt + 1e-6
                or a.top_pt <= b.y_pt + 1e-6
                or b.top_pt <= a.y_pt + 1e-6
            )


def test_print_layout_fits_every_format_on_every_paper():
    """Verify each format fits every paper but one: an A5 spread (A4) cannot go on Letter."""
    for card in CARD_FORMATS.values():
        trim = card_geometry(card, 9.0).page.trim
        for paper in PAPER_SIZES.values():
            if (card.name, paper.name) == ("iso-a5-folded", "letter"):
                with pytest.raises(ConfigError, match="does not fit on letter paper"):
                    layout_sheet(paper, trim, 9.0, crop_marks=False)
                continue
            assert layout_sheet(paper, trim, 9.0, crop_marks=False).per_sheet >= 1


def test_print_cut_and_stack_order():
    """Verify cut-and-stack numbering: slot piles stacked in order give cards 1, 2, 3 …"""
    sheets, slots = 3, 4
    stacked = [card_at(sheet, slot, sheets) for slot in range(slots) for sheet in range(sheets)]
    assert stacked == list(range(sheets * slots))
    assert all(
        position_of(card_at(s, j, sheets), sheets) == (s, j)
        for s in range(sheets)
        for j in range(slots)
    )


def _batch(tmp_path: Path, write_orders, **options: object):
    config = Config(
        shop_name="Juniper & Pine", signer="Maya", ledger_path=str(tmp_path / "ledger.sqlite")
    )
    card = str(options.pop("card", "a2-folded"))
    settings = make_settings(
        config, card=card, crop_marks=True, production=make_production(config, **options)
    )  # type: ignore
    orders = [
        make_order(
            order_id=str(3001 + i),
            first_name=name,
            last_name="Testperson",
            email=f"{name.lower()}@example.com",
        )
        for i, name in enumerate(NAMES)
    ]
    plan = plan_batch([write_orders(orders)], settings, today=TODAY)
    result = render_batch(plan, tmp_path / "out")
    return plan, result, tmp_path / "out"


def _word_centres(page, text: str) -> list[tuple[float, float]]:
    """Return the centres of *text* on *page*, upright or upside down (a short-edge back)."""
    height = float(page.height)
    words = page.extract_words() + page.extract_words(char_dir="rtl", line_dir="btt")
    return [
        ((float(w["x0"]) + float(w["x1"])) / 2, height - (float(w["top"]) + float(w["bottom"])) / 2)
        for w in words
        if w["text"].strip(",.!") == text
    ]


@pytest.mark.parametrize("flip", ["long-edge", "short-edge"])
@pytest.mark.parametrize(
    "card, paper", [("a2-folded", "letter"), ("postcard-4x6", "letter"), ("iso-a6-folded", "a4")]
)
def test_print_imposed_pdf_puts_inside_behind_outside(tmp_path, write_orders, card, paper, flip):
    """Verify, on the written sheets, each card's greeting is behind the slot of its outside."""
    plan, result, out = _batch(tmp_path, write_orders, card=card, imposition=paper, flip=flip)
    assert result.findings == (), result.findings
    geometry = card_geometry(card_format(card), 9.0)
    layout = layout_sheet(PAPER_SIZES[paper], geometry.page.trim, 9.0, crop_marks=True, flip=flip)
    sheets = -(-len(plan.jobs) // layout.per_sheet)
    boxes = page_boxes(out / "cards.pdf")
    assert len(boxes) == 2 * sheets
    assert all(b["has_trim"] and b["has_bleed"] for b in boxes)
    mirror = _mirror(layout.width_pt, layout.height_pt, flip)
    with pdfplumber.open(str(out / "cards.pdf")) as pdf:
        for index, job in enumerate(plan.jobs):
            sheet, slot = position_of(index, sheets)
            back = pdf.pages[2 * sheet + 1]
            greeting = _word_centres(back, job.order.first_name)
            assert len(greeting) >= 1, job.order.first_name
            front_trim = layout.front_trim(slot)
            for x, y in greeting:
                assert front_trim.contains(Box(*mirror(x, y), 0, 0)), (job.order.first_name, slot)


@pytest.mark.parametrize("flip", ["long-edge", "short-edge"])
@pytest.mark.parametrize(
    "card, paper", [("a2-folded", "letter"), ("a2-folded", "tabloid"), ("iso-a6-flat", "a4")]
)
def test_print_qr_decodes_after_imposition(tmp_path, write_orders, card, paper, flip):
    """Verify each QR code on an imposed back decodes to its own card's URL, behind its slot.

    Cards turned 90° on the sheet (tabloid, A4) are covered too: the decoded position is used.
    """
    import zxingcpp

    plan, result, out = _batch(tmp_path, write_orders, card=card, imposition=paper, flip=flip)
    geometry = card_geometry(card_format(card), 9.0)
    layout = layout_sheet(PAPER_SIZES[paper], geometry.page.trim, 9.0, crop_marks=True, flip=flip)
    sheets = len(page_boxes(out / "cards.pdf")) // 2
    mirror = _mirror(layout.width_pt, layout.height_pt, flip)
    scale = 3.0
    found: dict[str, tuple[float, float]] = {}
    for sheet in range(sheets):
        image = render(out / "cards.pdf", 2 * sheet + 1, scale=scale)
        for code in zxingcpp.read_barcodes(image):
            corners = [
                code.position.top_left,
                code.position.top_right,
                code.position.bottom_left,
                code.position.bottom_right,
            ]
            x = sum(c.x for c in corners) / 4 / scale
            y = layout.height_pt - sum(c.y for c in corners) / 4 / scale
            found[code.text] = (sheet, *mirror(x, y))
    assert set(found) == {job.qr_url for job in plan.jobs}
    for index, job in enumerate(plan.jobs):
        sheet, slot = position_of(index, sheets)
        qr_sheet, x, y = found[job.qr_url]
        assert qr_sheet == sheet
        assert layout.front_trim(slot).contains(Box(x, y, 0, 0)), (job.qr_url, slot)


def test_print_manifest_points_to_sheet_and_slot(tmp_path, write_orders):
    """Verify the manifest gives each card's sheet pages and slot, in cut-and-stack order."""
    import csv

    plan, result, out = _batch(tmp_path, write_orders, imposition="letter")
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sheets = -(-len(plan.jobs) // 2)
    for index, row in enumerate(rows):
        sheet, slot = position_of(index, sheets)
        assert row["cards_pdf_pages"] == f"{2 * sheet + 1}-{2 * sheet + 2}"
        assert row["print_position"].startswith(f"sheet {sheet + 1} slot {slot + 1} ")


def test_a_sheet_layout_takes_flip_and_fold_as_members_or_words():
    trim = Box(9, 9, 306, 396)
    by_word = layout_sheet(PAPER_SIZES["letter"], trim, 9.0, crop_marks=True, flip="short-edge")
    by_member = layout_sheet(
        PAPER_SIZES["letter"], trim, 9.0, crop_marks=True, flip=Flip.SHORT_EDGE, fold=Fold.SIDE
    )
    assert by_word == by_member and by_word.flip is Flip.SHORT_EDGE
    assert str(by_word.flip) == "short-edge"  # as the job ticket writes it
    assert CardFormat("x", "X", 100, 100, True, None, fold="top").fold is Fold.TOP
    assert make_production(Config(labels="avery-5160")).mailing is Mailing.LABELS
    assert str(make_production(Config()).mailing) == "envelopes"  # the file's name
