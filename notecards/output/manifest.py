"""Write the manifest, rejects and skipped lists as spreadsheet-safe CSV files."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from notecards.models import Reject

MANIFEST_COLUMNS = (
    "card_number",
    "order_id",
    "recipient",
    "occasion",
    "template",
    "variant",
    "cards_pdf_pages",
    "envelope_page",
    "cards_file",
    "envelopes_file",
    "reprint",
    "email",
    "city",
    "postal_code",
    "country",
    "items",
    "recipient_note",
    "card_key",
    "source",
    "print_position",
    "code",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Return *value* as text a spreadsheet will not run as a formula.

    >>> safe_cell("=HYPERLINK(\\"x\\")")
    '\\'=HYPERLINK("x")'
    >>> safe_cell("12")
    '12'
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write *rows* under *columns* to *path* (UTF-8 with BOM so Excel reads accents)."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
            count += 1
    return count


def write_rejects(path: Path, rejects: Sequence[Reject]) -> int:
    """Write every reject with its location, reason and original cells."""
    cell_columns: list[str] = []
    for reject in rejects:
        for key, _ in reject.cells:
            if key not in cell_columns:
                cell_columns.append(key)
    rows = []
    for reject in rejects:
        cells = dict(reject.cells)
        rows.append(
            [
                reject.source,
                reject.sheet or "",
                reject.row,
                reject.reason,
                *(cells.get(column, "") for column in cell_columns),
            ]
        )
    return write_rows(path, ("source", "sheet", "row", "reason", *cell_columns), rows)
