"""``notecards hand``: print a handwriting sample sheet, and learn a hand from it."""

from __future__ import annotations

from pathlib import Path

import click

from notecards.cli.options import NotecardsGroup, config_option
from notecards.config import CONFIG_NAME


@click.group(cls=NotecardsGroup)
def hand() -> None:
    """Write cards in your own handwriting, learned from one filled-in page."""


@hand.command("sheet")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("handwriting-sheet.pdf"),
    show_default=True,
    help="PDF to write.",
)
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter", show_default=True)
@click.option(
    "--signature/--no-signature",
    default=True,
    show_default=True,
    help="Add page 2, a box to sign in (it becomes the signer's signature).",
)
def sheet(out_path: Path, paper: str, signature: bool) -> None:
    """Write the sample sheet to print and fill in by hand."""
    from notecards.drawing.hand_sheet import draw_hand_sheet
    from notecards.layout.hand_sheet import sheet_layout

    pages = draw_hand_sheet(out_path, sheet_layout(paper, signature=signature))
    click.echo(f"wrote {out_path} ({pages} page{'s' if pages > 1 else ''}, {paper})")
    click.echo(
        "Print it at 100 %, fill every box in your usual pen, then scan or photograph it and "
        "run: notecards hand learn SCAN --name YOURNAME"
    )


@hand.command("learn")
@click.argument("scans", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="Name of the new hand style, e.g. maya.")
@click.option(
    "--signer",
    default="",
    help="Signer whose signature page 2 becomes (default: the --name).",
)
@click.option(
    "--base",
    default="casual",
    show_default=True,
    help="Bundled hand that writes any character the sheet does not teach, and whose pen "
    "movement the learned hand shares.",
)
@config_option
def learn(
    scans: tuple[Path, ...], name: str, signer: str, base: str, config_path: Path | None
) -> None:
    """Learn a hand from SCANS: photos or scans (PNG, JPEG or PDF) of a filled-in sheet."""
    from notecards.learned.learn import learn_hand

    report = learn_hand(
        list(scans), name, config_path or Path.cwd() / CONFIG_NAME, signer=signer, base=base
    )
    click.echo(f"wrote {report.font_path} ({len(report.learned)} characters and pairs learned)")
    if report.signature_path:
        click.echo(f"wrote {report.signature_path}")
    for note in report.config_notes:
        click.echo(note)
    for problem in report.problems:
        click.echo(f"Warning: {problem}", err=True)
