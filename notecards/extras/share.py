"""The share image: a square picture of a sent card's inside, personal data hidden.

What shops do: photograph the card they just wrote, hide the name, post it. Here the picture is
made from the batch's own ``cards.pdf`` (the bytes that were printed), found through
``manifest.csv``:

1. The recipient's name, e-mail, city, postal code and order id are searched in the page's
   text layer (the handwriting keeps real letters there), giving every character's box.
2. The page is rendered twice with pdfium: as printed, and with every text object that draws
   one of those characters removed from the page. Inside the characters' boxes the second
   picture is used, so the name's glyphs are not drawn at all (not blurred, not covered: absent)
   and a soft ink smudge marks the spot, the way a photo editor's blur would.
3. The message panel is cut out, laid at a slight angle with a shadow on a soft background,
   with the shop's name small underneath: 1080 × 1080 px.
"""

from __future__ import annotations

import csv
import ctypes
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from notecards.errors import InputError
from notecards.extras.proofs import render_pdfium_page
from notecards.layout.geometry import Box
from notecards.output.render import CARDS_PDF, MANIFEST_CSV
from notecards.paths import default_fonts_dir

SIZE_PX = 1080
PANEL_DPI = 200
#: Personal fields of a manifest row that must never be readable in a share image.
PERSONAL_COLUMNS = ("recipient", "email", "city", "postal_code", "order_id")
BACKGROUND = ((246, 240, 231), (232, 221, 206))  # warm linen, top to bottom
SMUDGE = (150, 158, 190)
SHOP_INK = (120, 112, 104)


@dataclass(frozen=True, slots=True)
class Redaction:
    """The inside page with personal data removed, and where it was (page points, y up)."""

    image: Image.Image
    """The page rendered at ``dpi``, personal glyphs absent, before the smudge is drawn."""
    boxes: tuple[Box, ...]
    """The box of every hidden character."""
    hidden: tuple[str, ...]
    """The text runs that were hidden, e.g. ``("Ada", "1001")``."""
    panel: Box
    page_height_pt: float
    dpi: float


def read_manifest(batch_dir: str | Path) -> list[dict[str, str]]:
    """Return the rows of the manifest in *batch_dir*.

    Raises:
        InputError: no manifest.
    """
    path = Path(batch_dir) / MANIFEST_CSV
    if not path.is_file():
        raise InputError(
            str(path),
            "no manifest here.",
            "Give the folder a batch was written to (it has manifest.csv).",
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: _cell(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def find_card(batch_dir: str | Path, card: str) -> dict[str, str]:
    """Return the manifest row of *card* (an order id, or a card number) in *batch_dir*.

    Raises:
        InputError: no manifest, or no card with that order id or number.
    """
    path = Path(batch_dir) / MANIFEST_CSV
    rows = read_manifest(batch_dir)
    wanted = card.strip().lstrip("№#").strip()
    for column in ("order_id", "card_number"):
        matches = [row for row in rows if row.get(column) == wanted]
        if matches:
            return matches[0]
    raise InputError(
        str(path),
        f'no card with order id or card number "{card}".',
        "See manifest.csv for the cards of this batch.",
    )


def _cell(value: str) -> str:
    # manifest.safe_cell put a quote before cells a spreadsheet would run as formulas
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def personal_terms(row: dict[str, str]) -> tuple[str, ...]:
    """Return the words of *row* that identify the recipient (each name part, e-mail, city …)."""
    terms: list[str] = []
    for column in PERSONAL_COLUMNS:
        value = (row.get(column) or "").strip()
        if not value:
            continue
        parts = re.split(r"[\s\-]+", value) if column == "recipient" else [value]
        terms += [value, *(p.strip(".,") for p in parts)]
    unique = {t.casefold(): t for t in terms if len(t) >= 2}
    return tuple(sorted(unique.values(), key=len, reverse=True))


def redact_page(
    pdf: bytes,
    page_index: int,
    terms: Sequence[str],
    *,
    dpi: float = PANEL_DPI,
    others: Sequence[Sequence[str]] = (),
) -> Redaction:
    """Return page *page_index* of *pdf* rendered without the glyphs of *terms*.

    Print furniture goes too: the packing label (``№ 12 · 1001``) and the QR code with its
    caption, whose link may carry the order id. Neither is what a photo of the card shows.
    *others* are the terms of the other cards printed on the same sheet (imposition): they are
    hidden as well, and the panel is cut from this card's own part of the sheet.
    """
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[page_index]
        _remove_objects(page, _furniture(page))
        original = render_pdfium_page(page, dpi)
        text_page = page.get_textpage()
        chars = "".join(
            chr(pdfium_c.FPDFText_GetUnicode(text_page, i)) for i in range(text_page.count_chars())
        )
        indices, hidden = _matches(chars, terms)
        cell = _own_cell(page, text_page, chars, terms, others)
        for other in others:  # a sheet of several cards: nobody's name may show
            more, _ = _matches(chars, other)
            indices |= more
        boxes = tuple(_char_box(text_page, i) for i in sorted(indices))
        owners = {_address(pdfium_c.FPDFText_GetTextObject(text_page, i)) for i in indices}
        panel = _message_panel(page, text_page, chars, cell)
        text_page.close()
        _remove_objects(page, owners)
        without = render_pdfium_page(page, dpi)
        # Text inside a form cannot be removed from the page: paint over what is left of it.
        text_page = page.get_textpage()
        rest = "".join(
            chr(pdfium_c.FPDFText_GetUnicode(text_page, i)) for i in range(text_page.count_chars())
        )
        stubborn = [
            _char_box(text_page, i)
            for other in (terms, *others)
            for i in sorted(_matches(rest, other)[0])
        ]
        text_page.close()
        height = page.get_height()
        page.close()
    finally:
        document.close()
    mask = Image.new("L", original.size, 0)
    draw = ImageDraw.Draw(mask)
    scale = dpi / 72
    for box in boxes:
        draw.rectangle(_pixels(box, height, scale), fill=255)
    if stubborn:
        paper = without.getpixel(
            (round(panel.x_pt * scale) + 4, round((height - panel.top_pt) * scale) + 4)
        )
        cover = ImageDraw.Draw(without)
        for box in stubborn:
            cover.rectangle(_pixels(box, height, scale), fill=paper)
    image = Image.composite(without, original, mask)
    return Redaction(image, boxes, tuple(hidden), panel, height, dpi)


def _furniture(page: pdfium.PdfPage) -> set[int]:
    """Return the addresses of the label's text objects, the QR code and its caption."""
    found: set[int] = set()
    text_page = page.get_textpage()
    for i in range(text_page.count_chars()):
        if (
            not pdfium_c.FPDFText_IsGenerated(text_page, i)  # not a line break pdfium added
            and chr(pdfium_c.FPDFText_GetUnicode(text_page, i)).strip()
            and _size_pt(text_page, i) < 6
        ):  # the 5 pt packing label
            found.add(_address(pdfium_c.FPDFText_GetTextObject(text_page, i)))
    text_page.close()
    objects = list(page.get_objects(max_depth=1))
    codes = []
    for obj in objects:
        left, bottom, right, top = obj.get_bounds()
        if (
            obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
            and right - left >= 30
            and abs((right - left) - (top - bottom)) < 1
        ):  # a QR code is a square
            codes.append((left, bottom, right))
            found.add(_address(obj.raw))
    for obj in objects:  # the caption form sits just under its code
        left, bottom, right, top = obj.get_bounds()
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM and any(
            bottom < q_bottom and q_bottom - top < 24 and left < q_right and right > q_left
            for q_left, q_bottom, q_right in codes
        ):
            found.add(_address(obj.raw))
    return found


def _size_pt(text_page: pdfium.PdfTextPage, index: int) -> float:
    """Return the size a character is drawn at (font size times the text matrix's scale)."""
    matrix = pdfium_c.FS_MATRIX()
    size = float(pdfium_c.FPDFText_GetFontSize(text_page, index))
    if pdfium_c.FPDFText_GetMatrix(text_page, index, ctypes.byref(matrix)):
        size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    return size


def _remove_objects(page: pdfium.PdfPage, addresses: set[int]) -> None:
    """Remove the page's top-level objects at *addresses* and rewrite its content."""
    for obj in list(page.get_objects(max_depth=1)):
        if _address(obj.raw) in addresses:
            page.remove_obj(obj)
    page.gen_content()


def _matches(chars: str, terms: Iterable[str]) -> tuple[set[int], list[str]]:
    """Return the indices of every character of every occurrence of *terms*, and the hits."""
    indices: set[int] = set()
    hidden: list[str] = []
    folded = chars.casefold()
    if len(folded) != len(chars):  # casefold changed a length (ß → ss): indices must match
        folded = chars.lower()
    for pattern in (re.escape(t.casefold()) for t in terms):
        for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", folded):
            span = {i for i in range(match.start(), match.end()) if not chars[i].isspace()}
            if span <= indices:  # a part of a longer term already hidden ("Ada" of "Ada Lee")
                continue
            indices.update(span)
            hidden.append(chars[match.start() : match.end()])
    return indices, hidden


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _char_box(text_page: pdfium.PdfTextPage, index: int) -> Box:
    left, bottom, right, top = text_page.get_charbox(index, loose=True)
    pad = 0.12 * (top - bottom)  # jitter and pen weight reach a little past the glyph box
    return Box(left - pad, bottom - pad, right - left + 2 * pad, top - bottom + 2 * pad)


def _pixels(box: Box, page_height_pt: float, scale: float) -> tuple[float, float, float, float]:
    return (
        box.x_pt * scale,
        (page_height_pt - box.top_pt) * scale,
        box.right_pt * scale,
        (page_height_pt - box.y_pt) * scale,
    )


def _own_cell(
    page: pdfium.PdfPage,
    text_page: pdfium.PdfTextPage,
    chars: str,
    terms: Sequence[str],
    others: Sequence[Sequence[str]],
) -> Box | None:
    """Return this card's part of an imposed sheet, or None when the page is one card.

    Each card's name marks a point inside its message. The cards of a sheet sit on a
    centred grid: the distinct x and y of those points give its columns and rows, and the
    sheet divided evenly into that grid gives each card its part (exact for two cards a
    side, within a third of the sheet margin for more).
    """
    if not others:
        return None

    def centre(words: Sequence[str]) -> tuple[float, float] | None:
        found = sorted(_matches(chars, words)[0])
        if not found:
            return None
        x0, y0, x1, y1 = text_page.get_charbox(found[0])
        return (x0 + x1) / 2, (y0 + y1) / 2

    own = centre(terms)
    if own is None:
        return None
    points = [own, *(p for p in (centre(other) for other in others) if p is not None)]
    columns = _distinct(p[0] for p in points)
    rows = _distinct(p[1] for p in points)
    left, bottom, right, top = page.get_mediabox()
    width, height = (right - left) / len(columns), (top - bottom) / len(rows)
    column = min(int((own[0] - left) // width), len(columns) - 1)
    row = min(int((own[1] - bottom) // height), len(rows) - 1)
    return Box(left + column * width, bottom + row * height, width, height)


def _distinct(values: Iterable[float], tolerance_pt: float = 36.0) -> list[float]:
    """Return *values* with those closer than *tolerance_pt* to a kept one dropped."""
    kept: list[float] = []
    for value in sorted(values):
        if not kept or value - kept[-1] > tolerance_pt:
            kept.append(value)
    return kept


def _message_panel(
    page: pdfium.PdfPage, text_page: pdfium.PdfTextPage, chars: str, cell: Box | None = None
) -> Box:
    """Return the panel holding the message: the right or lower half of a folded card's
    inside (the message starts there), else the whole trimmed page (or *cell* of a sheet)."""
    if cell is None:
        left, bottom, right, top = page.get_trimbox()
        trim = Box(left, bottom, right - left, top - bottom)
    else:
        trim = cell
    # The label and the QR caption are gone by now: what is left is the handwriting.
    boxes = [
        box
        for box in (
            text_page.get_charbox(i)
            for i, c in enumerate(chars)
            if not c.isspace() and _size_pt(text_page, i) >= 8.5
        )
        if cell is None or _inside(box, cell)
    ]
    if not boxes:
        return trim
    mid_x, mid_y = trim.x_pt + trim.width_pt / 2, trim.y_pt + trim.height_pt / 2
    if min(b[0] for b in boxes) >= mid_x:
        return Box(mid_x, trim.y_pt, trim.width_pt / 2, trim.height_pt)
    if max(b[3] for b in boxes) <= mid_y:
        return Box(trim.x_pt, trim.y_pt, trim.width_pt, trim.height_pt / 2)
    return trim


def _inside(box: tuple[float, float, float, float], cell: Box) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return cell.x_pt <= x <= cell.right_pt and cell.y_pt <= y <= cell.top_pt


def redacted_panel(redaction: Redaction) -> Image.Image:
    """Return the message panel of *redaction* with a soft smudge where personal data was."""
    scale = redaction.dpi / 72
    image = redaction.image.copy()
    smudge = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(smudge)
    for box in _merge_words(redaction.boxes):
        x0, y0, x1, y1 = _pixels(box, redaction.page_height_pt, scale)
        inset = (y1 - y0) * 0.22
        draw.rounded_rectangle((x0, y0 + inset, x1, y1 - inset), radius=(y1 - y0) / 3, fill=150)
    smudge = smudge.filter(ImageFilter.GaussianBlur(6 * scale))
    image = Image.composite(Image.new("RGB", image.size, SMUDGE), image, smudge)
    x0, y0, x1, y1 = _pixels(redaction.panel, redaction.page_height_pt, scale)
    return image.crop((round(x0), round(y0), round(x1), round(y1)))


def _merge_words(boxes: Sequence[Box]) -> list[Box]:
    """Join the boxes of neighbouring characters into one box per hidden word."""
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: (-round(b.top_pt / 6), b.x_pt)):
        last = merged[-1] if merged else None
        if (
            last is not None
            and abs(last.top_pt - box.top_pt) < box.height_pt / 2
            and box.x_pt - last.right_pt < box.height_pt * 0.5
        ):
            x0, y0 = min(last.x_pt, box.x_pt), min(last.y_pt, box.y_pt)
            x1, y1 = max(last.right_pt, box.right_pt), max(last.top_pt, box.top_pt)
            merged[-1] = Box(x0, y0, x1 - x0, y1 - y0)
        else:
            merged.append(box)
    return merged


def compose_share(panel: Image.Image, shop_name: str, *, angle_deg: float = -2.5) -> Image.Image:
    """Return the 1080 × 1080 post: *panel* at a slight angle on a soft background."""
    image = _background()
    longest = 800
    ratio = longest / max(panel.size)
    card = panel.resize(
        (round(panel.width * ratio), round(panel.height * ratio)), Image.Resampling.LANCZOS
    ).convert("RGBA")
    card = card.rotate(angle_deg, resample=Image.Resampling.BICUBIC, expand=True)
    alpha = card.getchannel("A")
    shadow = Image.new("L", (SIZE_PX, SIZE_PX), 0)
    x = (SIZE_PX - card.width) // 2
    y = (SIZE_PX - card.height) // 2 - 24
    shadow.paste(alpha.point(lambda v: v * 0.45), (x + 10, y + 18))
    shadow = shadow.filter(ImageFilter.GaussianBlur(16))
    image.paste((92, 80, 68), (0, 0), shadow)
    image.paste(card.convert("RGB"), (x, y), alpha)
    if shop_name:
        draw = ImageDraw.Draw(image)
        font = ImageFont.truetype(str(default_fonts_dir() / "NotoSerif-Regular.ttf"), 22)
        text = " ".join(shop_name.upper())
        width = draw.textlength(text, font=font)
        draw.text(((SIZE_PX - width) / 2, SIZE_PX - 62), text, fill=SHOP_INK, font=font)
    return image


def _background() -> Image.Image:
    """Return a soft vertical gradient with a gentle vignette (deterministic, no noise)."""
    top, bottom = BACKGROUND
    column = Image.new("RGB", (1, SIZE_PX))
    for y in range(SIZE_PX):
        t = y / (SIZE_PX - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    image = column.resize((SIZE_PX, SIZE_PX))
    vignette = Image.radial_gradient("L").resize((SIZE_PX, SIZE_PX)).point(lambda v: v * 0.12)
    return ImageChops.subtract(image, Image.merge("RGB", (vignette,) * 3))


def share_image(batch_dir: str | Path, card: str) -> Image.Image:
    """Return the share image of *card* (order id or card number) of the batch in *batch_dir*.

    >>> share_image("out/2026-11-22", "1001").save("share.png")  # doctest: +SKIP

    Raises:
        InputError: the folder has no manifest or cards.pdf, or no such card.
    """
    folder = Path(batch_dir)
    row = find_card(folder, card)
    cards_path = folder / (row.get("cards_file") or CARDS_PDF)
    if not cards_path.is_file():
        raise InputError(
            str(cards_path),
            "the batch's cards PDF is missing.",
            "Share from the folder the batch was written to.",
        )
    pages = row.get("cards_pdf_pages", "")
    try:
        inside = int(pages.split("-")[-1]) - 1
    except ValueError as err:
        raise InputError(
            str(folder / MANIFEST_CSV),
            f'card {row.get("card_number")}: "{pages}" is not a page range.',
            "Render the batch again.",
        ) from err
    pdf = cards_path.read_bytes()
    # On an imposed sheet other cards share the page: hide their people too.
    others = [
        personal_terms(other)
        for other in read_manifest(folder)
        if other is not row
        and other.get("cards_file") == row.get("cards_file")
        and other.get("cards_pdf_pages") == pages
        and other.get("card_number") != row.get("card_number")
    ]
    redaction = redact_page(pdf, inside, personal_terms(row), others=others)
    return compose_share(redacted_panel(redaction), _shop_name(pdf))


def _shop_name(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return str(document.get_metadata_dict().get("Author", ""))
    finally:
        document.close()
