"""Worker processes a batch starts (self-preflight, envelope drawing): started and stopped
the same way, so none outlives its batch.

Workers are spawned, not forked (the batch process holds fonts, canvases and maybe threads),
each watches its parent and exits when the batch process is gone (even after ``kill -9``),
and a batch that stops early (an error, Ctrl-C, SIGTERM) terminates them at once.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from types import TracebackType
from typing import TypeVar

from notecards.internals import pool_processes

#: How often a worker checks that the batch process that started it is alive.
PARENT_POLL_SECONDS = 0.5
#: The cycle collector's thresholds while a batch runs (Python's own: 700, 10, 10): a young
#: collection every 10,000 allocations, a middle one every 100 of those, and no full one
#: (the whole heap, the open PDF's pages included: 0.2 s each in a drawing worker).
BATCH_GC_THRESHOLDS = (10_000, 100, 1_000)


#: Pools started ahead of need (start_ahead), by size, until a spawn_pool takes one.
_AHEAD: dict[int, list[ProcessPoolExecutor]] = {}


def collect_less() -> None:
    """Let the cycle collector run less often in this process (a batch's, or its worker's).

    A batch holds hundreds of thousands of long-lived objects (orders, jobs, layouts, word
    shapes, the PDF's objects) and makes few reference cycles; at Python's thresholds the
    collector walks all of those objects again every few hundred cards, ~10 % of a batch's
    CPU (2,000 orders: ~1.2 s). Raised, young collections are rare and full ones do not run
    until the batch ends (10,000 orders: 4.4 s of collector time in its processes, now 1.5 s,
    with the same peak memory).
    """
    gc.set_threshold(*BATCH_GC_THRESHOLDS)


#: For each batch running in this process (innermost last): whether it may set objects aside
#: from the collector (not when the process had frozen objects of its own before it).
_MAY_FREEZE: list[bool] = []


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the body with :func:`collect_less`, then put the collector's thresholds back (and
    let it walk what :func:`settle_heap` set aside)."""
    old = gc.get_threshold()
    may_freeze = gc.get_freeze_count() == 0 and all(_MAY_FREEZE)
    _MAY_FREEZE.append(may_freeze)
    collect_less()
    try:
        yield
    finally:
        _MAY_FREEZE.pop()
        if may_freeze and not _MAY_FREEZE:
            gc.unfreeze()
        gc.set_threshold(*old)


def settle_heap(*, collect: bool = False) -> None:
    """Set the objects alive now aside from the cycle collector until the batch ends (within
    :func:`fewer_collections`): a batch calls it once its plan is made, as that plan lives
    until the batch is recorded. The first middle-generation collection after planning
    walked the whole plan, 0.46 s of a 10,000-order batch, to free a few thousand objects.

    With *collect*, the garbage made since the last call is collected first: a streamed
    batch calls it after each part, whose file, once written, is garbage in reference cycles
    (reportlab's document, a varied font) that had lived long enough to leave the young
    generations, so no collection reached it before the batch ended (8 MB a part of 500
    cards, the most of a big streamed batch's memory). Each call walks only what was made
    since the last one.

    Outside a batch, or in a process that had frozen objects of its own (a server that
    freezes before it forks), nothing is set aside: the batch's end would let the collector
    have those too."""
    if not _MAY_FREEZE or not _MAY_FREEZE[-1]:
        return
    if collect:
        gc.collect()
    gc.freeze()


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    """Return a pool of *workers* spawned processes that exit with this process: one
    started ahead (:func:`start_ahead`) when there is one of that size, else a new one."""
    waiting = _AHEAD.get(workers)
    if waiting:
        return waiting.pop(0)
    return _new_pool(workers)


def start_ahead(workers: int, warm: Callable[[], object]) -> None:
    """Start a pool of *workers* processes now, each running *warm* (a module-level function:
    unpickling it imports the modules the work needs; it may load fonts), for the next
    ``spawn_pool(workers)`` to take.

    A batch that will need workers starts them while it is still planning, on the core that
    planning leaves idle: a spawned worker's start-up (Python, notecards, its fonts) takes
    about a second, which otherwise delays the drawing or the checks it is started for.
    """
    pool = _new_pool(workers)
    for _ in range(workers):
        pool.submit(warm)
    _AHEAD.setdefault(workers, []).append(pool)


def stop_ahead() -> None:
    """Stop the pools started ahead that nothing took (the batch needed fewer, or failed)."""
    pools = [pool for waiting in _AHEAD.values() for pool in waiting]
    _AHEAD.clear()
    for pool in pools:
        stop_pool(pool, interrupted=True)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=watch_parent,
        initargs=(os.getpid(),),
    )


def stop_pool(executor: ProcessPoolExecutor, *, interrupted: bool) -> None:
    """Shut *executor* down: let its work finish, or, when *interrupted*, stop its workers now.

    Not interrupted, the batch has its results by now: the workers exit on their own (each
    frees its heap, ~0.4 s for a big batch's checkers) while the batch goes on to write its
    manifest and ledger, and the interpreter joins them when it exits.
    """
    if not interrupted:
        executor.shutdown(wait=False)
        return
    processes = pool_processes(executor)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)


def watch_parent(parent: int) -> None:
    """Make this worker exit when *parent* is gone (runs in the worker, as its initializer).

    A daemon thread polls the parent pid: once the worker is re-parented, it exits at once,
    so no worker (and then no resource tracker) outlives its batch. A worker told to stop
    also exits without freeing its heap (:func:`_leave`).
    """
    atexit.register(_leave)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="notecards-parent-watch", daemon=True).start()


def _leave() -> None:
    """Exit this worker at once (its first exit handler: multiprocessing's own exit work ran
    when the worker's loop ended). Freeing a worker's heap as Python exits took ~0.45 s at
    the end of a big batch, and the batch's process waits for its workers to exit."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


_Pool = TypeVar("_Pool", bound="LazyPool")


class LazyPool:
    """A pool of *size* workers, spawned when first used (``executor``) and stopped when the
    ``with`` block ends: at once, when it ends by an error, Ctrl-C or SIGTERM."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Return True once the pool's workers were asked for."""
        return self._executor is not None

    @property
    def executor(self) -> ProcessPoolExecutor:
        """Return the pool, spawning it (or taking one started ahead) on first use."""
        if self._executor is None:
            self._executor = spawn_pool(self.size)
        return self._executor

    def adopt(self, executor: ProcessPoolExecutor) -> None:
        """Use *executor* (already running) as this pool, when none was started yet."""
        if self._executor is None:
            self._executor = executor

    def __enter__(self: _Pool) -> _Pool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            stop_pool(self._executor, interrupted=kind is not None)
