"""Run the command line: ``python -m notecards``."""

from notecards.cli.main import run

run()
