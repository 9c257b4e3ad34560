"""Finish a written print file for a prepress desk: identity, dates, trapping, subset names, and
(optionally) PDF/X-1a:2003 or PDF/X-4.

Every print file gets a document /ID, fixed creation and modification dates, ``/Trapped
/False`` (nothing is trapped; the shop's RIP may trap) and its own font subset prefixes. The
prefixes are derived from the file name, so two parts of a split batch never both hold an
``AAAAAA+Caveat`` with different glyphs (a RIP that caches fonts by name would mix them up),
and the same batch still gives the same bytes.

PDF/X adds what ISO 15930 asks of the document: an OutputIntent with the embedded CMYK output
profile (``iccprofile``), ``GTS_PDFXVersion``, a title, XMP metadata, and the PDF version of
the standard. The pages must already be CMYK with TrimBox and BleedBox, fonts embedded and no
transparency; preflight checks all of it. pikepdf does the object work.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import re
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, String

from notecards.choices import PdfX
from notecards.errors import ConfigError
from notecards.output.iccprofile import CONDITION, DESCRIPTION, cmyk_profile

#: The standards --pdfx accepts, and what each writes.
STANDARDS = {
    PdfX.X_1A: {"version": "PDF/X-1a:2003", "pdf": "1.4"},
    PdfX.X_4: {"version": "PDF/X-4", "pdf": "1.6"},
}
#: The one date every file carries (reportlab's invariant date), so output is reproducible.
FIXED_DATE = "D:20000101000000+00'00'"
_XMP_DATE = "2000-01-01T00:00:00+00:00"


def finish_pdf(path: Path, *, standard: PdfX | None = None, title: str = "") -> None:
    """Rewrite the print file at *path* in place as described in the module docstring.

    Raises:
        ConfigError: an unknown *standard*.
    """
    if standard and standard not in STANDARDS:
        raise ConfigError(f'"{standard}" is not a PDF/X standard. Choose x-1a or x-4.')
    if not standard and not title and _finish_file_in_place(path):
        return
    path.write_bytes(finish_bytes(path.read_bytes(), path.name, standard=standard, title=title))


def finish_bytes(
    data: bytes, file_name: str, *, standard: PdfX | None = None, title: str = ""
) -> bytes:
    """Return the print file *data*, to be saved as *file_name*, finished (see finish_pdf).

    Raises:
        ConfigError: an unknown *standard*.
    """
    if standard and standard not in STANDARDS:
        raise ConfigError(f'"{standard}" is not a PDF/X standard. Choose x-1a or x-4.')
    if not standard and not title:
        done = _finish_in_place(data, file_name)
        if done is not None:
            return done
    stem = file_name.rsplit(".", 1)[0]
    target = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _rename_subsets(pdf, file_name)
        info = pdf.docinfo
        doc_title = title or str(info.get("/Title", "")) or stem
        info[Name.Title] = String(doc_title)
        info[Name.CreationDate] = String(str(info.get("/CreationDate", FIXED_DATE)))
        info[Name.ModDate] = String(str(info.get("/ModDate", FIXED_DATE)))
        info[Name.Trapped] = Name("/False")  # not Name.False_: that is "/False_"
        version = "1.4"
        if standard:
            spec = STANDARDS[standard]
            version = spec["pdf"]
            info[Name.GTS_PDFXVersion] = String(spec["version"])
            pdf.Root.OutputIntents = pdf.make_indirect(pikepdf.Array([_output_intent(pdf)]))
            _write_xmp(pdf, doc_title, spec["version"], file_name, info)
        pdf.save(
            target,
            deterministic_id=True,
            force_version=version,  # 1.4 by default; what the standard names with PDF/X
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
    return target.getvalue()


#: What the same-length finish reads: the file's bytes, or the file itself mapped in memory.
Buffer = bytes | bytearray | mmap.mmap
#: What a file written by reportlab (``invariant=1``) already holds of the finish: fixed dates,
#: /Trapped /False, a title, and a trailer /ID of two 16-byte hex strings.
_HEADER = re.compile(rb"\A%PDF-1\.[34]\n")
_SUBSET = re.compile(rb"/(BaseFont|FontName) /([A-Z]{6})\+([!-~]+?)(?=[\s/\[\]<>()])")
_TRAILER_ID = re.compile(rb"\ntrailer\n<<\n/ID \n\[<([0-9a-f]{32})><([0-9a-f]{32})>\]")
_INFO = re.compile(
    rb"/CreationDate \(D:20000101000000\+00'00'\).*?/ModDate \(D:20000101000000\+00'00'\)"
    rb".*?/Title \(.*?/Trapped /False",
    re.DOTALL,
)


def _finish_in_place(data: bytes, file_name: str) -> bytes | None:
    """Return reportlab's *data* finished by same-length edits (see _same_length_edits), or
    None when the file needs the full pikepdf rewrite."""
    edits = _same_length_edits(data, file_name)
    if edits is None:
        return None
    done = bytearray(data)
    for offset, new in edits:
        done[offset : offset + len(new)] = new
    return bytes(done)


def _finish_file_in_place(path: Path) -> bool:
    """Finish the file at *path* by same-length edits written into the file itself (no copy
    of a big file is held); return False, changing nothing, when it needs the full rewrite."""
    with path.open("r+b") as handle:
        if handle.seek(0, io.SEEK_END) < 64:
            return False
        with mmap.mmap(handle.fileno(), 0) as data:
            edits = _same_length_edits(data, path.name)
            if edits is None:
                return False
            for offset, new in edits:
                data[offset : offset + len(new)] = new
            data.flush()
    return True


def _same_length_edits(data: Buffer, file_name: str) -> list[tuple[int, bytes]] | None:
    """Return the edits (offset, new bytes) that finish reportlab's *data*, or None.

    A file reportlab wrote with ``invariant=1`` (and ``PrintCanvas``: no ASCII85) already has
    fixed dates, ``/Trapped /False`` and a title; it lacks only a per-file /ID, its own subset
    prefixes and version 1.4. Those are edits of the same length (six capitals, 32 hex
    digits, one digit of the header), so every cross-reference offset stays right and the
    big file is not parsed and rewritten. Anything else (another writer, an object stream,
    a version above 1.4, no trailer /ID) returns None.
    """
    size = len(data)
    tail_start = max(0, size - 4096)
    trailer = _TRAILER_ID.search(data, tail_start)
    if (
        not _HEADER.match(data)
        or trailer is None
        or data.find(b"/ObjStm") != -1
        or _INFO.search(data) is None
    ):
        return None
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest().encode()
    edits = [(7, b"4")]  # %PDF-1.3 -> %PDF-1.4
    for match in _SUBSET.finditer(data):
        prefix, rest = match.group(2), match.group(3)
        new = subset_prefix(file_name, bytes(prefix).decode(), bytes(rest).decode("latin-1"))
        edits.append((match.start(2), new.encode()))
    edits += [(trailer.start(1), digest), (trailer.start(2), digest)]
    return edits


def subset_prefix(file_name: str, old_prefix: str, font_name: str) -> str:
    """Return six capital letters for a subset: deterministic, and different per file.

    >>> subset_prefix("cards-001.pdf", "AAAAAA", "Caveat-Regular") != subset_prefix(
    ...     "cards-002.pdf", "AAAAAA", "Caveat-Regular")
    True
    """
    digest = hashlib.sha256(f"{file_name}\0{old_prefix}\0{font_name}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _rename_subsets(pdf: pikepdf.Pdf, file_name: str) -> None:
    seen: set[tuple[int, int]] = set()
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        if obj.objgen in seen or obj.objgen == (0, 0):
            continue
        seen.add(obj.objgen)
        base = str(obj.get("/BaseFont", ""))[1:]
        prefix, plus, rest = base.partition("+")
        if not plus or len(prefix) != 6 or not prefix.isupper():
            continue
        new = f"{subset_prefix(file_name, prefix, rest)}+{rest}"
        obj.BaseFont = Name("/" + new)
        descriptor = obj.get("/FontDescriptor")
        if descriptor is not None:
            descriptor.FontName = Name("/" + new)


def _output_intent(pdf: pikepdf.Pdf) -> pikepdf.Object:
    profile = pikepdf.Stream(pdf, cmyk_profile())
    profile.N = 4
    return pdf.make_indirect(
        Dictionary(
            Type=Name.OutputIntent,
            S=Name.GTS_PDFX,
            OutputConditionIdentifier=String(CONDITION),
            OutputCondition=String(DESCRIPTION),
            Info=String(DESCRIPTION),
            RegistryName=String(""),
            DestOutputProfile=pdf.make_indirect(profile),
        )
    )


def _write_xmp(
    pdf: pikepdf.Pdf, title: str, version: str, file_name: str, info: pikepdf.Object
) -> None:
    uid = hashlib.sha256(f"{file_name}\0{title}".encode()).hexdigest()
    document_id = f"uuid:{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:32]}"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.register_xml_namespace("http://www.npes.org/pdfx/ns/id/", "pdfxid")
        meta["dc:title"] = title
        meta["dc:format"] = "application/pdf"
        meta["xmp:CreateDate"] = _XMP_DATE
        meta["xmp:ModifyDate"] = _XMP_DATE
        meta["xmp:MetadataDate"] = _XMP_DATE
        meta["xmp:CreatorTool"] = "notecards"
        meta["pdf:Producer"] = str(info.get("/Producer", "notecards"))
        meta["pdf:Trapped"] = "False"
        meta["pdfxid:GTS_PDFXVersion"] = version
        meta["xmpMM:DocumentID"] = document_id
        meta["xmpMM:InstanceID"] = document_id
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"
