"""Read a filled-in sample sheet: load the scan, find the corner marks, straighten the page.

A phone photo is rotated, skewed and unevenly lit; a flat-bed scan may be upside down. We
even out the light (divide by the local paper brightness), find the four solid squares,
try each way round (and each paper size and sheet page) and keep the perspective transform
under which the printed box edges line up best. The result is the page as printed, at
:data:`DPI`, in grey levels where 1.0 is paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from notecards.errors import ScanError
from notecards.layout.hand_sheet import PAPERS, SheetLayout, sheet_layout

#: Resolution of a straightened page: pixels per inch.
DPI = 200
_DETECT_LONG_SIDE = 1600  # marks are searched on a copy this many pixels long
_SCORE_DPI = 72  # the orientation score is taken at one pixel per point
_MIN_SCORE = 0.04  # box edges darker than box interiors by at least this much (0–1)
_RENDER_DPI = 300  # PDF scans are rendered at this resolution

Gray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Page:
    """One straightened page: which sheet page it is, and its grey image (1.0 = paper)."""

    layout: SheetLayout
    number: int  # 0 = the letters, 1 = the signature
    image: Gray  # (height, width) at DPI

    @property
    def px_per_pt(self) -> float:
        """Return the scale of :attr:`image` in pixels per point."""
        return DPI / 72


def read_scan(path: Path) -> list[npt.NDArray[np.uint8]]:
    """Return the pages of *path* (PNG/JPEG photo or scan, or a PDF) as 8-bit grey images.

    Raises:
        ScanError: the file is missing, empty or not an image or PDF.
    """
    if not path.is_file():
        raise ScanError(f"{path}: no such file — give the path of the scan or photo.")
    if path.suffix.lower() == ".pdf":
        return _read_pdf(path)
    try:
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image)  # phones store the turn in EXIF
            return [np.asarray(upright.convert("L"), dtype=np.uint8)]
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as err:
        raise ScanError(
            f"{path}: not an image notecards can read ({err}) — "
            "save the photo or scan as PNG, JPEG or PDF."
        ) from err


def _read_pdf(path: Path) -> list[npt.NDArray[np.uint8]]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise ScanError(f"{path}: not a PDF notecards can read ({err}) — export it again.") from err
    try:
        pages = []
        for index in range(min(len(document), 4)):
            bitmap = document[index].render(scale=_RENDER_DPI / 72, grayscale=True)
            pages.append(np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8))
        return pages
    finally:
        document.close()


def even_light(gray: npt.NDArray[Any], kernel: int) -> Gray:
    """Return *gray* divided by its local paper brightness (1.0 = paper, ink near 0).

    The paper's brightness is the largest value in a *kernel*-wide window (ink strokes are
    narrower), smoothed: shadows, gradients and off-white paper all become 1.0.
    """
    # Estimated on a copy small enough that the window is about 15 pixels wide.
    shrink = min(1.0, 15 / max(kernel, 1))
    small = cv2.resize(gray, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    window = max(3, round(kernel * shrink) | 1)
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (window, window))
    paper = cv2.dilate(small, element)
    paper = cv2.GaussianBlur(paper.astype(np.float32), (0, 0), window / 2)
    paper = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(gray.astype(np.float32) / np.maximum(paper, 1.0), 0.0, 1.0)


def straighten(gray: npt.NDArray[np.uint8], source: str) -> Page:
    """Find the marks on *gray*, work out which sheet page it is and return it straightened.

    Raises:
        ScanError: fewer than four marks, or no sheet layout lines up with the page.
    """
    height, width = gray.shape
    factor = min(1.0, _DETECT_LONG_SIDE / max(height, width))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    light = even_light(small, int(max(small.shape) * 0.04))
    corners = _find_marks(light, source)
    best: tuple[float, SheetLayout, int, npt.NDArray[np.float32]] | None = None
    for paper in PAPERS:
        layout = sheet_layout(paper)
        for turn in range(4):
            src = np.roll(corners, -turn, axis=0)
            for number in range(layout.pages):
                score = _edge_score(light, src, layout, number)
                if best is None or score > best[0]:
                    best = (score, layout, number, src / factor)
    assert best is not None
    score, layout, number, src = best
    if score < _MIN_SCORE:
        raise ScanError(
            f"{source}: found four corner squares, but the boxes between them do not line up "
            "with a notecards sample sheet — print the sheet with `notecards hand sheet`, fill "
            "it in, and photograph it flat from straight above."
        )
    scale = DPI / 72
    matrix = cv2.getPerspectiveTransform(src, _mark_pixels(layout, scale))
    size = (round(layout.width_pt * scale), round(layout.height_pt * scale))
    flat = cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_AREA, borderValue=255)
    return Page(layout, number, even_light(flat, round(0.25 * DPI)))


def _mark_pixels(layout: SheetLayout, scale: float) -> npt.NDArray[np.float32]:
    return np.array(
        [(x * scale, (layout.height_pt - y) * scale) for x, y in layout.marks], dtype=np.float32
    )


def _find_marks(light: Gray, source: str) -> npt.NDArray[np.float32]:
    """Return the centres of the four marks, clockwise from the one nearest the top left."""
    binary = (light < 0.5).astype(np.uint8)
    # Every outer boundary, also those inside another (the page's shadow can ring the page).
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    found: list[tuple[float, float, float]] = []  # area, x, y
    links_of = hierarchy[0] if hierarchy is not None else []
    for contour, links in zip(contours, links_of, strict=True):
        if links[3] != -1:  # a hole
            continue
        area = cv2.contourArea(contour)
        if area < 30:
            continue
        (x, y), (w, h), _ = cv2.minAreaRect(contour)
        if w * h <= 0 or area / (w * h) < 0.85 or not 0.8 < w / h < 1.25:
            continue
        found.append((area, x, y))
    found.sort(reverse=True)
    found = found[:40]
    best: tuple[float, tuple[tuple[float, float, float], ...]] | None = None
    for area, _, _ in found:
        alike = [f for f in found if 0.5 * area <= f[0] <= 2 * area][:8]
        for group in combinations(alike, 4):
            quad = _order(np.array([(x, y) for _, x, y in group], dtype=np.float32))
            size = _plausible_area(quad)
            if size and (best is None or size > best[0]):
                best = (size, group)
    if best is None:
        seen = min(len(found), 3)
        raise ScanError(
            f"{source}: found {seen} of the 4 black corner squares — photograph or scan the "
            "whole page, flat and evenly lit, with all four squares in view."
        )
    return _order(np.array([(x, y) for _, x, y in best[1]], dtype=np.float32))


def _order(points: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Sort *points* clockwise (image y grows down), starting nearest the image's top left."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0).astype(np.float32)


def _plausible_area(quad: npt.NDArray[np.float32]) -> float:
    """Return the area of *quad* if it could be a photographed sheet (convex, sides
    roughly in the page's proportion), else 0."""
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    if min(sides) <= 0:
        return 0.0
    cross = []
    for i in range(4):
        (ax, ay), (bx, by) = quad[(i + 1) % 4] - quad[i], quad[(i + 2) % 4] - quad[(i + 1) % 4]
        cross.append(float(ax * by - ay * bx))
    if not (all(c > 0 for c in cross) or all(c < 0 for c in cross)):
        return 0.0
    ratio = (sides[0] + sides[2]) / (sides[1] + sides[3])
    ratio = min(ratio, 1 / ratio)
    if not 0.5 < ratio < 0.95:
        return 0.0
    x, y = quad[:, 0], quad[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def _edge_score(
    light: Gray, src: npt.NDArray[np.float32], layout: SheetLayout, number: int
) -> float:
    """Return how much darker the printed box edges are than the box interiors when *src*
    are taken as the marks of *layout*'s page *number*."""
    scale = _SCORE_DPI / 72
    matrix = cv2.getPerspectiveTransform(src, _mark_pixels(layout, scale))
    size = (round(layout.width_pt * scale), round(layout.height_pt * scale))
    flat = cv2.warpPerspective(light, matrix, size, flags=cv2.INTER_AREA, borderValue=1.0)
    edges, inside = _masks(layout.paper, number)
    if not edges.any() or not inside.any():
        return 0.0
    return float(flat[inside].mean() - flat[edges].mean())


@lru_cache(maxsize=8)
def _masks(paper: str, number: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    layout = sheet_layout(paper)
    scale = _SCORE_DPI / 72
    shape = (round(layout.height_pt * scale), round(layout.width_pt * scale))
    edges = np.zeros(shape, dtype=np.uint8)
    inside = np.zeros(shape, dtype=np.uint8)
    for box in layout.page_boxes(number):
        x0, x1 = round(box.x_pt * scale), round((box.x_pt + box.w_pt) * scale)
        y0 = round((layout.height_pt - box.y_pt - box.h_pt) * scale)
        y1 = round((layout.height_pt - box.y_pt) * scale)
        cv2.rectangle(edges, (x0, y0), (x1, y1), 1, 1)
        cv2.rectangle(inside, (x0 + 4, y0 + 10), (x1 - 4, y1 - 4), 1, -1)
    inside[edges > 0] = 0
    return edges > 0, inside > 0
