"""Files a prepress desk accepts unchanged: true CMYK, solid-K black, QR quiet zone, marks where
promised, per-file subset names and PDF/X; checked with pikepdf, pdfplumber and ghostscript's
colour separations (tiffsep), independently of the code that writes them."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.layout.catalogue import card_format
from notecards.layout.panels import PRINTABLE_MARGIN_PT, card_geometry
from notecards.planning.production import make_production
from notecards.preflight.content import ContentRules, content_findings
from notecards.preflight.spec import PreflightSpec, preflight_pdf
from tests.conftest import CANONICAL, TODAY, make_order

GS = shutil.which("gs")
NAMES = ["Ada", "Marcus", "Priya"]


def _batch(root: Path, name: str, card: str, crop_marks: bool = True, **options: object):
    folder = root / name
    folder.mkdir()
    qr = str(options.pop("qr_url", ""))
    config = Config(
        shop_name="Juniper & Pine",
        signer="Maya",
        ledger_path=str(folder / "ledger.sqlite"),
        qr_url=qr,
        ink=str(options.pop("ink", "")),
    )
    settings = make_settings(
        config, card=card, crop_marks=crop_marks, production=make_production(config, **options)
    )  # type: ignore[arg-type]
    rows = [
        make_order(order_id=str(4001 + i), first_name=n, last_name="Testperson")
        for i, n in enumerate(NAMES)
    ]
    path = folder / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CANONICAL)
        writer.writeheader()
        writer.writerows(rows)
    plan = plan_batch([path], settings, today=TODAY)
    result = render_batch(plan, folder / "out", record=False)
    return result, folder / "out"


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("prepress")
    return {
        "cmyk": _batch(root, "cmyk", "a7-folded", cmyk=True),
        "pdfx": _batch(root, "pdfx", "a7-folded", pdfx="x-1a", split=1),
        "x4": _batch(root, "x4", "a2-flat", pdfx="x-4", qr_url="https://example.com/r/{order_id}"),
        "rgb": _batch(root, "rgb", "a2-flat", qr_url="https://example.com/r/{order_id}"),
        "imposed": _batch(root, "imposed", "a2-folded", crop_marks=False, imposition="sra3"),
        "home": _batch(root, "home", "a2-folded", crop_marks=False, imposition="letter"),
    }


def _plates(pdf: Path, page: int, tmp: Path, dpi: int = 100) -> dict[str, np.ndarray]:
    """Return ink coverage (0-1) per plate of *page* (1-based), from ghostscript's tiffsep."""
    out = tmp / f"sep-{pdf.stem}-{page}.tif"
    subprocess.run(
        [GS, "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{dpi}", "-dFirstPage="
         f"{page}", f"-dLastPage={page}", f"-sOutputFile={out}", str(pdf)],
        check=True,
    )  # fmt: skip
    plates = {}
    for name in ("Cyan", "Magenta", "Yellow", "Black"):
        plate = out.with_name(f"{out.stem}({name}).tif")
        plates[name] = (255 - np.asarray(Image.open(plate), dtype=np.float64)) / 255
    return plates


def _registration(plates: dict[str, np.ndarray]) -> np.ndarray:
    """Return where all four plates are full: crop marks, in registration colour."""
    return np.logical_and.reduce([plate > 0.97 for plate in plates.values()])


def test_prepress_content_check_catches_missing_stroke_colour_and_stray_operands():
    """Verify the self-check reads the defect of issue 11 from a content stream."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(
        b"q 0.880 0.720 0.200 0.500 k  0.880 0.720 0.200 0.500  2 Tr BT /F1 12 Tf (a) Tj ET Q"
    )
    found = content_findings(page, ContentRules(cmyk=True), {})
    assert any("stray operands" in f for f in found), found
    page.Contents = pdf.make_stream(b"q .88 .72 .2 .5 k 2 Tr BT /F1 12 Tf (a) Tj ET Q")
    found = content_findings(page, ContentRules(cmyk=True), {})
    assert any("outline" in f and "Gray 0" in f for f in found), found
    page.Contents = pdf.make_stream(b"q .88 .72 .2 .5 k .88 .72 .2 .5 K 2 Tr BT (a) Tj ET Q")
    assert content_findings(page, ContentRules(cmyk=True), {}) == []
    page.Contents = pdf.make_stream(b"q .3 .3 .3 .92 k BT (a) Tj ET 1 1 1 .5 k Q")
    found = content_findings(page, ContentRules(cmyk=True), {})
    assert any("four-colour build" in f for f in found) and any("350 %" in f for f in found)


def test_prepress_cmyk_hand_strokes_in_its_ink(batches):
    """Verify every stroked run of the hand sets its stroke colour (K) to the fill (k)."""
    result, out = batches["cmyk"]
    assert result.findings == (), result.findings
    with pikepdf.open(out / "cards.pdf") as pdf:
        ops = pikepdf.parse_content_stream(pdf.pages[1])
        fill = stroke = None
        checked = 0
        for operands, op in ((i.operands, str(i.operator)) for i in ops):
            if op == "k":
                fill = [float(v) for v in operands]
            elif op == "K":
                stroke = [float(v) for v in operands]
            elif op == "Tr":
                assert len(operands) == 1
                if int(operands[0]) == 2:
                    assert stroke == fill == [0.88, 0.72, 0.2, 0.5]
                    checked += 1
        assert checked >= 2


@pytest.mark.skipif(GS is None, reason="ghostscript (apt: ghostscript) is needed")
def test_prepress_cmyk_inside_separations_follow_the_ink(batches, tmp_path):
    """Verify on ghostscript's plates that the hand lays C, M, Y, K as its ink (88/72/20/50)."""
    _, out = batches["cmyk"]
    plates = _plates(out / "cards.pdf", 2, tmp_path)
    written = plates["Cyan"] > 0.05  # the hand is the only cyan on the inside
    assert written.sum() > 500
    share = {name: plate[written].sum() for name, plate in plates.items()}
    assert share["Black"] / share["Cyan"] == pytest.approx(0.50 / 0.88, rel=0.15)
    assert share["Magenta"] / share["Cyan"] == pytest.approx(0.72 / 0.88, rel=0.15)
    near = written.copy()  # pixels within 2 px of the writing: where an outline would be
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            near |= np.roll(np.roll(written, dy, axis=0), dx, axis=1)
    black_only = (plates["Black"] > 0.05) & ~written & near
    assert black_only.sum() < 0.05 * written.sum()  # no black outline around the letters


@pytest.mark.skipif(GS is None, reason="ghostscript (apt: ghostscript) is needed")
def test_prepress_rgb_black_is_black_ink_only(batches, tmp_path):
    """Verify the RGB envelope's address and the card's QR code print on the K plate alone."""
    _, out = batches["rgb"]
    for pdf, page in ((out / "envelopes.pdf", 1), (out / "cards.pdf", 2)):
        plates = _plates(pdf, page, tmp_path)
        black = (plates["Black"] > 0.9) & ~_registration(plates)
        assert black.sum() > 200, pdf.name
        for name in ("Cyan", "Magenta", "Yellow"):
            assert plates[name][black].max() < 0.02, (pdf.name, name)


def test_prepress_qr_quiet_zone_is_four_modules(batches):
    """Verify nothing is drawn within 4 modules of the QR code, caption side included."""
    _, out = batches["rgb"]
    with pdfplumber.open(out / "cards.pdf") as pdf:
        page = pdf.pages[1]
        rects = [r for r in page.rects if r["fill"]]
        module = min(r["height"] for r in rects)
        left = min(r["x0"] for r in rects)
        right = max(r["x1"] for r in rects)
        top = min(r["top"] for r in rects)
        bottom = max(r["bottom"] for r in rects)
        quiet = 4 * module - 0.05
        for char in page.chars:
            if not char["text"].strip():
                continue
            clear = (
                char["x1"] <= left - quiet
                or char["x0"] >= right + quiet
                or char["bottom"] <= top - quiet
                or char["top"] >= bottom + quiet
            )
            # pdfplumber's char box spans the font's ascent and descent: measure from the
            # baseline (the text matrix) to the top of tall letters, 0.75 em above it
            cap_top = page.height - char["matrix"][5] - 0.75 * char["size"]
            clear = clear or cap_top >= bottom + quiet
            assert clear, (char["text"], char["top"] - bottom, module)


def test_prepress_imposed_sheet_has_cut_marks_identity_and_dates(batches):
    """Verify imposed sheets carry cut marks, /ID, dates, /Trapped and PDF 1.4 or later."""
    result, out = batches["imposed"]
    assert result.findings == (), result.findings
    with pdfplumber.open(out / "cards.pdf") as pdf:
        assert len(pdf.pages[0].lines) >= 8
    with pikepdf.open(out / "cards.pdf") as pdf:
        assert "/ID" in pdf.trailer
        assert pdf.pdf_version >= "1.4"
        assert pdf.docinfo["/Trapped"] == pikepdf.Name("/False")
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:")


def test_prepress_markers_sit_inside_a_printers_margin(batches):
    """Verify card numbers keep 1/4 in from the paper's edge on home-printed sheets and
    envelopes, and the preflight catches one that does not."""
    result, out = batches["home"]
    assert result.findings == (), result.findings
    for name in ("cards.pdf", "envelopes.pdf"):
        with pdfplumber.open(out / name) as pdf:
            for page in pdf.pages:
                for char in page.chars:
                    if not char["text"].strip():
                        continue
                    assert char["x0"] >= PRINTABLE_MARGIN_PT - 0.5, (name, char["text"])
                    assert page.width - char["x1"] >= PRINTABLE_MARGIN_PT - 0.5
                    assert page.height - char["bottom"] >= PRINTABLE_MARGIN_PT - 1.5
    spec = PreflightSpec(0, 0, 0, any_size=True, printable_margin_pt=PRINTABLE_MARGIN_PT)
    path = out.parent / "edge.pdf"
    canvas = Canvas(str(path), pagesize=(200, 200), invariant=1)
    canvas.setTrimBox((0, 0, 200, 200))
    canvas.setBleedBox((0, 0, 200, 200))
    canvas.setFont("NotoSans", 5)
    canvas.drawString(11, 11, "№ 1")
    canvas.save()
    assert any("paper's edge" in f.message for f in preflight_pdf(path, spec))


def test_prepress_fold_marks_are_dashed_and_told_from_crop_marks(batches, tmp_path):
    """Verify fold marks are dashed, and the preflight rejects a solid mark at the fold."""
    _, out = batches["cmyk"]
    geometry = card_geometry(card_format("a7-folded"), 9.0, True)
    with pdfplumber.open(out / "cards.pdf") as pdf:
        fold_x = geometry.front.x_pt
        page = pdf.pages[0]
        folds = [c for c in page.curves + page.lines if abs(c["x0"] - fold_x) < 0.5]
        assert folds and all(c.get("dash") and c["dash"][0] for c in folds), folds
    spec = PreflightSpec(0, 0, 0, crop_marks=True, fold_marks=True)
    path = tmp_path / "solid-fold.pdf"
    canvas = Canvas(str(path), pagesize=(300, 200), invariant=1)
    canvas.setTrimBox((50, 50, 250, 150))
    canvas.setBleedBox((41, 41, 259, 159))
    canvas.setLineWidth(0.25)
    for x in (50, 150, 250):  # 150 is the fold: a solid mark there reads as a cut
        canvas.line(x, 38, x, 26)
    canvas.save()
    messages = [f.message for f in preflight_pdf(path, spec)]
    assert any("no fold marks" in m for m in messages), messages
    assert any("not at a trim edge" in m for m in messages), messages


def test_prepress_split_parts_have_their_own_subset_names(batches):
    """Verify no two split parts share a subset name (merged, a RIP would mix the glyphs)."""
    result, out = batches["pdfx"]
    names: dict[str, str] = {}
    parts = sorted(out.glob("cards-*.pdf"))
    assert len(parts) == len(NAMES)
    for part in parts:
        with pikepdf.open(part) as pdf:
            for font in (o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)):
                if font.get("/Type") != pikepdf.Name.Font or "+" not in str(font.BaseFont):
                    continue
                name = str(font.BaseFont)
                assert not name.startswith("/AAAAAA+"), name
                assert names.setdefault(name, part.name) == part.name, name


def _pdfx_requirements(path: Path, version: str, pdf_version: str) -> None:
    """Assert the PDF/X document and page requirements one by one (ISO 15930 checklist)."""
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert pdf.pdf_version == pdf_version
        assert str(info["/GTS_PDFXVersion"]) == version
        assert str(info["/Title"]) and "/CreationDate" in info and "/ModDate" in info
        assert info["/Trapped"] in (pikepdf.Name("/True"), pikepdf.Name("/False"))
        assert "/ID" in pdf.trailer and not pdf.is_encrypted
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFX and str(intent.OutputConditionIdentifier)
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes()[36:40] == b"acsp"
        assert profile.read_bytes()[16:20] == b"CMYK"
        meta = pdf.open_metadata()
        assert meta["dc:title"] and meta["xmpMM:DocumentID"]
        if version == "PDF/X-4":
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        for page in pdf.pages:
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
            assert "/Group" not in page.obj  # no transparency group
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font:
                if obj.get("/Subtype") == pikepdf.Name.Type1 and "/FontDescriptor" not in obj:
                    raise AssertionError(f"unembedded font {obj.BaseFont}")
                descriptor = obj.get("/FontDescriptor")
                if descriptor is not None:
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for page in pdf.pages:
            for instruction in pikepdf.parse_content_stream(page):
                if isinstance(instruction, pikepdf.ContentStreamInstruction):
                    assert str(instruction.operator) not in ("rg", "RG"), "RGB colour"


def test_prepress_pdfx_card_and_envelope_sets_pass(batches):
    """Verify --pdfx x-1a (split cards and envelopes) and x-4 (flat cards) meet PDF/X and
    pass the self-check, which knows the standard."""
    result, out = batches["pdfx"]
    assert result.findings == (), result.findings
    for path in sorted(out.glob("*.pdf")):
        _pdfx_requirements(path, "PDF/X-1a:2003", "1.4")
    result, out = batches["x4"]
    assert result.findings == (), result.findings
    for path in sorted(out.glob("*.pdf")):
        _pdfx_requirements(path, "PDF/X-4", "1.6")
    ticket = (out / "job.txt").read_text(encoding="utf-8")
    assert "PDF/X-4" in ticket and "notecards device CMYK" in ticket


def test_prepress_preflight_rejects_a_plain_file_as_pdfx(batches):
    """Verify the self-check names what a non-PDF/X file lacks when PDF/X is asked for."""
    _, out = batches["cmyk"]
    spec = PreflightSpec(0, 0, 0, any_size=True, pdfx="x-1a", require_cmyk=True)
    messages = " ".join(f.message for f in preflight_pdf(out / "cards.pdf", spec))
    assert "GTS_PDFXVersion" in messages and "OutputIntent" in messages


@pytest.mark.skipif(GS is None, reason="ghostscript (apt: ghostscript) is needed")
def test_prepress_pdfx_qr_is_solid_k(batches, tmp_path):
    """Verify on the plates that a PDF/X card's QR code is 100 % K and no other ink."""
    _, out = batches["x4"]
    plates = _plates(out / "cards.pdf", 2, tmp_path)
    solid = (plates["Black"] > 0.97) & ~_registration(plates)
    assert solid.sum() > 200
    for name in ("Cyan", "Magenta", "Yellow"):
        assert plates[name][solid].max() < 0.02, name


def test_prepress_pdfx_files_pass_qpdf_check(batches):
    """Verify qpdf (an independent PDF parser) finds no structural problem in PDF/X files."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf (apt: qpdf) is needed")
    for name in ("pdfx", "x4"):
        for path in sorted(batches[name][1].glob("*.pdf")):
            run = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
            assert run.returncode == 0, (path.name, run.stdout, run.stderr)


def test_prepress_rich_black_is_capped_at_the_ink_limit():
    """Verify a near-black accent converts under the ink limit, and K is kept."""
    from reportlab.lib.colors import Color

    from notecards.drawing.pages import to_cmyk

    colour = to_cmyk(Color(0.0, 0.0, 0.01), ink_limit=2.6)
    inks = (colour.cyan, colour.magenta, colour.yellow, colour.black)
    assert sum(inks) <= 2.6 and colour.black == pytest.approx(0.99)
    assert sum(inks) == pytest.approx(2.6, abs=0.01)


def test_prepress_label_marker_keeps_clear_of_the_cut(tmp_path):
    """Verify the card number on a label keeps the address padding from the die cut."""
    from notecards.layout.labels import LABEL_PADDING_PT, LABEL_SHEETS

    result, out = _batch(tmp_path, "labels", "a2-folded", crop_marks=False, labels="avery-5160")
    assert result.findings == (), result.findings
    boxes = LABEL_SHEETS["avery-5160"].boxes()
    with pdfplumber.open(out / "labels.pdf") as pdf:
        page = pdf.pages[0]
        markers = [c for c in page.chars if c["size"] < 5 and c["text"].strip()]
        assert markers
        for char in markers:
            x, y = (char["x0"] + char["x1"]) / 2, page.height - (char["top"] + char["bottom"]) / 2
            box = next(b for b in boxes if b.x_pt <= x <= b.right_pt and b.y_pt <= y <= b.top_pt)
            assert box.right_pt - char["x1"] >= LABEL_PADDING_PT - 0.1
            assert box.top_pt - (page.height - char["top"]) >= LABEL_PADDING_PT - 1.5


def test_prepress_cli_pdfx_batch_and_preflight(tmp_path, write_orders, monkeypatch):
    """Verify `batch --pdfx x-1a` writes PDF/X files that `preflight --pdfx x-1a` passes, and
    that preflight fails a plain file against PDF/X."""
    from click.testing import CliRunner

    from notecards.cli.main import main

    orders = write_orders([make_order()])
    other = make_order(order_id="1002", first_name="Rosa", email="rosa@example.com")
    plain_orders = write_orders([other], name="plain.csv")
    runner = CliRunner()
    out, plain = tmp_path / "out", tmp_path / "plain"
    monkeypatch.chdir(tmp_path)  # the ledger is written to the working folder
    run = runner.invoke(
        main, ["batch", str(orders), "--out", str(out), "--pdfx", "x-1a", "--date", "2026-11-22"]
    )
    assert run.exit_code == 0, run.output
    args = ["batch", str(plain_orders), "--out", str(plain), "--date", "2026-11-22"]
    run = runner.invoke(main, args)
    assert run.exit_code == 0 and (plain / "cards.pdf").is_file(), run.output
    _pdfx_requirements(out / "cards.pdf", "PDF/X-1a:2003", "1.4")
    check = runner.invoke(main, ["preflight", str(out / "cards.pdf"), "--pdfx", "x-1a"])
    assert check.exit_code == 0, check.output
    check = runner.invoke(main, ["preflight", str(plain / "cards.pdf"), "--pdfx", "x-1a"])
    assert check.exit_code == 1 and "OutputIntent" in check.output, check.output


def test_prepress_pdfx_preflight_finds_transparency(tmp_path):
    """Verify the X-1a check rejects a graphics state with alpha (written by reportlab)."""
    from notecards.output.pdfx import finish_pdf

    path = tmp_path / "alpha.pdf"
    canvas = Canvas(str(path), pagesize=(100, 100), invariant=1)
    canvas.setTrimBox((0, 0, 100, 100))
    canvas.setBleedBox((0, 0, 100, 100))
    canvas.setFillColorCMYK(0, 1, 0, 0, alpha=0.5)
    canvas.rect(10, 10, 50, 50, fill=1, stroke=0)
    canvas.save()
    finish_pdf(path, standard="x-1a")
    spec = PreflightSpec(0, 0, 0, any_size=True, pdfx="x-1a", require_cmyk=True)
    messages = [f.message for f in preflight_pdf(path, spec)]
    assert any("transparency" in m for m in messages), messages


@pytest.mark.skipif(GS is None, reason="ghostscript (apt: ghostscript) is needed")
def test_prepress_black_ink_hand_is_k_only(tmp_path):
    """Verify a hand in black ink prints on the K plate alone, in CMYK and in RGB."""
    for name, options in (("k", {"cmyk": True}), ("gray", {})):
        result, out = _batch(tmp_path, name, "a2-flat", crop_marks=False, ink="black", **options)
        assert result.findings == (), result.findings
        plates = _plates(out / "cards.pdf", 2, tmp_path)
        black = plates["Black"] > 0.5
        assert black.sum() > 500, name
        for plate in ("Cyan", "Magenta", "Yellow"):
            assert plates[plate][black].max() < 0.02, (name, plate)
