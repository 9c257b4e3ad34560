"""Learn a shop's own handwriting from one filled-in sample sheet.

The sheet's layout is pure geometry, :mod:`notecards.layout.hand_sheet`, shared with
:mod:`notecards.drawing.hand_sheet` which prints it. Then, each its own module:
:mod:`~notecards.learned.scan`
(load, find the marks, straighten), :mod:`~notecards.learned.boxes` (cut and threshold each
box), :mod:`~notecards.learned.outlines` (potrace), :mod:`~notecards.learned.fontfile` (the
TrueType font), :mod:`~notecards.learned.accents` (accented letters composed from the learned
ones) and :mod:`~notecards.learned.learn` (the whole run and the shop's settings).

>>> report = learn_hand([Path("scan.jpg")], "maya", Path("notecards.toml"))  # doctest: +SKIP
"""

from __future__ import annotations

from notecards.layout.hand_sheet import SheetBox, SheetLayout, sheet_layout
from notecards.learned.learn import LearnReport, learn_hand

__all__ = ["LearnReport", "SheetBox", "SheetLayout", "learn_hand", "sheet_layout"]
