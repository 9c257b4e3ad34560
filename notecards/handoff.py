"""Write a batch's print files: cards, envelopes or labels, split into parts, imposed,
calibrated, preflighted, and the job ticket; say where every card ended up.

Default output is ``cards.pdf`` + ``envelopes.pdf`` (one card per page pair). ``split``
writes ``cards-001.pdf``, ``envelopes-001.pdf`` … of that many cards each: reportlab holds
every page of a file in memory until it saves, so parts also keep memory flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cardlayout import card_geometry
from .drawing.cards import draw_cards
from .drawing.envelopes import draw_envelopes
from .drawing.labels import draw_labels
from .drawing.sheets import calibrate, impose
from .fonts import chain, measure
from .imposition import SheetLayout, layout_sheet, position_of, sheet_count
from .jobticket import make_ticket, write_ticket
from .labels import layout_label
from .layout import layout_card, layout_envelope_for, recipient_lines
from .preflight import PreflightSpec, preflight_pdf, spec_for_card, spec_for_envelope

if TYPE_CHECKING:
    from .pipeline import BatchPlan, CardJob

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class CardPlace:
    """Where one card's pages and its envelope (or label) are in the hand-off files."""

    card_number: int
    cards_file: str
    cards_pages: str
    envelope_file: str
    envelope_page: str
    position: str = ""


@dataclass(frozen=True, slots=True)
class HandOff:
    """What write_handoff wrote."""

    files: tuple[str, ...]
    places: tuple[CardPlace, ...]
    card_pages: int
    envelope_pages: int
    findings: tuple[str, ...]
    ticket: dict[str, Any]


def part_names(parts: int, index: int, stem: str) -> str:
    """Return the file name of part *index* (0-based) of *parts*: cards.pdf or cards-002.pdf."""
    return f"{stem}.pdf" if parts <= 1 else f"{stem}-{index + 1:03d}.pdf"


def sheet_layout(plan: BatchPlan) -> SheetLayout | None:
    """Return the imposition layout of *plan*, or None when cards print one per page pair."""
    settings = plan.settings
    paper = settings.production.imposition
    if paper is None:
        return None
    geometry = card_geometry(settings.card, settings.bleed_pt, False)
    return layout_sheet(paper, geometry.page.trim, settings.bleed_pt,
                        crop_marks=settings.crop_marks, flip=settings.production.flip,
                        fold=settings.card.fold if settings.card.folded else "side")


def write_handoff(plan: BatchPlan, folder: Path, progress: Progress | None = None) -> HandOff:
    """Write the print files of *plan* into *folder*; return what went where.

    Raises:
        LayoutError, FontError: a card cannot be drawn (checked while planning, so rare).
    """
    settings = plan.settings
    production = settings.production
    config = settings.config
    card = settings.card
    jobs = plan.jobs
    size = production.split or len(jobs) or 1
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    layout = sheet_layout(plan)
    mailing = None if card.is_postcard else ("labels" if production.labels else "envelopes")
    files: list[dict[str, Any]] = []
    places: list[CardPlace] = []
    findings: list[str] = []
    card_pages = envelope_pages = 0
    for index, chunk in enumerate(chunks):
        cards_name = part_names(len(chunks), index, "cards")
        pages = _write_cards(plan, chunk, folder / cards_name, layout, progress)
        card_pages += pages
        files.append({"file": cards_name, "pages": pages,
                      "content": _cards_content(layout, len(chunk))})
        mail_name = part_names(len(chunks), index, mailing) if mailing else ""
        if mailing == "envelopes":
            count = draw_envelopes(
                folder / mail_name, settings.envelope,
                ((layout_envelope_for(job, settings), f"№ {job.card_number}") for job in chunk),
                shop_name=config.shop_name, cmyk=production.cmyk, progress=progress,
                title=f"{config.shop_name} envelopes {plan.batch_id}")
        elif mailing == "labels":
            count = _write_labels(plan, chunk, folder / mail_name, progress)
        else:
            count = 0
        if mailing:
            envelope_pages += count
            files.append({"file": mail_name, "pages": count,
                          "content": f"{len(chunk)} {mailing}, in card order"})
        places += _places(plan, chunk, cards_name, mail_name, layout)
        if production.preflight:
            findings += _preflight(plan, folder, cards_name, mail_name, mailing, layout)
    ticket = make_ticket(
        batch_id=plan.batch_id, shop_name=config.shop_name, card=card,
        bleed_pt=layout.bleed_pt if layout is not None else settings.bleed_pt,
        crop_marks=settings.crop_marks, cmyk=production.cmyk, cards=len(jobs),
        envelope=None if card.is_postcard else settings.envelope, labels=production.labels,
        layout=layout, files=files, preflight=findings,
        calibration=production.calibration.name if production.calibration else "")
    write_ticket(folder, ticket)
    return HandOff(tuple(f["file"] for f in files), tuple(places), card_pages, envelope_pages,
                   tuple(findings), ticket)


def _cards_content(layout: SheetLayout | None, cards: int) -> str:
    if layout is None:
        return f"{cards} cards, one per page pair"
    return f"{cards} cards, {layout.per_sheet}-up, front/back per sheet"


def _write_cards(plan: BatchPlan, chunk: Sequence[CardJob], path: Path,
                 layout: SheetLayout | None, progress: Progress | None) -> int:
    settings = plan.settings
    production = settings.production
    config = settings.config
    crop_marks = settings.crop_marks and layout is None  # imposed sheets get their own marks
    geometry = card_geometry(settings.card, settings.bleed_pt, crop_marks)
    contents = _contents(plan, chunk, crop_marks)
    title = f"{config.shop_name} cards {plan.batch_id}"
    calibration = production.calibration
    fixes = None
    if calibration is not None and not calibration.is_identity:
        fixes = (calibration.matrix(), calibration.matrix(back=True))
    if layout is None and fixes is None:
        return draw_cards(path, geometry, contents, shop_name=config.shop_name, title=title,
                          progress=progress, cmyk=production.cmyk)
    buffer = BytesIO()
    pages = draw_cards(buffer, geometry, contents, shop_name=config.shop_name, title=title,
                       progress=progress, cmyk=production.cmyk)
    if layout is None and fixes is not None:
        calibrate(buffer.getvalue(), path, fixes)
        return pages
    assert layout is not None
    sheets = impose(buffer.getvalue(), layout, path, pages_per_card=settings.card.pages_per_card,
                    crop_marks=settings.crop_marks, calibration=fixes, title=title)
    return sheets * settings.card.pages_per_card


def _contents(plan: BatchPlan, chunk: Sequence[CardJob], crop_marks: bool) -> Iterator[Any]:
    settings = plan.settings
    if crop_marks == settings.crop_marks:
        geometry = card_geometry(settings.card, settings.bleed_pt, crop_marks)
        return (job.content or layout_card(job, settings, geometry) for job in chunk)
    # Laid out with the crop-mark slug, drawn without it: lay out again (cheap, deterministic).
    flat = replace(settings, crop_marks=crop_marks)
    geometry = card_geometry(settings.card, settings.bleed_pt, crop_marks)
    return (layout_card(job, flat, geometry) for job in chunk)


def _write_labels(plan: BatchPlan, chunk: Sequence[CardJob], path: Path,
                  progress: Progress | None) -> int:
    settings = plan.settings
    sheet = settings.production.labels
    assert sheet is not None
    boxes = sheet.boxes()
    fonts = chain("NotoSans")
    labels = (layout_label(boxes[i % sheet.per_sheet], recipient_lines(job, settings),
                           f"№ {job.card_number}", measure=measure, font_for=fonts.font_for)
              for i, job in enumerate(chunk))
    return draw_labels(path, sheet, labels, shop_name=settings.config.shop_name,
                       title=f"{settings.config.shop_name} labels {plan.batch_id}",
                       cmyk=settings.production.cmyk, progress=progress)


def _places(plan: BatchPlan, chunk: Sequence[CardJob], cards_name: str, mail_name: str,
            layout: SheetLayout | None) -> list[CardPlace]:
    pages = plan.settings.card.pages_per_card
    sheet = plan.settings.production.labels
    sheets = sheet_count(len(chunk), layout.per_sheet) if layout is not None else 0
    places = []
    for index, job in enumerate(chunk):
        position = []
        if layout is not None:
            sheet_index, slot = position_of(index, sheets)
            first = sheet_index * pages + 1
            row, col = divmod(slot, layout.columns)
            position.append(f"sheet {sheet_index + 1} slot {slot + 1} "
                            f"(row {row + 1}, column {col + 1})")
        else:
            first = index * pages + 1
        envelope_page = str(index + 1) if mail_name else ""
        if sheet is not None:
            label_sheet, label = sheet.position(index)
            envelope_page = str(label_sheet)
            position.append(f"label {label} on label sheet {label_sheet}")
        places.append(CardPlace(job.card_number, cards_name, f"{first}-{first + pages - 1}",
                                mail_name, envelope_page, "; ".join(position)))
    return places


def _preflight(plan: BatchPlan, folder: Path, cards_name: str, mail_name: str,
               mailing: str | None, layout: SheetLayout | None) -> list[str]:
    """Check our own output as a shop would; return findings prefixed with the file name."""
    settings = plan.settings
    calibrated = settings.production.calibration is not None
    spec: PreflightSpec | None = None
    if layout is None and not calibrated:
        spec = spec_for_card(settings.card, settings.bleed_pt)
    spec = spec if spec is None else replace(spec, require_cmyk=settings.production.cmyk)
    found = [f"{cards_name}: {f}" for f in preflight_pdf(folder / cards_name, spec)]
    if mailing == "envelopes":
        found += [f"{mail_name}: {f}" for f in
                  preflight_pdf(folder / mail_name, spec_for_envelope(settings.envelope))]
    return found
