"""Shared fixtures: a fixed batch date, the CLI runner and small order files."""

from __future__ import annotations

import csv
import textwrap
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

TODAY = date(2026, 11, 22)
#: The tests folder (data files live in tests/data) and the repository's root.
TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent

CANONICAL = [
    "order_id",
    "order_date",
    "first_name",
    "last_name",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "birthday",
    "occasion",
    "personal_line",
    "items",
    "signer",
    "do_not_contact",
]


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def make_order(**values: str) -> dict[str, str]:
    row = {
        "order_id": "1001",
        "order_date": "2026-11-20",
        "first_name": "Ada",
        "last_name": "Whitfield",
        "email": "ada@example.com",
        "address_line1": "14 Orchard Lane",
        "address_line2": "",
        "city": "Burlington",
        "region": "VT",
        "postal_code": "05401",
        "country": "US",
        "birthday": "",
        "occasion": "",
        "personal_line": "",
        "items": "Candle",
        "signer": "",
        "do_not_contact": "",
    }
    row.update(values)
    return row


@pytest.fixture
def write_orders(tmp_path: Path):
    """Return a function writing order dicts to a CSV file and returning its path."""

    def write(rows: list[dict[str, str]], name: str = "orders.csv") -> Path:
        path = tmp_path / name
        columns = list(CANONICAL)
        for row in rows:
            columns += [key for key in row if key not in columns]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
        return path

    return write


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip()
