"""Options and helpers the ``notecards`` commands share: one place for their names and help."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from notecards.choices import EnvelopeFont, Flip
from notecards.cli.safety import (
    SIGTERM_EXIT,
    Terminated,
    sigterm_as_interrupt,
    terminated_message,
)
from notecards.config import Config, find_config, load_config
from notecards.errors import NotecardsError
from notecards.planning.batch import make_settings
from notecards.planning.production import make_production
from notecards.settings import BatchSettings


class NotecardsGroup(click.Group):
    """A click group that turns NotecardsError into a one-line error and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a NotecardsError becomes ``Error: <sentence>``, SIGTERM one line
        and exit status 143 (see cli.safety)."""
        try:
            with sigterm_as_interrupt():
                return super().invoke(ctx)
        except NotecardsError as err:
            raise click.ClickException(str(err)) from err
        except Terminated:
            click.echo(terminated_message(), err=True)
            ctx.exit(SIGTERM_EXIT)
        except OSError as err:  # a folder or file the system refused: say which, and why
            where = err.filename or "a file"
            raise click.ClickException(
                f"{where}: {err.strerror or err} — check that the folder exists and that you "
                "may write there, or choose another path"
            ) from err


def read_config(config_path: Path | None) -> Config:
    """Return the config named by --config, else notecards.toml here, else the defaults."""
    return load_config(config_path or find_config(Path.cwd()))


def parse_date(value: str | None) -> date:
    """Return --date as a date (today when not given); a bad date is a usage error."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(
            f'"{value}" is not a date; write it as YYYY-MM-DD.', param_hint="--date"
        ) from err


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="notecards.toml to use (default: the one in the current folder, if any).",
)
ledger_option = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(path_type=Path),
    help="Ledger file (default: from notecards.toml).",
)
inputs_argument = click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
wait_option = click.option(
    "--wait",
    default=600.0,
    show_default=True,
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="When another batch runs on the same ledger, wait this long for it (0: fail at once).",
)
sheet_option = click.option("--sheet", help="Sheet of an .xlsx file (default: the first).")
format_option = click.option(
    "--format", "format_name", help="Input format, if detection guesses wrong (see `formats`)."
)
card_options = [
    click.option("--card-format", help="Card format, e.g. a2-folded (default), a6-flat."),
    click.option("--envelope", help="Envelope, e.g. a2 (default: the card format's own)."),
    click.option("--bleed", help="Bleed around each page, e.g. 0.125in, 3mm or 0."),
    click.option("--crop-marks/--no-crop-marks", default=None, help="Draw crop marks."),
    click.option(
        "--templates",
        "templates_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Occasion templates folder (default: bundled).",
    ),
]


PRINT_OPTIONS = {
    "cmyk": click.option(
        "--cmyk/--rgb",
        "cmyk",
        default=None,
        help="Write every colour as CMYK (for shops that ask for it).",
    ),
    "pdfx": click.option(
        "--pdfx",
        metavar="STANDARD",
        help="Finish every print file as PDF/X: x-1a (recommended) or x-4; implies --cmyk.",
    ),
    "imposition": click.option(
        "--imposition",
        metavar="PAPER",
        help="Lay cards n-up on letter, a4, tabloid, a3 or sra3 sheets, backs mirrored for duplex.",
    ),
    "flip": click.option(
        "--duplex",
        "flip",
        type=click.Choice(Flip.words()),
        help="How the printer turns imposed sheets (default long-edge).",
    ),
    "split": click.option(
        "--split",
        type=click.IntRange(min=0),
        metavar="N",
        help="At most N cards per file: cards-001.pdf, cards-002.pdf …",
    ),
    "labels": click.option(
        "--labels",
        metavar="SHEET",
        help="Address labels instead of envelopes: avery-5160, avery-8160 or avery-l7160.",
    ),
    "calibration_path": click.option(
        "--calibration",
        "calibration_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Printer calibration profile (TOML; print `notecards calibration` to measure one).",
    ),
    "envelope_font": click.option(
        "--envelope-font",
        type=click.Choice(EnvelopeFont.words()),
        help="Address: hand (written in a legible hand, the default) or sans (printed).",
    ),
    "envelope_hand": click.option(
        "--envelope-hand",
        metavar="HAND",
        help="The hand that addresses the envelopes: neat (default), casual, loose … or the "
        "shop's own [hand_styles.NAME], e.g. a learned hand.",
    ),
    "preflight": click.option(
        "--preflight/--no-preflight",
        default=None,
        help="Check the written PDFs as a print shop would (default on).",
    ),
}


def print_options(func: Any) -> Any:
    """Add the print-production options; the command receives them as ``print_options``."""
    names = tuple(PRINT_OPTIONS)

    def wrapper(**kwargs: Any) -> Any:
        kwargs["print_options"] = {name: kwargs.pop(name) for name in names}
        return func(**kwargs)

    wrapper.__name__, wrapper.__doc__ = func.__name__, func.__doc__
    for option in reversed(list(PRINT_OPTIONS.values())):
        wrapper = option(wrapper)
    return wrapper


def apply_options(options: Sequence[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """Return a decorator adding *options* to a command, in order."""

    def decorate(func: Any) -> Any:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@contextmanager
def progress_counter(
    quiet: bool, label: str, every: int = 50
) -> Iterator[Callable[[int], None] | None]:
    """Yield a progress callback: a running count on a terminal (a streamed batch's length
    is not known ahead), nothing when piped or --quiet."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    done = 0

    def update(steps: int) -> None:
        nonlocal done
        done += steps
        if done % every < steps:
            click.echo(f"\r{label}: {done}", nl=False, err=True)

    try:
        yield update
    finally:
        click.echo(f"\r{label}: {done}", err=True)


def batch_settings(
    config: Config,
    *,
    card_format: str | None,
    envelope: str | None,
    bleed: str | None,
    crop_marks: bool | None,
    templates_dir: Path | None,
    ledger_path: Path | None,
    print_options: dict[str, Any],
) -> BatchSettings:
    """Return the settings of a command that takes the batch's card and print options
    (batch, preview, review): the command line wins over notecards.toml.

    Raises:
        ConfigError: an unknown format, paper, label sheet, or a bad value.
    """
    return make_settings(
        config,
        card=card_format,
        envelope=envelope,
        bleed=bleed,
        crop_marks=crop_marks,
        templates_dir=templates_dir,
        ledger_path=ledger_path,
        production=make_production(config, **print_options),
    )
