"""Check a PDF against a card or envelope format and the print shop's rules; return findings.

Pages are checked by ``pages.check_pages`` (pdfium, every object of every page, in
``objects.py``; every operator, in ``content.py``); the document itself by ``document.py``
(pikepdf, which the page checks open too). A batch checks its own files with
``PreflightQueue``, which checks a finished file in worker processes while the batch draws
the next one. Rules: PRINT-AND-POSTAL-FACTS.md §2.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from notecards.errors import InputError
from notecards.models import Severity
from notecards.preflight.document import read_document
from notecards.preflight.pages import PageFinding, check_pages, open_pages

# The records live in rules.py; they are re-exported here, where callers have found them.
from notecards.preflight.rules import Finding as Finding
from notecards.preflight.rules import PreflightSpec as PreflightSpec
from notecards.preflight.rules import spec_for_card as spec_for_card
from notecards.preflight.rules import spec_for_envelope as spec_for_envelope
from notecards.workers import LazyPool

#: Files with fewer pages are checked at once, in the calling process (a worker's start-up
#: costs more than checking them); bigger ones go to worker processes in one slice per
#: worker (so two workers share even the last, biggest file of a batch), of at most
#: PAGES_PER_TASK pages. Each slice opens the file again (half a second for a 20,000-page
#: file, which 2,000-page slices paid ten times over); the first slice runs the file's
#: whole-document checks on its opening.
BACKGROUND_MIN_PAGES = 1000
PAGES_PER_TASK = 25_000

T = TypeVar("T", covariant=True)


class _Pending(Protocol[T]):
    """A check running elsewhere: a future, or one half of one (:class:`_Half`)."""

    def result(self) -> T: ...


def preflight_pdf(path_or_bytes: str | Path | bytes, spec: PreflightSpec | None) -> list[Finding]:
    """Return every finding for the PDF, errors and warnings in page order; [] means print-ready.

    Without a *spec* the size and bleed amount are not checked; the rest uses the defaults.

    Raises:
        InputError: the file does not exist or cannot be read.

    Example::

        spec = spec_for_card(card_format("a7-folded"), bleed_pt=9)
        for finding in preflight_pdf("out/cards.pdf", spec):
            print(finding)
    """
    data = _read(path_or_bytes)
    rules = spec or PreflightSpec(0.0, 0.0, 0.0)
    findings, pages, _ = _document_checks(data, rules)
    if pages is None:
        return findings
    return _merge(findings, check_pages(data, rules, _sized(spec), 0, pages))


class PreflightQueue(LazyPool):
    """Preflight files in worker processes while the caller goes on writing the next one.

    ``submit`` each finished file, then ``results`` waits for all of them. Every page of every
    file is checked exactly as ``preflight_pdf`` checks it (same findings, same order); only
    where the work runs changes. A worker that dies is replaced by checking in this process.

    Example::

        with PreflightQueue() as queue:
            for part in parts:
                write(part)
                queue.submit(part.path, spec, part.path.name)
            findings = queue.results()      # ["cards.pdf: error: page 3: …", …]
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = checking_workers() if workers is None else workers
        super().__init__(max(1, self.workers))
        self._files: list[tuple[str, Any, list[Any]]] = []  # label, document, page tasks

    def submit(self, path: Path, spec: PreflightSpec | None, label: str) -> None:
        """Start checking the PDF at *path*; its findings will be prefixed with *label*.

        A big file is checked entirely in the workers, its whole-document checks included
        (they read every object: seconds and a hundred MB for a 20,000-page file).

        Raises:
            InputError: the file cannot be read.
        """
        rules = spec or PreflightSpec(0.0, 0.0, 0.0)
        args: tuple[str, PreflightSpec, bool] = (str(path), rules, _sized(spec))
        pages = _page_count(path)
        if pages is None or self.workers < 1 or pages < BACKGROUND_MIN_PAGES:
            document = check_document(path, spec)
            count = document[1]
            here = [check_pages(*args, 0, count)] if count is not None else []
            self._files.append((label, document, here))
            return
        executor = self.executor
        slices = max(self.workers, -(-pages // PAGES_PER_TASK))
        size = -(-pages // slices)
        # The first slice runs the whole-document checks too, on the same opening of the file.
        first = executor.submit(check_with_document, *args, 0, size)
        document_task: tuple[_Half[DocumentChecks], Path, PreflightSpec | None]
        document_task = (_Half(first, 1), path, spec)
        tasks: list[Any] = [(_Half(first, 0), args, 0, size)]
        for start in range(size, pages, size):
            stop = min(pages, start + size)
            tasks.append((executor.submit(check_pages, *args, start, stop), args, start, stop))
        self._files.append((label, document_task, tasks))

    def add_checked(
        self,
        path: Path,
        spec: PreflightSpec | None,
        label: str,
        pages: list[PageFinding],
        document: DocumentChecks | None = None,
    ) -> None:
        """Add a file whose pages were already checked with :func:`check_every_page` (by the
        worker that drew it, while this process drew another file), and its whole-document
        checks (:func:`check_document`) when that worker ran them too (else they run here).

        Raises:
            InputError: the file cannot be read.
        """
        document = document if document is not None else check_document(path, spec)
        self._files.append((label, document, [pages] if document[1] is not None else []))

    @staticmethod
    def _shared_subsets(names: frozenset[str], label: str, first: dict[str, str]) -> list[Finding]:
        """Return a finding when a file reuses a subset name of an earlier file of the batch
        (merged, or cached by a RIP, the two would be taken for one font)."""
        shared = []
        for name in sorted(names):
            holder = first.setdefault(name, label)
            if holder != label:
                shared.append(f"{name} (also in {holder})")
        if not shared:
            return []
        return [
            Finding(
                Severity.ERROR,
                None,
                f"Font subset names are reused from another file of this batch: "
                f"{', '.join(shared[:3])}; each file needs its own subset prefixes.",
            )
        ]

    def results(self) -> list[str]:
        """Wait for every submitted file; return its findings as "label: finding" lines."""
        lines = []
        first: dict[str, str] = {}  # subset name → the first file (in order) that holds it
        for label, document, tasks in self._files:
            findings, count, names = (
                document if isinstance(document[0], list) else _document_result(*document)
            )
            findings = list(findings)
            if count is not None:
                findings += self._shared_subsets(names, label, first)
            pages: list[PageFinding] = []
            for task in tasks:
                pages += task if isinstance(task, list) else _result(*task)
            lines += [f"{label}: {finding}" for finding in _merge(findings, pages)]
        return lines


#: The whole-document checks of a file: its findings, its page count (None: it cannot be
#: opened) and the font subset names it holds (compared across the files of a batch).
DocumentChecks = tuple[list[Finding], int | None, frozenset[str]]


def check_with_document(
    path: str, rules: PreflightSpec, sized: bool, start: int, stop: int
) -> tuple[list[PageFinding], DocumentChecks]:
    """Return check_pages of pages *start* to *stop* of the file at *path* and its
    check_document, opening it once for both (each opening of a 20,000-page file with pikepdf
    costs about a quarter of a second)."""
    with open_pages(path, rules) as pages:
        found = pages.check_range(start, stop, sized)
        return found, _document_checks(Path(path), rules, pages.pike)


class _Half(Generic[T]):
    """One half of a future's (pages, document) result, waited for like a future."""

    def __init__(self, future: Future[tuple[Any, Any]], index: int) -> None:
        self.future = future
        self.index = index

    def result(self) -> T:
        return cast(T, self.future.result()[self.index])


def check_document(path: Path, spec: PreflightSpec | None) -> DocumentChecks:
    """Return the checks of the whole file at *path* (identity, dates, subsets, JavaScript,
    PDF/X), run in whichever process has the file; see :class:`PreflightQueue`.

    Raises:
        InputError: the file cannot be read.
    """
    findings, pages, names = _document_checks(path, spec or PreflightSpec(0.0, 0.0, 0.0))
    return findings, pages, names


def _page_count(path: Path) -> int | None:
    """Return the page count of *path* (pdfium reads only the page tree), or None."""
    if not path.is_file():
        return None
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return None
    try:
        return len(document)
    finally:
        document.close()


def _document_result(
    future: _Pending[DocumentChecks], path: Path, spec: PreflightSpec | None
) -> DocumentChecks:
    try:
        return future.result()
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a crashed worker: check the document here instead
        return check_document(path, spec)


def warm_checking() -> None:
    """Make a worker ready to check (run as it starts): importing this module loaded pdfium
    and pikepdf, which is most of a checking worker's start-up."""


def check_every_page(path: Path, spec: PreflightSpec | None, pages: int) -> list[PageFinding]:
    """Return the page findings of the *pages* pages of *path*, exactly as a PreflightQueue
    finds them; hand them to :meth:`PreflightQueue.add_checked`."""
    return check_pages(str(path), spec or PreflightSpec(0.0, 0.0, 0.0), _sized(spec), 0, pages)


#: What checking a whole file found: its pages' findings and its whole-document checks.
FileChecks = tuple[list[PageFinding], DocumentChecks]


def check_file(path: Path, spec: PreflightSpec | None, pages: int) -> FileChecks:
    """Check every page and the whole document of *path*, in the process that wrote it (a
    drawing worker); the batch's queue takes the result with :meth:`PreflightQueue.add_checked`."""
    return check_every_page(path, spec, pages), check_document(path, spec)


def checking_workers() -> int:
    """Return how many processes a PreflightQueue checks in by default: two, or one core's."""
    return min(2, os.cpu_count() or 1)


def _sized(spec: PreflightSpec | None) -> bool:
    return spec is not None and not spec.any_size


def _result(
    future: _Pending[list[PageFinding]],
    args: tuple[str, PreflightSpec, bool],
    start: int,
    stop: int,
) -> list[PageFinding]:
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - a crashed worker: check this slice here instead
        return check_pages(*args, start, stop)


def _read(path_or_bytes: str | Path | bytes) -> bytes:
    if isinstance(path_or_bytes, bytes):
        return path_or_bytes
    path = Path(path_or_bytes)
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(
            str(path), f"cannot be read ({err.strerror}).", "Check the path and try again."
        ) from err


def _document_checks(
    source: bytes | Path, rules: PreflightSpec, opened: pikepdf.Pdf | None = None
) -> tuple[list[Finding], int | None, frozenset[str]]:
    """Return the findings about the whole file, its page count (None: cannot be opened) and
    its font subset names. *opened*: the file already opened with pikepdf."""
    if isinstance(source, Path) and not source.is_file():
        _read(source)  # raises InputError naming the file
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as err:
        failed = f"The file cannot be opened as a PDF ({err})."
        return [Finding(Severity.ERROR, None, failed)], None, frozenset()
    findings: list[Finding] = []
    if pdfium_c.FPDF_GetSecurityHandlerRevision(document) != -1:
        findings.append(
            Finding(
                Severity.ERROR,
                None,
                "The PDF is encrypted; printers need it without a password or security settings.",
            )
        )
    pages = len(document)
    document.close()
    found, subsets = read_document(source, rules, opened)
    findings += [Finding(Severity(sev), None, message) for sev, message in found]
    return findings, pages, subsets


def _merge(findings: Sequence[Finding], pages: Sequence[PageFinding]) -> list[Finding]:
    """Return the file's findings, then the pages' in page order, each message listed once.

    A finding repeated on many pages is listed at its first page and says how many more.
    """
    seen: dict[str, int] = {}
    merged = list(findings)
    first: list[Finding] = []
    for index, severity, message in sorted(pages, key=lambda f: f[0]):
        if message in seen:
            seen[message] += 1
        else:
            seen[message] = 0
            first.append(Finding(Severity(severity), index + 1, message))
    for finding in first:
        more = seen[finding.message]
        also = f" Also on {more} more page{'s' if more > 1 else ''}." if more else ""
        merged.append(Finding(finding.severity, finding.page, finding.message + also))
    return merged
