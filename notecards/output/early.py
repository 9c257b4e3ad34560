"""Draw a batch's envelopes while it is still planning, in the drawing worker.

Planning runs on one core; the drawing worker (started ahead, see ``parallel.StartAhead``)
would otherwise wait for the plan. Each card's envelope needs only its order and the batch
settings, and planning lays every envelope out, so the planned cards are sent to the worker
in batches of :data:`SEND_EVERY` as they are planned, and the worker draws them into one
open file (``drawing.envelopes.EnvelopeWriter``). When the hand-off asks for the envelopes
of exactly those cards, in that order, the worker saves the file under its name and title,
finishes and checks it: the same bytes as drawing them all at once. Any other request (a
card was rejected while drawing, the batch is split into parts) drops the early file and the
envelopes are drawn as before.

The worker keeps one open file per batch key in a module-level table (one process, tasks in
order: a pool of one worker runs them in the order they were sent).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from notecards.drawing.envelopes import EnvelopeWriter
from notecards.handwriting.styles import register_bundled_fonts
from notecards.output.pdfx import finish_pdf
from notecards.planning.compose import drawable_envelope
from notecards.planning.jobs import CardJob
from notecards.preflight.spec import FileChecks, PreflightSpec, check_file
from notecards.settings import BatchSettings

#: Planned cards sent to the worker at a time (each send pickles their envelope layouts).
SEND_EVERY = 250

#: In the worker: the open envelopes file of each batch, and its settings.
_OPEN: dict[str, tuple[EnvelopeWriter, BatchSettings]] = {}


def begin(key: str, settings: BatchSettings) -> None:
    """Open the envelopes file of batch *key* (runs in the worker)."""
    register_bundled_fonts()
    production = settings.production
    writer = EnvelopeWriter(
        settings.envelope,
        shop_name=settings.config.shop_name,
        cmyk=production.cmyk,
        ink_limit=production.ink_limit,
    )
    _OPEN[key] = (writer, settings)


def add(key: str, jobs: Sequence[CardJob]) -> int:
    """Draw *jobs*' envelopes into batch *key*'s open file; return its page count so far."""
    writer, settings = _OPEN[key]
    for job in jobs:
        writer.add(drawable_envelope(job, settings), f"№ {job.card_number}")
    return writer.pages


def end(
    key: str, path: Path, title: str, spec: PreflightSpec | None, checked: bool
) -> tuple[int, FileChecks | None]:
    """Save batch *key*'s file at *path* with *title*, finish it, and check it when
    *checked*; return its page count and what the check found (runs in the worker)."""
    writer, settings = _OPEN.pop(key)
    pages = writer.save(path, title)
    finish_pdf(path, standard=settings.production.pdfx)  # as every print file is finished
    return pages, (check_file(path, spec, pages) if checked else None)


def drop(key: str) -> None:
    """Forget batch *key*'s open file (runs in the worker)."""
    _OPEN.pop(key, None)


class EarlyEnvelopes:
    """The planning side: sends planned cards to the worker, and hands the file over."""

    def __init__(self, executor: ProcessPoolExecutor, settings: BatchSettings, key: str) -> None:
        self.executor = executor
        self.settings = settings
        self.key = key
        self.sent: list[str] = []  # card keys, in the order sent
        self._waiting: list[CardJob] = []
        self._tasks: list[Future[object]] = [executor.submit(begin, key, settings)]

    def planned(self, job: CardJob) -> None:
        """Take one planned card; send the waiting ones when there are enough."""
        self._waiting.append(replace(job, content=None))  # the card's layout stays here
        if len(self._waiting) >= SEND_EVERY:
            self._send()

    def _send(self) -> None:
        if self._waiting:
            self._tasks.append(self.executor.submit(add, self.key, self._waiting))
            self.sent += [job.card_key for job in self._waiting]
            self._waiting = []

    def matches(self, settings: BatchSettings, chunk: Sequence[CardJob]) -> bool:
        """Return True when *chunk* is exactly the cards planned (and sent) so far."""
        keys = [job.card_key for job in chunk]
        return settings is self.settings and keys == self.sent + [
            job.card_key for job in self._waiting
        ]

    def finish(
        self, path: Path, title: str, spec: PreflightSpec | None, checked: bool
    ) -> Future[tuple[int, FileChecks | None]]:
        """Send the last cards and ask the worker to save, finish and check the file."""
        self._send()
        return self.executor.submit(end, self.key, path, title, spec, checked)

    def abandon(self) -> None:
        """Tell the worker to forget the file (the hand-off draws the envelopes itself)."""
        self.executor.submit(drop, self.key)
