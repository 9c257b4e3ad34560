"""Pen-plotter output: each card's message and signature as single-stroke SVG paths.

A pen plotter (AxiDraw and the like) draws lines, not filled outlines, so the handwriting
fonts of the PDF cannot be used. Each glyph is drawn instead from a Hershey stroke font (the
``Hershey-Fonts`` package, MIT), on the same lines the PDF uses (the card's
:class:`~notecards.layout.geometry.TextBlock`), with the same seeded variation: every glyph takes
the offset, tilt and size change that :func:`notecards.handwriting.place_glyphs` gives the PDF's
glyph at that place. Hershey letters keep their own advances, so words never overlap.

One SVG per card, as large as the card's message panel (mm), with a viewBox in points; it holds
only ``<g>`` and ``<path fill="none">`` elements, every point inside the writing area.
"""

from __future__ import annotations

import logging
import math
import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics

from notecards import handwriting
from notecards.choices import Ink
from notecards.layout.geometry import Box, TextBlock
from notecards.layout.panels import card_geometry
from notecards.planning.batch import BatchPlan
from notecards.planning.compose import layout_card
from notecards.planning.jobs import CardContent

log = logging.getLogger(__name__)

PLOTTER_DIR = "plotter"
PLOTTER_FORMATS = ("svg",)
#: Hershey capitals are 21 units tall (cap line -12, base line 9); handwriting capitals ~0.62 em.
_CAP_UNITS = 21.0
_BASE_LINE = 9.0
CAP_EM = 0.62
PEN_PT = 0.35 / 25.4 * 72  # a 0.35 mm fineliner
MM_PER_PT = 25.4 / 72
#: Hershey face per hand style: cursive script for the handwriting, upright for "neat".
HERSHEY_FACES = {"neat": "futural"}
DEFAULT_FACE = "scripts"
#: Typographic characters the Hershey ASCII set writes with plain ones.
_SUBSTITUTES = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u00b7": ".",
    "\u2116": "No",
}
_INVERTED = {"\u00a1": "!", "\u00bf": "?"}
SPACE_FACTOR = 0.7
#: Accents as small strokes, in Hershey units around the accent's centre.
_MARKS: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {
    "\u0301": (((-1.5, 0), (2, 3.5)),),
    "\u0300": (((-2, 3.5), (1.5, 0)),),
    "\u0302": (((-3, 0), (0, 3), (3, 0)),),
    "\u030c": (((-3, 3), (0, 0), (3, 3)),),
    "\u0308": (((-3, 0), (-2.4, 0.6)), ((2, 0), (2.6, 0.6))),
    "\u0303": (((-3.5, 0), (-1.5, 1.5), (1.5, 0), (3.5, 1.5)),),
    "\u0304": (((-3, 1), (3, 1)),),
    "\u0306": (((-3, 3), (-1.5, 0.6), (1.5, 0.6), (3, 3)),),
    "\u030a": (
        tuple(
            (1.8 * math.cos(a / 4 * math.pi), 1.8 + 1.8 * math.sin(a / 4 * math.pi))
            for a in range(9)
        ),
    ),
    "\u0327": (((0, 0), (0.6, -2), (2, -3), (0, -4.5)),),
    "\u0328": (((0.5, 0), (-1, -2), (0, -4), (1.5, -4)),),
}

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Glyph:
    """One written character: its strokes in page points (PDF coordinates, y up)."""

    char: str
    strokes: tuple[tuple[Point, ...], ...]


@dataclass(frozen=True, slots=True)
class PlotterCard:
    """One card for the plotter: its panel, the area every stroke stays in, and the glyphs."""

    card_number: int
    panel: Box
    area: Box
    lines: tuple[tuple[Glyph, ...], ...]
    ink: Ink
    missing: tuple[str, ...] = ()
    """Characters with no stroke form (left out of the drawing)."""


@dataclass(frozen=True, slots=True)
class _Face:
    glyphs: dict[str, tuple[float, tuple[tuple[Point, ...], ...]]]  # advance, strokes (y up)


@lru_cache(maxsize=8)
def _face(name: str) -> _Face:
    from HersheyFonts import HersheyFonts  # only plotter output needs the stroke fonts

    font = HersheyFonts()
    font.load_default_font(name)
    glyphs = {}
    for code in range(32, 127):
        found = list(font.glyphs_for_text(chr(code)))
        if not found:
            continue
        glyph = found[0]
        strokes = tuple(
            tuple((float(x - glyph.left_offset), _BASE_LINE - float(y)) for x, y in stroke)
            for stroke in glyph.strokes
        )
        glyphs[chr(code)] = (float(glyph.char_width), strokes)
    return _Face(glyphs)


def _glyph_units(char: str, face: _Face) -> tuple[float, tuple[tuple[Point, ...], ...]] | None:
    """Return (advance, strokes) of *char* in Hershey units; accents built from parts."""
    text = _SUBSTITUTES.get(char, char)
    if len(text) > 1:
        parts = [_glyph_units(c, face) for c in text]
        if any(p is None for p in parts):
            return None
        advance, joined = 0.0, []
        for part in parts:
            assert part is not None
            joined += [tuple((x + advance, y) for x, y in s) for s in part[1]]
            advance += part[0]
        return advance, tuple(joined)
    if text == " ":  # Hershey spaces are wide for handwriting; a pen leaves less room
        return face.glyphs[" "][0] * SPACE_FACTOR, ()
    if text in face.glyphs:
        return face.glyphs[text]
    if text in _INVERTED:  # ¡ ¿: the mark turned upside down, hanging a little below the line
        advance, upright = face.glyphs[_INVERTED[text]]
        return advance, tuple(tuple((advance - x, 16.0 - y) for x, y in s) for s in upright)
    decomposed = unicodedata.normalize("NFD", text)
    base, marks = decomposed[0], decomposed[1:]
    if base not in face.glyphs or any(m not in _MARKS for m in marks):
        return None
    advance, base_strokes = face.glyphs[base]
    top = 24.0 if base.isupper() or base in "bdfhklt" else 17.0
    centre = advance / 2
    extra: list[tuple[Point, ...]] = []
    for mark in marks:
        below = mark in ("\u0327", "\u0328")
        for stroke in _MARKS[mark]:
            extra.append(tuple((centre + x, (0.0 if below else top) + y) for x, y in stroke))
    return advance, base_strokes + tuple(extra)


def _face_for(style_name: str) -> str:
    return HERSHEY_FACES.get(style_name, DEFAULT_FACE)


def _placements(block: TextBlock, style: Any, seed: str) -> list[tuple[float, float, float, float]]:
    """Return each character's (dx, dy, angle, scale) variation from where layout put it.

    Taken from the handwriting engine's own placements, so the plotter and the PDF vary alike;
    an engine without ``place_glyphs`` gets a small seeded jitter instead.
    """
    place = getattr(handwriting, "place_glyphs", None)
    count = sum(len(line.text) for line in block.lines)
    if place is not None:
        placed = list(place(block, style, seed))
        if len(placed) == count:
            out = []
            at = 0
            for line in block.lines:
                for i in range(len(line.text)):
                    p = placed[at]
                    nominal = line.x_pt + _prefix_width(line, i, block.size_pt)
                    out.append(
                        (
                            p.x_pt - nominal,
                            p.y_pt - line.baseline_pt,
                            p.angle_deg,
                            p.size_pt / block.size_pt,
                        )
                    )
                    at += 1
            return out
    rng = random.Random(f"notecards-plotter:{seed}")
    size = block.size_pt
    return [
        (
            rng.uniform(-0.02, 0.02) * size,
            rng.uniform(-0.03, 0.03) * size,
            rng.uniform(-1.5, 1.5),
            1 + rng.uniform(-0.03, 0.03),
        )
        for _ in range(count)
    ]


def _prefix_width(line: Any, index: int, size: float) -> float:
    """Return the width of the first *index* characters of *line* in its run fonts."""
    width, seen = 0.0, 0
    for run in line.runs:
        if seen + len(run.text) > index:
            return width + float(pdfmetrics.stringWidth(run.text[: index - seen], run.font, size))
        width += run.width_pt
        seen += len(run.text)
    return width


def _write_block(
    block: TextBlock, style: Any, seed: str, face: _Face, missing: set[str]
) -> list[tuple[Glyph, ...]]:
    """Return the glyphs of every line of *block*, as strokes in page points."""
    variation = _placements(block, style, seed)
    size = block.size_pt
    unit = CAP_EM * size / _CAP_UNITS
    # One scale for the whole block: as large as the handwriting, but no line wider than its box.
    for line in block.lines:
        units = sum((_glyph_units(c, face) or (0.0, ()))[0] for c in line.text)
        room = block.box.right_pt - line.x_pt
        if units * unit > room > 0:
            unit = room / units
    lines, at = [], 0
    for line in block.lines:
        glyphs, offset = [], 0.0
        for char in line.text:
            dx, dy, angle, scale = variation[at]
            at += 1
            found = _glyph_units(char, face)
            if found is None:
                missing.add(char)
                continue
            advance, strokes = found
            ox, oy = line.x_pt + offset + dx, line.baseline_pt + dy
            offset += advance * unit
            if not strokes:
                continue
            s = unit * scale
            cos_t, sin_t = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            glyphs.append(
                Glyph(
                    char,
                    tuple(
                        tuple(
                            (ox + s * (u * cos_t - v * sin_t), oy + s * (u * sin_t + v * cos_t))
                            for u, v in stroke
                        )
                        for stroke in strokes
                    ),
                )
            )
        lines.append(tuple(glyphs))
    return lines


def plot_card(content: CardContent, panel: Box) -> PlotterCard:
    """Return *content*'s message and signature as plotter strokes inside its writing area.

    Pure and seeded by the card: the same card gives the same strokes, run after run.
    """
    hand = content.hand
    missing: set[str] = set()
    lines = _write_block(content.message, hand, content.seed, _face(_face_for(hand.name)), missing)
    signer = getattr(content, "signer", None)
    name = getattr(signer, "name", "") or getattr(content, "signature_name", "")
    box = content.signature_box
    if name and not getattr(signer, "image", ""):
        lines += _write_block(
            _signature_block(name, box),
            handwriting.get_style("signature"),
            f"{content.seed}:signature:{name}",
            _face(DEFAULT_FACE),
            missing,
        )
    message = content.message.box
    area = Box(
        min(message.x_pt, box.x_pt),
        min(message.y_pt, box.y_pt),
        max(message.right_pt, box.right_pt) - min(message.x_pt, box.x_pt),
        max(message.top_pt, box.top_pt) - min(message.y_pt, box.y_pt),
    )
    fitted = _fit_into(tuple(lines), area)
    return PlotterCard(content.card_number, panel, area, fitted, hand.ink, tuple(sorted(missing)))


def _signature_block(name: str, box: Box) -> TextBlock:
    """Return the signer's name on one line filling *box*, as the PDF signs it."""
    from notecards.handwriting.signatures import signature_block

    style = handwriting.get_style("signature")
    handwriting.register_style_fonts([style])
    return signature_block(
        name, style.font_name, box, lambda size: handwriting.max_excursion_pt(style, size)
    )


def _fit_into(lines: tuple[tuple[Glyph, ...], ...], area: Box) -> tuple[tuple[Glyph, ...], ...]:
    """Shrink and move all strokes, if needed, so every point lies inside *area*."""
    points = [p for line in lines for g in line for s in g.strokes for p in s]
    if not points:
        return lines
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    if x0 >= area.x_pt and y0 >= area.y_pt and x1 <= area.right_pt and y1 <= area.top_pt:
        return lines
    f = min(1.0, area.width_pt / max(x1 - x0, 1e-6), area.height_pt / max(y1 - y0, 1e-6))
    left = min(max(x0, area.x_pt), area.right_pt - f * (x1 - x0))
    top = max(min(y1, area.top_pt), area.y_pt + f * (y1 - y0))
    return tuple(
        tuple(
            Glyph(
                g.char,
                tuple(
                    tuple((left + (x - x0) * f, top - (y1 - y) * f) for x, y in s)
                    for s in g.strokes
                ),
            )
            for g in line
        )
        for line in lines
    )


def card_svg(card: PlotterCard) -> str:
    """Return *card* as an SVG document: a panel-sized page of single-stroke paths.

    Coordinates are points from the panel's top-left corner; width and height are in mm, so
    plotter software draws at true size.
    """
    panel = card.panel
    r, g, b = handwriting.INKS_RGB.get(card.ink, handwriting.INKS_RGB[Ink.BLUE_BLACK])
    ink = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{panel.width_pt * MM_PER_PT:.2f}mm" '
        f'height="{panel.height_pt * MM_PER_PT:.2f}mm" '
        f'viewBox="0 0 {panel.width_pt:.2f} {panel.height_pt:.2f}">',
        f'<g id="card-{card.card_number}" fill="none" stroke="{ink}" '
        f'stroke-width="{PEN_PT:.2f}" stroke-linecap="round" stroke-linejoin="round">',
    ]
    for number, line in enumerate(card.lines, 1):
        out.append(f'<g id="line-{number}">')
        for glyph in line:
            data = " ".join(
                "M" + " L".join(f"{x - panel.x_pt:.2f},{panel.top_pt - y:.2f}" for x, y in s)
                for s in glyph.strokes
                if len(s) > 1
            )
            if data:
                out.append(f'<path fill="none" d="{data}"/>')
        out.append("</g>")
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)


def write_plotter_svgs(plan: BatchPlan, folder: Path) -> None:
    """Write ``plotter/card-0001.svg`` … for every card of *plan* into *folder*.

    A :data:`rendering.Extra`: ``render_batch(plan, out, extras=[write_plotter_svgs])``, so the
    files are written in the batch's staging folder and moved into place with the PDFs.
    """
    if not plan.jobs:
        return
    target = folder / PLOTTER_DIR
    target.mkdir(exist_ok=True)
    for job in plan.jobs:
        # Each card in its own format: an occasion may choose another card than the batch's.
        settings = plan.settings.for_formats(job.card, job.envelope)
        geometry = card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
        content = job.content or layout_card(job, settings, geometry)
        card = plot_card(content, geometry.message_panel)
        if card.missing:
            log.warning(
                "card %d: no pen strokes for %s; left out of the plotter file",
                job.card_number,
                " ".join(card.missing),
            )
        (target / f"card-{job.card_number:04d}.svg").write_text(card_svg(card), encoding="utf-8")
