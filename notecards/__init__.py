"""notecards: turn orders and contact lists into print-ready, handwritten-looking cards.

>>> import notecards
>>> settings = notecards.make_settings()                                # doctest: +SKIP
>>> plan = notecards.plan_batch(["orders.csv"], settings, today=date.today())  # doctest: +SKIP
>>> notecards.render_batch(plan, "out/2026-11-22")                       # doctest: +SKIP
"""

import warnings
from typing import Any

from notecards.config import Config, load_config
from notecards.errors import (
    ConfigError,
    FontError,
    InputError,
    LayoutError,
    LedgerError,
    NotecardsError,
    RowError,
    TemplateError,
)
from notecards.extras.plotter import write_plotter_svgs
from notecards.extras.proofs import write_batch_proofs, write_proofs
from notecards.extras.share import share_image
from notecards.loading import LoadOptions, load_orders
from notecards.models import Address, Birthday, LoadResult, Order, Problem, Reject
from notecards.output.render import BatchResult, PrintFiles, render_batch, render_files, render_pdfs
from notecards.output.run import run_batch, run_batch_streaming
from notecards.planning.batch import BatchPlan, make_settings, plan_batch
from notecards.planning.jobs import CardJob
from notecards.results import Results, record_orders, results
from notecards.settings import BatchSettings

__all__ = [
    "Address",
    "BatchPlan",
    "BatchResult",
    "BatchSettings",
    "Birthday",
    "CardJob",
    "Config",
    "ConfigError",
    "FontError",
    "InputError",
    "LayoutError",
    "LedgerError",
    "LoadOptions",
    "LoadResult",
    "NotecardsError",
    "Order",
    "PrintFiles",
    "Problem",
    "Reject",
    "Results",
    "RowError",
    "TemplateError",
    "load_config",
    "load_orders",
    "make_settings",
    "plan_batch",
    "record_orders",
    "render_batch",
    "render_files",
    "render_pdfs",
    "results",
    "run_batch",
    "run_batch_streaming",
    "share_image",
    "write_batch_proofs",
    "write_plotter_svgs",
    "write_proofs",
]


def __getattr__(name: str) -> Any:
    """Names kept for older code, with a DeprecationWarning."""
    if name == "StreamedBatch":
        warnings.warn(
            "notecards.StreamedBatch is deprecated: every batch returns a notecards.BatchResult",
            DeprecationWarning,
            stacklevel=2,
        )
        return BatchResult
    raise AttributeError(f"module 'notecards' has no attribute {name!r}")
