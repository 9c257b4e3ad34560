"""Property tests for loading: CSV round trips and the row-accounting invariant."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from notecards.loading import LoadOptions, load_orders
from notecards.loading.encoding import repair_mojibake
from notecards.models import LoadResult

COLUMNS = [
    "order_id",
    "first_name",
    "last_name",
    "address_line1",
    "city",
    "postal_code",
    "personal_line",
    "Gift Message",
]

cell_text = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
        max_size=20,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: repair_mojibake(s) is None)
)  # "Â¡" is read as double-encoded "¡" on purpose
word = st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=12).filter(
    lambda s: repair_mojibake(s) is None
)  # "Âµ" too (found on main, not caused by streaming)
zip_code = st.from_regex(r"\A0[0-9]{4}\Z")


def write_csv(rows: list[dict[str, str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def load_bytes(data: bytes, options: LoadOptions) -> LoadResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.csv"
        path.write_bytes(data)
        return load_orders([path], options)


row = st.fixed_dictionaries(
    {
        "order_id": st.integers(1, 10**6).map(str),
        "first_name": word,
        "last_name": word,
        "address_line1": word.map(lambda w: f"1 {w}"),
        "city": word,
        "postal_code": zip_code,
        "personal_line": cell_text,
        "Gift Message": cell_text,
    }
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(row, min_size=1, max_size=5, unique_by=lambda r: r["order_id"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_load_orders_round_trips_text(rows: list[dict[str, str]], encoding: str) -> None:
    """Verify unicode, commas, quotes and leading-zero ZIPs survive a CSV round trip."""
    result = load_bytes(write_csv(rows, encoding), LoadOptions(smart_case=False))
    assert [o.order_id for o in result.orders] == [r["order_id"] for r in rows]
    for order, given_row in zip(result.orders, rows, strict=True):
        assert order.address.postal_code == given_row["postal_code"]
        assert (order.first_name, order.last_name) == (
            given_row["first_name"],
            given_row["last_name"],
        )
        assert order.personal_line == given_row["personal_line"]
        assert dict(order.extra)["gift_message"] == given_row["Gift Message"]


maybe = st.one_of(st.just(""), word)
messy_row = st.fixed_dictionaries(
    {
        "order_id": st.sampled_from(["", "1", "2", "3"]),
        "first_name": maybe,
        "last_name": maybe,
        "address_line1": maybe,
        "city": maybe,
        "postal_code": st.one_of(st.just(""), zip_code),
        "personal_line": cell_text,
        "Gift Message": st.just(""),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(messy_row, max_size=12))
def test_load_orders_accounts_for_every_row(rows: list[dict[str, str]]) -> None:
    """Verify every non-blank row ends in exactly one order or one reject."""
    result = load_bytes(write_csv(rows, "utf-8"), LoadOptions())
    non_blank = sum(1 for r in rows if any(v.strip() for v in r.values()))
    assert result.rows_read == non_blank
    assert sum(len(o.source.rows) for o in result.orders) + len(result.rejects) == non_blank
    ids = [o.order_id for o in result.orders if o.order_id]
    assert len(ids) == len(set(ids))
