"""Build one order so that nothing about its rows can stop the other orders' day."""

from __future__ import annotations

from notecards.errors import ConfigError
from notecards.loading.grouping import OrderRows
from notecards.loading.options import LoadOptions
from notecards.loading.orders import Built, build_order
from notecards.models import Reject


def build_order_guarded(group: OrderRows, options: LoadOptions) -> Built:
    """Return build_order(*group*), or its rows as rejects when building it fails.

    build_order turns every known problem into a located reject already; this catches what
    no check foresaw (a value no rule expected), so that one row costs one order only.

    Raises:
        ConfigError: an input choice in the config is not valid (every order would fail).
    """
    try:
        return build_order(group, options)
    except ConfigError:
        raise
    except Exception as err:  # one order's fault, whatever it is, stays that order's
        reason = (
            f"could not be read ({type(err).__name__}: {err}) — check this row's name and "
            "address cells; if they look right, report it with this row"
        )
        rejects = tuple(Reject(r.source, r.number, reason, r.cells, r.sheet) for r in group.records)
        return Built(None, rejects, tuple(group.problems))
