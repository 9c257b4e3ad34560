"""Sign a card: the signer's name in a handwriting style, or their signature image.

A signature image is a PNG/JPEG (with transparency), an SVG or a one-page vector PDF. Vector
signatures become one form XObject per PDF, whatever the number of cards they sign; see
:mod:`notecards.handwriting.signature_forms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.pens.areaPen import AreaPen
from fontTools.pens.perimeterPen import PerimeterPen
from fontTools.ttLib import TTFont as FTFont
from reportlab.pdfbase import pdfmetrics

from notecards.choices import Ink
from notecards.errors import ConfigError
from notecards.handwriting import (
    HandStyle,
    draw_block,
    get_style,
    max_excursion_pt,
    register_style_fonts,
)
from notecards.handwriting.plan import stroke_em
from notecards.handwriting.signature_forms import draw_vector_signature
from notecards.handwriting.styles import font_file_at, with_ink
from notecards.layout.geometry import Box, Run, SetLine, TextBlock
from notecards.tables import SignerSpec as SignerSpec  # defined with the [signers] table

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
VECTOR_SUFFIXES = (".svg", ".pdf")


#: Given the signature face's name, return how a name is split into (codes, font) runs.
RunsOf = Callable[[str], Callable[[str], list[tuple[str, str]]]]


def draw_signature(
    canvas: Any,
    signer: SignerSpec,
    box: Box,
    seed: str,
    *,
    cmyk: bool = False,
    ink: Ink | None = None,
    runs_of: RunsOf | None = None,
    weight_pt: float = 0.0,
) -> None:
    """Draw *signer*'s signature inside *box* (lower-left anchored, aspect kept).

    Images are embedded once per PDF however many cards they sign (reportlab reuses the
    XObject of identical image data; an SVG or PDF becomes one form XObject, scaled to the
    box). A name is written as large as fits the box; with *weight_pt* (the body's
    :func:`line_weight_pt`) its pen is set so its strokes are as heavy as the body's.

    >>> draw_signature(canvas, SignerSpec("Maria"), Box(250, 30, 140, 40), "10042")
    ... # doctest: +SKIP

    Raises:
        ConfigError: the image is missing or of an unsupported kind, or the style is unknown.
    """
    if signer.image:
        _draw_image(canvas, Path(signer.image), box)
        return
    style = get_style(signer.style)
    if ink:  # sign in the same ink as the message
        style = with_ink(style, ink)
    register_style_fonts([style])
    block, style = _fitted(signer.name, style, box, weight_pt, runs_of)
    draw_block(canvas, block, style, f"{seed}:signature:{signer.name}", cmyk=cmyk)


@lru_cache(maxsize=256)
def _fitted(
    name: str, base: HandStyle, box: Box, weight_pt: float, runs_of: RunsOf | None
) -> tuple[TextBlock, HandStyle]:
    """Return *name* set to fit *box* and the style whose pen matches *weight_pt*.

    The same signer signs every card of a batch in the same box: fitted once, not per card
    (the fitting tries sizes, each weighing the face's strokes).
    """

    def weighted(size: float) -> HandStyle:
        return _with_weight(base, size, weight_pt) if weight_pt > 0 else base

    block = signature_block(
        name,
        base.font_name,
        box,
        lambda size: max_excursion_pt(weighted(size), size),
        runs_of(base.font_name) if runs_of else None,
    )
    return block, weighted(block.size_pt)


def line_weight_pt(style: HandStyle, size_pt: float) -> float:
    """Return how thick *style*'s strokes are at *size_pt*: the face's own plus the pen's."""
    return size_pt * (_face_stem_em(style.font_path) + stroke_em(style))


def _with_weight(style: HandStyle, size_pt: float, weight_pt: float) -> HandStyle:
    """Return *style* with the pen pressure that makes its strokes *weight_pt* thick."""
    own = size_pt * _face_stem_em(style.font_path)
    pressure = max(0.0, weight_pt - own) / (size_pt * stroke_em(replace(style, pressure=1.0)))
    return replace(style, pressure=round(pressure, 3))


@lru_cache(maxsize=32)
def _face_stem_em(font_path: str) -> float:
    """Return stem_em of the face at a style's *font_path*, its file found once per process
    (finding it asks the file system, once per card otherwise)."""
    return stem_em(font_file_at(font_path))


@lru_cache(maxsize=32)
def stem_em(path: Path) -> float:
    """Return the mean stroke thickness of a face's lower-case letters, in em.

    A stroke of thickness t and length L has area about t·L and outline about 2·L, so
    t ≈ 2·area / perimeter, measured on the outlines of "aceilmnorsu".
    """
    font = FTFont(str(path), lazy=True)
    with font:
        glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
        upm = font["head"].unitsPerEm
        values = []
        for char in "aceilmnorsu":
            name = cmap.get(ord(char))
            if name is None:
                continue
            area, perimeter = AreaPen(glyphs), PerimeterPen(glyphs)
            glyphs[name].draw(area)
            glyphs[name].draw(perimeter)
            if perimeter.value:
                values.append(2 * abs(area.value) / perimeter.value / upm)
    return sum(values) / len(values) if values else 0.05


def signature_block(
    name: str,
    font_name: str,
    box: Box,
    excursion: Any,
    runs: Callable[[str], list[tuple[str, str]]] | None = None,
) -> TextBlock:
    """Return *name* set on one line, as large as fits *box* once inset by the excursion.

    *runs* splits the name into (codes, font) runs with fallback fonts and shaping (the
    signature face alone when None).
    """
    parts = runs(name) if runs else [(name, font_name)]
    size = box.height_pt / 1.3
    while size > 4:
        inner = box.inset(excursion(size))
        set_runs = tuple(Run(t, f, pdfmetrics.stringWidth(t, f, size)) for t, f in parts)
        width = sum(r.width_pt for r in set_runs)
        if width <= inner.width_pt and size * 1.05 <= inner.height_pt:
            baseline = inner.y_pt + size * 0.25
            line = SetLine(set_runs, inner.x_pt, baseline, width, "signature")
            return TextBlock((line,), inner, size, size * 1.25)
        size *= 0.95
    raise ConfigError(
        f'The signature "{name}" does not fit its {box.width_pt:.0f} × '
        f"{box.height_pt:.0f} pt box. Give it a larger box or a shorter name."
    )


def _draw_image(canvas: Any, path: Path, box: Box) -> None:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES + VECTOR_SUFFIXES:
        raise ConfigError(f"{path}: a signature image must be PNG, JPEG, SVG or PDF.")
    if not path.is_file():
        raise ConfigError(f"{path}: signature image not found. Check the signer's image path.")
    if suffix in VECTOR_SUFFIXES:
        draw_vector_signature(canvas, path, box)
        return
    canvas.drawImage(
        str(path),
        box.x_pt,
        box.y_pt,
        box.width_pt,
        box.height_pt,
        mask="auto",
        preserveAspectRatio=True,
        anchor="sw",
    )
