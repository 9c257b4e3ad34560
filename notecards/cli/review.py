"""``notecards review``: the review desk on 127.0.0.1, over the same plan ``batch`` makes."""

from __future__ import annotations

import logging
import webbrowser
from pathlib import Path
from typing import Any

import click

from notecards.cli.options import (
    apply_options,
    batch_settings,
    card_options,
    config_option,
    format_option,
    inputs_argument,
    ledger_option,
    parse_date,
    print_options,
    read_config,
    sheet_option,
)
from notecards.models import Severity
from notecards.review.desk import Review


@click.command()
@inputs_argument
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the approved cards print into, e.g. out/2026-12-02/.",
)
@config_option
@ledger_option
@sheet_option
@format_option
@apply_options(card_options)
@click.option("--date", "batch_date", help="Batch date YYYY-MM-DD (default: today).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port on 127.0.0.1 (default: a free one).",
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@print_options
def review(
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
    port: int,
    no_browser: bool,
    print_options: dict[str, Any],
) -> None:
    """See, edit and approve the day's cards in a browser, then print the approved ones.

    Edits, holds and approvals are kept in the ledger as you make them: Ctrl-C loses
    nothing, and `batch` prints approved edits as edited.
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
    desk = Review(
        list(inputs),
        settings,
        today=parse_date(batch_date),
        out_dir=out_dir,
        sheet=sheet,
        format_name=format_name,
    )
    for problem in desk.plan.problems:
        label = "rejected" if problem.severity is Severity.ERROR else "warning"
        click.echo(f"{label}: {problem}", err=True)
    from notecards.review.web import ReviewServer  # Flask loads only for the review desk

    server = ReviewServer(desk, port)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    click.echo(f"To review: {desk.plan.summary()}")
    click.echo("Review desk open at (Ctrl-C to stop; every change is saved as you make it):")
    click.echo(server.url)
    if not no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()  # werkzeug ends it quietly on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server.server_close()
    click.echo("Stopped. Edits, holds and approvals are in the ledger.", err=True)
