"""Batches recorded as pending: the crash gap between moving files into place and recording.

A batch is recorded *pending* (its cards count as issued) before its files leave the staging
folder, with the name and inode of every staged file; it is completed once they are in place.
A process killed in between leaves a pending batch, which the next command resolves:

* some of its files are in place (same inode: moved there, not yesterday's file of the same
  name) → move whatever is still staged, and complete it;
* none is → the move never started: delete the staging folder and roll the batch back, so
  its cards are issued by the next batch.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from notecards.ledger import Ledger


@dataclass(frozen=True, slots=True)
class Staged:
    """Where a batch's files wait before the move: the folder and name → inode of each."""

    staging: Path
    files: dict[str, int]

    def to_json(self) -> str:
        """Return the ledger's ``pending`` value for these files."""
        return json.dumps({"staging": str(self.staging.resolve()), "files": self.files})

    @staticmethod
    def from_json(text: str) -> Staged:
        """Read a ``pending`` value back."""
        data = json.loads(text)
        return Staged(Path(data["staging"]), {str(k): int(v) for k, v in data["files"].items()})


def staged_files(staging: Path, skip: tuple[Path, ...] = ()) -> Staged:
    """Return what *staging* holds to move into place (everything but *skip*)."""
    files = {
        item.name: item.stat().st_ino for item in sorted(staging.iterdir()) if item not in skip
    }
    return Staged(staging, files)


def complete(ledger: Ledger, batch_id: str) -> None:
    """Mark *batch_id* complete: its files are in place."""
    with ledger.connection:
        ledger.connection.execute(
            "UPDATE batches SET pending = NULL WHERE batch_id = ?", (batch_id,)
        )


def resolve_pending(ledger: Ledger) -> list[str]:
    """Complete or roll back every batch a crash left pending; return what was done.

    Call it only while holding the batch lock (``ledger.lock``): a running batch's own
    pending record must not be touched.
    """
    done = []
    rows = list(
        ledger.connection.execute(
            "SELECT batch_id, out_dir, cards, pending FROM batches WHERE pending IS NOT NULL "
            "ORDER BY created_at"
        )
    )
    for batch_id, out_dir, cards, pending in rows:
        staged = Staged.from_json(pending)
        out = Path(out_dir)
        placed = [name for name, ino in staged.files.items() if _inode(out / name) == ino]
        if placed:
            moved = 0
            for name, ino in staged.files.items():
                item = staged.staging / name
                if name not in placed and _inode(item) == ino:
                    _replace(item, out / name)
                    moved += 1
            complete(ledger, batch_id)
            shutil.rmtree(staged.staging, ignore_errors=True)
            finished = f"; moved its last {moved} file(s) into place" if moved else ""
            done.append(
                f"batch {batch_id} ({cards} cards) was interrupted after its files reached "
                f"{out}: recorded it as issued{finished}. Print it from there."
            )
        else:
            with ledger.connection:
                ledger.connection.execute("DELETE FROM cards WHERE batch_id = ?", (batch_id,))
                ledger.connection.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
            shutil.rmtree(staged.staging, ignore_errors=True)
            done.append(
                f"batch {batch_id} ({cards} cards) was interrupted before its files were moved "
                f"into {out}: rolled it back, so its cards are issued by the next batch."
            )
    return done


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _replace(item: Path, target: Path) -> None:
    if item.is_dir() and target.is_dir():
        shutil.rmtree(target)
    os.replace(item, target)
