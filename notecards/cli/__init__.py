"""The ``notecards`` command: one module per noun (daily jobs, ledger, review, results, hand).

A command parses its options, calls one core function and prints the result; errors become
``click`` errors here and nowhere else. The entry point is :func:`notecards.cli.main.main`.
"""
