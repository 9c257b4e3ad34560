"""Compose the accented letters a sheet did not teach from the writer's own letter and a mark.

An empty "é" box should not bring in the base hand's whole "é": the writer's "e" is known. So
an accented letter the sheet left empty is composed: the learned base letter (its first form;
"i" and "j" without their dot), and over it (or under it, a cedilla) the mark, taken from a
learned letter with the same mark where the sheet has one ("á" lends its acute), else from the
base hand's own accented letter. The learned font is drawn to the base hand's x-height, so the
base hand's mark fits it as it is: it keeps its height above (or below) the letter's body and
its place across it, measured on the letter it came from.

Outlines are fontTools recordings in font units, one list of operations per contour, already
turned the TrueType way (outer contours clockwise).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

#: One contour: pen operations from ``moveTo`` to ``closePath`` (a RecordingPen's value).
PenContour = list[tuple[str, tuple[object, ...]]]
#: Canonical combining classes of marks written above and below a letter.
_ABOVE, _BELOW = (230,), (202, 220)
#: A mark's contour may dip this far (of the body's height) into the body's top or bottom.
_TOLERANCE = 0.12


@dataclass(frozen=True, slots=True)
class Mark:
    """A mark's contours, and the body box of the letter it was written on."""

    contours: tuple[PenContour, ...]
    body: tuple[float, float, float, float]  # x_min, y_min, x_max, y_max
    above: bool


def base_and_mark(char: str) -> tuple[str, str] | None:
    """Return (letter, combining mark) of an accented letter written above or below it.

    >>> base_and_mark("é"), base_and_mark("ø"), base_and_mark("e")
    (('e', '\\u0301'), None, None)
    """
    parts = unicodedata.normalize("NFD", char)
    if len(parts) != 2 or not unicodedata.category(parts[0]).startswith("L"):
        return None
    if unicodedata.combining(parts[1]) not in (*_ABOVE, *_BELOW):
        return None
    return parts[0], parts[1]


def composable(char: str, learned: Sequence[str]) -> str | None:
    """Return the learned letter *char* can be composed from (``"e"`` for "é"), or None."""
    split = base_and_mark(char)
    return split[0] if split is not None and split[0] in learned else None


def contours_of(operations: Sequence[tuple[str, tuple[object, ...]]]) -> list[PenContour]:
    """Split a recording into its contours."""
    out: list[PenContour] = []
    for operation in operations:
        if operation[0] == "moveTo" or not out:
            out.append([])
        out[-1].append(operation)
    return [c for c in out if any(op in ("lineTo", "curveTo", "qCurveTo") for op, _ in c)]


def compose(
    char: str,
    letter: Sequence[PenContour],
    marks_from: Sequence[Callable[[], Sequence[PenContour] | None]],
) -> list[PenContour] | None:
    """Return *char* as the contours of its base *letter* with a mark over (or under) it.

    *marks_from* are the places a mark may come from, best first: each returns the contours
    of a letter written with the same mark (or None). None when no place gives a mark.
    """
    split = base_and_mark(char)
    if split is None or not letter:
        return None
    above = unicodedata.combining(split[1]) in _ABOVE
    body = list(letter)
    if split[0] in "ij":  # "í" is written on a dotless i
        body, _ = _split(body, above=True)
    mark = next((m for source in marks_from if (m := _mark(source(), above)) is not None), None)
    if mark is None or not body:
        return None
    x0, y0, x1, y1 = bounds(body)
    mx0, my0, mx1, my1 = mark.body
    dx = (x0 + x1) / 2 - (mx0 + mx1) / 2
    dy = y1 - my1 if above else y0 - my0
    return body + [_moved(c, dx, dy) for c in mark.contours]


def same_mark_letters(char: str, learned: Mapping[str, object]) -> list[str]:
    """Return the learned letters written with *char*'s mark: same case first, then by name."""
    split = base_and_mark(char)
    if split is None:
        return []
    found = [
        other
        for other in learned
        if len(other) == 1 and other != char and (base_and_mark(other) or ("", ""))[1] == split[1]
    ]
    return sorted(found, key=lambda other: (other.isupper() != char.isupper(), other))


def _mark(contours: Sequence[PenContour] | None, above: bool) -> Mark | None:
    if not contours:
        return None
    body, mark = _split(list(contours), above=above)
    if not mark or not body:
        return None
    return Mark(tuple(mark), bounds(body), above)


def _split(contours: list[PenContour], *, above: bool) -> tuple[list[PenContour], list[PenContour]]:
    """Return (body, mark): the mark is every contour wholly above (or below) the body, the
    body the letter's largest contour and everything that overlaps it in height."""
    boxes = [bounds([c]) for c in contours]
    largest = max(range(len(contours)), key=lambda i: _area(boxes[i]))
    _, low, _, high = boxes[largest]
    slack = _TOLERANCE * (high - low)
    body: list[PenContour] = []
    mark: list[PenContour] = []
    for contour, (_, y0, _, y1) in zip(contours, boxes, strict=True):
        off = y0 >= high - slack if above else y1 <= low + slack
        (mark if off else body).append(contour)
    return body, mark


def _points(contour: PenContour) -> list[tuple[float, float]]:
    return [p for _, args in contour for p in args if isinstance(p, tuple)]


def bounds(contours: Sequence[PenContour]) -> tuple[float, float, float, float]:
    """Return (x_min, y_min, x_max, y_max) of the points of *contours*."""
    points = [p for c in contours for p in _points(c)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _moved(contour: PenContour, dx: float, dy: float) -> PenContour:
    return [
        (op, tuple((p[0] + dx, p[1] + dy) if isinstance(p, tuple) else p for p in args))
        for op, args in contour
    ]
