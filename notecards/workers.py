"""Worker processes a batch starts (self-preflight, envelope drawing): started and stopped
the same way, so none outlives its batch.

Workers are spawned, not forked (the batch process holds fonts, canvases and maybe threads),
each watches its parent and exits when the batch process is gone (even after ``kill -9``),
and a batch that stops early (an error, Ctrl-C, SIGTERM) terminates them at once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from notecards.internals import pool_processes

#: How often a worker checks that the batch process that started it is alive.
PARENT_POLL_SECONDS = 0.5


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    """Return a pool of *workers* spawned processes that exit with this process."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=watch_parent,
        initargs=(os.getpid(),),
    )


def stop_pool(executor: ProcessPoolExecutor, *, interrupted: bool) -> None:
    """Shut *executor* down: wait for its work, or, when *interrupted*, stop its workers now."""
    if not interrupted:
        executor.shutdown(wait=True)
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
    so no worker (and then no resource tracker) outlives its batch.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="notecards-parent-watch", daemon=True).start()
