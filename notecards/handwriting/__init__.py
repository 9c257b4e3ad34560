"""Make laid-out text look handwritten: named hand styles, seeded glyph variation, ink.

The public face of the handwriting engine; the work is split by noun, imports flowing one way:

* :mod:`notecards.handwriting.styles`: hand styles, inks and their fonts (:func:`get_style`,
  :func:`register_style_fonts`);
* :mod:`notecards.handwriting.plan`: the pure, seeded plan of a
  :class:`~notecards.layout.geometry.TextBlock` (:func:`plan_block`, :func:`place_glyphs`) and its
  bound, :func:`max_excursion_pt`;
* :mod:`notecards.handwriting.words`: how each word is written (letter forms, joined pairs,
  baseline steps), planned once per word and shared by every line writing it;
* :mod:`notecards.handwriting.alternates`, :mod:`notecards.handwriting.outlines` and
  :mod:`notecards.handwriting.ligatures`: the extra glyphs a face is drawn with (its alternates,
  varied outlines, fitted joins), reached through Private-Use codes that extract as the text;
* :mod:`notecards.handwriting.draw`: :func:`draw_block`, writing a plan into one PDF text object at
  little more than the cost of ``drawString`` (see ``benchmarks/bench_handwriting.py``).

>>> style = get_style("casual")  # doctest: +SKIP
>>> register_style_fonts([style])  # doctest: +SKIP
>>> draw_block(canvas, layout.message, style, f"{order.order_id}:birthday")  # doctest: +SKIP
"""

from __future__ import annotations

from notecards.handwriting.draw import draw_block
from notecards.handwriting.plan import (
    LAYOUT_ASCENT,
    LAYOUT_DESCENT,
    GlyphPlacement,
    LinePlan,
    RunPlan,
    SegmentPlan,
    max_excursion_pt,
    place_glyphs,
    plan_block,
)
from notecards.handwriting.styles import (
    FONTS_DIR,
    INKS_CMYK,
    INKS_RGB,
    STYLES,
    HandStyle,
    font_file,
    get_style,
    ink_color,
    ink_color_cmyk,
    ink_for_pdf,
    register_style_fonts,
    style_from_mapping,
)

__all__ = [
    "FONTS_DIR",
    "INKS_CMYK",
    "INKS_RGB",
    "LAYOUT_ASCENT",
    "LAYOUT_DESCENT",
    "STYLES",
    "GlyphPlacement",
    "HandStyle",
    "LinePlan",
    "RunPlan",
    "SegmentPlan",
    "draw_block",
    "font_file",
    "get_style",
    "ink_color",
    "ink_color_cmyk",
    "ink_for_pdf",
    "max_excursion_pt",
    "place_glyphs",
    "plan_block",
    "register_style_fonts",
    "style_from_mapping",
]
