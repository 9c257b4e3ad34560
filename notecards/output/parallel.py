"""Draw a part's envelopes (or labels) in a second process while this one draws its cards.

A batch is drawn one part at a time: the cards file, then the envelopes file. The two are
independent (each card's envelope needs only its order and the batch settings), so with two
cores the envelopes file is drawn by a worker process, by the very same function, while this
process draws the cards; the files are the same bytes either way (reportlab's invariant mode,
the same fonts). The bare reportlab loop the batch is measured against runs on one core.

The worker draws from the envelope layouts planning made (``CardJob.envelope_layout``; a lean
plan's are laid out there), then, when the batch preflights its files, checks every page and
the whole document of the file it drew (:func:`write_and_check_envelopes`): by then the
cards are still drawing here, so the check costs the batch no time on two cores. A batch big
enough for workers starts them while it plans (:class:`StartAhead`), and its envelopes are
drawn as its cards are planned (:mod:`notecards.output.early`); ``DrawPool.start`` then only
has the worker save, finish and check that file.

How many processes draw: ``NOTECARDS_WORKERS`` in the environment, else ``[cards] workers``
in notecards.toml, else the number of cores; 1 draws everything in this process. Small parts
(under :data:`PARALLEL_MIN_CARDS` cards) are drawn here too: starting a worker costs more
than it saves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from notecards.drawing.envelopes import draw_envelopes
from notecards.handwriting.styles import register_bundled_fonts, register_style_fonts
from notecards.layout.envelope import EnvelopeLayout
from notecards.layout.fonts import ensure_registered
from notecards.layout.shaping import GLYPH_BASE
from notecards.output.early import EarlyEnvelopes
from notecards.output.pdfx import finish_pdf
from notecards.planning.compose import layout_envelope_for
from notecards.planning.jobs import CardJob
from notecards.preflight.pages import PageFinding
from notecards.preflight.spec import (
    BACKGROUND_MIN_PAGES,
    DocumentChecks,
    PreflightQueue,
    PreflightSpec,
    check_document,
    check_every_page,
    warm_checking,
)
from notecards.settings import BatchSettings
from notecards.workers import spawn_pool, start_ahead, stop_pool

#: Shaped glyphs' private codes (layout.shaping.GLYPH_BASE on).
_SHAPED = re.compile(f"[{chr(GLYPH_BASE)}-\uf8ff]")
#: Parts with fewer cards are drawn in this process (a spawned worker takes ~1 s to start).
PARALLEL_MIN_CARDS = 300

Progress = Callable[[int], None]
#: Orders planned when a batch starts its drawing worker (it will draw its envelopes there),
#: and its checking workers (its cards file will be checked in slices there).
START_DRAWING_AT = PARALLEL_MIN_CARDS
START_CHECKING_AT = BACKGROUND_MIN_PAGES // 2  # two pages a card


def worker_count(settings: BatchSettings) -> int:
    """Return how many processes may draw: env NOTECARDS_WORKERS, [cards] workers, cores."""
    value = os.environ.get("NOTECARDS_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if settings.config.workers > 0:
        return settings.config.workers
    return os.cpu_count() or 1


#: What a worker's check of the file it drew found: its pages', and the whole document's.
Checked = tuple["list[PageFinding]", DocumentChecks]
#: What a drawing hands back: its page count, and what the worker's check of the file found
#: (None: not checked there; the caller's queue checks it).
Drawn = tuple[int, "Checked | None"]


def write_envelopes(
    path: Path,
    settings: BatchSettings,
    chunk: Sequence[CardJob],
    title: str,
    progress: Progress | None = None,
) -> int:
    """Lay out and draw *chunk*'s envelopes into *path*; return the page count."""
    register_bundled_fonts()
    production = settings.production
    pages = draw_envelopes(
        path,
        settings.envelope,
        ((envelope_of(job, settings), f"№ {job.card_number}") for job in chunk),
        shop_name=settings.config.shop_name,
        cmyk=production.cmyk,
        ink_limit=production.ink_limit,
        progress=progress,
        title=title,
    )
    finish_pdf(path, standard=production.pdfx)  # as every print file is finished
    return pages


def envelope_of(job: CardJob, settings: BatchSettings) -> EnvelopeLayout:
    """Return *job*'s envelope layout: planning's when kept, else laid out now.

    A kept layout's script fonts and hand (a shop's own, when ``envelope_hand`` names one)
    are registered here, as laying it out would have. One with
    shaped text (Arabic, Devanagari…) is laid out again: shaping gives glyphs private codes
    in the font of the process that shaped them, which a worker's copy of the font lacks.
    """
    layout = job.envelope_layout
    if layout is None:
        return layout_envelope_for(job, settings)
    runs = [run for line in (*layout.return_lines, *layout.recipient_lines) for run in line.runs]
    if any(_SHAPED.search(run.text) for run in runs):
        return layout_envelope_for(job, settings)
    for run in runs:
        ensure_registered(run.font)
    if layout.hand is not None:
        register_style_fonts([layout.hand])
    return layout


def write_and_check_envelopes(
    path: Path,
    settings: BatchSettings,
    chunk: Sequence[CardJob],
    title: str,
    spec: PreflightSpec | None,
) -> Drawn:
    """Draw *chunk*'s envelopes into *path*, then check every page (in the worker: the
    second core is free once the envelopes are drawn, while the cards are still drawing)."""
    pages = write_envelopes(path, settings, chunk, title)
    return pages, (check_every_page(path, spec, pages), check_document(path, spec))


def warm_drawing() -> None:
    """Make a worker ready to draw (run as it starts): fonts registered, hands' outlines built."""
    register_bundled_fonts()


def _unchecked(path: Path, settings: BatchSettings, chunk: Sequence[CardJob], title: str) -> Drawn:
    return write_envelopes(path, settings, chunk, title), None


class DrawPool:
    """At most one background drawing at a time, in one spawned worker process.

    ``start`` hands a part's envelopes to the worker (or draws them at once, when the pool
    is serial or the part small) and returns a handle whose ``result()`` is the page count.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def start(
        self,
        path: Path,
        settings: BatchSettings,
        chunk: Sequence[CardJob],
        title: str,
        progress: Progress | None,
        check: PreflightSpec | None = None,
        checked: bool = False,
    ) -> Callable[[], Drawn]:
        """Start drawing *chunk*'s envelopes into *path*; return what waits for the result.

        With *checked*, a worker that draws the file also preflights its pages against
        *check* and hands the findings back; drawn here, the file is left to the caller's
        preflight queue (findings None).
        """
        future: Future[Drawn]
        early = _take_early()
        if early is not None:  # drawn while planning: the same cards, or drawn again below
            if self._executor is None:
                self._executor = early.executor
            if early.matches(settings, chunk):
                return self._waiter(early.finish(path, title, check, checked), chunk, progress)
            early.abandon()
        if self.workers < 2 or len(chunk) < PARALLEL_MIN_CARDS:
            count = write_envelopes(path, settings, chunk, title, progress)
            return lambda: (count, None)
        # The card layouts stay here; the envelope layouts from planning go with the jobs.
        lean = [replace(job, content=None) for job in chunk]
        if checked:
            future = self._pool().submit(
                write_and_check_envelopes, path, settings, lean, title, check
            )
        else:
            future = self._pool().submit(_unchecked, path, settings, lean, title)
        return self._waiter(future, chunk, progress)

    @staticmethod
    def _waiter(
        future: Future[Drawn], chunk: Sequence[CardJob], progress: Progress | None
    ) -> Callable[[], Drawn]:
        def wait() -> Drawn:
            drawn = future.result()
            if progress is not None:
                progress(len(chunk))
            return drawn

        return wait

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = spawn_pool(1)
        return self._executor

    def __enter__(self) -> DrawPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # Stopped early (error, Ctrl-C, SIGTERM): the worker stops now, as preflight's do.
        if self._executor is not None:
            stop_pool(self._executor, interrupted=kind is not None)


class StartAhead:
    """Planning's progress (wraps *progress*): once a batch is big enough to draw and check
    in workers, start them (workers.start_ahead), so their start-up runs on the core
    planning leaves idle. The batch calls workers.stop_ahead when it ends."""

    def __init__(self, settings: BatchSettings, progress: Progress | None) -> None:
        self.progress = progress
        self.planned = 0
        production = settings.production
        draws = worker_count(settings) >= 2
        checkers = PreflightQueue().workers  # as many as the batch's queue will start
        mails = not settings.card.is_postcard and production.labels is None
        #: (orders planned, pool size, what each worker runs first), in the order reached.
        self.pending = sorted(
            [(START_DRAWING_AT, 1, warm_drawing)] * (draws and mails)
            + [(START_CHECKING_AT, checkers, warm_checking)] * production.preflight,
            key=lambda step: step[0],
        )
        self.settings = settings
        #: One file of envelopes, drawn in the worker while planning (not for split parts).
        self.draw_early = draws and mails and not production.split
        self.early: EarlyEnvelopes | None = None
        self._jobs: list[CardJob] = []  # planned before the worker started

    def __call__(self, count: int) -> None:
        self.planned += count
        while self.pending and self.planned >= self.pending[0][0]:
            _, workers, warm = self.pending.pop(0)
            if warm is warm_drawing and self.draw_early:
                self._start_early()
            else:
                start_ahead(workers, warm)
        if self.progress is not None:
            self.progress(count)

    def job(self, job: CardJob) -> None:
        """Take a card as it is planned (its envelope is drawn early when the worker runs)."""
        if self.early is not None:
            self.early.planned(job)
        elif self.draw_early:
            self._jobs.append(job)

    def _start_early(self) -> None:
        executor = spawn_pool(1)
        self.early = EarlyEnvelopes(executor, self.settings, f"{os.getpid()}:{id(self)}")
        _EARLY.append(self.early)
        for job in self._jobs:
            self.early.planned(job)
        self._jobs = []

    def close(self) -> None:
        """Stop a worker that drew early and that no hand-off took (the batch ended first)."""
        early = _take_early()
        if early is not None:
            stop_pool(early.executor, interrupted=True)


#: The envelopes being drawn early (at most one batch at a time in a process).
_EARLY: list[EarlyEnvelopes] = []


def _take_early() -> EarlyEnvelopes | None:
    return _EARLY.pop() if _EARLY else None
