"""The ``notecards`` command: parse arguments, call the core, print results."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import click

from . import workspace
from .config import Config, find_config, load_config
from .errors import NotecardsError
from .ledger import open_ledger
from .loading import list_formats
from .models import Problem, Severity, customer_key, summarise_problems
from .pipeline import BatchPlan, load_inputs, make_settings, plan_batch
from .plotter import PLOTTER_FORMATS, write_plotter_svgs
from .preflight import preflight_pdf
from .production import make_production, preflight_spec, write_calibration_sheet
from .proofs import write_batch_proofs, write_proofs
from .rendering import Extra, render_batch
from .share import share_image


class NotecardsGroup(click.Group):
    """A click group that turns NotecardsError into a one-line error and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a NotecardsError becomes ``Error: <sentence>``."""
        try:
            return super().invoke(ctx)
        except NotecardsError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=NotecardsGroup)
@click.version_option(package_name="notecards")
def main() -> None:
    """Turn orders and contact lists into print-ready handwritten-style cards and envelopes."""


def _config(config_path: Path | None) -> Config:
    return load_config(config_path or find_config(Path.cwd()))


def _today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f'"{value}" is not a date; write it as YYYY-MM-DD.',
                                 param_hint="--date") from err


config_option = click.option("--config", "config_path", type=click.Path(
    exists=True, dir_okay=False, path_type=Path),
    help="notecards.toml to use (default: the one in the current folder, if any).")
ledger_option = click.option("--ledger", "ledger_path", type=click.Path(path_type=Path),
                             help="Ledger file (default: from notecards.toml).")
inputs_argument = click.argument("inputs", nargs=-1, required=True, type=click.Path(
    exists=True, dir_okay=False, path_type=Path))
sheet_option = click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
format_option = click.option("--format", "format_name",
                             help="Input format, if detection guesses wrong (see `formats`).")
card_options = [
    click.option("--card-format", help="Card format, e.g. a2-folded (default), a6-flat."),
    click.option("--envelope", help="Envelope, e.g. a2 (default: the card format's own)."),
    click.option("--bleed", help="Bleed around each page, e.g. 0.125in, 3mm or 0."),
    click.option("--crop-marks/--no-crop-marks", default=None, help="Draw crop marks."),
    click.option("--templates", "templates_dir", type=click.Path(exists=True, file_okay=False,
                 path_type=Path), help="Occasion templates folder (default: bundled)."),
]


_PRINT_OPTIONS = {
    "cmyk": click.option("--cmyk/--rgb", "cmyk", default=None,
                         help="Write every colour as CMYK (for shops that ask for it)."),
    "imposition": click.option("--imposition", metavar="PAPER", help="Lay cards n-up on "
                               "letter, a4, tabloid, a3 or sra3 sheets, backs mirrored for "
                               "duplex."),
    "flip": click.option("--duplex", "flip", type=click.Choice(["long-edge", "short-edge"]),
                         help="How the printer turns imposed sheets (default long-edge)."),
    "split": click.option("--split", type=click.IntRange(min=0), metavar="N",
                          help="At most N cards per file: cards-001.pdf, cards-002.pdf …"),
    "labels": click.option("--labels", metavar="SHEET", help="Address labels instead of "
                           "envelopes: avery-5160, avery-8160 or avery-l7160."),
    "calibration_path": click.option("--calibration", "calibration_path", type=click.Path(
        exists=True, dir_okay=False, path_type=Path), help="Printer calibration profile "
        "(TOML; print `notecards calibration` to measure one)."),
    "envelope_font": click.option("--envelope-font", type=click.Choice(["sans", "hand"]),
                                  help="Address font: sans (legible, default) or hand."),
    "preflight": click.option("--preflight/--no-preflight", default=None,
                              help="Check the written PDFs as a print shop would (default on)."),
}


def _print_options(func: Any) -> Any:
    """Add the print-production options; the command receives them as ``print_options``."""
    names = tuple(_PRINT_OPTIONS)

    def wrapper(**kwargs: Any) -> Any:
        kwargs["print_options"] = {name: kwargs.pop(name) for name in names}
        return func(**kwargs)

    wrapper.__name__, wrapper.__doc__ = func.__name__, func.__doc__
    for option in reversed(list(_PRINT_OPTIONS.values())):
        wrapper = option(wrapper)
    return wrapper


def _apply(options: Sequence[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    def decorate(func: Any) -> Any:
        for option in reversed(options):
            func = option(func)
        return func
    return decorate


@contextmanager
def _progress(total: int, quiet: bool, label: str) -> Iterator[Callable[[int], None] | None]:
    """Yield a progress callback: a bar on a terminal, nothing when piped or --quiet."""
    if quiet or not sys.stderr.isatty() or total == 0:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _echo_problems(problems: Sequence[Problem]) -> None:
    # An error here rejected one row (it is in rejects.csv); the batch itself goes on.
    for problem in problems:
        label = "rejected" if problem.severity is Severity.ERROR else "warning"
        click.echo(f"{label}: {problem}", err=True)


def _run_batch(plan: BatchPlan, out_dir: Path, *, dry_run: bool, quiet: bool,
               config: Config, extras: Sequence[Extra] = ()) -> None:
    _echo_problems(plan.problems)
    if dry_run:
        click.echo(f"Dry run, nothing written: {plan.summary()}")
        return
    with _progress(2 * len(plan.jobs), quiet, "Drawing cards and envelopes") as progress:
        result = render_batch(plan, out_dir, progress=progress, extras=extras)
    if not quiet:
        for path in result.files:
            click.echo(f"wrote {path}")
    for finding in result.findings:  # the batch preflights its own files
        click.echo(f"preflight {finding}", err=True)
    note = "" if not config.is_default else " (no notecards.toml found: defaults used)"
    click.echo(f"{plan.summary()}{note}")


@main.command()
@inputs_argument
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False,
              path_type=Path), help="Folder for this batch's files, e.g. out/2026-11-22/.")
@config_option
@ledger_option
@sheet_option
@format_option
@_apply(card_options)
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
@click.option("--dry-run", is_flag=True, help="Plan and report; write no files or ledger rows.")
@click.option("--reprint", multiple=True, metavar="ORDER_ID",
              help="Reprint the card of this order (repeatable); prints only those cards.")
@click.option("--limit", type=click.IntRange(min=1), help="Print at most N new cards.")
@click.option("--proofs", is_flag=True,
              help="Also write proofs/contact-sheet.png, rendered from the written cards.pdf.")
@click.option("--plotter", "plotter_format", type=click.Choice(PLOTTER_FORMATS),
              help="Also write plotter/card-0001.svg …: the message as single-stroke pen paths.")
@click.option("--quiet", is_flag=True, help="No progress bar and no file list.")
@_print_options
def batch(inputs: tuple[Path, ...], out_dir: Path, config_path: Path | None,
          ledger_path: Path | None, sheet: str | None, format_name: str | None,
          card_format: str | None, envelope: str | None, bleed: str | None,
          crop_marks: bool | None, templates_dir: Path | None, batch_date: str | None,
          dry_run: bool, reprint: tuple[str, ...], limit: int | None, proofs: bool,
          plotter_format: str | None, quiet: bool, print_options: dict[str, Any]) -> None:
    """Make today's cards: cards.pdf, envelopes.pdf, manifest.csv and job.txt in --out."""
    config = _config(config_path)
    settings = make_settings(config, card=card_format, envelope=envelope, bleed=bleed,
                             crop_marks=crop_marks, templates_dir=templates_dir,
                             ledger_path=ledger_path,
                             production=make_production(config, **print_options))
    loaded = load_inputs(list(inputs), settings, sheet=sheet, format_name=format_name)
    with _progress(len(loaded.orders), quiet, "Planning cards   ") as progress:
        plan = plan_batch(loaded, settings, today=_today(batch_date), reprint=reprint,
                          limit=limit, progress=progress, keep_layouts=False)
    extras: list[Extra] = [write_batch_proofs] if proofs else []
    if plotter_format == "svg":
        extras.append(write_plotter_svgs)
    _run_batch(plan, out_dir, dry_run=dry_run, quiet=quiet, config=config, extras=extras)


@main.command()
@inputs_argument
@click.option("--out", "out_dir", default="proofs", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the PNG proofs.")
@click.option("--limit", default=3, show_default=True, type=click.IntRange(min=1),
              help="Write proofs of the first N cards (the contact sheet shows them all).")
@config_option
@ledger_option
@sheet_option
@format_option
@_apply(card_options)
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
def preview(inputs: tuple[Path, ...], out_dir: Path, limit: int, config_path: Path | None,
            ledger_path: Path | None, sheet: str | None, format_name: str | None,
            card_format: str | None, envelope: str | None, bleed: str | None,
            crop_marks: bool | None, templates_dir: Path | None,
            batch_date: str | None) -> None:
    """Write PNG proofs of the first cards, their envelopes and a contact sheet; no ledger."""
    config = _config(config_path)
    settings = make_settings(config, card=card_format, envelope=envelope, bleed=bleed,
                             crop_marks=crop_marks, templates_dir=templates_dir,
                             ledger_path=ledger_path)
    plan = plan_batch(list(inputs), settings, today=_today(batch_date), sheet=sheet,
                      format_name=format_name)
    _echo_problems(plan.problems)
    files = write_proofs(plan, out_dir, limit=limit)
    for path in files.all:
        click.echo(f"wrote {path}")
    click.echo(f"Preview, nothing printed or recorded: {plan.summary()}")


@main.command()
@click.argument("batch_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("card")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="PNG file to write, e.g. share.png.")
def share(batch_dir: Path, card: str, out_path: Path) -> None:
    """Write a square 1080×1080 image of a card's inside to post, personal data hidden.

    CARD is the order id or the card number (see the batch's manifest.csv).
    """
    share_image(batch_dir, card).save(out_path)
    click.echo(f"wrote {out_path}")


@main.command()
@click.option("--out", "out_dir", default="demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder for the demo.")
@click.option("--date", "batch_date", default="2026-11-22", show_default=True,
              help="Batch date (fixed, so the demo always shows its birthday card).")
@click.option("--quiet", is_flag=True, help="No progress bar and no file list.")
def demo(out_dir: Path, batch_date: str, quiet: bool) -> None:
    """Render the bundled sample orders into --out (repeatable: its ledger lives there)."""
    config = workspace.demo_config(out_dir)
    settings = make_settings(config)
    # The demo's ledger is its own: running it again prints the same cards again.
    settings.ledger_path.unlink(missing_ok=True)
    plan = plan_batch([workspace.sample_orders_path()], settings, today=_today(batch_date))
    _run_batch(plan, out_dir, dry_run=False, quiet=quiet, config=config)


@main.command()
@inputs_argument
@config_option
@ledger_option
@sheet_option
@format_option
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on rows "
              "that would be rejected.")
def check(inputs: tuple[Path, ...], config_path: Path | None, ledger_path: Path | None,
          sheet: str | None, format_name: str | None, batch_date: str | None,
          strict: bool) -> None:
    """Report every problem in the input files; write nothing.

    Exits 1 when a row would be rejected (with --strict, also on any warning), else 0.
    """
    config = _config(config_path)
    settings = make_settings(config, ledger_path=ledger_path)
    loaded = load_inputs(list(inputs), settings, sheet=sheet, format_name=format_name)
    for path, name in zip(inputs, loaded.formats, strict=True):
        click.echo(f"{path}: recognised as {name}")
    plan = plan_batch(loaded, settings, today=_today(batch_date))
    for line in summarise_problems(plan.problems):
        click.echo(line)
    # Rows the loader rejected are among the problems above; these came from the rules.
    for reject in plan.rejects[len(loaded.rejects):]:
        where = f"{reject.source}:{reject.sheet + ':' if reject.sheet else ''}row {reject.row}"
        click.echo(f"{where}: {reject.reason} [error]")
    orders = len(loaded.orders)
    warnings = sum(1 for p in plan.problems if p.severity is Severity.WARNING)
    click.echo(f"{orders} order{'s' if orders != 1 else ''}/contacts found; "
               f"{plan.summary()}; {warnings} warning{'s' if warnings != 1 else ''}")
    if plan.rejects or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a shop folder: notecards.toml, sample orders and editable templates."""
    for path in workspace.init_workspace(directory):
        click.echo(f"wrote {path}")
    click.echo(f"Next: cd {directory} && notecards check orders.csv && "
               "notecards batch orders.csv --out out/")


@main.command()
@config_option
def formats(config_path: Path | None) -> None:
    """List the input formats notecards recognises, your own mappings first."""
    config = _config(config_path)
    for name, mapping in config.formats.items():
        click.echo(f"{name:28} {'mapping':9} from {config.source_path} "
                   f"({len(mapping)} column{'s' if len(mapping) != 1 else ''})")
    for info in list_formats():
        click.echo(f"{info.name:28} {info.kind:9} {info.title}")


@main.group(cls=NotecardsGroup)
def suppress() -> None:
    """Manage the list of people who asked not to be contacted."""


@suppress.command("add")
@click.option("--email", default="", help="E-mail address of the person.")
@click.option("--name", default="", help="Full name (used with --postal-code when no e-mail).")
@click.option("--postal-code", default="", help="Postal code, with --name.")
@click.option("--reason", default="asked not to be contacted", help="Why, for the record.")
@config_option
@ledger_option
def suppress_add(email: str, name: str, postal_code: str, reason: str,
                 config_path: Path | None, ledger_path: Path | None) -> None:
    """Exclude a person from every future card."""
    if not email and not (name and postal_code):
        raise click.UsageError("Give --email, or --name with --postal-code.")
    settings = make_settings(_config(config_path), ledger_path=ledger_path)
    key = customer_key(email, name, postal_code)
    with open_ledger(settings.ledger_path) as ledger:
        ledger.suppress(key, email or name, reason,
                        datetime.now(timezone.utc).isoformat(timespec="seconds"))
    click.echo(f"suppressed {key}")


@suppress.command("remove")
@click.option("--email", default="")
@click.option("--name", default="")
@click.option("--postal-code", default="")
@config_option
@ledger_option
def suppress_remove(email: str, name: str, postal_code: str, config_path: Path | None,
                    ledger_path: Path | None) -> None:
    """Take a person off the suppression list."""
    settings = make_settings(_config(config_path), ledger_path=ledger_path)
    key = customer_key(email, name, postal_code)
    with open_ledger(settings.ledger_path) as ledger:
        removed = ledger.unsuppress(key)
    click.echo(f"{'removed' if removed else 'was not suppressed:'} {key}")


@suppress.command("list")
@config_option
@ledger_option
def suppress_list(config_path: Path | None, ledger_path: Path | None) -> None:
    """List everyone on the suppression list."""
    settings = make_settings(_config(config_path), ledger_path=ledger_path)
    with open_ledger(settings.ledger_path) as ledger:
        entries = ledger.suppressions()
    for key, (label, reason, added) in entries.items():
        click.echo(f"{key}\t{label}\t{reason}\t{added}")
    click.echo(f"{len(entries)} suppressed")


@main.command()
@config_option
@ledger_option
def batches(config_path: Path | None, ledger_path: Path | None) -> None:
    """List the batches in the ledger."""
    settings = make_settings(_config(config_path), ledger_path=ledger_path)
    with open_ledger(settings.ledger_path) as ledger:
        for record in ledger.batches():
            state = f"voided {record.voided_at}" if record.voided_at else "issued"
            click.echo(f"{record.batch_id}\t{record.cards} cards\t{state}\t{record.out_dir}")


@main.command()
@click.argument("batch_id")
@config_option
@ledger_option
def void(batch_id: str, config_path: Path | None, ledger_path: Path | None) -> None:
    """Void a batch so its cards are issued again by the next run."""
    settings = make_settings(_config(config_path), ledger_path=ledger_path)
    with open_ledger(settings.ledger_path) as ledger:
        count = ledger.void_batch(batch_id,
                                  datetime.now(timezone.utc).isoformat(timespec="seconds"))
    click.echo(f"voided {batch_id}: its {count} cards will be issued again")


@main.command("preflight")
@click.argument("pdf_path", metavar="FILE.pdf", type=click.Path(exists=True, dir_okay=False,
                path_type=Path))
@click.option("--card-format", help="Check against this card format (default: notecards.toml's).")
@click.option("--envelope", help="Check as an envelope of this format instead of a card.")
@click.option("--bleed", help="Expected bleed, e.g. 0.125in, 3mm or 0 (default: config).")
@click.option("--cmyk", is_flag=True, help="Also require every colour to be CMYK.")
@click.option("--any-size", is_flag=True, help="Skip the page-size check (e.g. imposed sheets).")
@config_option
def preflight_command(pdf_path: Path, card_format: str | None, envelope: str | None,
                      bleed: str | None, cmyk: bool, any_size: bool,
                      config_path: Path | None) -> None:
    """Check a PDF as a print shop would: size, boxes, fonts, safe zone, images; exit 1 on error."""
    config = _config(config_path)
    spec = None if any_size else preflight_spec(config, card=card_format, envelope=envelope,
                                                bleed=bleed, cmyk=cmyk)
    findings = preflight_pdf(pdf_path, spec)
    for finding in findings:
        click.echo(str(finding))
    errors = sum(1 for f in findings if f.severity == "error")
    click.echo(f"{pdf_path}: {errors} error(s), {len(findings) - errors} warning(s)"
               + (f" against {spec.label}" if spec is not None and spec.label else ""))
    if errors:
        sys.exit(1)


@main.command()
@click.option("--paper", default="letter", show_default=True,
              type=click.Choice(["letter", "a4"]), help="Paper the printer is loaded with.")
@click.option("--out", "out_path", default="calibration.pdf", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="PDF file to write.")
def calibration(paper: str, out_path: Path) -> None:
    """Write a printer calibration sheet: print it, measure it, write calibration.toml."""
    write_calibration_sheet(out_path, paper)
    click.echo(f"wrote {out_path}")
    click.echo("Print it at 100 % (double-sided), measure targets A and B and the scale bars, "
               "then pass --calibration calibration.toml to `notecards batch`.")
