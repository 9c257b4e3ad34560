"""Codes on cards: a unique, unguessable, easy-to-type code per card, or codes from a file.

An occasion asks for codes with ``code = "THANKS-{code}"`` (a generated code fills
``{code}``) or ``codes = "codes.csv"`` (codes the shop exported from its store's discount
settings, taken in order, each used once). Codes are stored in the ledger with their card, so a
reprint keeps its code and a code from a file is never used twice, across batches too.
"""

from __future__ import annotations

import csv
import secrets
import string
from collections.abc import Iterable
from pathlib import Path

from notecards.errors import ConfigError
from notecards.ledger.outcomes import normalise_code

#: Letters and digits that cannot be mistaken for one another: no 0/O, 1/I/L (nor l).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_HEADERS = {"code", "codes", "discount code", "coupon", "coupon code", "name"}


def new_code(length: int = CODE_LENGTH) -> str:
    """Return a random code from :data:`ALPHABET` (31**8 ≈ 8.5e11 possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def check_pattern(pattern: str, source: str) -> None:
    """Check that *pattern* names ``{code}`` and nothing else.

    Raises:
        ConfigError: the pattern lacks ``{code}`` or names another field.
    """
    names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    if names != ["code"]:
        raise ConfigError(
            f'{source}: code = "{pattern}" must contain {{code}} exactly once and no other '
            '{field} — write it like code = "THANKS-{code}".'
        )


def read_codes_file(path: Path) -> list[str]:
    """Return the codes of a CSV or text file: the first column, header and blanks skipped.

    Raises:
        ConfigError: the file cannot be read or holds no codes.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(
            f"{path}: cannot read the codes file ({err}) — export the codes from your store's "
            "discount settings as CSV and point codes = at it."
        ) from err
    codes = [row[0].strip() for row in rows if row and row[0].strip()]
    if codes and codes[0].lower() in _HEADERS:
        codes = codes[1:]
    if not codes:
        raise ConfigError(
            f"{path}:1:1: the codes file holds no codes — put one code per line in its first "
            "column."
        )
    return codes


class CodeSource:
    """Hands out codes for one batch, never one the ledger (or this batch) already used.

    *used* is the set of normalised codes already on cards; *reprints* maps the card key of a
    card being reprinted to the code it was first printed with.
    """

    def __init__(self, used: Iterable[str], reprints: dict[str, str] | None = None) -> None:
        self.used = set(used)
        self.reprints = dict(reprints or {})
        self._files: dict[Path, tuple[list[str], int]] = {}

    def code_for(self, card_key: str, pattern: str, codes_file: Path | None) -> str:
        """Return the code of the card *card_key* ("" when its occasion has no codes).

        Raises:
            ConfigError: the codes file ran out (every code in it is already used).
        """
        if card_key in self.reprints:
            return self.reprints[card_key]
        if codes_file is not None:
            code = self._from_file(codes_file)
        elif pattern:
            code = self._generated(pattern)
        else:
            return ""
        self.used.add(normalise_code(code))
        return code

    def _generated(self, pattern: str) -> str:
        while True:  # a repeat is astronomically rare; it is still never handed out
            code = pattern.format(code=new_code())
            if normalise_code(code) not in self.used:
                return code

    def _from_file(self, path: Path) -> str:
        if path not in self._files:
            self._files[path] = (read_codes_file(path), 0)
        codes, position = self._files[path]
        while position < len(codes):
            code = codes[position]
            position += 1
            if normalise_code(code) not in self.used:
                self._files[path] = (codes, position)
                return code
        self._files[path] = (codes, position)
        lines = len(path.read_text(encoding="utf-8-sig").splitlines())  # the next line is new
        raise ConfigError(
            f"{path}:{lines + 1}:1: all {len(codes)} codes in this file are used (each "
            "code goes on one card only, across batches) — create more codes in your store's "
            "discount settings, add them to the file, and run the batch again."
        )
