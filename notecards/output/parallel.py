"""Use a second process for drawing: a big batch's cards while it plans, or a part's
envelopes (or labels) while this process draws its cards.

A batch big enough for workers starts them while it plans (:class:`StartAhead`): the
drawing worker draws the cards as they are planned (:mod:`notecards.output.early`), and
once planning ends this process draws the envelopes while the worker saves the cards file.
Drawing the cards takes about as long as planning them, so both cores draw or plan from
the first few hundred orders on.

Parts of a split batch (and a big batch whose cards could not be drawn early) go the other
way (:class:`DrawPool`): the worker draws the part's envelopes, from the envelope layouts
planning made (``CardJob.envelope_layout``; a lean plan's are laid out there), while this
process draws the cards; then, when the batch preflights its files, the worker checks every
page and the whole document of the file it drew (:func:`draw_in_worker`), so the check
costs the batch no time on two cores. The files are the same bytes either way (reportlab's
invariant mode, the same fonts). The bare reportlab loop the batch is measured against runs
on one core.

How many processes draw: ``NOTECARDS_WORKERS`` in the environment, else ``[cards] workers``
in notecards.toml, else the number of cores; 1 draws everything in this process. Small parts
(under :data:`PARALLEL_MIN_CARDS` cards) are drawn here too: starting a worker costs more
than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from notecards.drawing.envelopes import draw_envelopes
from notecards.handwriting.styles import register_bundled_fonts
from notecards.output.early import EarlyCards
from notecards.output.pdfx import finish_pdf
from notecards.planning.compose import drawable_envelope
from notecards.planning.jobs import CardJob
from notecards.preflight.spec import (
    BACKGROUND_MIN_PAGES,
    FileChecks,
    PreflightSpec,
    check_file,
    checking_workers,
    warm_checking,
)
from notecards.settings import BatchSettings
from notecards.workers import LazyPool, collect_less, spawn_pool, start_ahead, stop_pool

#: Parts with fewer cards are drawn in this process (a spawned worker takes ~1 s to start).
PARALLEL_MIN_CARDS = 300

Progress = Callable[[int], None]
#: Orders planned when a batch starts its drawing worker (it will draw its envelopes there),
#: and its checking workers (its cards file will be checked in slices there).
START_DRAWING_AT = PARALLEL_MIN_CARDS
START_CHECKING_AT = BACKGROUND_MIN_PAGES // 2  # two pages a card
#: Input files this big (together) are a batch big enough for workers whatever their format
#: (a Shopify export's rows are ~1 KB): they are started before the files are read, so
#: their start-up (~1 s each) runs on the core that reading leaves idle.
START_WORKERS_BYTES = 256 * 1024


def worker_count(settings: BatchSettings) -> int:
    """Return how many processes may draw: env NOTECARDS_WORKERS, [cards] workers, cores."""
    value = os.environ.get("NOTECARDS_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if settings.config.workers > 0:
        return settings.config.workers
    return os.cpu_count() or 1


#: What a drawing hands back: its page count, and what the worker's check of the file found
#: (None: not checked there; the caller's queue checks it).
Drawn = tuple[int, "FileChecks | None"]


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
        ((drawable_envelope(job, settings), f"№ {job.card_number}") for job in chunk),
        shop_name=settings.config.shop_name,
        cmyk=production.cmyk,
        ink_limit=production.ink_limit,
        progress=progress,
        title=title,
    )
    finish_pdf(path, standard=production.pdfx)  # as every print file is finished
    return pages


def draw_in_worker(
    path: Path,
    settings: BatchSettings,
    chunk: Sequence[CardJob],
    title: str,
    spec: PreflightSpec | None,
    checked: bool,
) -> Drawn:
    """Draw *chunk*'s envelopes into *path* (in the worker) and, when *checked*, check the
    file there too: the second core is free once the envelopes are drawn, while the cards
    are still drawing."""
    pages = write_envelopes(path, settings, chunk, title)
    return pages, (check_file(path, spec, pages) if checked else None)


def warm_drawing() -> None:
    """Make a worker ready to draw (run as it starts): fonts registered, hands' outlines
    built, and the cycle collector set for a batch (:func:`collect_less`)."""
    collect_less()
    register_bundled_fonts()


class DrawPool(LazyPool):
    """At most one background drawing at a time, in one spawned worker process.

    ``start`` hands a part's envelopes to the worker (or draws them at once, when the pool
    is serial or the part small) and returns a handle whose ``result()`` is the page count.
    """

    def __init__(self, workers: int) -> None:
        super().__init__(1)
        self.workers = workers

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
        if self.workers < 2 or len(chunk) < PARALLEL_MIN_CARDS:
            count = write_envelopes(path, settings, chunk, title, progress)
            return lambda: (count, None)
        # The card layouts stay here; the envelope layouts from planning go with the jobs.
        lean = [replace(job, content=None) for job in chunk]
        future = self.executor.submit(draw_in_worker, path, settings, lean, title, check, checked)
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


class StartAhead:
    """Planning's progress (wraps *progress*): once a batch is big enough to draw and check
    in workers (or, with :meth:`expect`, as soon as its input files are seen to be big),
    start them (workers.start_ahead), so their start-up runs on the core planning leaves
    idle, and send the drawing worker the cards planned so far (it draws them while planning
    goes on: :mod:`notecards.output.early`). The batch calls workers.stop_ahead when it
    ends."""

    def __init__(self, settings: BatchSettings, progress: Progress | None) -> None:
        self.progress = progress
        self.planned = 0
        production = settings.production
        draws = worker_count(settings) >= 2
        checkers = checking_workers()  # as many as the batch's queue will start
        mails = not settings.card.is_postcard and production.labels is None
        #: One file of cards, drawn in the worker while planning (not for split parts).
        self.draw_early = draws and not production.split
        #: (orders planned, pool size, what each worker runs first), in the order reached.
        self.pending = sorted(
            [(START_DRAWING_AT, 1, warm_drawing)] * (draws and (mails or self.draw_early))
            + [(START_CHECKING_AT, checkers, warm_checking)] * production.preflight,
            key=lambda step: step[0],
        )
        self.settings = settings
        self.early: EarlyCards | None = None
        self._jobs: list[CardJob] = []  # planned before the worker started

    def expect(self, paths: Sequence[str | os.PathLike[str]]) -> None:
        """Start the workers now when the input files at *paths* are big (see
        :data:`START_WORKERS_BYTES`), while this process reads them; else each starts once
        enough orders are planned."""
        size = 0
        for path in paths:
            with suppress(OSError):  # reading it will say what is wrong
                size += os.stat(path).st_size
        if size >= START_WORKERS_BYTES:
            for _, workers, warm in self.pending:
                self._start(workers, warm)
            self.pending = []

    def __call__(self, count: int) -> None:
        self.planned += count
        while self.pending and self.planned >= self.pending[0][0]:
            _, workers, warm = self.pending.pop(0)
            self._start(workers, warm)
        if self.progress is not None:
            self.progress(count)

    def _start(self, workers: int, warm: Callable[[], None]) -> None:
        if warm is warm_drawing and self.draw_early:
            self._start_early()
        else:
            start_ahead(workers, warm)

    def job(self, job: CardJob) -> None:
        """Take a card as it is planned (drawn early once the worker runs)."""
        if self.early is not None:
            self.early.planned(job)
        elif self.draw_early:
            self._jobs.append(job)

    def _start_early(self) -> None:
        executor = spawn_pool(1)
        self.early = EarlyCards(executor, self.settings, f"{os.getpid()}:{id(self)}")
        _EARLY.append(self.early)
        for job in self._jobs:
            self.early.planned(job)
        self._jobs = []

    def close(self) -> None:
        """Stop a worker that drew early and that no hand-off took (the batch ended first)."""
        early = take_early()
        if early is not None:
            stop_pool(early.executor, interrupted=True)


#: The cards being drawn early (at most one batch at a time in a process).
_EARLY: list[EarlyCards] = []


def take_early() -> EarlyCards | None:
    """Return the cards file being drawn early, if any (the hand-off takes it once)."""
    return _EARLY.pop() if _EARLY else None
