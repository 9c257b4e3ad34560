"""The batch's self-preflight in worker processes: every page is still checked (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

import notecards.drawing.cards as drawing_cards
import notecards.preflight.spec as preflight
from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.layout.catalogue import card_format, envelope_format
from notecards.planning.production import make_production
from notecards.preflight.spec import (
    PreflightQueue,
    PreflightSpec,
    check_document,
    check_every_page,
    preflight_pdf,
    spec_for_card,
    spec_for_envelope,
)
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_texts

CARDS = 240  # 480 card pages: several worker slices of 64 pages, the plant in a late one
PLANTED_CARD = 231


@pytest.fixture
def small_slices(monkeypatch):
    """Send even a few hundred pages to the workers, in slices of 64 pages."""
    monkeypatch.setattr(preflight, "BACKGROUND_MIN_PAGES", 50)
    monkeypatch.setattr(preflight, "PAGES_PER_TASK", 64)


def _plant_glyph_on_card(monkeypatch, number: int) -> None:
    """Make card *number*'s inside carry a word 2 pt inside the trim (past the safe line)."""
    original = drawing_cards._draw_inside

    def draw_inside(canvas, geometry, content, **options):
        original(canvas, geometry, content, **options)
        if content.card_number == number:
            trim = geometry.page.trim
            canvas.setFont("NotoSans", 9)
            canvas.drawString(trim.x_pt + 2, trim.y_pt + 100, "Planted")

    monkeypatch.setattr(drawing_cards, "_draw_inside", draw_inside)


def _batch(tmp_path: Path, write_orders, count: int, **options: object):
    orders = write_orders(
        [
            make_order(order_id=str(7000 + i), first_name=f"Ann{i}", email=f"ann{i}@example.com")
            for i in range(count)
        ]
    )
    config = Config(shop_name="Juniper & Pine", ledger_path=str(tmp_path / "ledger.sqlite"))
    settings = make_settings(config, production=make_production(config, **options))  # type: ignore
    plan = plan_batch([orders], settings, today=TODAY, keep_layouts=False)
    return plan, render_batch(plan, tmp_path / "out", record=False), tmp_path / "out"


def test_batch_preflight_in_workers_finds_a_glyph_on_a_late_page(
    tmp_path, write_orders, monkeypatch, small_slices
):
    """Verify a glyph over the safe line on card 231 of 240 is found, on its page, by workers."""
    _plant_glyph_on_card(monkeypatch, PLANTED_CARD)
    plan, result, out = _batch(tmp_path, write_orders, CARDS)
    page = 2 * PLANTED_CARD  # the inside of the card
    assert "Planted" in page_texts(out / "cards.pdf")[page - 1]  # the real file has it there
    assert result.findings == (
        f'cards.pdf: error: page {page}: Text "Planted" is 6.1 pt outside the safe area '
        "(9.0 pt inside the trim). Move it inward.",
    )
    # The same findings as checking the file in this process, page by page.
    spec = spec_for_card(card_format("a2-folded"), 9.0)
    assert [f"cards.pdf: {f}" for f in preflight_pdf(out / "cards.pdf", spec)] == list(
        result.findings
    )


def test_batch_preflight_in_workers_reports_each_split_part(
    tmp_path, write_orders, monkeypatch, small_slices
):
    """Verify split parts are checked as they are written and findings name their part."""
    _plant_glyph_on_card(monkeypatch, 95)
    plan, result, out = _batch(tmp_path, write_orders, 120, split=40)
    assert result.findings == (
        'cards-003.pdf: error: page 30: Text "Planted" is 6.1 pt outside the safe area '
        "(9.0 pt inside the trim). Move it inward.",
    )
    assert "Planted" in page_texts(out / "cards-003.pdf")[29]


def _helvetica_pages(path: Path, pages: int, rgb_from: int) -> Path:
    """Write pages with unembedded Helvetica everywhere and RGB from page *rgb_from* on."""
    canvas = Canvas(str(path), pagesize=(5 * inch, 4 * inch), invariant=1)
    canvas.beginForm("logo")
    canvas.setFillColorRGB(1, 0, 0)
    canvas.rect(0, 0, 10, 10, fill=1)
    canvas.endForm()
    for number in range(1, pages + 1):
        canvas.setTrimBox((18, 18, 342, 270))
        canvas.setBleedBox((9, 9, 351, 279))
        canvas.setFont("Helvetica", 12)
        canvas.setFillColorCMYK(0, 0, 0, 1)
        canvas.drawString(60, 100, f"page {number}")
        if number >= rgb_from:
            canvas.saveState()
            canvas.translate(100, 150)
            canvas.doForm("logo")
            canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return path


def test_preflight_queue_gives_the_same_findings_as_preflight_pdf(tmp_path, monkeypatch):
    """Verify slicing a file across worker processes changes nothing in what is reported."""
    monkeypatch.setattr(preflight, "BACKGROUND_MIN_PAGES", 1)
    monkeypatch.setattr(preflight, "PAGES_PER_TASK", 7)
    path = _helvetica_pages(tmp_path / "mixed.pdf", 40, rgb_from=12)
    spec = PreflightSpec(324.0, 252.0, 9.0, require_cmyk=True)
    expected = preflight_pdf(path, spec)
    assert [str(f) for f in expected] == [
        'error: page 1: Font "Helvetica" is not embedded. Use an embedded TrueType font '
        "(reportlab: TTFont) or convert the text to outlines. Also on 39 more pages.",
        # The RGB form is drawn on pages 12-40: it counts on every one of them.
        "error: page 12: RGB colour is used; this printer needs CMYK. Draw with CMYK colours "
        "(reportlab: setFillColorCMYK). Also on 28 more pages.",
    ]
    with PreflightQueue(workers=2) as queue:
        queue.submit(path, spec, "mixed.pdf")
        queue.submit(path, None, "again.pdf")
        lines = queue.results()
    without_spec = PreflightSpec(0.0, 0.0, 0.0)
    assert lines == [f"mixed.pdf: {f}" for f in expected] + [
        f"again.pdf: {f}" for f in preflight_pdf(path, None)
    ]
    assert preflight_pdf(path, without_spec)  # Helvetica is still found without a spec


def test_a_first_slice_that_fails_is_checked_again_here_with_its_document(tmp_path):
    """Verify the first slice of a big file, which runs the file's whole-document checks on
    its own opening of the file, is checked again in this process when its worker fails:
    its pages and its document both (a worker that dies loses both halves)."""
    from concurrent.futures import Future

    path = _helvetica_pages(tmp_path / "mixed.pdf", 6, rgb_from=3)
    spec = PreflightSpec(324.0, 252.0, 9.0, require_cmyk=True)
    args = (str(path), spec, True)
    pages, document = preflight.check_with_document(*args, 0, 4)
    assert (pages, document) == (
        preflight.check_pages(*args, 0, 4),
        preflight.check_document(path, spec),
    )
    failed: Future[object] = Future()
    failed.set_exception(RuntimeError("the worker died"))
    assert preflight._result(preflight._Half(failed, 0), args, 0, 4) == pages
    assert preflight._document_result(preflight._Half(failed, 1), path, spec) == document
    assert pages and document[1] == 6  # findings on those pages; the file's page count


def test_preflight_queue_without_workers_checks_in_process(tmp_path):
    """Verify workers=0 (or a small file) checks at once, with the same result."""
    path = _helvetica_pages(tmp_path / "small.pdf", 3, rgb_from=99)
    spec = spec_for_envelope(envelope_format("a2"))
    with PreflightQueue(workers=0) as queue:
        queue.submit(path, spec, "small.pdf")
        assert queue.results() == [f"small.pdf: {f}" for f in preflight_pdf(path, spec)]


def test_pages_checked_where_the_file_was_drawn_give_the_queues_findings(tmp_path):
    """Verify a file whose pages a drawing worker checked (check_every_page, then
    add_checked) is reported exactly as the queue reports it when it checks it itself."""
    path = _helvetica_pages(tmp_path / "mixed.pdf", 30, rgb_from=10)
    spec = PreflightSpec(324.0, 252.0, 9.0, require_cmyk=True)
    with PreflightQueue(workers=0) as queue:
        queue.submit(path, spec, "mixed.pdf")
        expected = queue.results()
    assert len(expected) == 2
    with PreflightQueue(workers=0) as queue:
        queue.add_checked(path, spec, "mixed.pdf", check_every_page(path, spec, 30))
        assert queue.results() == expected


def test_the_envelope_worker_checks_the_file_it_drew(tmp_path, write_orders, monkeypatch):
    """Verify a worker that draws a part's envelopes also checks every page of that file and
    hands back what the check finds here (a card's size is wrong for every envelope page)."""
    import notecards.output.parallel as parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_CARDS", 1)
    plan, _, _ = _batch(tmp_path, write_orders, 4)
    wrong = spec_for_card(card_format("a2-folded"), bleed_pt=9.0)
    path = tmp_path / "worker" / "envelopes.pdf"
    path.parent.mkdir()
    with parallel.DrawPool(2) as pool:
        wait = pool.start(path, plan.settings, plan.jobs, "t", None, wrong, checked=True)
        assert pool._executor is not None  # drawn and checked in another process
        pages, (found, document) = wait()
    assert pages == 4
    assert found == check_every_page(path, wrong, 4)
    assert document == check_document(path, wrong)  # the whole-document checks, there too
    assert document[1] == 4 and document[2]  # its page count and font subset names
    assert found and {index for index, _, _ in found} == {0, 1, 2, 3}
    assert all("TrimBox" in message for _, _, message in found)


@pytest.mark.parametrize("background", [False, True])
def test_a_subset_name_two_files_share_is_found_wherever_the_files_are_checked(
    tmp_path, monkeypatch, background
):
    """Verify the queue finds a font subset name reused by a later file of the batch, both
    when it checks the files here and when workers run their whole-document checks."""
    from notecards.handwriting.styles import register_bundled_fonts

    register_bundled_fonts()
    if background:
        monkeypatch.setattr(preflight, "BACKGROUND_MIN_PAGES", 1)
    paths = []
    for name in ("one.pdf", "two.pdf"):
        path = tmp_path / name
        canvas = Canvas(str(path), pagesize=(300, 200), invariant=1)  # AAAAAA+ in both
        canvas.setFont("NotoSans", 12)
        canvas.drawString(40, 100, "Thank you")
        canvas.showPage()
        canvas.save()
        paths.append(path)
    with PreflightQueue(workers=2) as queue:
        for path in paths:
            queue.submit(path, None, path.name)
        assert (queue._executor is not None) is background
        lines = queue.results()
    reused = [line for line in lines if "reused from another file" in line]
    assert len(reused) == 1 and reused[0].startswith("two.pdf: error:"), lines
    assert "AAAAAA+NotoSans" in reused[0] and "(also in one.pdf)" in reused[0]
