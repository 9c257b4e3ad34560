"""Draw a batch's cards while it is still planning, in the drawing worker.

Planning runs on one core; the drawing worker (started ahead, see ``parallel.StartAhead``)
would otherwise wait for the plan. Drawing the cards takes about as long as planning them,
so the planned cards' layouts are sent to the worker in batches of :data:`SEND_EVERY` as
they are planned, and the worker draws them into one open file (``drawing.cards.CardWriter``)
while this process plans the next ones. When the hand-off asks for the cards of exactly
those jobs, in that order, the worker saves the file under its name and title (imposed or
calibrated as the production says, ``output/cardfile.save_cards``) and finishes it, while
this process draws the envelopes: the same bytes as drawing them all at once. Any other
request (a card was rejected while drawing, the batch is split into parts) drops the early
file and the cards are drawn as before; so does a card that fails in the worker.

The worker keeps one open file per batch key in a module-level table (one process, tasks in
order: a pool of one worker runs them in the order they were sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from notecards.drawing.cards import CardWriter
from notecards.handwriting.styles import register_bundled_fonts
from notecards.layout.imposition import SheetLayout
from notecards.output.cardfile import (
    card_content,
    keeps_layouts,
    open_cards,
    save_cards,
    sheet_layout,
)
from notecards.output.pdfx import finish_pdf
from notecards.planning.jobs import CardContent, CardJob
from notecards.settings import BatchSettings
from notecards.workers import collect_less

#: Planned cards sent to the worker at a time (each send pickles their layouts).
SEND_EVERY = 250


@dataclass
class _File:
    """In the worker: one batch's open cards file."""

    writer: CardWriter
    settings: BatchSettings
    layout: SheetLayout | None
    failed: BaseException | None = None


#: In the worker: the open cards file of each batch.
_OPEN: dict[str, _File] = {}


def begin(key: str, settings: BatchSettings) -> None:
    """Open the cards file of batch *key* (runs in the worker)."""
    collect_less()  # as a drawing worker does (parallel.warm_drawing): it holds every page
    register_bundled_fonts()
    layout = sheet_layout(settings)
    _OPEN[key] = _File(open_cards(settings, layout), settings, layout)


def add(key: str, items: Sequence[CardContent | CardJob]) -> int:
    """Draw *items* (laid-out cards, or jobs to lay out here) into batch *key*'s open file;
    return its page count so far. A card that fails leaves the file unfinished: the error
    is kept for :func:`end`, and the hand-off draws the cards itself."""
    file = _OPEN[key]
    if file.failed is not None:
        return file.writer.pages
    try:
        for item in items:
            if isinstance(item, CardJob):
                item = card_content(item, file.settings, file.layout)
            file.writer.add(item)
    except Exception as err:  # noqa: BLE001 - reported by end(), drawn again by the hand-off
        file.failed = err
    return file.writer.pages


def end(key: str, path: Path, title: str) -> int:
    """Save batch *key*'s file at *path* with *title* and finish it; return its page count
    (runs in the worker).

    Raises:
        the error of a card that failed while drawing (nothing is saved).
    """
    file = _OPEN.pop(key)
    if file.failed is not None:
        raise file.failed
    pages = save_cards(file.writer, file.settings, path, file.layout, title)
    finish_pdf(path, standard=file.settings.production.pdfx)  # as every print file is finished
    return pages


def drop(key: str) -> None:
    """Forget batch *key*'s open file (runs in the worker)."""
    _OPEN.pop(key, None)


class EarlyCards:
    """The planning side: sends planned cards to the worker, and hands the file over."""

    def __init__(self, executor: ProcessPoolExecutor, settings: BatchSettings, key: str) -> None:
        self.executor = executor
        self.settings = settings
        self.key = key
        self.sent: list[str] = []  # card keys, in the order sent
        self.broken = False  # the worker died: the hand-off draws the cards
        self._keeps = keeps_layouts(settings, sheet_layout(settings))
        self._waiting: list[CardJob] = []
        self._tasks: list[Future[object]] = [executor.submit(begin, key, settings)]

    def planned(self, job: CardJob) -> None:
        """Take one planned card; send the waiting ones when there are enough."""
        self._waiting.append(job)
        if len(self._waiting) >= SEND_EVERY:
            self._send()

    def _send(self) -> None:
        if not self._waiting:
            return
        items: list[CardContent | CardJob] = [
            job.content
            if job.content is not None and self._keeps
            else replace(job, content=None, envelope_layout=None)  # laid out there
            for job in self._waiting
        ]
        try:
            self._tasks.append(self.executor.submit(add, self.key, items))
        except BrokenProcessPool:  # the worker died (out of memory, killed): draw them later
            self.broken = True
        self.sent += [job.card_key for job in self._waiting]
        self._waiting = []

    def matches(self, settings: BatchSettings, chunk: Sequence[CardJob]) -> bool:
        """Return True when *chunk* is exactly the cards planned (and sent) so far."""
        if self.broken:
            return False
        keys = [job.card_key for job in chunk]
        return settings is self.settings and keys == self.sent + [
            job.card_key for job in self._waiting
        ]

    def finish(self, path: Path, title: str) -> Future[int]:
        """Send the last cards and ask the worker to save and finish the file at *path*."""
        self._send()
        try:
            return self.executor.submit(end, self.key, path, title)
        except BrokenProcessPool as err:  # it died since: the hand-off draws them (see parts)
            failed: Future[int] = Future()
            failed.set_exception(err)
            return failed

    def abandon(self) -> None:
        """Tell the worker to forget the file (the hand-off draws the cards itself)."""
        if not self.broken:
            self.executor.submit(drop, self.key)
