"""Limits a shop's export never reaches but an accident will, checked before reading.

A spreadsheet is checked from its zip directory and by streaming its sheet XML (never by
letting the reader allocate the sheet): the total uncompressed size, and the last cell in
use (a stray value in XFD1048576 would make a 16,384 × 1,048,576 grid). A password-protected
workbook is an OLE container holding an ``EncryptedPackage``: said so, not "not a zip file".
A text export's cells are bounded in size, and a row with a NUL byte is rejected on its own.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Sequence

from notecards.errors import InputError
from notecards.models import Problem, Severity

#: Uncompressed size of all parts of a workbook (a 100,000-order export is about 60 MB).
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
#: Columns and rows a sheet may use, counted to its last cell with a value.
MAX_COLUMNS = 1024
MAX_ROWS = 1_048_576
#: Cells of the rectangle up to the last cell (what the reader allocates).
MAX_CELLS = 20_000_000
#: Characters in one cell of a text export (a long gift note is a few thousand).
MAX_CELL_CHARS = 100_000
#: csv's own limit: above MAX_CELL_CHARS so that the row is read and rejected by itself.
CSV_FIELD_LIMIT = 16 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_CHUNK = 1024 * 1024


def check_workbook(source: str, data: bytes) -> None:
    """Refuse a workbook that is encrypted, or would be far too big once read.

    Raises:
        InputError: encrypted; uncompressed size or the last used cell past the limits.
    """
    if data[:8] == _OLE:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(
                source,
                "the workbook is encrypted (protected by a password), so it cannot be read.",
                "Open it in Excel, remove the password (File › Info › Protect Workbook › "
                "Encrypt with Password, clear it) and save it again, or export as CSV.",
            )
        return
    if data[:4] != b"PK\x03\x04":
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # the reader reports a damaged file in its own words
    with archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNCOMPRESSED_BYTES:
            raise InputError(
                source,
                f"the workbook unpacks to {_size(total)}, more than the "
                f"{_size(MAX_UNCOMPRESSED_BYTES)} an order export can be "
                f"({_size(len(data))} packed).",
                "It is damaged or not an export: export the orders again, or as CSV.",
            )
        # The directory's sizes can lie: every part is also measured as it unpacks.
        try:
            for info in archive.infolist():
                sheet = re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename)
                _check_part(source, archive, info, sheet)
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            raise InputError(
                source,
                f"the workbook is damaged ({err}).",
                "Open it in Excel and save it again as .xlsx, or export as CSV.",
            ) from err


def _check_part(
    source: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, is_sheet: object
) -> None:
    """Measure one part as it unpacks; in a sheet, find the last cell with a value."""
    last_column = last_row = 0
    where = ""
    read = 0
    tail = b""
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > MAX_UNCOMPRESSED_BYTES:
                raise InputError(
                    source,
                    f"the part {info.filename} unpacks to more than "
                    f"{_size(MAX_UNCOMPRESSED_BYTES)}.",
                    "It is damaged or not an export: export the orders again, or as CSV.",
                )
            if not is_sheet:
                continue
            text = tail + chunk
            for match in _CELL_REF.finditer(text):
                column = _column_number(match.group(1).decode())
                row = int(match.group(2))
                if column > last_column or row > last_row:
                    last_column, last_row = max(last_column, column), max(last_row, row)
                    where = (match.group(1) + match.group(2)).decode()
            for match in _ROW_REF.finditer(text):
                last_row = max(last_row, int(match.group(1)))
            tail = text[-256:]  # a tag cut by the chunk boundary is matched next time
    if last_column > MAX_COLUMNS or last_row > MAX_ROWS or last_column * last_row > MAX_CELLS:
        raise InputError(
            source,
            f"the sheet uses cells up to {where or 'row ' + str(last_row)} "
            f"({last_column:,} columns × {last_row:,} rows), more than an order export "
            f"has ({MAX_COLUMNS:,} columns, {MAX_CELLS:,} cells at most).",
            "A stray value far from the table is the usual cause: press Ctrl+End in Excel to "
            "find the last cell, delete the empty rows and columns before it, save, try again.",
        )


def damaged_row(
    source: str, sheet: str | None, row: int, headers: Sequence[str], cells: Sequence[str]
) -> Problem | None:
    """Return why a row of a text export cannot be read (NUL byte, giant cell), or None."""
    for index, cell in enumerate(cells):
        column = headers[index] if index < len(headers) else f"column {index + 1}"
        if "\x00" in cell:
            return Problem(
                Severity.ERROR,
                source,
                row,
                column,
                "this row contains a NUL byte (the file was damaged here)",
                "retype this row in the export, or export the orders again",
                sheet,
            )
        if len(cell) > MAX_CELL_CHARS:
            return Problem(
                Severity.ERROR,
                source,
                row,
                column,
                f"this cell holds {len(cell):,} characters, more than {MAX_CELL_CHARS:,}",
                "a missing closing quote or a pasted file is the usual cause; fix this row",
                sheet,
            )
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GB"
    if count >= 1024**2:
        return f"{count / 1024**2:.0f} MB"
    return f"{count / 1024:.0f} KB"
