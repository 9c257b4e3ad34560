"""Fill a printed handwriting sample sheet with a font's letters and photograph it badly.

The test hand is Breip (SIL OFL 1.0, tests/data/hand/, from Debian's fonts-breip): a real
person's handwriting that notecards does not bundle.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from notecards.drawing.hand_sheet import draw_hand_sheet
from notecards.layout.hand_sheet import SheetLayout

SOURCE_FONT = Path(__file__).parent / "data" / "hand" / "Breip.ttf"
SIZE_PT = 30.0
INK = 45  # grey level of the pen
SIGNATURE = "Maya"


def filled_sheet(layout: SheetLayout, dpi: int = 200, *, skip: str = "") -> list[Image.Image]:
    """Return the pages of *layout*, printed and filled in with Breip (grey, at *dpi*).

    Characters in *skip* are left empty. The copies of a lower-case letter differ a little
    in size and slant, as a person's do.
    """
    buffer = io.BytesIO()
    draw_hand_sheet(buffer, layout)
    document = pdfium.PdfDocument(buffer.getvalue())
    scale = dpi / 72
    pages = [
        document[n].render(scale=scale, grayscale=True).to_pil().convert("L")
        for n in range(len(document))
    ]
    document.close()
    for box in layout.boxes:
        if box.text in skip:
            continue
        page = pages[box.page]
        if box.kind == "signature":
            text, size, turn = SIGNATURE, 44.0, 0.0
        else:
            text = box.text
            size = SIZE_PT * (1.0, 0.95, 1.05)[box.copy]
            turn = (0.0, 3.0, -3.0)[box.copy]
        font = ImageFont.truetype(str(SOURCE_FONT), round(size * scale))
        left, _, right, _ = font.getbbox(text, anchor="ls")
        x = (box.x_pt + box.w_pt / 2) * scale - (left + right) / 2
        y = (layout.height_pt - box.baseline_pt) * scale
        _stamp(page, text, font, (x, y), turn)
    return pages


def _stamp(
    page: Image.Image,
    text: str,
    font: ImageFont.FreeTypeFont,
    at: tuple[float, float],
    turn: float,
) -> None:
    """Write *text* on *page* with its baseline start at *at*, turned *turn* degrees."""
    pad = font.size * 2
    glyph = Image.new("L", (pad * 2, pad * 2), 0)
    ImageDraw.Draw(glyph).text((pad, pad), text, font=font, fill=255, anchor="ls")
    if turn:
        glyph = glyph.rotate(turn, resample=Image.Resampling.BICUBIC, center=(pad, pad))
    ink = Image.new("L", glyph.size, INK)
    page.paste(ink, (round(at[0]) - pad, round(at[1]) - pad), glyph)


def photograph(page: Image.Image, *, seed: int = 7, turn: float = 4.0) -> Image.Image:
    """Return *page* as a poor phone photo: turned, on a dark table, taken from a little below
    (the far edge narrower), blurred, unevenly lit, off-white and noisy."""
    rng = np.random.default_rng(seed)
    margin = page.width // 12
    table = Image.new("L", (page.width + 2 * margin, page.height + 2 * margin), 70)
    table.paste(page, (margin, margin))
    turned = table.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=70)
    width, height = turned.size
    corners = np.float32([(0, 0), (width, 0), (width, height), (0, height)])
    keystone = np.float32(
        [(0.035 * width, 0.01 * height), (0.965 * width, 0), (width, height), (0, height)]
    )
    tilted = cv2.warpPerspective(
        np.asarray(turned),
        cv2.getPerspectiveTransform(corners, keystone),
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderValue=70,
    )
    pixels = np.asarray(tilted, dtype=np.float32)
    from PIL import ImageFilter

    pixels = np.asarray(
        Image.fromarray(pixels.astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.3)),
        dtype=np.float32,
    )
    height, width = pixels.shape
    ys, xs = np.mgrid[0:height, 0:width]
    light = 0.62 + 0.38 * (0.5 + 0.5 * np.cos(math.pi * (xs / width + 0.6 * ys / height)))
    pixels = pixels * 0.93 * light + rng.normal(0, 6, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
