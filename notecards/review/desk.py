"""The review desk as a library: list the day's cards, edit them, hold or approve, print.

The web page (``review/web.py``) is a thin client of :class:`Review`, like the CLI is of
``plan_batch``::

    review = Review(["orders.csv"], make_settings(config), today=date.today(), out_dir="out/")
    review.edit(3, {"personal_line": "See you at the market!"})
    review.edit(4, {"status": "held"})
    png = review.proof(3, "inside")          # from the very bytes a batch prints
    review.print_approved()                  # exactly the approved cards, into out/

Every change goes to the ledger at once (``review/store.py``); nothing is kept only here.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from io import BytesIO
from os import PathLike
from pathlib import Path
from typing import Any

from notecards.choices import Choice
from notecards.errors import ReviewError, ReviewNotFoundError
from notecards.extras.proofs import render_page
from notecards.ledger.reviews import (
    STATUSES,
    CardEdit,
    Gate,
    ReviewStatus,
    load_edits,
    load_fixes,
    save_edit,
    save_fix,
)
from notecards.loading.fixes import apply_fixes, fix_key, fixable_fields
from notecards.models import Order, Problem, Reject, Severity
from notecards.output.render import render_batch, render_pdfs
from notecards.planning.batch import BatchPlan, load_inputs, load_options, plan_batch
from notecards.planning.jobs import CardJob
from notecards.settings import BatchSettings


class Side(Choice):
    """A proof of a card: its outside, its inside, or its envelope."""

    OUTSIDE = "outside"
    INSIDE = "inside"
    ENVELOPE = "envelope"


SIDES = Side.words()
#: Proofs on the page: enough to read every word, small enough to re-render in a blink.
PROOF_DPI = 110
#: Longest text an edit may carry; the card's own layout usually refuses far sooner.
LIMITS = {"personal_line": 300, "message": 2000, "signer": 60, "reason": 200}


@dataclass(frozen=True, slots=True)
class PrintSummary:
    """What "Print approved cards" did: the batch's summary line and the files it wrote."""

    batch_id: str
    summary: str
    cards: int
    out_dir: Path
    files: tuple[Path, ...]


class Review:
    """One review session over *inputs*: plans every card (held ones too), keeps edits in
    the ledger, renders one card's proofs on demand and prints the approved cards.

    Thread-safe: the web server calls it from several threads.
    """

    def __init__(
        self,
        inputs: Sequence[str | PathLike[str]],
        settings: BatchSettings,
        *,
        today: date,
        out_dir: str | PathLike[str],
        sheet: str | None = None,
        format_name: str | None = None,
    ) -> None:
        self.settings, self.today, self.out_dir = settings, today, Path(out_dir)
        self._raw = load_inputs(list(inputs), settings, sheet=sheet, format_name=format_name)
        self._lock = threading.RLock()
        self._render_lock = threading.Lock()
        self._edits = load_edits(settings.ledger_path)
        self._fixes = load_fixes(settings.ledger_path)
        self._proofs: dict[tuple[str, str, str], bytes] = {}
        self._files: dict[str, Path] = {}
        self._loaded = apply_fixes(self._raw, self._fixes, load_options(settings))
        self._plan = self._make_plan(self._edits)

    # -- reading -------------------------------------------------------------------------

    @property
    def plan(self) -> BatchPlan:
        """Return the current plan: every card still to print, held and skipped ones too."""
        return self._plan

    def cards(self) -> list[dict[str, Any]]:
        """Return every planned card as a JSON-ready dict (see :meth:`card`)."""
        with self._lock:
            return [self._view(job) for job in self._plan.jobs]

    def card(self, number: int) -> dict[str, Any]:
        """Return card *number*: its order, recipient, wording, status and warnings.

        Raises:
            ReviewError: no such card in this review.
        """
        with self._lock:
            return self._view(self._job(number))

    def rejects(self) -> list[dict[str, Any]]:
        """Return the rejected rows with their reasons and the fields a fix may change."""
        with self._lock:
            return [
                {
                    "number": index,
                    "source": Path(reject.source).name,
                    "row": reject.row,
                    "reason": reject.reason,
                    "fields": [
                        {"name": name, "value": value}
                        for name, value in fixable_fields(reject, self._order_of(reject)).items()
                    ],
                    "fixed": fix_key(reject) in self._fixes,
                }
                for index, reject in enumerate(self._plan.rejects, start=1)
            ]

    def batch_problems(self) -> list[str]:
        """Return the findings that concern the whole batch, not one card."""
        return [str(p) for p in self._plan.problems if p.row is None]

    def summary(self) -> dict[str, Any]:
        """Return counts for the page's header: cards by status and the plan's summary."""
        with self._lock:
            counts = dict.fromkeys(STATUSES, 0)
            for job in self._plan.jobs:
                counts[self._status(job)] += 1
            return {
                "summary": self._plan.summary(),
                "counts": counts,
                "rejected": len(self._plan.rejects),
                "out_dir": str(self.out_dir),
                "problems": self.batch_problems(),
            }

    # -- changing ------------------------------------------------------------------------

    def edit(self, number: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change card *number*: any of personal_line, message, signer, variant, status
        (with reason). None for a wording field goes back to the export and template.

        The card is planned again with the change before it is kept: a change that no
        longer fits the card (or names a character no font can draw) is refused.

        Raises:
            ReviewError: unknown card or field, bad value, too long, or does not fit.
        """
        with self._lock:
            job = self._job(number)
            current = self._edits.get(job.card_key) or CardEdit(job.card_key)
            edit = _apply_changes(current, changes, job, self._signers())
            plan = self._plan
            if _wording(edit) != _wording(current):
                candidate = {**self._edits, job.card_key: edit}
                plan = self._make_plan(candidate)
                if not any(j.card_key == job.card_key for j in plan.jobs):
                    raise ReviewError(_refusal(number, job, plan))
            stored = save_edit(self.settings.ledger_path, edit)
            self._edits[job.card_key] = stored
            self._plan = plan
            return self._view(self._job(number))

    def fix(self, number: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Fix rejected row *number* (1-based, as :meth:`rejects` lists them) with *fields*.

        The fix is kept in the ledger for that order (the export is not changed) and the
        batch is planned again: a fixed row becomes a card, or shows its new reason.

        Raises:
            ReviewError: no such rejected row, or a field it does not have.
        """
        with self._lock:
            rejects = self._plan.rejects
            if not 1 <= number <= len(rejects):
                raise ReviewNotFoundError(
                    f"rejected row {number}: there is no such row (1 to {len(rejects)}). "
                    "Reload the page to see the current list."
                )
            reject = rejects[number - 1]
            allowed = fixable_fields(reject, self._order_of(reject))
            clean: dict[str, str] = {}
            for name, value in fields.items():
                if name not in allowed or not isinstance(value, str) or len(value) > 200:
                    raise ReviewError(
                        f"rejected row {number}: cannot set {name!r}. Fix one of "
                        f"{', '.join(allowed)} with text of at most 200 characters."
                    )
                clean[name] = value.strip()
            key = fix_key(reject)
            merged = {**self._fixes.get(key, {}), **clean}
            save_fix(self.settings.ledger_path, key, merged)
            self._fixes[key] = merged
            self._loaded = apply_fixes(self._raw, self._fixes, load_options(self.settings))
            self._plan = self._make_plan(self._edits)
            return {"fixed": key, "summary": self._plan.summary()}

    def proof(self, number: int, side: str) -> bytes:
        """Return a PNG of card *number*'s *side* (outside, inside or envelope), rendered
        from the PDF bytes a batch would print for this card alone.

        Raises:
            ReviewError: unknown card or side.
        """
        if side not in SIDES:  # exactly as the page asks: no other spelling
            raise ReviewError(f"no proof side {side!r}: use one of {', '.join(SIDES)}.")
        wanted = Side(side)
        with self._lock:  # a snapshot; drawing happens outside, so edits never wait on it
            job = self._job(number)
            version = self._version(job)
            plan = replace(
                self._plan, settings=self.settings.for_formats(job.card, job.envelope), jobs=(job,)
            )
        with self._render_lock:
            cached = self._proofs.get((job.card_key, version, wanted))
            if cached is not None:
                return cached
            cards_pdf, envelopes_pdf = render_pdfs(plan)
            images = {
                Side.OUTSIDE: render_page(cards_pdf, 0, dpi=PROOF_DPI),
                Side.INSIDE: render_page(cards_pdf, 1, dpi=PROOF_DPI),
                Side.ENVELOPE: render_page(envelopes_pdf, 0, dpi=PROOF_DPI),
            }
            for name, image in images.items():
                buffer = BytesIO()
                image.save(buffer, format="PNG", optimize=False)
                self._proofs[(job.card_key, version, name)] = buffer.getvalue()
            return self._proofs[(job.card_key, version, wanted)]

    def print_approved(self) -> PrintSummary:
        """Print exactly the approved cards into the output folder and record them.

        Cards printed here are issued: they leave the review (a rerun never prints them
        twice); held and pending cards stay for the next review.

        Raises:
            ReviewError: no card is approved.
        """
        with self._lock, self._render_lock:  # one drawing at a time (proofs draw too)
            plan = plan_batch(
                self._loaded,
                self.settings,
                today=self.today,
                gate=Gate.APPROVED,
                edits=self._edits,
                keep_layouts=False,
            )
            if not plan.jobs:
                raise ReviewError(
                    "no approved cards to print. Approve cards first (button or key a), then print."
                )
            result = render_batch(plan, self.out_dir)
            self._files = {path.name: path for path in result.files if path.is_file()}
            self._plan = self._make_plan(self._edits)
            return PrintSummary(
                result.batch_id, plan.summary(), result.cards, result.out_dir, result.files
            )

    def written_file(self, name: str) -> Path:
        """Return the file called *name* that the last print wrote (nothing else).

        Raises:
            ReviewError: the last print wrote no such file.
        """
        with self._lock:
            path = self._files.get(name)
        if path is None:
            raise ReviewNotFoundError(
                f"no printed file named {name!r}: print approved cards first."
            )
        return path

    # -- helpers ---------------------------------------------------------------------------

    def _make_plan(self, edits: Mapping[str, CardEdit]) -> BatchPlan:
        return plan_batch(
            self._loaded, self.settings, today=self.today, gate=Gate.NONE, edits=edits
        )

    def _order_of(self, reject: Reject) -> Order | None:
        for order in self._loaded.orders:
            if (reject.source, reject.row) in order.source.locations():
                return order
        return None

    def _job(self, number: int) -> CardJob:
        for job in self._plan.jobs:
            if job.card_number == number:
                return job
        raise ReviewNotFoundError(
            f"card {number}: there is no such card in this review (cards 1 to "
            f"{len(self._plan.jobs)}). Reload the page: a print may have issued it."
        )

    def _status(self, job: CardJob) -> ReviewStatus:
        edit = self._edits.get(job.card_key)
        return edit.status if edit is not None else ReviewStatus.PENDING

    def _version(self, job: CardJob) -> str:
        edit = self._edits.get(job.card_key)
        return "" if edit is None else "|".join(str(v) for v in _wording(edit))

    def _signers(self) -> list[str]:
        config = self.settings.config
        names = [config.signer, *config.signers]
        names += (job.order.signer for job in self._plan.jobs if job.order.signer)
        return list(dict.fromkeys(n for n in names if n))

    def _view(self, job: CardJob) -> dict[str, Any]:
        order, message = job.order, job.message
        edit = self._edits.get(job.card_key) or CardEdit(job.card_key)
        body = [p.text for p in message.paragraphs if p.role != "personal"]
        address = order.address
        return {
            "card_number": job.card_number,
            "card_key": job.card_key,
            "order_id": order.order_id,
            "recipient": order.display_name,
            "address": [
                line
                for line in (
                    address.line1,
                    address.line2,
                    " ".join(x for x in (address.city, address.region, address.postal_code) if x),
                    address.country,
                )
                if line
            ],
            "occasion": job.occasion.slug,
            "occasion_title": job.occasion.title,
            "items": list(order.items),
            "personal_line": order.personal_line,
            "message": "\n\n".join(body),
            "sign_off": message.sign_off,
            "signer": message.signer,
            "signers": self._signers(),
            "variant": message.variant,
            "variants": [Path(v).stem for v in job.occasion.variants],
            "status": edit.status,
            "reason": edit.reason,
            "edited": edit.edited,
            "edited_fields": [
                name
                for name in ("personal_line", "message", "signer", "variant")
                if getattr(edit, name) is not None
            ],
            "warnings": _warnings(job, self._plan.problems),
            "source": order.source.describe().replace(
                order.source.path, Path(order.source.path).name
            ),
            "proof_version": hashlib.sha1(self._version(job).encode()).hexdigest()[:10],
        }


def _wording(edit: CardEdit) -> tuple[str | None, ...]:
    return (edit.personal_line, edit.message, edit.signer, edit.variant)


def _apply_changes(
    edit: CardEdit, changes: Mapping[str, Any], job: CardJob, signers: Sequence[str]
) -> CardEdit:
    number = job.card_number
    known = {"personal_line", "message", "signer", "variant", "status", "reason"}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ReviewError(
            f"card {number}: cannot change {', '.join(unknown)}. Send any of "
            f"{', '.join(sorted(known))}."
        )
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if value is not None and not isinstance(value, str):
            raise ReviewError(f"card {number}: {name} must be text (or null to undo an edit).")
        if value is not None:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if name != "message":
                value = " ".join(value.split())
            if len(value) > LIMITS.get(name, 200):
                raise ReviewError(
                    f"card {number}: the {name.replace('_', ' ')} is {len(value)} characters "
                    f"long; at most {LIMITS[name]} fit. Shorten it."
                )
        values[name] = value
    if "status" in values:
        if values["status"] not in STATUSES:  # exactly as the page writes them
            raise ReviewError(
                f"card {number}: status must be one of {', '.join(STATUSES)}, "
                f"not {values['status']!r}."
            )
        values["status"] = ReviewStatus(values["status"])
        held = (ReviewStatus.SKIPPED, ReviewStatus.HELD)
        if values["status"] not in held and "reason" not in values:
            values["reason"] = ""
    if values.get("reason") is None and "reason" in values:
        values["reason"] = ""
    if values.get("signer") is not None and values["signer"] not in signers:
        raise ReviewError(
            f"card {number}: unknown signer {values['signer']!r}. Choose one of "
            f"{', '.join(signers)} (add more under [signers] in notecards.toml)."
        )
    if values.get("variant") is not None:
        choices = {Path(v).stem: v for v in job.occasion.variants}
        chosen = choices.get(values["variant"]) or (
            values["variant"] if values["variant"] in job.occasion.variants else None
        )
        if chosen is None:
            raise ReviewError(
                f"card {number}: no wording {values['variant']!r} for {job.occasion.slug}. "
                f"Choose one of {', '.join(choices)}."
            )
        values["variant"] = chosen
        if "message" not in values:
            values["message"] = None  # another wording replaces a hand-edited message
    if values.get("message") is not None and not values["message"].strip():
        raise ReviewError(
            f"card {number}: the message would be empty. Type the message, or send null "
            "to go back to the template's wording."
        )
    return replace(edit, **values)


def _refusal(number: int, job: CardJob, plan: BatchPlan) -> str:
    locations = set(job.order.source.locations())
    reasons = [r.reason for r in plan.rejects if (r.source, r.row) in locations]
    reason = reasons[0] if reasons else "the card could not be planned with this change"
    return f"card {number}: not changed: {reason}"


def _warnings(job: CardJob, problems: Sequence[Problem]) -> list[str]:
    locations = set(job.order.source.locations())
    return [
        f"{p.column + ': ' if p.column else ''}{p.message}{' — ' + p.hint if p.hint else ''}"
        for p in problems
        if p.severity is Severity.WARNING and p.row is not None and (p.source, p.row) in locations
    ]


__all__ = ["LIMITS", "PROOF_DPI", "SIDES", "PrintSummary", "Review", "Side"]
