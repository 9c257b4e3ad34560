"""Did the cards bring them back? The results of the cards sent, read from the ledger.

>>> import notecards
>>> report = notecards.results("notecards-ledger.sqlite", since=date(2026, 1, 1))  # doctest: +SKIP
>>> report.returns.query("window_days == 90")                                     # doctest: +SKIP

Every attribute of :class:`Results` is a pandas DataFrame, one per table of the report.
pandas (and, for the report, matplotlib) is imported when results are made, not when
notecards is: every command and worker process would pay half a second for it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from notecards.ledger import open_ledger
from notecards.ledger.outcomes import OutcomeLog, read_table, record_outcomes
from notecards.planning.batch import BatchSettings, load_inputs
from notecards.planning.outcomes import seen_order

if TYPE_CHECKING:  # pandas (and matplotlib, for the page) load when a report is made,
    import pandas as pd  # not whenever notecards is imported: a batch never needs them


@dataclass(frozen=True, slots=True)
class Results:
    """The report's tables; see analysis.py for how each figure is counted."""

    cards: pd.DataFrame
    """Every card sent (not voided, reprints left out), with its code."""
    orders: pd.DataFrame
    """Every order the batches and ``notecards record`` read."""
    cards_per_week: pd.DataFrame
    returns: pd.DataFrame
    """Share of carded customers ordering again within 30/60/90 days, per occasion/variant."""
    timing: pd.DataFrame
    """Median days to the next order and the revenue of next orders, per occasion/variant."""
    redemptions: pd.DataFrame
    """Each code printed on a card, and the order that used it (if one did)."""
    codes: pd.DataFrame
    """Codes redeemed per occasion/variant: how many, what share, how fast."""
    holdout: pd.DataFrame
    """Carded vs held-out customers, and the difference with its interval (if a holdout ran)."""
    quiet_customers: pd.DataFrame
    """Customers the shop has not written to for longest: a list to act on."""
    as_of: date
    since: date | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return name → DataFrame for every table."""
        import pandas as pd

        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), pd.DataFrame)
        }


def results(
    ledger_path: str | os.PathLike[str],
    since: date | None = None,
    *,
    as_of: date | None = None,
) -> Results:
    """Return the results of the cards recorded in the ledger at *ledger_path*.

    *since* keeps cards sent on or after that day; *as_of* is the last day the figures cover
    (default: the latest order or card the ledger knows).

    Raises:
        LedgerError: the ledger cannot be read.
    """
    import pandas as pd

    from notecards.results import analysis

    frames = {}
    with open_ledger(Path(ledger_path), create=False) as ledger:
        for name in ("cards", "orders", "holdout"):
            columns, rows = read_table(ledger, name)
            frames[name] = pd.DataFrame(rows, columns=columns)
    inputs = analysis.prepare(
        frames["cards"], frames["orders"], frames["holdout"], since=since, as_of=as_of
    )
    redeemed = analysis.redemptions(inputs)
    return Results(
        cards=inputs.cards,
        orders=inputs.orders,
        cards_per_week=analysis.cards_per_week(inputs),
        returns=analysis.returns(inputs),
        timing=analysis.timing(inputs),
        redemptions=redeemed,
        codes=analysis.codes_summary(redeemed),
        holdout=analysis.holdout_comparison(inputs),
        quiet_customers=analysis.quiet_customers(inputs),
        as_of=inputs.as_of,
        since=since,
    )


@dataclass(frozen=True, slots=True)
class Recorded:
    """What ``notecards record`` did: orders read, and how many the ledger had not seen."""

    orders_read: int
    new_orders: int
    rows_read: int


def record_orders(
    paths: Sequence[str | os.PathLike[str]],
    settings: BatchSettings,
    *,
    sheet: str | None = None,
    format_name: str | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Remember the orders of *paths* in the ledger, without printing any card.

    Idempotent: an order already seen is never counted again.

    Raises:
        InputError: a file cannot be read.
        LedgerError: the ledger cannot be written.
    """
    loaded = load_inputs(paths, settings, sheet=sheet, format_name=format_name)
    log = OutcomeLog()
    for order in loaded.orders:
        seen = seen_order(order)
        if seen is not None:
            log.add_order(seen)
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with open_ledger(settings.ledger_path) as ledger:
        before = ledger.connection.execute("SELECT COUNT(*) FROM orders_seen").fetchone()[0]
        record_outcomes(ledger, log, {}, stamp)
        after = ledger.connection.execute("SELECT COUNT(*) FROM orders_seen").fetchone()[0]
    return Recorded(len(log.orders), int(after - before), loaded.rows_read)


__all__ = ["Recorded", "Results", "record_orders", "results"]
