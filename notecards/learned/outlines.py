"""Vectorise ink into outlines with potrace, and draw them into any fontTools pen.

``potracer`` is the pure-Python port of Peter Selinger's potrace: smooth Bézier outlines
with corners kept, holes (the counters of o, e, a) as contours of the opposite direction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import potrace

Point = tuple[float, float]
#: ("line", (p,)) or ("curve", (c1, c2, p)); a contour starts at its start point.
Segment = tuple[str, tuple[Point, ...]]


@dataclass(frozen=True, slots=True)
class Contour:
    """One closed outline in pixel coordinates of the traced image (y grows down)."""

    start: Point
    segments: tuple[Segment, ...]


def trace(
    ink: npt.NDArray[np.bool_], *, scale: float = 1.0, smooth: float = 1.0
) -> tuple[Contour, ...]:
    """Return the outlines of the ink in *ink* (True = ink), in its pixel coordinates.

    The ink is traced at *scale* times its resolution (potrace's time grows faster than the
    outline's length; its curves hide the coarser grid). *smooth* is potrace's ``alphamax``:
    0 keeps every corner, 1.33 rounds them all.
    """
    if scale < 1.0:
        size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
        resized = cv2.resize(ink.astype(np.float32), size, interpolation=cv2.INTER_AREA)
        scale = size[0] / ink.shape[1]
        ink = resized >= 0.5
    else:
        scale = 1.0
    padded = np.pad(ink, 2)
    # potracer follows PIL's 1-bit convention: 0 (False) is black, i.e. ink.
    path = potrace.Bitmap(~padded).trace(turdsize=2, alphamax=smooth, opttolerance=0.2)
    contours = []
    for curve in path:
        segments: list[Segment] = []
        for segment in curve.segments:
            end = _point(segment.end_point)
            if segment.is_corner:
                segments.append(("line", (_point(segment.c),)))
                segments.append(("line", (end,)))
            else:
                segments.append(("curve", (_point(segment.c1), _point(segment.c2), end)))
        contours.append(Contour(_point(curve.start_point), tuple(segments)))
    if scale == 1.0:
        return tuple(contours)
    return tuple(_scaled(contour, 1 / scale) for contour in contours)


def _point(point: Any) -> Point:
    return (float(point.x) - 2.0, float(point.y) - 2.0)


def _scaled(contour: Contour, factor: float) -> Contour:
    def scale(point: Point) -> Point:
        return (point[0] * factor, point[1] * factor)

    return Contour(
        scale(contour.start),
        tuple((kind, tuple(scale(p) for p in points)) for kind, points in contour.segments),
    )


def draw_contours(
    contours: tuple[Contour, ...], pen: Any, transform: Callable[[Point], Point]
) -> None:
    """Draw *contours* into the fontTools-style *pen*, mapping every point by *transform*."""
    for contour in contours:
        pen.moveTo(transform(contour.start))
        for kind, points in contour.segments:
            mapped = tuple(transform(p) for p in points)
            if kind == "line":
                pen.lineTo(mapped[0])
            else:
                pen.curveTo(*mapped)
        pen.closePath()
