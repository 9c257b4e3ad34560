"""Domain records shared by every stage: addresses, orders, problems and planned cards."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is: errors reject a row, warnings only inform."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from: file, sheet and the 1-based row numbers a spreadsheet shows."""

    path: str
    rows: tuple[int, ...]
    sheet: str | None = None
    row_paths: tuple[str, ...] = ()
    """The file of each row, when one order's rows come from several files (else empty)."""

    def locations(self) -> tuple[tuple[str, int], ...]:
        """Return (file, row) for every row of the record."""
        paths = self.row_paths or (self.path,) * len(self.rows)
        return tuple(zip(paths, self.rows, strict=True))

    def describe(self) -> str:
        """Return ``file[:sheet]:row N`` (or ``rows N,M``) for messages and manifests."""
        if self.row_paths and len(set(self.row_paths)) > 1:
            return " + ".join(f"{path}:row {row}" for path, row in self.locations())
        where = self.path if not self.sheet else f"{self.path}:{self.sheet}"
        if len(self.rows) == 1:
            return f"{where}:row {self.rows[0]}"
        return f"{where}:rows {','.join(str(r) for r in self.rows)}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about the input, located as precisely as we can."""

    severity: Severity
    source: str
    row: int | None
    column: str
    message: str
    hint: str = ""
    sheet: str | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        text = f"{':'.join(parts)}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as given; ``country`` is an ISO 3166 alpha-2 code or empty."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    @property
    def is_empty(self) -> bool:
        """Return True when there is nothing to post to."""
        return not (self.line1 or self.city or self.postal_code)


@dataclass(frozen=True, slots=True)
class Birthday:
    """A birthday; ``year`` is None when the export did not know it (never print an age then)."""

    month: int
    day: int
    year: int | None = None

    def next_on_or_after(self, today: date) -> date:
        """Return the next date on or after *today* when this birthday is celebrated."""
        for year in (today.year, today.year + 1):
            day = self.day
            if self.month == 2 and day == 29 and not _is_leap(year):
                day = 28  # Leap-day birthdays are celebrated on 28 February.
            candidate = date(year, self.month, day)
            if candidate >= today:
                return candidate
        raise AssertionError("unreachable: a birthday recurs within two years")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True, slots=True)
class Order:
    """One customer record ready for occasion rules: an order, or a contact without one.

    ``name`` is the full display name; ``first_name`` the name to greet with. Columns the
    loader does not know pass through in ``extra`` so templates can use them.
    """

    source: SourceRef
    order_id: str = ""
    order_date: date | None = None
    first_name: str = ""
    last_name: str = ""
    name: str = ""
    email: str = ""
    company: str = ""
    address: Address = field(default_factory=Address)
    birthday: Birthday | None = None
    occasion: str = ""
    personal_line: str = ""
    items: tuple[str, ...] = ()
    signer: str = ""
    do_not_contact: bool = False
    last_order_date: date | None = None
    recipient_note: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    total: str = ""
    """The order's total as the export wrote it ("" when it has none)."""
    discount_code: str = ""
    """The discount or coupon code the customer used, as typed ("" when none)."""

    @property
    def customer_key(self) -> str:
        """Return the identity of the person: e-mail if known, else name + postal code."""
        return customer_key(
            self.email, self.name or f"{self.first_name} {self.last_name}", self.address.postal_code
        )

    @property
    def display_name(self) -> str:
        """Return the name to print on the envelope."""
        full = self.name or f"{self.first_name} {self.last_name}".strip()
        return full or self.company


def customer_key(email: str, name: str, postal_code: str) -> str:
    """Return a stable key for one person (used by the ledger and the suppression list).

    >>> customer_key("Ada@Example.com ", "", "")
    'email:ada@example.com'
    >>> customer_key("", "  José  Núñez", "02134")
    'name:jose nunez|02134'
    """
    email = email.strip().lower()
    if email:
        return f"email:{email}"
    return f"name:{normalise_name(name)}|{''.join(postal_code.split()).upper()}"


def fold_accents(text: str) -> str:
    """Return *text* without accents or other combining marks (for matching, never printing).

    >>> fold_accents("Zoë Amélie, Österreich")
    'Zoe Amelie, Osterreich'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_name(name: str) -> str:
    """Return *name* folded for matching: no accents, lower case, single spaces."""
    return " ".join(fold_accents(name).casefold().split())


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading produced: usable orders, rejected rows and every finding."""

    orders: tuple[Order, ...]
    rejects: tuple[Reject, ...]
    problems: tuple[Problem, ...]
    rows_read: int
    formats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reject:
    """An input row that cannot become a card, kept with its original cells."""

    source: str
    row: int
    reason: str
    cells: tuple[tuple[str, str], ...]
    sheet: str | None = None


def summarise_problems(problems: tuple[Problem, ...] | list[Problem], limit: int = 5) -> list[str]:
    """Return one line per problem, folding repeats of the same warning after *limit* rows.

    A 10,000-row export typed in capitals would otherwise print 10,000 "name re-cased" lines;
    errors are never folded (each one is a row that gets no card).
    """
    lines: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for problem in problems:
        # The hint names the kind of problem; the message often quotes the row's own value.
        key = (problem.source, problem.column, problem.hint or problem.message)
        count = seen.get(key, 0) + 1
        seen[key] = count
        if problem.severity is Severity.ERROR or count <= limit:
            lines.append(f"{problem} [{problem.severity.value}]")
    for (source, column, kind), count in seen.items():
        if count > limit and any(
            p.severity is Severity.WARNING and kind in (p.hint, p.message) for p in problems
        ):
            lines.append(
                f"{source}:{column}: … and {count - limit} more rows like this ({kind}) [warning]"
            )
    return lines


@dataclass(frozen=True, slots=True)
class History:
    """What the ledger knows about one customer, for wording and variant choice."""

    previous_cards: int = 0
    previous_orders: int = 0
    last_variant: str = ""
    recent_variants: tuple[str, ...] = ()
    """The wordings (variant names) of this person's last cards of the occasion, oldest first."""
