"""Run the command line: ``python -m notecards``."""

from .cli import main

main()
