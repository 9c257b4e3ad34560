"""The ``notecards`` command: parse arguments, call the core, print results."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from notecards import workspace
from notecards.cli.hand import hand
from notecards.cli.ledger import batches, suppress, void
from notecards.cli.options import (
    NotecardsGroup,
    apply_options,
    batch_settings,
    card_options,
    config_option,
    format_option,
    inputs_argument,
    ledger_option,
    parse_date,
    print_options,
    progress_counter,
    read_config,
    sheet_option,
    wait_option,
)
from notecards.cli.reporting import echo_rule_rejects, hint_lost_folders
from notecards.cli.results import record, results_command
from notecards.cli.review import review
from notecards.cli.safety import batch_session, settle
from notecards.config import Config
from notecards.drawing.calibration import write_calibration_sheet
from notecards.extras.plotter import PLOTTER_FORMATS, write_plotter_svgs
from notecards.extras.proofs import write_batch_proofs, write_proofs
from notecards.extras.share import share_image
from notecards.internals import exit_now
from notecards.loading import list_formats
from notecards.loading.formats import describe_format
from notecards.models import Problem, Reject, Severity, summarise_problems
from notecards.output.folders import check_out_dir
from notecards.output.render import BatchResult, Extra
from notecards.output.run import run_batch
from notecards.planning.batch import make_settings, plan_batch
from notecards.planning.check import check_inputs
from notecards.planning.production import preflight_spec
from notecards.preflight.spec import preflight_pdf
from notecards.settings import BatchSettings
from notecards.wording import plural


@click.group(cls=NotecardsGroup)
@click.version_option(package_name="notecards")
def main() -> None:
    """Turn orders and contact lists into print-ready handwritten-style cards and envelopes."""


def run() -> None:
    """Run the ``notecards`` command, then exit at once: the entry point of the installed
    command and of ``python -m notecards`` (tests call :func:`main`, whose exit is only a
    ``SystemExit``, in their own process).

    When a command ends, its files are closed and moved into place and its summary is
    printed; Python's teardown of a big batch's heap would add 0.6 s that nobody waits for
    (``internals.exit_now``). An error that is not a command's (a bug) is raised as usual.
    """
    try:
        main()
        status: object = 0
    except SystemExit as done:
        status = done.code
    if isinstance(status, str):  # sys.exit("message"): print it and exit 1, as Python does
        print(status, file=sys.stderr)
    exit_now(status if isinstance(status, int) else 0 if status is None else 1)


def _echo_problems(problems: Sequence[Problem]) -> None:
    # An error here rejected one row (it is in rejects.csv); the batch itself goes on.
    for problem in problems:
        label = "rejected" if problem.severity is Severity.ERROR else "warning"
        click.echo(f"{label}: {problem}", err=True)


def _echo_rejects(rejects: Sequence[Reject], problems: Sequence[Problem]) -> None:
    """Print every reject's place and reason (once: the loader's are among the problems)."""
    told = {(p.source, p.row) for p in problems if p.severity is Severity.ERROR}
    for reject in rejects:
        if (reject.source, reject.row) in told:
            continue
        where = f"{reject.source}:{reject.sheet + ':' if reject.sheet else ''}row {reject.row}"
        click.echo(f"rejected: {where}: {reject.reason}", err=True)


def _echo_result(result: BatchResult, *, quiet: bool, config: Config) -> None:
    if not quiet:
        for path in result.files:
            click.echo(f"wrote {path}")
    for finding in result.findings:  # the batch preflights its own files
        click.echo(f"preflight {finding}", err=True)
    note = "" if not config.is_default else " (no notecards.toml found: defaults used)"
    click.echo(f"{result.summary()}{note}")


@main.command()
@inputs_argument
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for this batch's files, e.g. out/2026-11-22/.",
)
@config_option
@ledger_option
@sheet_option
@format_option
@apply_options(card_options)
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
@click.option("--dry-run", is_flag=True, help="Plan and report; write no files or ledger rows.")
@click.option(
    "--reprint",
    multiple=True,
    metavar="ORDER_ID",
    help="Reprint the card of this order (repeatable); prints only those cards.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Print at most N new cards.")
@click.option(
    "--proofs",
    is_flag=True,
    help="Also write proofs/contact-sheet.png, rendered from the written cards.pdf.",
)
@click.option(
    "--plotter",
    "plotter_format",
    type=click.Choice(PLOTTER_FORMATS),
    help="Also write plotter/card-0001.svg …: the message as single-stroke pen paths.",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no file list.")
@wait_option
@print_options
def batch(
    inputs: tuple[Path, ...],
    out_dir: Path,
    config_path: Path | None,
    ledger_path: Path | None,
    sheet: str | None,
    format_name: str | None,
    card_format: str | None,
    envelope: str | None,
    bleed: str | None,
    crop_marks: bool | None,
    templates_dir: Path | None,
    batch_date: str | None,
    dry_run: bool,
    reprint: tuple[str, ...],
    limit: int | None,
    proofs: bool,
    plotter_format: str | None,
    quiet: bool,
    wait: float,
    print_options: dict[str, Any],
) -> None:
    """Make today's cards: cards.pdf, envelopes.pdf, manifest.csv and job.txt in --out.

    One batch runs at a time per ledger: a second one waits (--wait) for the first.
    """
    config = read_config(config_path)
    settings = batch_settings(
        config,
        card_format=card_format,
        envelope=envelope,
        bleed=bleed,
        crop_marks=crop_marks,
        templates_dir=templates_dir,
        ledger_path=ledger_path,
        print_options=print_options,
    )
    if not dry_run:  # an unusable --out stops the batch before the ledger is touched
        check_out_dir(out_dir, create=False)
    with batch_session(settings.ledger_path, wait=wait, dry_run=dry_run):
        _batch(
            inputs,
            settings,
            out_dir,
            sheet=sheet,
            format_name=format_name,
            batch_date=batch_date,
            dry_run=dry_run,
            reprint=reprint,
            limit=limit,
            proofs=proofs,
            plotter_format=plotter_format,
            quiet=quiet,
            config=config,
        )


def _batch(
    inputs: tuple[Path, ...],
    settings: BatchSettings,
    out_dir: Path,
    *,
    sheet: str | None,
    format_name: str | None,
    batch_date: str | None,
    dry_run: bool,
    reprint: tuple[str, ...],
    limit: int | None,
    proofs: bool,
    plotter_format: str | None,
    quiet: bool,
    config: Config,
) -> None:
    if not dry_run:  # an unusable --out stops the batch before anything is planned or drawn
        check_out_dir(out_dir)
    extras: list[Extra] = [write_batch_proofs] if proofs else []
    if plotter_format == "svg":
        extras.append(write_plotter_svgs)
    today = parse_date(batch_date)
    if dry_run:
        plan = plan_batch(
            list(inputs),
            settings,
            today=today,
            sheet=sheet,
            format_name=format_name,
            reprint=reprint,
            limit=limit,
            keep_layouts=False,
        )
        _echo_problems(plan.problems)
        _echo_rejects(plan.rejects, plan.problems)
        click.echo(f"Dry run, nothing written: {plan.summary()}")
        return
    with (
        progress_counter(quiet, "Orders planned") as planning,
        progress_counter(quiet, "Cards and envelopes drawn") as progress,
    ):
        result = run_batch(
            list(inputs),
            settings,
            today=today,
            out_dir=out_dir,
            sheet=sheet,
            format_name=format_name,
            reprint=reprint,
            limit=limit,
            extras=extras,
            progress=progress,
            planning=planning,
        )
    _echo_problems(result.problems)
    echo_rule_rejects(result, result.problems)
    _echo_result(result, quiet=quiet, config=config)
    if not result.cards and result.counts.already_issued:
        hint_lost_folders(settings.ledger_path)


@main.command()
@inputs_argument
@click.option(
    "--out",
    "out_dir",
    default="proofs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PNG proofs.",
)
@click.option(
    "--limit",
    default=3,
    show_default=True,
    type=click.IntRange(min=1),
    help="Write proofs of the first N cards (the contact sheet shows them all).",
)
@config_option
@ledger_option
@sheet_option
@format_option
@apply_options(card_options)
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
@print_options
def preview(
    inputs: tuple[Path, ...],
    out_dir: Path,
    limit: int,
    config_path: Path | None,
    ledger_path: Path | None,
    sheet: str | None,
    format_name: str | None,
    card_format: str | None,
    envelope: str | None,
    bleed: str | None,
    crop_marks: bool | None,
    templates_dir: Path | None,
    batch_date: str | None,
    print_options: dict[str, Any],
) -> None:
    """Write PNG proofs of the first cards, their envelopes and a contact sheet.

    Cards are proofed as they would print, already issued or not; nothing is recorded.
    """
    config = read_config(config_path)
    settings = batch_settings(
        config,
        card_format=card_format,
        envelope=envelope,
        bleed=bleed,
        crop_marks=crop_marks,
        templates_dir=templates_dir,
        ledger_path=ledger_path,
        print_options=print_options,
    )
    settle(settings.ledger_path)
    # Proofs show the cards as they would print, issued or not: the ledger is only read
    # (for each person's wording history), never written.
    plan = plan_batch(
        list(inputs),
        settings,
        today=parse_date(batch_date),
        sheet=sheet,
        format_name=format_name,
        proof=True,
    )
    _echo_problems(plan.problems)
    _echo_rejects(plan.rejects, plan.problems)
    files = write_proofs(plan, out_dir, limit=limit)
    for path in files.all:
        click.echo(f"wrote {path}")
    summary = plan.summary()
    if plan.already_issued:  # proofs of issued cards too: say so, the counts differ
        summary = (
            f"{plural(len(plan.jobs), 'card')} as they would print, {plan.already_issued} of "
            "them already issued (`batch` skips those)"
        )
    click.echo(f"Preview, nothing printed or recorded: {summary}")


@main.command()
@click.argument("batch_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("card")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="PNG file to write, e.g. share.png.",
)
def share(batch_dir: Path, card: str, out_path: Path) -> None:
    """Write a square 1080×1080 image of a card's inside to post, personal data hidden.

    CARD is the order id or the card number (see the batch's manifest.csv).
    """
    share_image(batch_dir, card).save(out_path)
    click.echo(f"wrote {out_path}")


@main.command()
@click.option(
    "--out",
    "out_dir",
    default="demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the demo.",
)
@click.option(
    "--date",
    "batch_date",
    default="2026-11-22",
    show_default=True,
    help="Batch date (fixed, so the demo always shows its birthday card).",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no file list.")
def demo(out_dir: Path, batch_date: str, quiet: bool) -> None:
    """Render the bundled sample orders into --out (repeatable: its ledger lives there)."""
    config = workspace.demo_config(out_dir)
    settings = make_settings(config)
    # The demo's ledger is its own: running it again prints the same cards again.
    settings.ledger_path.unlink(missing_ok=True)
    with progress_counter(quiet, "Cards and envelopes drawn") as progress:
        result = run_batch(
            [workspace.sample_orders_path()],
            settings,
            today=parse_date(batch_date),
            out_dir=out_dir,
            progress=progress,
        )
    # The sample shop's QR codes point at an example address by design: said once as a
    # note about the shop's own settings, not as a warning the reader cannot act on here.
    example_qr = [p for p in result.problems if p.column == "qr_url"]
    _echo_problems([p for p in result.problems if p not in example_qr])
    if example_qr and not quiet:
        click.echo(
            "note: the demo's QR codes open an example address; your shop's own are set with "
            'qr_url = "https://…" under [cards] in notecards.toml (notecards init writes a '
            "placeholder there to change).",
            err=True,
        )
    _echo_result(result, quiet=quiet, config=config)


@main.command()
@inputs_argument
@config_option
@ledger_option
@sheet_option
@format_option
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 on warnings too, not only on rows that would be rejected.",
)
def check(
    inputs: tuple[Path, ...],
    config_path: Path | None,
    ledger_path: Path | None,
    sheet: str | None,
    format_name: str | None,
    batch_date: str | None,
    strict: bool,
) -> None:
    """Report every problem in the input files; write nothing.

    Exits 1 when a row would be rejected (with --strict, also on any warning), else 0.
    """
    config = read_config(config_path)
    settings = make_settings(config, ledger_path=ledger_path)
    settle(settings.ledger_path)
    # Streamed: memory stays flat however long the file is (planning.check).
    report = check_inputs(
        list(inputs), settings, today=parse_date(batch_date), sheet=sheet, format_name=format_name
    )
    for path, name in zip(inputs, report.formats, strict=True):
        click.echo(f"{path}: read as {describe_format(name)}")
    for line in summarise_problems(report.problems):
        click.echo(line)
    # Rows the loader rejected are among the problems above; these came from the rules.
    for reject in report.rule_rejects:
        where = f"{reject.source}:{reject.sheet + ':' if reject.sheet else ''}row {reject.row}"
        click.echo(f"{where}: {reject.reason} [error]")
    orders, warnings = report.orders, report.warnings
    click.echo(
        f"{plural(orders, 'order/contact', 'orders/contacts')} found; "
        f"{report.summary}; {plural(warnings, 'warning')}"
    )
    if report.rejected or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a shop folder: notecards.toml, sample orders and editable templates."""
    for path in workspace.init_workspace(directory):
        click.echo(f"wrote {path}")
    click.echo(
        f"Next: cd {directory} && notecards check orders.csv && "
        "notecards batch orders.csv --out out/"
    )


@main.command()
@config_option
def formats(config_path: Path | None) -> None:
    """List the input formats notecards recognises, your own mappings first."""
    config = read_config(config_path)
    for name, mapping in config.formats.items():
        click.echo(
            f"{name:28} {'mapping':9} from {config.source_path} "
            f"({len(mapping)} column{'s' if len(mapping) != 1 else ''})"
        )
    for info in list_formats():
        click.echo(f"{info.name:28} {info.kind:9} {info.title}")


@main.command("preflight")
@click.argument(
    "pdf_path", metavar="FILE.pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--card-format", help="Check against this card format (default: notecards.toml's).")
@click.option("--envelope", help="Check as an envelope of this format instead of a card.")
@click.option("--bleed", help="Expected bleed, e.g. 0.125in, 3mm or 0 (default: config).")
@click.option("--cmyk", is_flag=True, help="Also require every colour to be CMYK.")
@click.option("--any-size", is_flag=True, help="Skip the page-size check (e.g. imposed sheets).")
@click.option(
    "--pdfx", metavar="STANDARD", help="Also require PDF/X: x-1a or x-4 (implies --cmyk)."
)
@click.option("--crop-marks", is_flag=True, help="Require crop marks (and dashed fold marks).")
@config_option
def preflight_command(
    pdf_path: Path,
    card_format: str | None,
    envelope: str | None,
    bleed: str | None,
    cmyk: bool,
    any_size: bool,
    pdfx: str | None,
    crop_marks: bool,
    config_path: Path | None,
) -> None:
    """Check a PDF as a print shop would: size, boxes, fonts, safe zone, images, colour
    operators, marks and (with --pdfx) the PDF/X rules; exit 1 on error."""
    config = read_config(config_path)
    spec = preflight_spec(
        config,
        card=card_format,
        envelope=envelope,
        bleed=bleed,
        cmyk=cmyk,
        pdfx=pdfx or "",
        crop_marks=crop_marks,
    )
    if any_size:
        spec = replace(spec, any_size=True, label="")
    findings = preflight_pdf(pdf_path, spec)
    for finding in findings:
        click.echo(str(finding))
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    click.echo(
        f"{pdf_path}: {errors} error(s), {len(findings) - errors} warning(s)"
        + (f" against {spec.label}" if spec is not None and spec.label else "")
    )
    if errors:
        sys.exit(1)


@main.command()
@click.option(
    "--paper",
    default="letter",
    show_default=True,
    type=click.Choice(["letter", "a4"]),
    help="Paper the printer is loaded with.",
)
@click.option(
    "--out",
    "out_path",
    default="calibration.pdf",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="PDF file to write.",
)
def calibration(paper: str, out_path: Path) -> None:
    """Write a printer calibration sheet: print it, measure it, write calibration.toml."""
    write_calibration_sheet(out_path, paper)
    click.echo(f"wrote {out_path}")
    click.echo(
        "Print it at 100 % (double-sided), measure targets A and B and the scale bars, "
        "then pass --calibration calibration.toml to `notecards batch`."
    )


main.add_command(suppress)
main.add_command(batches)
main.add_command(void)
main.add_command(record)
main.add_command(results_command)
main.add_command(hand)
main.add_command(review)
