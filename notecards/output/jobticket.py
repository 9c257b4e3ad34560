"""The job ticket a print shop reads before printing: job.json for machines, job.txt for people.

``make_ticket`` is pure (values in, a dict out); ``write_ticket`` writes both files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import inch, mm

from notecards.choices import Flip, PdfX
from notecards.layout.catalogue import CardFormat, EnvelopeFormat, Fold
from notecards.layout.imposition import SheetLayout
from notecards.layout.labels import LabelSheet
from notecards.wording import plural

JOB_JSON = "job.json"
JOB_TXT = "job.txt"


def stock_for(card: CardFormat) -> str:
    """Return a paper stock suggestion for *card* (a starting point to agree with the shop)."""
    if card.is_postcard:
        return (
            "14–16 pt cover (0.014–0.016 in, about 350 gsm), uncoated on the address side; "
            "USPS postcards must be 0.007–0.016 in thick"
        )
    if card.folded:
        return (
            "100–110 lb cover (270–300 gsm), smooth uncoated, scored before folding; "
            "ink-jet and laser safe"
        )
    return "110–130 lb cover (300–350 gsm), smooth uncoated"


def _size(width_pt: float, height_pt: float) -> dict[str, float]:
    return {
        "width_in": round(width_pt / inch, 3),
        "height_in": round(height_pt / inch, 3),
        "width_mm": round(width_pt / mm, 1),
        "height_mm": round(height_pt / mm, 1),
        "width_pt": round(width_pt, 2),
        "height_pt": round(height_pt, 2),
    }


def card_flip(card: CardFormat) -> Flip:
    """Return the duplex flip edge of a card's own page pair (outside, inside).

    Pages are head to head about the card's vertical axis, so a landscape page (wider than
    tall) flips on its short edge and a portrait page on its long edge.
    """
    landscape = card.sheet_width_pt > card.sheet_height_pt
    return Flip.SHORT_EDGE if landscape == (card.fold is not Fold.TOP) else Flip.LONG_EDGE


def make_ticket(
    *,
    batch_id: str,
    shop_name: str,
    card: CardFormat,
    bleed_pt: float,
    crop_marks: bool,
    cmyk: bool,
    pdfx: PdfX | None = None,
    cards: int,
    envelope: EnvelopeFormat | None,
    labels: LabelSheet | None,
    layout: SheetLayout | None,
    files: Sequence[Mapping[str, Any]],
    calibration: str = "",
    preflight: Sequence[str] = (),
) -> dict[str, Any]:
    """Return the job ticket as a JSON-ready dict."""
    duplex_flip = layout.flip if layout is not None else card_flip(card)
    ticket: dict[str, Any] = {
        "batch_id": batch_id,
        "shop": shop_name,
        "card": {
            "format": card.name,
            "title": card.title,
            "finished_size": _size(card.width_pt, card.height_pt),
            "trim_size": _size(card.sheet_width_pt, card.sheet_height_pt),
            "folded": card.folded,
            "fold": card.fold if card.folded else None,
            "score_and_fold": (
                "vertical, centre of the trim"
                if card.folded and card.fold == "side"
                else "horizontal, centre of the trim"
                if card.folded
                else None
            ),
            "stock": stock_for(card),
            "pages_per_card": card.pages_per_card,
            "page_order": (
                "outside spread (back | front), then inside spread"
                if card.folded
                else "front, then back (message side)"
            ),
        },
        "quantity": {
            "cards": cards,
            "envelopes": cards if envelope is not None and labels is None else 0,
            "labels": cards if labels is not None else 0,
        },
        "print": {
            "duplex": True,
            "flip": duplex_flip,
            "bleed_in": round(bleed_pt / inch, 4),
            "bleed_mm": round(bleed_pt / mm, 2),
            "crop_marks": crop_marks,
            "colour": _colour(cmyk, pdfx),
            "imposition": layout.description
            if layout is not None
            else "none: one card per page pair, trim and bleed boxes on every page",
            "cut_and_stack": layout is not None,
            "calibration": calibration or None,
        },
        "envelope": None
        if envelope is None or labels is not None
        else {
            "format": envelope.name,
            "title": envelope.title,
            "size": _size(envelope.width_pt, envelope.height_pt),
            "print": "address side, no bleed, feed with the flap closed",
        },
        "labels": None
        if labels is None
        else {"sheet": labels.name, "title": labels.title, "per_sheet": labels.per_sheet},
        "files": [dict(f) for f in files],
        "preflight": list(preflight) or "passed",
    }
    return ticket


_FORMAT_KEYS = ("card", "quantity", "print", "envelope", "labels", "files")


def combine_tickets(
    tickets: Sequence[Mapping[str, Any]], preflight: Sequence[str]
) -> dict[str, Any]:
    """Return the batch's ticket from one ticket per card format (see make_ticket).

    With one format the ticket is that format's, as before, plus ``formats`` listing it.
    With several, ``card``, ``print``, ``envelope`` and ``labels`` are per format under
    ``formats``; ``quantity`` and ``files`` are the batch's totals.
    """
    formats = [{key: t[key] for key in _FORMAT_KEYS} for t in tickets]
    first = tickets[0]
    if len(tickets) == 1:
        return {**first, "formats": formats, "preflight": list(preflight) or "passed"}
    quantity = {key: sum(t["quantity"][key] for t in tickets) for key in first["quantity"]}
    return {
        "batch_id": first["batch_id"],
        "shop": first["shop"],
        "card": None,
        "quantity": quantity,
        "print": None,
        "envelope": None,
        "labels": None,
        "formats": formats,
        "files": [f for t in tickets for f in t["files"]],
        "preflight": list(preflight) or "passed",
    }


def ticket_text(ticket: Mapping[str, Any]) -> str:
    """Return the ticket as plain text for a person at the shop counter."""
    lines = [f"JOB TICKET — {ticket['shop']} — batch {ticket['batch_id']}"]
    formats = ticket.get("formats") or [ticket]
    if len(formats) > 1:
        qty = ticket["quantity"]
        lines += [
            "",
            f"{len(formats)} card formats, {plural(qty['cards'], 'card')} in all: print each "
            "format's files on its own stock.",
        ]
    for number, entry in enumerate(formats, start=1):
        if len(formats) > 1:
            lines += ["", f"FORMAT {number} of {len(formats)}"]
        lines += _format_lines(entry)
    preflight = ticket["preflight"]
    lines += [
        "",
        "Preflight:     " + ("passed" if preflight == "passed" else f"{len(preflight)} finding(s)"),
    ]
    if preflight != "passed":
        lines += [f"  {finding}" for finding in preflight]
    return "\n".join(lines) + "\n"


def _format_lines(ticket: Mapping[str, Any]) -> list[str]:
    card, prn, qty = ticket["card"], ticket["print"], ticket["quantity"]
    trim = card["trim_size"]
    finished = card["finished_size"]
    lines = [
        "",
        f"Card:          {card['title']} ({card['format']})",
        f"Finished size: {finished['width_in']} × {finished['height_in']} in "
        f"({finished['width_mm']} × {finished['height_mm']} mm)",
        f"Trim size:     {trim['width_in']} × {trim['height_in']} in "
        f"({trim['width_mm']} × {trim['height_mm']} mm)"
        + (f", score and fold {card['score_and_fold']}" if card["folded"] else ""),
        f"Stock:         {card['stock']}",
        f"Quantity:      {plural(qty['cards'], 'card')}, "
        f"{plural(card['pages_per_card'], 'page')} each "
        f"({card['page_order']})",
        f"Duplex:        yes, flip on the {prn['flip'].replace('-', ' ')}",
        f"Bleed:         {prn['bleed_in']} in ({prn['bleed_mm']} mm)"
        f"{', crop marks on' if prn['crop_marks'] else ', no crop marks'}",
        f"Colour:        {prn['colour']}",
        f"Imposition:    {prn['imposition']}",
    ]
    if prn["cut_and_stack"]:
        lines.append(
            "               cut-and-stack: cut all sheets at once, then stack the "
            "piles slot 1, slot 2, … to get cards in order"
        )
    if prn["calibration"]:
        lines.append(f"Calibration:   {prn['calibration']} (for that printer only)")
    if ticket["envelope"]:
        env = ticket["envelope"]
        lines.append(f"Envelopes:     {qty['envelopes']} × {env['title']}, {env['print']}")
    if ticket["labels"]:
        lab = ticket["labels"]
        lines.append(f"Labels:        {qty['labels']} on {lab['title']}")
    lines += ["", "Files:"]
    for entry in ticket["files"]:
        unit = "page " if entry["pages"] == 1 else "pages"
        lines.append(f"  {entry['file']:<28} {entry['pages']:>6} {unit}  {entry['content']}")
    return lines


def write_ticket(folder: Path, ticket: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write job.json and job.txt into *folder*; return their paths."""
    json_path, text_path = folder / JOB_JSON, folder / JOB_TXT
    json_path.write_text(json.dumps(ticket, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text_path.write_text(ticket_text(ticket), encoding="utf-8")
    return json_path, text_path


def _colour(cmyk: bool, pdfx: PdfX | None) -> str:
    """Return the colour line of a ticket: mode, and the PDF/X standard and profile if any."""
    if pdfx:
        from notecards.output.iccprofile import CONDITION
        from notecards.output.pdfx import STANDARDS

        return (
            f"CMYK, {STANDARDS[pdfx]['version']}, output intent {CONDITION} (embedded); "
            "black text and codes 100 % K"
        )
    return "CMYK (device, no ICC profile)" if cmyk else "RGB (greys and black as gray)"
