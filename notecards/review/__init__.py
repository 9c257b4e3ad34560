"""The review desk: see, edit and approve the day's cards before they print.

``store`` keeps edits, holds, approvals and fixes in the ledger (the planner reads them, so
``batch`` prints what was approved as it was edited); ``desk.Review`` is the library face;
``web`` is the local page and its JSON API over it. Import ``Review`` from here::

    from notecards.review import Review
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notecards.review.desk import PrintSummary, Review

__all__ = ["PrintSummary", "Review"]


def __getattr__(name: str) -> Any:
    # Imported lazily: the planner imports review.store, and the desk imports the planner.
    if name in __all__:
        from notecards.review import desk

        return getattr(desk, name)
    raise AttributeError(name)
