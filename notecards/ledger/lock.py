"""One batch at a time per ledger: an exclusive lock on a file beside it.

``batch_lock(ledger_path)`` holds ``<ledger>.lock`` (``fcntl.flock``, released by the
kernel when the process ends, even on ``kill -9``) for the whole of a batch: reading what
was already issued, drawing, moving files into place and recording. A second batch on the
same ledger waits for it (up to *wait* seconds) and then plans against what the first one
recorded, so an order is never printed twice. The lock file keeps the holder's pid and start
time for the message a waiting run gives.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from notecards.errors import LedgerError

try:  # POSIX; on Windows the lock degrades to the in-transaction re-check alone
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms CI runs
    fcntl = None  # type: ignore[assignment]

#: How often a waiting run tries the lock again (seconds).
POLL_SECONDS = 0.2


def lock_path(ledger_path: Path) -> Path:
    """Return the lock file of the ledger at *ledger_path* (``ledger.sqlite.lock``)."""
    return ledger_path.with_name(ledger_path.name + ".lock")


def holder(ledger_path: Path) -> str:
    """Return "pid N, since T" of the run holding the lock, as far as the file says."""
    try:
        text = lock_path(ledger_path).read_text(encoding="utf-8").split()
    except OSError:
        text = []
    if len(text) >= 2:
        return f"pid {text[0]}, since {text[1]}"
    return "pid unknown"


@contextmanager
def batch_lock(
    ledger_path: Path,
    *,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the ledger's batch lock for the ``with`` block.

    When another run holds it, call *on_wait* once with a sentence saying so, then wait up to
    *wait* seconds for it.

    Raises:
        LedgerError: the lock is still held after *wait* seconds, or the lock file cannot be
            created (the ledger's folder is not writable).
    """
    handle = _open(ledger_path)
    try:
        if fcntl is not None:
            _acquire(handle, ledger_path, wait, on_wait)
        handle.seek(0)
        handle.truncate()
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        handle.write(f"{os.getpid()} {stamp}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock


@contextmanager
def try_lock(ledger_path: Path) -> Iterator[bool]:
    """Hold the batch lock for the block if it is free right now; yield whether it is held.

    A missing ledger folder or an unwritable one yields False (nothing to settle there).
    """
    try:
        handle = _open(ledger_path)
    except LedgerError:
        yield False
        return
    try:
        if fcntl is None:  # pragma: no cover
            yield True
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        handle.close()


def _open(ledger_path: Path) -> IO[str]:
    path = lock_path(ledger_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # "a+": never truncate before holding the lock (the holder's pid is in there).
        return path.open("a+", encoding="utf-8")
    except OSError as err:
        raise LedgerError(
            f"{path}: cannot create the ledger's lock file ({err.strerror}). Make the folder "
            f"{path.parent} writable, or point --ledger at a ledger in a writable folder; "
            "nothing was drawn or recorded."
        ) from err


def _acquire(
    handle: IO[str], ledger_path: Path, wait: float, on_wait: Callable[[str], None] | None
) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        who = holder(ledger_path)
        if time.monotonic() >= deadline:
            waited = f" after waiting {wait:g} s" if wait else ""
            raise LedgerError(
                f"{ledger_path}: another notecards batch is running on this ledger ({who})"
                f"{waited}. Wait for it to finish and run this command again (or give "
                "--wait SECONDS); nothing was drawn or recorded."
            )
        if not told and on_wait is not None:
            on_wait(
                f"another notecards batch is running on {ledger_path} ({who}); "
                f"waiting up to {wait:g} s for it to finish…"
            )
            told = True
        time.sleep(POLL_SECONDS)
