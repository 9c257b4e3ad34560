"""Check a PDF against a card or envelope format and the print shop's rules; return findings.

Pages are checked by ``pagechecks`` (pdfium, every object of every page); the document
catalogue (JavaScript) by pypdf. A batch checks its own files with ``PreflightQueue``, which
checks a finished file in worker processes while the batch draws the next one. Rules:
PRINT-AND-POSTAL-FACTS.md §2.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from notecards.errors import InputError
from notecards.models import Severity
from notecards.preflight.document import document_findings, subset_names
from notecards.preflight.pages import JS_MESSAGE, PageFinding, check_pages, is_js

# The records live in rules.py; they are re-exported here, where callers have found them.
from notecards.preflight.rules import Finding as Finding
from notecards.preflight.rules import PreflightSpec as PreflightSpec
from notecards.preflight.rules import spec_for_card as spec_for_card
from notecards.preflight.rules import spec_for_envelope as spec_for_envelope
from notecards.workers import spawn_pool, stop_pool

#: Files with fewer pages are checked at once, in the calling process (a worker's start-up
#: costs more than checking them); bigger ones go to worker processes in slices of
#: PAGES_PER_TASK pages, so two workers share even the last, biggest file of a batch.
BACKGROUND_MIN_PAGES = 1000
PAGES_PER_TASK = 2000


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
    findings, pages = _document_checks(data, rules)
    if pages is None:
        return findings
    return _merge(findings, check_pages(data, rules, _sized(spec), 0, pages))


class PreflightQueue:
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
        self.workers = min(2, os.cpu_count() or 1) if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None
        self._files: list[tuple[str, list[Finding], list[Any]]] = []
        self._subsets: dict[str, str] = {}  # subset name → the first file that holds it

    def submit(self, path: Path, spec: PreflightSpec | None, label: str) -> None:
        """Start checking the PDF at *path*; its findings will be prefixed with *label*.

        Raises:
            InputError: the file cannot be read.
        """
        rules = spec or PreflightSpec(0.0, 0.0, 0.0)
        findings, pages = _document_checks(path, rules)
        if pages is not None:
            findings += self._shared_subsets(path, label)
        tasks: list[Any] = []
        args: tuple[str, PreflightSpec, bool] = (str(path), rules, _sized(spec))
        if pages is not None and (self.workers < 1 or pages < BACKGROUND_MIN_PAGES):
            tasks.append(check_pages(*args, 0, pages))
        elif pages is not None:
            executor = self._pool()
            for start in range(0, pages, PAGES_PER_TASK):
                stop = min(pages, start + PAGES_PER_TASK)
                tasks.append((executor.submit(check_pages, *args, start, stop), args, start, stop))
        self._files.append((label, findings, tasks))

    def add_checked(
        self, path: Path, spec: PreflightSpec | None, label: str, pages: list[PageFinding]
    ) -> None:
        """Add a file whose pages were already checked with :func:`check_every_page` (by the
        worker that drew it, while this process drew another file); the checks of the whole
        document run here, as ``submit`` runs them.

        Raises:
            InputError: the file cannot be read.
        """
        findings, count = _document_checks(path, spec or PreflightSpec(0.0, 0.0, 0.0))
        if count is not None:
            findings += self._shared_subsets(path, label)
        self._files.append((label, findings, [pages] if count is not None else []))

    def _shared_subsets(self, path: Path, label: str) -> list[Finding]:
        """Return a finding when *path* reuses a subset name of an earlier file of the batch
        (merged, or cached by a RIP, the two would be taken for one font)."""
        shared = []
        for name in sorted(subset_names(path)):
            first = self._subsets.setdefault(name, label)
            if first != label:
                shared.append(f"{name} (also in {first})")
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
        for label, findings, tasks in self._files:
            pages: list[PageFinding] = []
            for task in tasks:
                pages += task if isinstance(task, list) else _result(*task)
            lines += [f"{label}: {finding}" for finding in _merge(findings, pages)]
        return lines

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = spawn_pool(self.workers)
        return self._executor

    def __enter__(self) -> PreflightQueue:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # Stopped early (error, Ctrl-C, SIGTERM): the workers stop now rather than finish.
        if self._executor is not None:
            stop_pool(self._executor, interrupted=kind is not None)


def check_every_page(path: Path, spec: PreflightSpec | None, pages: int) -> list[PageFinding]:
    """Return the page findings of the *pages* pages of *path*, exactly as a PreflightQueue
    finds them; hand them to :meth:`PreflightQueue.add_checked`."""
    return check_pages(str(path), spec or PreflightSpec(0.0, 0.0, 0.0), _sized(spec), 0, pages)


def _sized(spec: PreflightSpec | None) -> bool:
    return spec is not None and not spec.any_size


def _result(
    future: Future[list[PageFinding]], args: tuple[str, PreflightSpec, bool], start: int, stop: int
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
    source: bytes | Path, rules: PreflightSpec
) -> tuple[list[Finding], int | None]:
    """Return the findings about the whole file and its page count (None: cannot be opened)."""
    if isinstance(source, Path) and not source.is_file():
        _read(source)  # raises InputError naming the file
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as err:
        return [Finding(Severity.ERROR, None, f"The file cannot be opened as a PDF ({err}).")], None
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
    findings += [
        Finding(Severity(sev), None, message) for sev, message in document_findings(source, rules)
    ]
    try:
        reader = pypdf.PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        if reader.is_encrypted:
            reader.decrypt("")
        root: Any = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        if (
            (names is not None and "/JavaScript" in names.get_object())
            or is_js(root.get("/OpenAction"))
            or "/AA" in root
        ):
            findings.append(Finding(Severity.ERROR, None, JS_MESSAGE))
    except Exception as err:  # pypdf raises many types on damaged files; pdfium could open it
        findings.append(
            Finding(Severity.WARNING, None, f"Part of the PDF could not be parsed ({err}).")
        )
    return findings, pages


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
