"""Each card laid out once, envelopes drawn in a second process: the same bytes as the slow,
obvious way (every card laid out again at drawing time, everything drawn in one process)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch, render_files
from notecards.config import Config
from notecards.drawing.cards import draw_cards
from notecards.drawing.envelopes import draw_envelopes
from notecards.layout.panels import card_geometry
from notecards.output import parallel
from notecards.output.parallel import DrawPool, worker_count, write_envelopes
from notecards.output.parts import write_part
from notecards.output.pdfx import finish_bytes, finish_pdf
from notecards.planning import compose
from notecards.planning.batch import BatchPlan
from notecards.planning.compose import layout_card, layout_envelope_for
from tests.conftest import CANONICAL, TODAY, make_order
from tests.pdfcheck import decode_qr, render

NAMES = ["Ada", "Ben", "Cleo", "Dev", "Eve", "Finn", "Gus", "Hana"]


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchPlan, BatchPlan]:
    folder = tmp_path_factory.mktemp("parallel")
    rows = [
        make_order(
            order_id=str(7001 + i),
            first_name=name,
            last_name=f"Lark{chr(65 + i)}",
            email=f"{name.lower()}@example.com",
        )
        for i, name in enumerate(NAMES)
    ]
    path = folder / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    settings = make_settings(
        Config(
            shop_name="Lark & Co",
            return_address=("1 Quay Street", "Portland, OR 97214"),
            qr_url="https://lark.example/r/{order_id}",
        ),
        ledger_path=folder / "ledger.sqlite",
    )
    kept = plan_batch([path], settings, today=TODAY, keep_layouts=True)
    lean = plan_batch([path], settings, today=TODAY, keep_layouts=False)
    assert len(kept.jobs) == len(NAMES) and all(job.content for job in kept.jobs)
    assert all(job.content is None for job in lean.jobs)
    return kept, lean


def _obvious(plan: BatchPlan) -> tuple[bytes, bytes]:
    """Lay every card out again and draw cards, then envelopes, in this process."""
    settings = plan.settings
    geometry = card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
    cards, envelopes = BytesIO(), BytesIO()
    draw_cards(
        cards,
        geometry,
        (layout_card(job, settings, geometry) for job in plan.jobs),
        shop_name=settings.config.shop_name,
        title=f"{settings.config.shop_name} cards {plan.batch_id}",
        cmyk=False,
    )
    draw_envelopes(
        envelopes,
        settings.envelope,
        ((layout_envelope_for(job, settings), f"№ {job.card_number}") for job in plan.jobs),
        shop_name=settings.config.shop_name,
        cmyk=False,
        title=f"{settings.config.shop_name} envelopes {plan.batch_id}",
    )
    # Every print file is finished the same way (PDF/X-ready /ID, dates, subset names).
    standard = settings.production.pdfx
    return (
        finish_bytes(cards.getvalue(), "cards.pdf", standard=standard),
        finish_bytes(envelopes.getvalue(), "envelopes.pdf", standard=standard),
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_files_are_the_obvious_bytes(
    plans: tuple[BatchPlan, BatchPlan], workers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, lean = plans
    monkeypatch.setenv("NOTECARDS_WORKERS", workers)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CARDS", 1)  # even 8 cards go to the worker
    cards, envelopes = _obvious(lean)
    for plan in (kept, lean):
        printed = render_files(plan)
        assert printed.files["cards.pdf"] == cards
        assert printed.files["envelopes.pdf"] == envelopes


def test_codes_in_the_batch_decode(plans: tuple[BatchPlan, BatchPlan], tmp_path: Path) -> None:
    kept, _ = plans
    path = tmp_path / "cards.pdf"
    path.write_bytes(render_files(kept).files["cards.pdf"])
    inside = render(path, 1, scale=3)  # page 2: the inside
    assert decode_qr(inside) == ["https://lark.example/r/7001"]


def test_worker_draws_the_same_envelopes(
    plans: tuple[BatchPlan, BatchPlan], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, _ = plans
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CARDS", 1)
    steps: list[int] = []
    # The same file name in two folders: a print file's subset names come from its name.
    (tmp_path / "worker").mkdir()
    (tmp_path / "here").mkdir()
    with DrawPool(2) as pool:
        wait = pool.start(
            tmp_path / "worker" / "e.pdf", kept.settings, kept.jobs, "t", steps.append
        )
        assert pool._executor is not None  # drawn in another process
        assert wait() == (len(NAMES), None)  # not asked to check: the caller's queue does
    assert steps == [len(NAMES)]
    write_envelopes(tmp_path / "here" / "e.pdf", kept.settings, kept.jobs, "t")
    assert (tmp_path / "worker" / "e.pdf").read_bytes() == (
        tmp_path / "here" / "e.pdf"
    ).read_bytes()


def test_worker_count_env_config_cores(
    plans: tuple[BatchPlan, BatchPlan], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = plans[0].settings
    monkeypatch.delenv("NOTECARDS_WORKERS", raising=False)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 6)
    assert worker_count(settings) == 6
    one = replace(settings, config=replace(settings.config, workers=1))
    assert worker_count(one) == 1
    monkeypatch.setenv("NOTECARDS_WORKERS", "3")
    assert worker_count(one) == 3


def test_a_batch_collects_cycles_less_often_and_puts_the_collector_back() -> None:
    """Verify the collector's thresholds are raised while a batch runs, and restored."""
    import gc

    from notecards.workers import BATCH_GC_THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold() == BATCH_GC_THRESHOLDS
        raise RuntimeError("a batch that fails")
    assert gc.get_threshold() == before


def test_a_batch_sets_its_plan_aside_from_the_collector_until_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_orders: Callable[..., Path]
) -> None:
    """Verify a batch freezes the objects alive once planned (the plan lives until the
    batch is recorded: a collection after planning walked all of it) while it draws, and
    lets the collector have them again when it ends, failed or not; and leaves alone a
    process that froze objects of its own."""
    import gc

    from notecards.output import run

    path = write_orders([make_order(order_id=str(8200 + i)) for i in range(3)])
    settings = make_settings(Config(shop_name="Lark & Co"), ledger_path=tmp_path / "l.db")
    frozen: list[int] = []
    render_isolated = run.render_isolated

    def spy(plan, *args, **kwargs):  # type: ignore[no-untyped-def]
        frozen.append(gc.get_freeze_count())
        if len(frozen) > 1:
            raise RuntimeError("a batch that fails while drawing")
        return render_isolated(plan, *args, **kwargs)

    monkeypatch.setattr(run, "render_isolated", spy)
    gc.unfreeze()
    run.run_batch([path], settings, today=TODAY, out_dir=tmp_path / "out", record=False)
    assert frozen[0] > 1000 and gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError):
        run.run_batch([path], settings, today=TODAY, out_dir=tmp_path / "again", record=False)
    assert frozen[1] > 1000 and gc.get_freeze_count() == 0
    # A process that froze objects of its own (a server before it forks) keeps them frozen,
    # and the batch sets nothing aside that its end would then have to let go.
    frozen.clear()
    monkeypatch.setattr(run, "render_isolated", render_isolated)
    gc.freeze()
    own = gc.get_freeze_count()
    try:
        monkeypatch.setattr(run, "render_isolated", spy)
        run.run_batch([path], settings, today=TODAY, out_dir=tmp_path / "own", record=False)
        assert frozen == [own] and gc.get_freeze_count() == own
    finally:
        gc.unfreeze()


def test_the_worker_drawing_cards_early_collects_cycles_less_often() -> None:
    """Verify the worker that draws a batch's cards while it plans sets the batch's collector
    thresholds: it holds every page drawn so far, and each full collection walks them all
    (it once ran with Python's own, ~2 s of a 10,000-card batch)."""
    import gc

    from notecards.output import early
    from notecards.workers import BATCH_GC_THRESHOLDS, spawn_pool, stop_pool

    pool = spawn_pool(1)
    try:
        pool.submit(early.begin, "gc", make_settings(Config())).result()
        assert pool.submit(gc.get_threshold).result() == BATCH_GC_THRESHOLDS
    finally:
        stop_pool(pool, interrupted=True)


def test_a_kept_plan_lays_each_envelope_out_once(
    plans: tuple[BatchPlan, BatchPlan], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify drawing uses the envelope layouts planning made (planning lays every envelope
    out to check it; doing it again when drawing was a second copy of that work)."""
    kept, lean = plans
    assert all(job.envelope_layout is not None for job in kept.jobs)
    assert all(job.envelope_layout is None for job in lean.jobs)
    calls: list[str] = []

    def counted(job, settings, envelope=None):  # type: ignore[no-untyped-def]
        calls.append(job.card_key)
        return layout_envelope_for(job, settings, envelope)

    monkeypatch.setenv("NOTECARDS_WORKERS", "1")
    monkeypatch.setattr(compose, "layout_envelope_for", counted)  # drawable_envelope's
    expected = render_files(lean).files["envelopes.pdf"]
    assert len(calls) == len(NAMES)  # a lean plan lays them out when drawing
    calls.clear()
    assert render_files(kept).files["envelopes.pdf"] == expected
    assert calls == []


def test_a_big_batch_starts_its_workers_while_planning_and_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_orders: Callable[..., Path]
) -> None:
    """Verify a batch big enough for workers starts its drawing and checking pools during
    planning (workers.start_ahead), the hand-off takes exactly those, none is left after,
    and the files are the bytes of a batch that started its pools when drawing."""
    from notecards import workers
    from notecards.output.run import run_batch
    from notecards.preflight import spec

    path = write_orders(
        [make_order(order_id=str(8100 + i), first_name=n) for i, n in enumerate(NAMES)]
    )
    monkeypatch.setenv("NOTECARDS_WORKERS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CARDS", 1)
    monkeypatch.setattr(spec, "BACKGROUND_MIN_PAGES", 2)
    started: list[int] = []
    taken: list[object] = []
    start_ahead, spawn_pool = workers.start_ahead, workers.spawn_pool

    def spy_start(count, warm):  # type: ignore[no-untyped-def]
        started.append(count)
        start_ahead(count, warm)

    def spy_spawn(count):  # type: ignore[no-untyped-def]
        ahead = [pool for pools in workers._AHEAD.values() for pool in pools]
        pool = spawn_pool(count)
        taken.append(pool in ahead)
        return pool

    monkeypatch.setattr(parallel, "start_ahead", spy_start)
    monkeypatch.setattr(parallel, "spawn_pool", spy_spawn)
    monkeypatch.setattr(workers, "spawn_pool", spy_spawn)  # LazyPool's, for both pools

    def batch(name: str, ahead_at: int) -> dict[str, bytes]:
        monkeypatch.setattr(parallel, "START_DRAWING_AT", ahead_at)
        monkeypatch.setattr(parallel, "START_CHECKING_AT", ahead_at)
        settings = make_settings(Config(shop_name="Lark & Co"), ledger_path=tmp_path / name)
        done = run_batch([path], settings, today=TODAY, out_dir=tmp_path / name, record=False)
        assert done.findings == ()
        return {f: (tmp_path / name / f).read_bytes() for f in ("cards.pdf", "envelopes.pdf")}

    ahead = batch("ahead", 2)
    assert sorted(started) == [2]  # the two checkers; the drawing worker draws early
    # The checkers' pool was started ahead; the drawing worker was started to draw early.
    assert sorted(taken) == [False, True]
    assert workers._AHEAD == {}
    started.clear()
    taken.clear()
    late = batch("late", len(NAMES) + 100)  # never reached: pools start when needed
    assert started == [] and taken and not any(taken)
    assert ahead == late

    # Big input files: every pool starts before they are read (on the core reading leaves
    # idle), though the order counts that start them are never reached.
    from notecards.output import run

    at_planning: list[tuple[list[int], list[object]]] = []
    plan = run.plan_batch

    def spy_plan(*args, **kwargs):  # type: ignore[no-untyped-def]
        at_planning.append((list(started), list(taken)))
        return plan(*args, **kwargs)

    monkeypatch.setattr(run, "plan_batch", spy_plan)
    monkeypatch.setattr(parallel, "START_WORKERS_BYTES", path.stat().st_size)
    started.clear()
    taken.clear()
    big = batch("big", len(NAMES) + 100)
    assert at_planning == [([2], [False])]  # the checkers started, the drawing worker too
    assert sorted(taken) == [False, True] and workers._AHEAD == {}
    assert big == late


def test_cards_drawn_while_planning_are_the_bytes_drawn_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_orders: Callable[..., Path]
) -> None:
    """Verify a batch that sends its planned cards to the drawing worker as they come
    (output/early.py) hands off the very cards file (and findings) it would have drawn
    after planning, imposed sheets, labels and postcards included; that a hand-off asking
    for other cards gets them drawn anew; and that cards the worker fails to draw, or cannot
    draw because it died, are drawn here."""
    from notecards.output import early
    from notecards.output.cardfile import write_cards
    from notecards.output.run import run_batch

    path = write_orders(
        [make_order(order_id=str(8200 + i), first_name=n) for i, n in enumerate(NAMES)]
    )
    monkeypatch.setenv("NOTECARDS_WORKERS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_CARDS", 1)
    monkeypatch.setattr(early, "SEND_EVERY", 3)  # several sends, and some left for the end
    finished: list[list[str]] = []
    finish = early.EarlyCards.finish

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        finished.append(list(self.sent) + [job.card_key for job in self._waiting])
        return finish(self, *args, **kwargs)

    monkeypatch.setattr(early.EarlyCards, "finish", spy)

    def batch(name: str, start_at: int, config: Config) -> tuple[dict[str, bytes], tuple[str, ...]]:
        monkeypatch.setattr(parallel, "START_DRAWING_AT", start_at)
        settings = make_settings(config, ledger_path=tmp_path / name)
        done = run_batch([path], settings, today=TODAY, out_dir=tmp_path / name, record=False)
        files = {p.name: p.read_bytes() for p in (tmp_path / name).glob("*.pdf")}
        assert "cards.pdf" in files and len(files) == (1 if "postcards" in name else 2)
        return files, done.findings

    for label, config in (
        ("plain", Config(shop_name="Lark & Co")),
        ("imposed", Config(shop_name="Lark & Co", imposition="letter", crop_marks=True)),
        ("labels", Config(shop_name="Lark & Co", labels="avery-5160")),
        ("postcards", Config(shop_name="Lark & Co", card_format="postcard-4x6")),
    ):
        finished.clear()
        early_files, early_findings = batch(f"{label}-early", 2, config)
        assert len(finished) == 1 and len(finished[0]) == len(NAMES)  # every card, in order
        assert parallel._EARLY == []
        after_files, after_findings = batch(f"{label}-after", len(NAMES) + 100, config)
        assert len(finished) == 1  # not drawn early this time
        assert early_files == after_files and early_findings == after_findings == ()

    # A hand-off for other cards than those sent: the early file is dropped, drawn anew.
    plan = plan_batch([path], make_settings(Config(shop_name="Lark & Co")), today=TODAY)
    fewer = plan.jobs[1:]
    for where, sent_jobs in (("fewer", plan.jobs), ("broken", fewer), ("dead", fewer)):
        finished.clear()
        (tmp_path / where).mkdir()
        with DrawPool(2) as pool:
            sent = early.EarlyCards(parallel.spawn_pool(1), plan.settings, "t")
            if where == "dead":  # the worker is killed (out of memory, say) while planning
                sent.executor.submit(os._exit, 9)
                with pytest.raises(BrokenProcessPool):
                    sent.executor.submit(int).result(timeout=60)
            for job in sent_jobs:
                if where == "broken" and job is fewer[2]:  # fails to draw in the worker
                    job = replace(job, content=replace(job.content, front=None))
                sent.planned(job)
            parallel._EARLY.append(sent)
            part = write_part(
                plan.batch_id,
                plan.settings,
                fewer,
                tmp_path / where,
                "cards.pdf",
                "envelopes.pdf",
                None,
                None,
                None,
                pool,
            )
            assert part.card_pages == 2 * len(fewer)
            assert len(finished) == (where == "broken")  # handed over only when they match
            if where != "dead":
                assert pool._executor is sent.executor  # the warm worker stops with the pool
        assert parallel._EARLY == []
        here = tmp_path / where / "here" / "cards.pdf"  # a subset's name comes from the file's
        here.parent.mkdir()
        write_cards(plan.settings, plan.batch_id, fewer, here, None, None)
        finish_pdf(here, standard=plan.settings.production.pdfx)
        assert (tmp_path / where / "cards.pdf").read_bytes() == here.read_bytes()
