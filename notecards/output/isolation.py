"""Keep a card that fails while drawing from costing the batch its other cards.

Planning lays out every card and envelope and checks every character, so drawing should never
fail. If it still does (a fault no check foresaw), :func:`render_isolated` finds the cards
that fail when drawn on their own (by halving the batch, so a single bad card costs about
two extra drawings of the batch), rejects exactly those, and writes the batch without them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace

from notecards.errors import ConfigError, LedgerError
from notecards.models import Reject
from notecards.output.render import BatchResult, render_batch, render_pdfs
from notecards.planning.batch import BatchPlan, CardJob

#: Errors that concern the whole batch: never blamed on one card.
_WHOLE_BATCH = (ConfigError, LedgerError, OSError, MemoryError)


def render_isolated(
    plan: BatchPlan,
    out_dir: str | os.PathLike[str],
    **options: object,
) -> tuple[BatchResult, BatchPlan]:
    """Return render_batch(*plan*, *out_dir*, **options) and the plan that was written.

    When drawing fails, the cards that fail on their own are moved to the plan's rejects
    (``rejects.csv`` says why) and the others are written; the plan returned is that one.

    Raises:
        ConfigError, LedgerError, OSError: a problem of the whole batch (nothing is blamed
            on a card); or the failure could not be traced to any card.
    """
    try:
        return render_batch(plan, out_dir, **options), plan  # type: ignore[arg-type]
    except _WHOLE_BATCH:
        raise
    except Exception:
        bad = failing_jobs(plan, plan.jobs)
        if not bad:
            raise
        reduced = without(plan, bad)
    return render_batch(reduced, out_dir, **options), reduced  # type: ignore[arg-type]


def failing_jobs(
    plan: BatchPlan,
    jobs: Sequence[CardJob],
    draw: Callable[[BatchPlan], object] = render_pdfs,
) -> list[tuple[CardJob, BaseException]]:
    """Return the jobs of *jobs* that fail to draw, each with its error (by halving)."""
    try:
        draw(replace(plan, jobs=tuple(jobs)))
        return []
    except _WHOLE_BATCH:
        raise
    except Exception as err:
        if len(jobs) == 1:
            return [(jobs[0], err)]
    middle = len(jobs) // 2
    return failing_jobs(plan, jobs[:middle], draw) + failing_jobs(plan, jobs[middle:], draw)


def without(plan: BatchPlan, bad: Sequence[tuple[CardJob, BaseException]]) -> BatchPlan:
    """Return *plan* with the *bad* jobs moved to its rejects, each with its reason."""
    numbers = {job.card_number for job, _ in bad}
    rejects = list(plan.rejects)
    for job, err in bad:
        reason = (
            f"card {job.card_number} could not be drawn ({type(err).__name__}: {err}) — "
            "the other cards were written; check this row's values, or report it with this row"
        )
        order = job.order
        cells = tuple(
            (k, v)
            for k, v in (
                ("order_id", order.order_id),
                ("name", order.display_name),
                ("email", order.email),
            )
            if v
        )
        rejects += (
            Reject(path, row, reason, cells, sheet=order.source.sheet)
            for path, row in order.source.locations()
        )
    jobs = tuple(job for job in plan.jobs if job.card_number not in numbers)
    return replace(plan, jobs=jobs, rejects=tuple(rejects))
