"""What a batch tells on stderr besides its summary: why each row was rejected, and a hint
when a rerun prints nothing because an earlier batch's folder is gone."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import click

from notecards.ledger import open_ledger
from notecards.models import Problem, Severity
from notecards.output.render import REJECTS_CSV, BatchResult

#: Rejected rows listed on stderr; the rest are counted (all are in rejects.csv).
SHOWN_REJECTS = 20


def echo_rule_rejects(result: BatchResult, problems: Sequence[Problem]) -> None:
    """Say why each row the planning rules rejected was rejected, naming the column.

    Rows the loader rejected were already told as problems; these come from ``rejects.csv``
    as this batch wrote it (a message that does not fit, a character no font has …).
    """
    path = result.out_dir / REJECTS_CSV
    if path not in result.files or not path.is_file():
        return
    told = {
        (p.source, p.row) for p in problems if p.severity is Severity.ERROR and p.row is not None
    }
    shown = more = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["source"], _int(row["row"])) in told:
                continue
            if shown == SHOWN_REJECTS:
                more += 1
                continue
            sheet = f"{row['sheet']}:" if row.get("sheet") else ""
            click.echo(
                f"rejected: {row['source']}:{sheet}row {row['row']}: {row['reason']}", err=True
            )
            shown += 1
    if more:
        click.echo(f"rejected: … and {more} more rows, all in {path}", err=True)


def hint_lost_folders(ledger_path: Path) -> None:
    """When nothing new was printed, name recorded batches whose folder no longer has them."""
    if not ledger_path.is_file():
        return
    with open_ledger(ledger_path) as ledger:
        records = [b for b in ledger.batches() if b.voided_at is None and not b.pending]
    for record in records:
        folder = Path(record.out_dir)
        if not (folder / "manifest.csv").is_file():
            click.echo(
                f"note: batch {record.batch_id} ({record.cards} cards) was written to {folder}, "
                "which no longer holds it. If its cards were never printed, run "
                f"`notecards void {record.batch_id}` and this command again, or reprint single "
                "cards with --reprint ORDER_ID.",
                err=True,
            )


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
