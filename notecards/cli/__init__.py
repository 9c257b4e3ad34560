"""The ``notecards`` command: one module per noun (daily jobs, ledger, review, results, hand).

A command parses its options, calls one core function and prints the result; errors become
``click`` errors here and nowhere else. The command is :func:`notecards.cli.main.main`; the
installed ``notecards`` script runs :func:`run`.
"""


def run() -> None:
    """Run the ``notecards`` command (``notecards.cli.main.run``). The installed script
    imports this module, not the command's: every worker process a batch spawns imports the
    script again (0.45 s of CPU each when that imported the whole command line)."""
    from notecards.cli.main import run as run_command

    run_command()
