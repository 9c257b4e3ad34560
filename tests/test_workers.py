"""notecards/workers.py: how a batch's worker processes start and end."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from notecards.internals import pool_processes
from notecards.workers import spawn_pool


class _Freed:
    """Writes *path* when it is freed."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __del__(self) -> None:
        Path(self.path).write_text("freed", encoding="utf-8")


#: In a worker: what a task left behind for the worker's exit to free.
_KEPT: list[_Freed] = []


def _keep(path: str) -> int:
    _KEPT.append(_Freed(path))
    return len(_KEPT)


def test_a_stopped_worker_exits_without_freeing_its_heap(tmp_path: Path) -> None:
    """Verify a batch's worker, once its pool is shut down, exits without tearing down what
    it holds (a drawing worker's heap took ~0.45 s to free at the end of a big batch, and
    the batch's process waits for its workers), while a plain worker does free it."""
    plain = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    assert plain.submit(_keep, str(tmp_path / "plain")).result(timeout=60) == 1
    plain.shutdown(wait=True)
    assert (tmp_path / "plain").read_text(encoding="utf-8") == "freed"  # the test can fail

    ours = spawn_pool(1)
    assert ours.submit(_keep, str(tmp_path / "ours")).result(timeout=60) == 1
    processes = pool_processes(ours)
    ours.shutdown(wait=True)  # joins the worker
    assert not any(process.is_alive() for process in processes)
    assert not (tmp_path / "ours").exists()
