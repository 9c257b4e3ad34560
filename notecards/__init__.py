"""notecards: turn orders and contact lists into print-ready, handwritten-looking cards.

>>> import notecards
>>> settings = notecards.make_settings()                                # doctest: +SKIP
>>> plan = notecards.plan_batch(["orders.csv"], settings, today=date.today())  # doctest: +SKIP
>>> notecards.render_batch(plan, "out/2026-11-22")                       # doctest: +SKIP
"""

import importlib
import sys
import types
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from notecards.output.render import (
        BatchResult,
        PrintFiles,
        render_batch,
        render_files,
        render_pdfs,
    )
    from notecards.output.run import run_batch, run_batch_streaming
    from notecards.planning.batch import BatchPlan, make_settings, plan_batch
    from notecards.planning.jobs import CardJob
    from notecards.results import Results, record_orders, results
    from notecards.settings import BatchSettings

#: Where each name of the API lives, imported on first use (PEP 562): a process that needs
#: one stage (a preflight checker, the drawing worker) does not import them all, and each
#: spawned worker imports the command's own module again (0.45 s when it imported them all).
_WHERE = {
    "Address": "notecards.models",
    "BatchPlan": "notecards.planning.batch",
    "BatchResult": "notecards.output.render",
    "BatchSettings": "notecards.settings",
    "Birthday": "notecards.models",
    "CardJob": "notecards.planning.jobs",
    "Config": "notecards.config",
    "ConfigError": "notecards.errors",
    "FontError": "notecards.errors",
    "InputError": "notecards.errors",
    "LayoutError": "notecards.errors",
    "LedgerError": "notecards.errors",
    "LoadOptions": "notecards.loading",
    "LoadResult": "notecards.models",
    "NotecardsError": "notecards.errors",
    "Order": "notecards.models",
    "PrintFiles": "notecards.output.render",
    "Problem": "notecards.models",
    "Reject": "notecards.models",
    "Results": "notecards.results",
    "RowError": "notecards.errors",
    "TemplateError": "notecards.errors",
    "load_config": "notecards.config",
    "load_orders": "notecards.loading",
    "make_settings": "notecards.planning.batch",
    "plan_batch": "notecards.planning.batch",
    "record_orders": "notecards.results",
    "render_batch": "notecards.output.render",
    "render_files": "notecards.output.render",
    "render_pdfs": "notecards.output.render",
    "results": "notecards.results",
    "run_batch": "notecards.output.run",
    "run_batch_streaming": "notecards.output.run",
    "share_image": "notecards.extras.share",
    "write_batch_proofs": "notecards.extras.proofs",
    "write_plotter_svgs": "notecards.extras.plotter",
    "write_proofs": "notecards.extras.proofs",
}

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
    """Import a name of the API from its module on first use (then it is a plain attribute);
    names kept for older code come with a DeprecationWarning."""
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    if name == "StreamedBatch":
        warnings.warn(
            "notecards.StreamedBatch is deprecated: every batch returns a notecards.BatchResult",
            DeprecationWarning,
            stacklevel=2,
        )
        return __getattr__("BatchResult")
    raise AttributeError(f"module 'notecards' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The notecards package: ``notecards.results`` is the function, also once the module of
    that name is imported (Python sets a package's attribute to each submodule it loads)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "results" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
