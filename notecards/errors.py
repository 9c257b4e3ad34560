"""The NotecardsError hierarchy: every failure a user can act on, and only that."""

from __future__ import annotations


class NotecardsError(Exception):
    """Base of every error notecards raises; ``str()`` is a sentence a user can act on."""


class InputError(NotecardsError):
    """An input file cannot be used: unreadable, unknown sheet, missing columns."""

    def __init__(self, source: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.problem = problem
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.source}: {self.problem}"
        return f"{text} {self.hint}".rstrip() if self.hint else text


class RowError(InputError):
    """One row of an input file cannot become a card."""

    def __init__(
        self,
        source: str,
        row: int,
        column: str,
        problem: str,
        hint: str = "",
        sheet: str | None = None,
    ) -> None:
        self.row = row
        self.column = column
        self.sheet = sheet
        super().__init__(source, problem, hint)

    @property
    def location(self) -> str:
        """Return ``file[:sheet]:row N:column`` as a spreadsheet user would find it."""
        parts = [self.source]
        if self.sheet:
            parts.append(self.sheet)
        parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.problem}"
        return f"{text} — {self.hint}" if self.hint else text


class ConfigError(NotecardsError):
    """The configuration file or a command-line choice is not usable."""


class TemplateError(NotecardsError):
    """An occasion template has a syntax error or names a variable that does not exist."""

    def __init__(
        self, template: str, problem: str, variable: str = "", *, whole_batch: bool = False
    ) -> None:
        self.template = template
        self.problem = problem
        self.variable = variable
        self.whole_batch = whole_batch
        """True when every card using the template would fail (the batch stops)."""
        super().__init__(f"{template}: {problem}")


class TemplateBudgetError(TemplateError):
    """A template ran too long, grew too big or failed on one card's data: that card is
    rejected, the batch goes on (see planning.budget)."""


class LayoutError(NotecardsError):
    """Text cannot fit its box even at the smallest allowed size."""


class FontError(NotecardsError):
    """A font file is missing, or a character cannot be drawn by any bundled font."""

    def __init__(self, message: str, char: str = "", font_name: str = "") -> None:
        self.char = char
        self.font_name = font_name
        super().__init__(message)


class LedgerError(NotecardsError):
    """The ledger cannot be read or written, or a request conflicts with it."""


class ScanError(NotecardsError):
    """A filled-in handwriting sheet cannot be read: unreadable file, marks not found."""


class ReviewError(NotecardsError):
    """A review-desk request cannot be done: unknown card, an edit that does not fit, a bad
    status. ``str()`` says what to do instead; the page shows it next to the card."""


class ReviewNotFoundError(ReviewError):
    """The review desk has no such card, rejected row or printed file (the page shows 404)."""
