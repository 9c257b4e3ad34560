"""Learn a hand from a filled-in sample sheet: font, signature and the shop's settings.

``learn_hand`` reads the scan(s), straightens each page, cuts and traces every box, writes
``NAME-hand.ttf`` (and ``NAME-signature.svg`` from page 2) beside ``notecards.toml`` and adds
``[hand_styles.NAME]`` (and ``[signers.SIGNER] image``) to it. Boxes that cannot be read are
reported by character; the base hand writes those characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from notecards.choices import Ink
from notecards.config import read_toml
from notecards.errors import ConfigError, ScanError
from notecards.handwriting.styles import INKS_RGB, STYLES, font_file
from notecards.layout.hand_sheet import SheetBox
from notecards.learned.boxes import Cut, cut_box, letter_gap_pt, stroke_width_pt
from notecards.learned.fontfile import Learned, build_font, measure_hand
from notecards.learned.outlines import Point, draw_contours, trace
from notecards.learned.scan import Page, read_scan, straighten

#: Letters whose top is the x-height (no ascender, no descender, no dot).
X_LETTERS = "acemnorsuvwxz"
TRACE_X_HEIGHT_PX = 20
_SIGNATURE_HEIGHT_PX = 90
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


@dataclass(frozen=True, slots=True)
class LearnReport:
    """What learning wrote and what it could not read."""

    name: str
    font_path: Path
    signature_path: Path | None
    learned: tuple[str, ...]  # characters and pairs in the hand's own writing
    problems: tuple[str, ...]  # one sentence per box that could not be read
    config_notes: tuple[str, ...]  # what was added to notecards.toml (or why not)


def learn_hand(
    scans: Sequence[Path],
    name: str,
    config_path: Path,
    *,
    signer: str = "",
    base: str = "casual",
) -> LearnReport:
    """Learn the hand on *scans* as style *name*; write its files beside *config_path*.

    Raises:
        ConfigError: a bad name or base style, or no notecards.toml.
        ScanError: a scan cannot be read, or has too few readable letters to make a hand.
    """
    if not _NAME.fullmatch(name):
        raise ConfigError(
            f'Hand name "{name}": use letters, digits, - and _ (starting with a letter).'
        )
    if base not in STYLES:
        raise ConfigError(f'Base hand "{base}": choose one of {", ".join(sorted(STYLES))}.')
    config = read_toml(config_path, "no notecards.toml there. Run `notecards init DIR` first.")
    pages: list[tuple[str, Page]] = []
    for scan in scans:
        images = read_scan(scan)
        for index, image in enumerate(images):
            source = f"{scan}:page {index + 1}" if len(images) > 1 else str(scan)
            pages.append((source, straighten(image, source)))
    letters_page = next(((s, p) for s, p in pages if p.number == 0), None)
    if letters_page is None:
        raise ScanError(
            f"{scans[0]}: this is the signature page — give the page of letters as well."
        )
    source, page = letters_page
    cuts: dict[str, list[Cut]] = {}
    unread: list[tuple[SheetBox, str]] = []
    for box in page.layout.page_boxes(0):
        result = cut_box(page, box)
        if isinstance(result, str):
            unread.append((box, result))
        else:
            cuts.setdefault(box.text, []).append(result)
    x_heights = [c.top_pt for letter in X_LETTERS for c in cuts.get(letter, [])]
    if len(x_heights) < 5:
        raise ScanError(
            f"{source}: only {len(x_heights)} of the plain lower-case letters (a c e m n o r s "
            "u v w x z) could be read — write them in dark ink, on the dotted line, and scan "
            "or photograph the sheet again."
        )
    all_cuts = [c for group in cuts.values() for c in group]
    base_path = font_file(STYLES[base])
    gaps = [
        gap
        for text, group in cuts.items()
        if len(text) == 2
        for gap in map(letter_gap_pt, group)
        if gap is not None
    ]
    metrics = measure_hand(x_heights, stroke_width_pt(all_cuts), TTFont(str(base_path)), gaps)
    # Trace at a resolution where the x-height is about TRACE_X_HEIGHT_PX pixels.
    scale = TRACE_X_HEIGHT_PX / (metrics.x_height_pt * page.px_per_pt)
    learned = {
        text: [Learned(c, trace(c.ink, scale=scale)) for c in group] for text, group in cuts.items()
    }
    folder = config_path.parent
    font_path = folder / f"{name}-hand.ttf"
    built = build_font(f"{name} hand", learned, metrics, base_path, font_path)
    problems: list[str] = []
    for box, result in unread:
        if box.text in cuts:  # another box of the letter was read: it writes the letter
            instead = f"your other “{box.text}” boxes write it"
        elif box.text in built.composed:
            instead = (
                f"your own “{built.composed[box.text]}” with the accent writes “{box.text}” instead"
            )
        else:
            instead = f"the {base} hand writes “{box.text}” instead"
        problems.append(
            f"{source}: box “{box.label}” (row {box.row}, column {box.column}): {result} — "
            f"{instead}; fill the box in and learn again to use your own."
        )
    notes = [add_hand_style(config_path, config, name, font_path.name, base)]
    signature_path = None
    signature_source, signature_page = next(
        ((s, p) for s, p in pages if p.number == 1), (source, None)
    )
    if signature_page is not None:
        signature_path = folder / f"{name}-signature.svg"
        if write_signature(signature_page, signature_path):
            notes.append(add_signer_image(config_path, config, signer or name, signature_path.name))
        else:
            signature_path = None
            problems.append(
                f"{signature_source}: the signature box is empty — sign it, or leave page 2 out."
            )
    return LearnReport(
        name,
        font_path,
        signature_path,
        tuple(sorted(cuts)),
        tuple(problems),
        tuple(notes),
    )


def write_signature(page: Page, path: Path) -> bool:
    """Write the signature box of *page* as an SVG of filled outlines; False when empty."""
    box = page.layout.page_boxes(1)[0]
    cut = cut_box(page, box)
    if isinstance(cut, str):
        return False
    contours = trace(cut.ink, scale=_SIGNATURE_HEIGHT_PX / cut.ink.shape[0])
    scale = 1 / cut.px_per_pt
    pen = SVGPathPen(None, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip("."))

    def transform(point: Point) -> Point:
        return (point[0] * scale, point[1] * scale)

    draw_contours(contours, pen, transform)
    red, green, blue = (round(255 * v) for v in INKS_RGB[Ink.BLUE_BLACK])
    width, height = cut.width_pt, cut.height_pt
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width:.2f}pt" height="{height:.2f}pt" viewBox="0 0 {width:.2f} {height:.2f}">\n'
        f'<path fill="rgb({red},{green},{blue})" fill-rule="nonzero" d="{pen.getCommands()}"/>\n'
        "</svg>\n",
        encoding="utf-8",
    )
    return True


def add_hand_style(
    config_path: Path, config: dict[str, object], name: str, font: str, base: str
) -> str:
    """Append ``[hand_styles.NAME]`` to *config_path* unless it has one; say what happened."""
    styles = config.get("hand_styles")
    if isinstance(styles, dict) and name in styles:
        return (
            f"{config_path}: [hand_styles.{name}] is already there; it now draws with the "
            f"new {font}."
        )
    _append(
        config_path,
        f'[hand_styles.{name}]\nbase = "{base}"            # how much the pen wanders\n'
        f'font_path = "{font}"   # learned by `notecards hand learn`\n',
    )
    return f'{config_path}: added [hand_styles.{name}]; use it with [cards] hand = "{name}".'


def add_signer_image(config_path: Path, config: dict[str, object], signer: str, svg: str) -> str:
    """Give *signer* the signature *svg* in *config_path*; say what happened."""
    signers = config.get("signers")
    entry = signers.get(signer) if isinstance(signers, dict) else None
    if isinstance(entry, dict) and entry.get("image"):
        return (
            f'{config_path}: [signers.{signer}] already has image = "{entry["image"]}"; '
            f'set it to "{svg}" to sign with the learned signature.'
        )
    text = config_path.read_text(encoding="utf-8")
    header = re.compile(rf'^\[signers\.("?){re.escape(signer)}\1\][ \t]*$', re.MULTILINE)
    match = header.search(text)
    if match:
        line = f'\nimage = "{svg}"   # learned by `notecards hand learn`'
        config_path.write_text(text[: match.end()] + line + text[match.end() :], encoding="utf-8")
    else:
        key = signer if re.fullmatch(r"[A-Za-z0-9_-]+", signer) else f'"{signer}"'
        _append(config_path, f'[signers.{key}]\nimage = "{svg}"   # learned signature\n')
    return f"{config_path}: [signers.{signer}] now signs with {svg}."


def _append(config_path: Path, block: str) -> None:
    text = config_path.read_text(encoding="utf-8")
    if not text or text.endswith("\n\n"):
        separator = ""
    else:
        separator = "\n" if text.endswith("\n") else "\n\n"
    config_path.write_text(text + separator + block, encoding="utf-8")
