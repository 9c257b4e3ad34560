"""Write a batch's print files: cards, envelopes or labels, grouped by format and split into
parts (each part written by ``parts.write_part``: imposed, calibrated, preflighted), and the
job ticket; say where every card ended up.

Default output is ``cards.pdf`` + ``envelopes.pdf`` (one card per page pair). ``split``
writes ``cards-001.pdf``, ``envelopes-001.pdf`` … of that many cards each: reportlab holds
every page of a file in memory until it saves, so parts also keep memory flat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notecards.layout.imposition import SheetLayout
from notecards.output.cardfile import sheet_layout
from notecards.output.jobticket import combine_tickets, make_ticket, write_ticket
from notecards.output.parallel import DrawPool, worker_count
from notecards.output.parts import CardPlace, Part, write_part
from notecards.planning.batch import BatchPlan
from notecards.planning.jobs import CardJob
from notecards.preflight.spec import PreflightQueue
from notecards.settings import BatchSettings, Mailing

Progress = Callable[[int], None]


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


@dataclass(frozen=True, slots=True)
class FormatGroup:
    """The cards of a batch printed in one card format and envelope, and their file stems."""

    settings: BatchSettings
    jobs: tuple[CardJob, ...]
    cards_stem: str
    mail_stem: str
    """"envelopes" or "labels" plus the group's suffix; "" for postcards (nothing to mail in)."""


def format_groups(plan: BatchPlan) -> list[FormatGroup]:
    """Return the batch's cards grouped by (card format, envelope), in order of first card.

    One group keeps the plain names (``cards.pdf``, ``envelopes.pdf``); with several, files
    are named by card format (``cards-a7-folded.pdf``), and envelopes by envelope when no
    two groups share one (``envelopes-a7.pdf``), else by card format and envelope.
    """
    settings = plan.settings
    grouped: dict[tuple[str, str], list[CardJob]] = {}
    formats: dict[tuple[str, str], BatchSettings] = {}
    for job in plan.jobs:
        job_settings = settings.for_formats(job.card, job.envelope)
        key = (job_settings.card.name, job_settings.envelope.name)
        grouped.setdefault(key, []).append(job)
        formats.setdefault(key, job_settings)
    mailing = settings.production.mailing
    cards_per_format: dict[str, int] = {}
    envelope_users: dict[str, int] = {}
    for card, envelope in grouped:
        cards_per_format[card] = cards_per_format.get(card, 0) + 1
        envelope_users[envelope] = envelope_users.get(envelope, 0) + 1
    groups = []
    for (card, envelope), jobs in grouped.items():
        group_settings = formats[(card, envelope)]
        if len(grouped) == 1:
            cards_stem, mail_stem = "cards", str(mailing)
        else:
            suffix = card if cards_per_format[card] == 1 else f"{card}-{envelope}"
            cards_stem = f"cards-{suffix}"
            mail_suffix = (
                envelope
                if envelope_users[envelope] == 1 and mailing is Mailing.ENVELOPES
                else suffix
            )
            mail_stem = f"{mailing}-{mail_suffix}"
        if group_settings.card.is_postcard:
            mail_stem = ""
        groups.append(FormatGroup(group_settings, tuple(jobs), cards_stem, mail_stem))
    return groups


def write_handoff(
    plan: BatchPlan,
    folder: Path,
    progress: Progress | None = None,
    *,
    preflight: bool | None = None,
    while_checking: Callable[[tuple[CardPlace, ...]], None] | None = None,
) -> HandOff:
    """Write the print files of *plan* into *folder*; return what went where.

    A batch with cards of several formats writes one set of files per format (see
    format_groups); places come back in card order either way. *preflight* overrides the
    production's self-preflight setting (proofs skip it). *while_checking* is called with
    the places once every file is drawn, while the last checks run (the batch writes its
    manifest then, on the core the checks leave idle at the end).

    Raises:
        LayoutError, FontError: a card cannot be drawn (checked while planning, so rare).
    """
    settings = plan.settings
    production = settings.production
    files: list[dict[str, Any]] = []
    places: list[CardPlace] = []
    tickets = []
    card_pages = envelope_pages = 0
    check = production.preflight if preflight is None else preflight
    # Each finished file is preflighted in worker processes while the next one is drawn.
    with (
        PreflightQueue(workers=None if check else 0) as checks,
        DrawPool(worker_count(settings)) as pool,
    ):
        for group in format_groups(plan):
            part = _write_group(
                plan.batch_id, group, folder, progress, checks if check else None, pool
            )
            files += part.files
            places += part.places
            card_pages += part.card_pages
            envelope_pages += part.envelope_pages
            tickets.append(part.ticket)
        places.sort(key=lambda place: place.card_number)
        if while_checking is not None:
            while_checking(tuple(places))
        findings = checks.results()
    ticket = combine_tickets(tickets, findings)
    write_ticket(folder, ticket)
    return HandOff(
        tuple(f["file"] for f in files),
        tuple(places),
        card_pages,
        envelope_pages,
        tuple(findings),
        ticket,
    )


def _write_group(
    batch_id: str,
    group: FormatGroup,
    folder: Path,
    progress: Progress | None,
    checks: PreflightQueue | None,
    pool: DrawPool,
) -> Part:
    settings = group.settings
    jobs = group.jobs
    size = settings.production.split or len(jobs) or 1
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    layout = sheet_layout(settings)
    files: list[dict[str, Any]] = []
    places: list[CardPlace] = []
    card_pages = envelope_pages = 0
    for index, chunk in enumerate(chunks):
        mail_name = part_names(len(chunks), index, group.mail_stem) if group.mail_stem else ""
        part = write_part(
            batch_id,
            settings,
            chunk,
            folder,
            part_names(len(chunks), index, group.cards_stem),
            mail_name,
            layout,
            progress,
            checks,
            pool,
        )
        files += part.files
        places += part.places
        card_pages += part.card_pages
        envelope_pages += part.envelope_pages
    ticket = group_ticket(batch_id, settings, layout, len(jobs), files)
    return Part(files, places, card_pages, envelope_pages, ticket)


def group_ticket(
    batch_id: str,
    settings: BatchSettings,
    layout: SheetLayout | None,
    cards: int,
    files: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """Return the job ticket of one card format's *cards*, printed from *files*."""
    production = settings.production
    card = settings.card
    return make_ticket(
        batch_id=batch_id,
        shop_name=settings.config.shop_name,
        card=card,
        bleed_pt=layout.bleed_pt if layout is not None else settings.bleed_pt,
        crop_marks=settings.crop_marks,
        cmyk=production.cmyk,
        pdfx=production.pdfx,
        cards=cards,
        envelope=None if card.is_postcard else settings.envelope,
        labels=production.labels,
        layout=layout,
        files=files,
        calibration=production.calibration.name if production.calibration else "",
    )
