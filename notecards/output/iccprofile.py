"""Build the CMYK output profile a PDF/X file embeds in its OutputIntent (ICC v2, 'prtr').

The profile is computed here, not shipped as a file, so its licence is the project's own. It
describes device CMYK as the files use it: CMYK → Lab through the plain device conversion
(RGB = (1 − C)(1 − K) …, sRGB primaries, D50), and back with full grey replacement (greys
on K alone) and total ink capped at 300 %. It is not a press characterisation: a shop that
prints to a standard condition (FOGRA39, GRACoL) uses its own profile for that condition;
the OutputIntent names this one as "notecards device CMYK" so nobody mistakes it for one.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from itertools import product

DESCRIPTION = "notecards device CMYK (uncalibrated, 300 % total ink)"
CONDITION = "notecards device CMYK"
_D50 = (0.9642, 1.0, 0.8249)
_A2B_GRID = 9
_B2A_GRID = 17
_INK_LIMIT = 3.0


@lru_cache(maxsize=1)
def cmyk_profile() -> bytes:
    """Return the profile's bytes (deterministic: no date, fixed everything)."""
    a2b = _lut16(4, 3, _A2B_GRID, _cmyk_to_lab_encoded)
    b2a = _lut16(3, 4, _B2A_GRID, _lab_to_cmyk_encoded)
    gamut = _lut16(3, 1, 2, lambda _: (0,))
    tags = [
        (b"desc", _desc(DESCRIPTION)),
        (b"cprt", _text("No copyright; part of notecards (MIT licence).")),
        (b"wtpt", _xyz(_D50)),
        (b"A2B0", a2b),
        (b"A2B1", a2b),
        (b"A2B2", a2b),
        (b"B2A0", b2a),
        (b"B2A1", b2a),
        (b"B2A2", b2a),
        (b"gamt", gamut),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, blobs, placed = [], b"", {}
    for signature, data in tags:
        if data not in placed:
            placed[data] = offset + len(blobs)
            blobs += data + b"\0" * (-len(data) % 4)
        entries.append(struct.pack(">4sII", signature, placed[data], len(data)))
    size = 128 + table_size + len(blobs)
    header = struct.pack(
        ">I4sI4s4s4s12s4s4sI4s4sQI12s4s44s",
        size,
        b"none",
        0x02100000,
        b"prtr",
        b"CMYK",
        b"Lab ",
        b"\0" * 12,  # no creation date: the bytes never change
        b"acsp",
        b"\0" * 4,
        0,
        b"\0" * 4,
        b"\0" * 4,
        0,
        0,  # perceptual
        b"".join(_s15(v) for v in _D50),
        b"\0" * 4,
        b"\0" * 44,
    )
    return header + struct.pack(">I", len(tags)) + b"".join(entries) + blobs


def _lut16(inputs: int, outputs: int, grid: int, func: object) -> bytes:
    head = struct.pack(">4sIBBBB", b"mft2", 0, inputs, outputs, grid, 0)
    matrix = b"".join(_s15(1.0 if r == c else 0.0) for r in range(3) for c in range(3))
    ramp = struct.pack(">2H", 0, 65535)  # identity curves of two entries
    tables = struct.pack(">HH", 2, 2) + ramp * inputs
    clut = bytearray()
    steps = [i / (grid - 1) for i in range(grid)]
    for point in product(steps, repeat=inputs):  # first input varies slowest, as ICC orders
        clut += struct.pack(f">{outputs}H", *func(point))  # type: ignore[operator]
    return head + matrix + tables + bytes(clut) + ramp * outputs


def _cmyk_to_lab_encoded(cmyk: tuple[float, ...]) -> tuple[int, int, int]:
    c, m, y, k = cmyk
    rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    lab = _rgb_to_lab(rgb)
    return _encode_lab(lab)


def _lab_to_cmyk_encoded(lab_in: tuple[float, ...]) -> tuple[int, int, int, int]:
    lab = (lab_in[0] * 100.0, lab_in[1] * 255.0 - 128.0, lab_in[2] * 255.0 - 128.0)
    red, green, blue = (min(1.0, max(0.0, v)) for v in _lab_to_rgb(lab))
    k = 1 - max(red, green, blue)
    inks: tuple[float, ...]
    if k >= 1.0:
        inks = (0.0, 0.0, 0.0)
    else:
        inks = tuple((1 - v - k) / (1 - k) for v in (red, green, blue))
    total = sum(inks)
    if total + k > _INK_LIMIT and total > 0:
        inks = tuple(v * (_INK_LIMIT - k) / total for v in inks)
    return tuple(round(min(1.0, max(0.0, v)) * 65535) for v in (*inks, k))  # type: ignore[return-value]


def _encode_lab(lab: tuple[float, float, float]) -> tuple[int, int, int]:
    lightness, a, b = lab
    return (
        round(min(100.0, max(0.0, lightness)) * 652.8),
        round(min(127.99, max(-128.0, a)) * 256 + 32768),
        round(min(127.99, max(-128.0, b)) * 256 + 32768),
    )


# sRGB (linear) to XYZ D50 (Bradford-adapted), and back.
_M = (
    (0.4360747, 0.3850649, 0.1430804),
    (0.2225045, 0.7168786, 0.0606169),
    (0.0139322, 0.0971045, 0.7141733),
)
_M_INV = (
    (3.1338561, -1.6168667, -0.4906146),
    (-0.9787684, 1.9161415, 0.0334540),
    (0.0719453, -0.2289914, 1.4052427),
)


def _linear(v: float) -> float:
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _gamma(v: float) -> float:
    v = max(0.0, v)
    return v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


def _rgb_to_lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    lin = [_linear(v) for v in rgb]
    xyz = [sum(_M[r][c] * lin[c] for c in range(3)) / _D50[r] for r in range(3)]
    f = [v ** (1 / 3) if v > 216 / 24389 else (24389 / 27 * v + 16) / 116 for v in xyz]
    return (116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))


def _lab_to_rgb(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    fy = (lab[0] + 16) / 116
    fx, fz = fy + lab[1] / 500, fy - lab[2] / 200
    xyz = [
        (f**3 if f**3 > 216 / 24389 else (116 * f - 16) / (24389 / 27)) * w
        for f, w in zip((fx, fy, fz), _D50, strict=True)
    ]
    lin = [sum(_M_INV[r][c] * xyz[c] for c in range(3)) for r in range(3)]
    red, green, blue = (_gamma(v) for v in lin)
    return (red, green, blue)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _text(value: str) -> bytes:
    return b"text\0\0\0\0" + value.encode("ascii") + b"\0"


def _desc(value: str) -> bytes:
    ascii_text = value.encode("ascii", "replace") + b"\0"
    return (
        b"desc\0\0\0\0"
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)  # no Unicode description
        + struct.pack(">HB", 0, 0)  # no ScriptCode description
        + b"\0" * 67
    )
