"""The ledger's commands: the suppression list, the batches, voiding a batch."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from notecards.cli.options import NotecardsGroup, config_option, ledger_option, read_config
from notecards.cli.safety import settle
from notecards.ledger import open_ledger
from notecards.models import customer_key
from notecards.planning.batch import make_settings
from notecards.wording import plural


@click.group(cls=NotecardsGroup)
def suppress() -> None:
    """Manage the list of people who asked not to be contacted."""


@suppress.command("add")
@click.option("--email", default="", help="E-mail address of the person.")
@click.option("--name", default="", help="Full name (used with --postal-code when no e-mail).")
@click.option("--postal-code", default="", help="Postal code, with --name.")
@click.option("--reason", default="asked not to be contacted", help="Why, for the record.")
@config_option
@ledger_option
def suppress_add(
    email: str,
    name: str,
    postal_code: str,
    reason: str,
    config_path: Path | None,
    ledger_path: Path | None,
) -> None:
    """Exclude a person from every future card."""
    if not email and not (name and postal_code):
        raise click.UsageError("Give --email, or --name with --postal-code.")
    settings = make_settings(read_config(config_path), ledger_path=ledger_path)
    settle(settings.ledger_path)
    key = customer_key(email, name, postal_code)
    with open_ledger(settings.ledger_path) as ledger:
        ledger.suppress(
            key, email or name, reason, datetime.now(timezone.utc).isoformat(timespec="seconds")
        )
    click.echo(f"suppressed {key}")


@suppress.command("remove")
@click.option("--email", default="")
@click.option("--name", default="")
@click.option("--postal-code", default="")
@config_option
@ledger_option
def suppress_remove(
    email: str, name: str, postal_code: str, config_path: Path | None, ledger_path: Path | None
) -> None:
    """Take a person off the suppression list."""
    settings = make_settings(read_config(config_path), ledger_path=ledger_path)
    settle(settings.ledger_path)
    key = customer_key(email, name, postal_code)
    with open_ledger(settings.ledger_path) as ledger:
        removed = ledger.unsuppress(key)
    click.echo(f"{'removed' if removed else 'was not suppressed:'} {key}")


@suppress.command("list")
@config_option
@ledger_option
def suppress_list(config_path: Path | None, ledger_path: Path | None) -> None:
    """List everyone on the suppression list."""
    settings = make_settings(read_config(config_path), ledger_path=ledger_path)
    settle(settings.ledger_path)
    with open_ledger(settings.ledger_path) as ledger:
        entries = ledger.suppressions()
    for key, (label, reason, added) in entries.items():
        click.echo(f"{key}\t{label}\t{reason}\t{added}")
    click.echo(f"{len(entries)} suppressed")


@click.command()
@config_option
@ledger_option
def batches(config_path: Path | None, ledger_path: Path | None) -> None:
    """List the batches in the ledger."""
    settings = make_settings(read_config(config_path), ledger_path=ledger_path)
    settle(settings.ledger_path)
    with open_ledger(settings.ledger_path) as ledger:
        for record in ledger.batches():
            state = f"voided {record.voided_at}" if record.voided_at else "issued"
            if record.pending:
                state = "pending (a batch is running, or the next command resolves it)"
            click.echo(
                f"{record.batch_id}\t{plural(record.cards, 'card')}\t{state}\t{record.out_dir}"
            )


@click.command()
@click.argument("batch_id")
@config_option
@ledger_option
def void(batch_id: str, config_path: Path | None, ledger_path: Path | None) -> None:
    """Void a batch so its cards are issued again by the next run."""
    settings = make_settings(read_config(config_path), ledger_path=ledger_path)
    settle(settings.ledger_path)
    with open_ledger(settings.ledger_path) as ledger:
        count = ledger.void_batch(
            batch_id, datetime.now(timezone.utc).isoformat(timespec="seconds")
        )
    click.echo(f"voided {batch_id}: its {plural(count, 'card')} will be issued again")
