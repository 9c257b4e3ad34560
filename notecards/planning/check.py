"""``check``: plan every order as a batch would, one at a time, keeping only counts.

The orders are read through ``loading.OrderStream`` and planned by the same OrderPlanner as a
batch (without keeping layouts), so memory stays flat however long the file is: what is kept
is the findings and the rejected rows, never the orders or the cards. Orders are merged by
the one merge rule of ``loading.stream``, as in every batch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from notecards.loading.stream import OrderStream
from notecards.models import Problem, Reject, Severity
from notecards.planning.batch import BatchCounts, load_options
from notecards.planning.jobs import CardJob, Skipped
from notecards.planning.planner import OrderPlanner
from notecards.settings import BatchSettings


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``check`` found in its inputs."""

    formats: tuple[str, ...]
    problems: tuple[Problem, ...]
    """The loader's findings (rejected rows among them) and the batch-wide ones."""
    rule_rejects: tuple[Reject, ...]
    """Orders the planning rules reject (the message does not fit, unknown occasion …)."""
    orders: int
    rejected: int
    summary: str

    @property
    def warnings(self) -> int:
        """Return how many findings are warnings."""
        return sum(1 for p in self.problems if p.severity is Severity.WARNING)


def check_inputs(
    paths: Sequence[str | os.PathLike[str]],
    settings: BatchSettings,
    *,
    today: date,
    sheet: str | None = None,
    format_name: str | None = None,
) -> CheckReport:
    """Plan every order of *paths* for *today* without drawing or recording anything.

    Raises:
        InputError: an input file cannot be read.
        TemplateError: a template is broken or names a missing variable.
        ConfigError: a setting is unusable.
    """
    stream = OrderStream(paths, load_options(settings, sheet=sheet, format_name=format_name))
    planner = OrderPlanner(settings, today, keep_layouts=False)
    orders = new = carded = skipped = rejected = 0
    rule_rejects: list[Reject] = []
    for item in stream:
        if isinstance(item, Reject):
            rejected += 1
            continue
        orders += 1
        outcome = planner.plan_order(item)
        if isinstance(outcome, CardJob):
            new += 1
            carded += len(item.source.rows)
        elif isinstance(outcome, Skipped):
            skipped += len(item.source.rows)
        else:
            rule_rejects += outcome
            rejected += len(outcome)
    problems = list(stream.problems)
    problems += (p for p in planner.problems() if p not in problems)
    return CheckReport(
        tuple(stream.formats),
        tuple(problems),
        tuple(rule_rejects),
        orders,
        rejected,
        BatchCounts(new, planner.already, 0, stream.rows_read, carded, skipped, rejected).summary(),
    )
