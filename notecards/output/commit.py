"""Finish a batch: record it pending, move its files into place, complete it.

::

    staging folder (every file drawn)
       ▼ ledger: BEGIN IMMEDIATE, re-check "already issued", record batch + cards as pending
       ▼ move every file into --out
       ▼ ledger: mark the batch complete, add new suppressions

SIGINT and SIGTERM are held back from the first step to the last (they act right after), so
Ctrl-C or ``timeout`` never splits it; a ``kill -9`` or power cut in the gap leaves a pending
batch that the next command resolves (``ledger.pending``). When the re-check finds cards
another batch issued meanwhile, nothing is moved and nothing is recorded.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from notecards.errors import LedgerError
from notecards.ledger import IssuedCard, Ledger, open_ledger
from notecards.ledger.outcomes import OutcomeLog, record_outcomes
from notecards.ledger.pending import complete, staged_files


def check_ledger_writable(ledger_path: Path) -> None:
    """Fail before anything is drawn when the batch could not be recorded.

    Raises:
        LedgerError: read-only ledger or folder, a newer or damaged schema.
    """
    with open_ledger(ledger_path) as ledger:
        ledger.check_writable()


def move_into_place(staging: Path, out: Path, skip: Sequence[Path] = ()) -> list[Path]:
    """Move every file and folder of *staging* into *out* (replacing same-named ones)."""
    files = []
    for item in sorted(staging.iterdir()):
        if item in skip:
            continue
        target = out / item.name
        if item.is_dir() and target.is_dir():  # e.g. plotter/ of an earlier run
            shutil.rmtree(target)
        os.replace(item, target)
        files.append(target)
    return files


def commit_batch(
    ledger_path: Path | None,
    staging: Path,
    out: Path,
    *,
    batch_id: str,
    batch_date: date,
    cards: Iterable[IssuedCard] | None,
    suppress: Sequence[tuple[str, str]] = (),
    skip: Sequence[Path] = (),
    reprint_only: bool = False,
    now: datetime | None = None,
    log: OutcomeLog | None = None,
) -> list[Path]:
    """Move *staging*'s files into *out* and record the batch around the move (see module).

    With *ledger_path* None nothing is recorded (``record=False``). *log* holds the orders
    the batch read, and its holdout decisions (see ledger/outcomes.py); they are recorded in
    the same connection, with the codes of the batch's cards. A batch of reprints only
    (*reprint_only*: ``--reprint``, asked for by name) may replace another batch's files in
    the same folder, as it always could. Returns the files moved.

    Raises:
        AlreadyIssuedError: another batch issued some of these cards meanwhile; nothing was
            moved or recorded.
        LedgerError: the ledger cannot be written.
    """
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with signals_held():
        if ledger_path is None or (cards is None and not suppress and not log):
            return move_into_place(staging, out, skip)
        codes: dict[str, str] = {}

        def noting_codes(issued: Iterable[IssuedCard]) -> Iterator[IssuedCard]:
            for card in issued:
                if card.code:
                    codes[card.card_key] = card.code
                yield card

        with open_ledger(ledger_path) as ledger:
            if cards is not None:
                staged = staged_files(staging, tuple(skip))
                if not reprint_only:
                    _refuse_replacing(ledger, out, batch_id, batch_date, staged.files)
                ledger.record_batch(
                    batch_id,
                    batch_date.isoformat(),
                    stamp,
                    str(out.resolve()),
                    noting_codes(cards),
                    pending=staged.to_json(),
                )
            files = move_into_place(staging, out, skip)
            for key, label in suppress:
                ledger.suppress(key, label, "do_not_contact in input", stamp)
            if cards is not None:
                complete(ledger, batch_id)
            if log or codes:
                record_outcomes(ledger, log or OutcomeLog(), codes, stamp)
        return files


def _refuse_replacing(
    ledger: Ledger, out: Path, batch_id: str, batch_date: date, names: Iterable[str]
) -> None:
    """Refuse to replace the files of another batch of the same day in the same folder.

    Its cards are recorded as issued; replacing its cards.pdf before it is printed would
    lose them (two runs racing on one --out, or a second run the same day). A batch of an
    earlier day in the same folder (``--out out/`` every day) is replaced as before.
    """
    where = str(out.resolve())
    day = batch_date.isoformat()
    if not any((out / name).exists() for name in names):
        return
    for other in ledger.batches():
        if (
            other.out_dir == where
            and other.batch_date == day
            and other.voided_at is None
            and other.batch_id != batch_id
        ):
            raise LedgerError(
                f"{out}: holds batch {other.batch_id} of {day} ({other.cards} cards, recorded "
                f"{other.created_at}); this batch would replace its files before they are "
                "printed. Nothing was moved or recorded: run again with another --out folder "
                f"(or `notecards void {other.batch_id}` first if its files are not wanted)."
            )


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block (main thread, POSIX); deliver them after."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
