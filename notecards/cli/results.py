"""The results commands: remember the orders of an export, and write the results report."""

from __future__ import annotations

from pathlib import Path

import click

from notecards.cli.options import (
    config_option,
    format_option,
    inputs_argument,
    ledger_option,
    parse_date,
    read_config,
    sheet_option,
)
from notecards.planning.batch import make_settings
from notecards.results import record_orders, results


@click.command()
@inputs_argument
@config_option
@ledger_option
@sheet_option
@format_option
def record(
    inputs: tuple[Path, ...],
    config_path: Path | None,
    ledger_path: Path | None,
    sheet: str | None,
    format_name: str | None,
) -> None:
    """Remember the orders of FILE… (for the results), without making any card.

    Reading the same export again changes nothing.
    """
    settings = make_settings(read_config(config_path), ledger_path=ledger_path)
    done = record_orders(list(inputs), settings, sheet=sheet, format_name=format_name)
    click.echo(
        f"{done.orders_read} orders read ({done.rows_read} rows), "
        f"{done.new_orders} new to the ledger, "
        f"{done.orders_read - done.new_orders} already known"
    )


@click.command("results")
@click.option("--since", help="Only cards sent on or after this day, YYYY-MM-DD.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Folder for results.html and results.csv.",
)
@config_option
@ledger_option
def results_command(
    since: str | None, out_dir: Path, config_path: Path | None, ledger_path: Path | None
) -> None:
    """Did the cards bring them back? Write results.html and results.csv from the ledger."""
    config = read_config(config_path)
    settings = make_settings(config, ledger_path=ledger_path)
    if not settings.ledger_path.exists():
        raise click.UsageError(
            f"{settings.ledger_path}: no ledger yet — run `notecards batch` (or `notecards "
            "record` on your exports) first, or point --ledger at the shop's ledger."
        )
    from notecards.results.report import write_report  # matplotlib: only for this command

    found = results(settings.ledger_path, since=parse_date(since) if since else None)
    title = f"{config.shop_name}: did the cards bring them back?" if not config.is_default else ""
    html_path, csv_path = write_report(found, out_dir, title=title)
    click.echo(f"wrote {html_path}")
    click.echo(f"wrote {csv_path}")
    click.echo(
        f"{len(found.cards)} cards, {len(found.orders)} orders, figures up to "
        f"{found.as_of.isoformat()}"
    )
