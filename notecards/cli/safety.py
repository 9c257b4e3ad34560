"""What every command does to keep the ledger's promise: one batch at a time, pending batches
resolved, and SIGTERM handled like Ctrl-C.

* ``batch_session`` holds the ledger's batch lock for a whole ``batch`` run (waiting for a
  running one), resolves what a crashed run left pending, and checks the ledger can be
  written, all before an input is read.
* ``settle`` is the same resolution for the other commands, when no batch is running.
* ``sigterm_as_interrupt`` turns SIGTERM (cron, systemd, ``timeout``) into the same clean
  stop as Ctrl-C: the staging folder is removed, preflight workers are stopped, and the
  command exits 143 with one line.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from notecards.ledger import open_ledger
from notecards.ledger.lock import batch_lock, try_lock
from notecards.ledger.pending import resolve_pending

#: Exit status after SIGTERM (128 + 15, as a shell reports a process that SIGTERM ended).
SIGTERM_EXIT = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; unwinds like Ctrl-C so every ``finally`` cleans up."""


def _report(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"notecards: {line}", err=True)


def settle(ledger_path: Path) -> None:
    """Resolve batches a crash left pending in the ledger, when no batch is running now."""
    if not ledger_path.is_file():
        return
    with try_lock(ledger_path) as held:
        if held:
            with open_ledger(ledger_path) as ledger:
                _report(resolve_pending(ledger))


@contextmanager
def batch_session(ledger_path: Path, *, wait: float, dry_run: bool) -> Iterator[None]:
    """Hold the batch lock for the block (none for a dry run), after settling the ledger.

    Raises:
        LedgerError: another batch still runs after *wait* seconds; the ledger cannot be
            written, or is from a newer notecards.
    """
    if dry_run:
        settle(ledger_path)
        yield
        return
    with batch_lock(ledger_path, wait=wait, on_wait=lambda text: _report([text])):
        with open_ledger(ledger_path) as ledger:
            _report(resolve_pending(ledger))
            ledger.check_writable()
        yield


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Raise Terminated in the main thread on SIGTERM for the block (then restore)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (e.g. a test runner's worker thread)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def terminated_message() -> str:
    """Return the one line printed when SIGTERM stops a command."""
    return (
        "notecards: stopped by SIGTERM; unfinished files were removed and nothing half-done "
        "was recorded (`notecards batches` lists what was)."
    )
