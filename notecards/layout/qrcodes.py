"""Turn a payload into a QR module matrix (no drawing): a tuple of rows of booleans.

The qrcode package tries all eight mask patterns and scores each one in pure Python (about
5–10 ms per code). Any mask is valid by the standard (ISO/IEC 18004 §7.8: the penalty score only
picks the most readable one), so we fix one mask and pay about 0.7 ms instead.
benchmarks/bench_batch.py measures both.

With the mask fixed, most of what is left is qrcode's bit buffer (one Python call per bit) and
its Reed–Solomon division (polynomial objects). :func:`codewords` computes the same final
codewords with an integer bit accumulator and log/antilog tables, and hands them to qrcode
for module placement, so the matrix is qrcode's own, bit for bit (tests compare the two on
many payloads of every mode and version), in about a third of the time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import Any

import qrcode
import qrcode.base
import qrcode.exceptions
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
        data = qrcode.util.QRData(payload)  # one segment in one mode, as add_data(optimize=0)
        version = _version_for(len(data), data.mode)
        return _place(codewords(data, version), version)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


@lru_cache(maxsize=48)
def _template(
    version: int,
) -> tuple[tuple[tuple[bool | None, ...], ...], tuple[tuple[int, int], ...]]:
    """Return *version*'s function patterns at level M with FIXED_MASK (None where data
    goes) and the data cells in qrcode's placement order (QRCode.map_data's zigzag)."""
    code = qrcode.QRCode(
        version=version, border=0, error_correction=ERROR_CORRECT_M, mask_pattern=FIXED_MASK
    )
    code.map_data = lambda data, mask: None  # keep the data cells empty (None)
    code.makeImpl(False, FIXED_MASK)
    modules = code.modules
    size = len(modules)
    cells: list[tuple[int, int]] = []
    step, row = -1, size - 1
    for right in range(size - 1, 0, -2):
        col = right - 1 if right <= 6 else right  # column 6 is the vertical timing pattern
        while True:
            cells += ((row, c) for c in (col, col - 1) if modules[row][c] is None)
            row += step
            if row < 0 or row >= size:
                row -= step
                step = -step
                break
    return tuple(tuple(row) for row in modules), tuple(cells)


def _place(words: list[int], version: int) -> Matrix:
    """Return the matrix of *words* at *version*: qrcode's map_data with mask 0 ((r+c) even).

    The data bits, masked, are written as one binary string in placement order; one gather
    (per version) puts them and the function patterns in place.
    """
    fixed, gather, mask, cells, size = _placement(version)
    total = len(words) * 8
    bits = int.from_bytes(bytes(words), "big")  # cells past the words stay light
    bits = bits << (cells - total) if cells >= total else bits >> (total - cells)
    flat = gather((*fixed, *map("1".__eq__, format(bits ^ mask, f"0{cells}b"))))
    return tuple(map(flat.__getitem__, _rows(size)))


@lru_cache(maxsize=48)
def _rows(size: int) -> tuple[slice, ...]:
    """Return the slices of a flat *size* × *size* matrix that are its rows."""
    return tuple(slice(start, start + size) for start in range(0, size * size, size))


@lru_cache(maxsize=48)
def _placement(version: int) -> tuple[tuple[bool, ...], itemgetter[Any], int, int, int]:
    """Return how a *version* matrix is put together: its fixed modules (function patterns),
    a gather that reads the modules row by row from those followed by the data cells, the
    mask bits of the data cells in placement order, how many data cells, and the size."""
    template, cells = _template(version)
    size = len(template)
    data = set(cells)
    where: dict[int, int] = {}
    fixed: list[bool] = []
    for row in range(size):
        for col in range(size):
            if (row, col) not in data:
                where[row * size + col] = len(fixed)
                fixed.append(bool(template[row][col]))
    for index, (row, col) in enumerate(cells):
        where[row * size + col] = len(fixed) + index
    mask = "".join("1" if (row + col) % 2 == 0 else "0" for row, col in cells)
    gather = itemgetter(*(where[position] for position in range(size * size)))
    return tuple(fixed), gather, int(mask or "0", 2), len(cells), size


def codewords(data: qrcode.util.QRData, version: int) -> list[int]:
    """Return the interleaved data and error-correction codewords of one *data* segment at
    *version*, level M: what ``qrcode.util.create_data`` returns, computed faster.

    Raises:
        qrcode.exceptions.DataOverflowError: the segment does not fit in *version*.
    """
    bits, count = 0, 0

    def put(value: int, width: int) -> None:
        nonlocal bits, count
        bits = (bits << width) | value
        count += width

    mode, raw = data.mode, data.data
    put(mode, 4)
    put(len(raw), qrcode.util.length_in_bits(mode, version))
    if mode == qrcode.util.MODE_NUMBER:
        for i in range(0, len(raw), 3):
            chunk = raw[i : i + 3]
            put(int(chunk), qrcode.util.NUMBER_LENGTH[len(chunk)])
    elif mode == qrcode.util.MODE_ALPHA_NUM:
        find = qrcode.util.ALPHA_NUM.find
        for i in range(0, len(raw), 2):
            pair = raw[i : i + 2]
            if len(pair) > 1:
                put(find(pair[:1]) * 45 + find(pair[1:]), 11)
            else:
                put(find(pair), 6)
    else:
        for byte in raw:
            put(byte, 8)
    blocks = qrcode.base.rs_blocks(version, ERROR_CORRECT_M)
    limit = sum(block.data_count * 8 for block in blocks)
    if count > limit:
        raise qrcode.exceptions.DataOverflowError(
            f"Code length overflow. Data size ({count}) > size available ({limit})"
        )
    put(0, min(limit - count, 4))  # terminator
    if count % 8:
        put(0, 8 - count % 8)
    for i in range((limit - count) // 8):
        put(qrcode.util.PAD0 if i % 2 == 0 else qrcode.util.PAD1, 8)
    stream = bits.to_bytes(count // 8, "big")
    data_blocks: list[bytes] = []
    ec_blocks: list[list[int]] = []
    offset = 0
    for block in blocks:
        chunk = stream[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ec_blocks.append(_remainder(chunk, block.total_count - block.data_count))
    out: list[int] = []
    for i in range(max(len(b) for b in data_blocks)):
        out += (b[i] for b in data_blocks if i < len(b))
    for i in range(max(len(b) for b in ec_blocks)):
        out += (b[i] for b in ec_blocks if i < len(b))
    return out


_EXP = qrcode.base.EXP_TABLE
_LOG = qrcode.base.LOG_TABLE


@lru_cache(maxsize=64)
def _generator_logs(degree: int) -> tuple[int, ...]:
    """Return the logs of the generator polynomial's coefficients after the leading 1."""
    poly = [1]
    for i in range(degree):  # multiply by (x - a^i)
        factor = _EXP[i % 255]
        nxt = [*poly, 0]
        for j, coef in enumerate(poly):
            if coef:
                nxt[j + 1] ^= _EXP[(_LOG[coef] + _LOG[factor]) % 255]
        poly = nxt
    return tuple(_LOG[c] for c in poly[1:])


def _remainder(message: bytes, degree: int) -> list[int]:
    """Return the *degree* Reed–Solomon check bytes of *message* (GF(256), QR's polynomial).

    The remainder is kept as one integer of *degree* bytes, so each step of the division is a
    shift and one XOR with the generator times the step's factor (a table per degree).
    """
    rows = _generator_multiples(degree)
    top, keep = 8 * (degree - 1), (1 << 8 * degree) - 1
    rem = 0
    for byte in message:
        rem = ((rem << 8) & keep) ^ rows[byte ^ (rem >> top)]
    return list(rem.to_bytes(degree, "big"))


@lru_cache(maxsize=64)
def _generator_multiples(degree: int) -> tuple[int, ...]:
    """Return, for each factor 0–255, the generator's coefficients after its leading 1 times
    that factor in GF(256), as one big-endian integer of *degree* bytes."""
    logs = _generator_logs(degree)
    rows = [0]
    for factor in range(1, 256):
        shift = _LOG[factor]
        rows.append(int.from_bytes(bytes(_EXP[(log + shift) % 255] for log in logs), "big"))
    return tuple(rows)


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
    for row_index, row in enumerate(matrix):  # a row as bytes 0/1: its runs found at C speed
        runs += ((row_index, m.start(), m.end() - m.start()) for m in _DARK.finditer(bytes(row)))
    return runs


_DARK = re.compile(b"\x01+")
