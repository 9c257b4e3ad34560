"""Turn a payload into a QR module matrix (no drawing): a tuple of rows of booleans.

The qrcode package tries all eight mask patterns and scores each one in pure Python (about
5–10 ms per code). Any mask is valid by the standard (ISO/IEC 18004 §7.8: the penalty score only
picks the most readable one), so we fix one mask and pay about 0.7 ms instead.
benchmarks/bench_batch.py measures both.
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_M

Matrix = tuple[tuple[bool, ...], ...]

#: The mask every code uses unless the caller asks for the full search.
FIXED_MASK = 0

#: ISO/IEC 18004 asks for a light margin ("quiet zone") of 4 modules on every side.
QUIET_MODULES = 4
#: The fewest modules a code has (version 1): its modules are the largest a box can hold.
MIN_MODULES = 21
#: The caption under a code: its size, and the top of its tallest glyphs above the baseline.
CAPTION_PT = 8.0
CAPTION_RISE_EM = 0.8


def quiet_zone_pt(size_pt: float, modules: int = MIN_MODULES) -> float:
    """Return the quiet zone of a code of *modules* modules drawn *size_pt* wide.

    With the default, it is wide enough for any code drawn at that size.
    """
    return QUIET_MODULES * size_pt / modules


def caption_baseline_pt(bottom_pt: float, size_pt: float) -> float:
    """Return the caption's baseline under a code whose bottom edge is at *bottom_pt*.

    The caption's tallest glyphs stay a whole quiet zone below the code, whatever its version.
    """
    return bottom_pt - quiet_zone_pt(size_pt) - CAPTION_RISE_EM * CAPTION_PT - 0.5


def qr_matrix(payload: str, *, search_mask: bool = False) -> Matrix:
    """Return the QR matrix of *payload* without a quiet zone (drawing adds it as geometry).

    >>> matrix = qr_matrix("https://example.com/o/1")
    >>> len(matrix), len(matrix[0])
    (25, 25)
    """
    if search_mask:
        code = qrcode.QRCode(border=0, error_correction=ERROR_CORRECT_M)
        code.add_data(payload)
        code.make(fit=True)
    else:
        # One segment in one mode (optimize=0), so the version depends only on the length and
        # mode, and is looked up once per length instead of fitted for every code.
        code = qrcode.QRCode(
            version=_version_for(len(payload.encode("utf-8")), _mode_of(payload)),
            border=0,
            error_correction=ERROR_CORRECT_M,
            mask_pattern=FIXED_MASK,
        )
        code.add_data(payload, optimize=0)
        code.make(fit=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _mode_of(payload: str) -> int:
    return int(qrcode.util.optimal_mode(payload.encode("utf-8")))


@lru_cache(maxsize=512)
def _version_for(length: int, mode: int) -> int:
    """Return the smallest version holding *length* bytes in *mode* at level M."""
    sample = {qrcode.util.MODE_NUMBER: "1", qrcode.util.MODE_ALPHA_NUM: "A"}.get(mode, "a")
    code = qrcode.QRCode(border=0, error_correction=ERROR_CORRECT_M)
    code.add_data(sample * length, optimize=0)
    return int(code.best_fit())


def dark_runs(matrix: Matrix) -> list[tuple[int, int, int]]:
    """Return (row, first column, length) of each horizontal run of dark modules.

    Drawing one rectangle per run instead of one per module keeps the PDF small and fast.
    """
    runs: list[tuple[int, int, int]] = []
    for row_index, row in enumerate(matrix):
        start = -1
        for col, dark in enumerate(row + (False,)):
            if dark and start < 0:
                start = col
            elif not dark and start >= 0:
                runs.append((row_index, start, col - start))
                start = -1
    return runs
