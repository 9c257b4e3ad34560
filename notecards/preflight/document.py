"""Check what a prepress desk reads from the document itself: identity, dates, trapping, font
subset names, transparency, document JavaScript, and (when asked) the PDF/X-1a:2003 or
PDF/X-4 document rules.

The PDF/X rules checked (ISO 15930-4 / -7, the parts a file of ours can break): the PDF
version; ``GTS_PDFXVersion`` in the Info dictionary (and, for X-4, ``pdfxid:GTS_PDFXVersion``
in XMP metadata); a title; creation and modification dates; ``/Trapped`` True or False; a
document ``/ID``; one ``GTS_PDFX`` OutputIntent with an embedded CMYK (N 4) output profile;
no encryption; TrimBox and BleedBox on every page (pages.py); no RGB (pages.py); every font
embedded (pages.py); no transparency (soft masks, constant alpha below 1, transparency groups)
for X-1a.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf

from notecards.choices import PdfX
from notecards.models import Severity
from notecards.preflight.pages import JS_MESSAGE
from notecards.preflight.rules import PreflightSpec

_PDFX = {PdfX.X_1A: ("PDF/X-1a:2003", "1.4"), PdfX.X_4: ("PDF/X-4", "1.6")}


def _open(source: bytes | Path | str) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)


def document_findings(
    source: bytes | Path | str, rules: PreflightSpec
) -> list[tuple[Severity, str]]:
    """Return (severity, message) about the document of *source* (empty: nothing to say).

    Identity and dates are warnings for any PDF and errors for PDF/X.
    """
    return read_document(source, rules)[0]


def read_document(
    source: bytes | Path | str, rules: PreflightSpec, opened: pikepdf.Pdf | None = None
) -> tuple[list[tuple[Severity, str]], frozenset[str]]:
    """Return document_findings and the subset names of *source*, reading its objects once
    (a 20,000-page file has some 100,000: the walk is most of the cost). *opened*: the file
    already opened with pikepdf (a page check's; left open)."""
    if opened is not None:
        return _read(opened, rules)
    try:
        pdf = _open(source)
    except pikepdf.PdfError as err:
        return [(Severity.ERROR, f"The file cannot be read as a PDF by qpdf ({err}).")], frozenset()
    with pdf:
        return _read(pdf, rules)


def _read(
    pdf: pikepdf.Pdf, rules: PreflightSpec
) -> tuple[list[tuple[Severity, str]], frozenset[str]]:
    subsets = _subsets(pdf)
    basics = _basic_findings(pdf)
    severity = Severity.ERROR if rules.pdfx else Severity.WARNING
    found = [(severity, message) for message in basics]
    found += [(Severity.ERROR, message) for message in _subset_findings(subsets)]
    if rules.pdfx:
        info = pdf.trailer.get("/Info") or pikepdf.Dictionary()
        found += [(Severity.ERROR, message) for message in _pdfx_findings(pdf, info, rules.pdfx)]
    if _runs_javascript(pdf.Root):
        found.append((Severity.ERROR, JS_MESSAGE))
    return found, frozenset(name for name, _ in subsets)


def _runs_javascript(root: Any) -> bool:
    """Return True when the catalogue *root* holds document JavaScript, opens with a script
    or has additional actions (a page's annotations are checked with the page)."""
    names = root.get("/Names")
    action = root.get("/OpenAction")
    return (
        (isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names)
        or (isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/JavaScript")
        or "/AA" in root
    )


def _basic_findings(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    info = pdf.trailer.get("/Info")
    info = info if info is not None else pikepdf.Dictionary()
    if "/ID" not in pdf.trailer:
        found.append("The file has no document /ID; prepress software uses it to tell files apart.")
    for key in ("/CreationDate", "/ModDate"):
        if key not in info:
            found.append(f"The document information has no {key[1:]}.")
    return found


def subset_names(source: bytes | Path | str) -> set[str]:
    """Return the BaseFont names of the font subsets in *source* (e.g. ``ABCDEF+Caveat``)."""
    with _open(source) as pdf:
        return {name for name, _ in _subsets(pdf)}


def _subsets(pdf: pikepdf.Pdf) -> list[tuple[str, Any]]:
    fonts = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font:
            name = str(obj.get("/BaseFont", ""))[1:]
            if "+" in name:
                descriptor = obj.get("/FontDescriptor")
                file = descriptor.get("/FontFile2") if descriptor is not None else None
                fonts.append((name, file.objgen if file is not None else obj.objgen))
    return fonts


def _subset_findings(subsets: list[tuple[str, Any]]) -> list[str]:
    programs: dict[str, set[Any]] = {}
    for name, program in subsets:
        programs.setdefault(name, set()).add(program)
    return [
        f'The font subset name "{name}" is used for {len(found)} different subsets; a RIP '
        "that caches fonts by name would draw the wrong glyphs. Give each subset its own prefix."
        for name, found in sorted(programs.items())
        if len(found) > 1
    ]


def _pdfx_findings(pdf: pikepdf.Pdf, info: Any, standard: PdfX) -> list[str]:
    version, pdf_version = _PDFX[standard]
    found = []
    if pdf.pdf_version != pdf_version:
        found.append(f"{version} needs PDF {pdf_version}; the file is PDF {pdf.pdf_version}.")
    if str(info.get("/GTS_PDFXVersion", "")) != version:
        found.append(f"The document information does not say GTS_PDFXVersion ({version}).")
    if not str(info.get("/Title", "")):
        found.append("PDF/X needs a document title.")
    if info.get("/Trapped") not in (pikepdf.Name("/True"), pikepdf.Name("/False")):
        found.append(
            "The document does not say whether it is trapped (/Trapped True or False); "
            "PDF/X requires it."
        )
    if pdf.is_encrypted:
        found.append("PDF/X forbids encryption.")
    intents = [
        intent
        for intent in pdf.Root.get("/OutputIntents", pikepdf.Array())
        if intent.get("/S") == pikepdf.Name.GTS_PDFX
    ]
    if len(intents) != 1:
        found.append(f"PDF/X needs exactly one GTS_PDFX OutputIntent; the file has {len(intents)}.")
    else:
        profile = intents[0].get("/DestOutputProfile")
        if profile is None or int(profile.get("/N", 0)) != 4:
            found.append("The OutputIntent has no embedded CMYK output profile (N 4).")
        if not str(intents[0].get("/OutputConditionIdentifier", "")):
            found.append("The OutputIntent has no OutputConditionIdentifier.")
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        found.append(f"{version} needs XMP metadata; the file has none.")
    else:
        xmp = pdf.open_metadata()
        if standard == PdfX.X_4 and xmp.get("pdfxid:GTS_PDFXVersion") != version:
            found.append("The XMP metadata does not name the PDF/X version (pdfxid).")
        for key in ("xmpMM:DocumentID", "xmp:CreateDate", "xmp:ModifyDate", "dc:title"):
            if not xmp.get(key):
                found.append(f"The XMP metadata has no {key}.")
    if standard == PdfX.X_1A:
        found += _transparency(pdf)
    return found


def _transparency(pdf: pikepdf.Pdf) -> list[str]:
    """Return a finding when anything is transparent: a transparency group, or a graphics
    state with alpha below 1 or a soft mask (direct or indirect, on pages and in forms)."""
    states: list[Any] = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        group = obj.get("/Group")
        if group is not None and group.get("/S") == pikepdf.Name.Transparency:
            return ["PDF/X-1a forbids transparency; a page or form is a transparency group."]
        if obj.get("/Type") == pikepdf.Name.ExtGState:
            states.append(obj)
    holders = [page.obj for page in pdf.pages] + [
        obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and "/Resources" in obj
    ]
    for holder in holders:
        resources = holder.get("/Resources")
        graphics = resources.get("/ExtGState") if resources is not None else None
        if graphics is not None:
            states += list(graphics.values())
    for state in states:
        mask = state.get("/SMask")
        alphas = [float(state.get(key, 1)) for key in ("/CA", "/ca")]
        if (mask is not None and mask != pikepdf.Name.None_) or min(alphas) < 1:
            return ["PDF/X-1a forbids transparency; a graphics state sets alpha or a mask."]
    return []
