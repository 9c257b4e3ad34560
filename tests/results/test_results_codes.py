"""Codes on cards: unique, unambiguous, printed and in the QR link, found back in later orders."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner

import notecards
from notecards.cli.main import main
from notecards.errors import ConfigError
from notecards.ledger import open_ledger
from notecards.loading import LoadOptions, load_orders
from notecards.planning.codes import ALPHABET, CodeSource, read_codes_file
from tests.conftest import TESTS_DIR, dedent, make_order

SHOPIFY_HEADER = (
    (TESTS_DIR / "data" / "loading" / "headers" / "shopify-orders.csv")
    .read_text(encoding="utf-8")
    .splitlines()[0]
    .split(",")
)

PEOPLE = [
    ("Ada Whitfield", "ada@example.com", "14 Orchard Lane", "Burlington", "05401", "VT"),
    ("Ben Okafor", "ben@example.com", "9 Elm Street", "Portland", "04101", "ME"),
    ("Cleo Marsh", "cleo@example.com", "3 Birch Road", "Salem", "01970", "MA"),
]


def shopify_export(path: Path, orders: list[tuple[str, int, str, str, str]]) -> Path:
    """Write a Shopify orders export: (order name, person index, created at, total, code)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHOPIFY_HEADER)
        writer.writeheader()
        for name, person, created, total, code in orders:
            full, email, street, city, zip_code, province = PEOPLE[person]
            writer.writerow(
                {
                    "Name": name,
                    "Email": email,
                    "Financial Status": "paid",
                    "Total": total,
                    "Discount Code": code,
                    "Created at": f"{created} 10:15:00 -0500",
                    "Lineitem quantity": "1",
                    "Lineitem name": "Beeswax candle",
                    "Billing Name": full,
                    "Billing Address1": street,
                    "Billing City": city,
                    "Billing Zip": zip_code,
                    "Billing Province": province,
                    "Billing Country": "US",
                    "Shipping Name": full,
                    "Shipping Address1": street,
                    "Shipping City": city,
                    "Shipping Zip": zip_code,
                    "Shipping Province": province,
                    "Shipping Country": "US",
                }
            )
    return path


def shop(tmp_path: Path, occasion_lines: str) -> Path:
    config = tmp_path / "notecards.toml"
    config.write_text(
        dedent(
            f"""
            [shop]
            name = "Juniper & Pine"
            return_address = ["12 Mill Street", "Portland, ME 04101"]
            [cards]
            qr_url = "https://shop.example/back?c={{code}}"
            [ledger]
            path = "ledger.sqlite"
            [occasions.thank-you]
            {occasion_lines}
            """
        ),
        encoding="utf-8",
    )
    return config


def run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def manifest_codes(folder: Path) -> list[str]:
    with (folder / "manifest.csv").open(encoding="utf-8-sig") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_generated_codes_are_unique_and_unambiguous_across_100000_cards() -> None:
    source = CodeSource(())
    codes = [source.code_for(f"card-{i}", "THANKS-{code}", None) for i in range(100_000)]
    assert len(set(codes)) == len(codes)
    bodies = [code.removeprefix("THANKS-") for code in codes]
    assert all(len(body) == 8 and set(body) <= set(ALPHABET) for body in bodies)
    assert not set("".join(bodies)) & set("0O1IlL")
    # Every character of the alphabet is used about equally (secrets, not a pattern).
    counts = pd.Series(list("".join(bodies))).value_counts()
    assert len(counts) == len(ALPHABET) and counts.max() / counts.min() < 1.1


def test_shopify_and_woocommerce_totals_and_discount_codes_are_read(tmp_path: Path) -> None:
    path = shopify_export(
        tmp_path / "shopify.csv", [("#1001", 0, "2026-11-20", "$1,234.50", "thanks 7kq4 m9px")]
    )
    order = load_orders([path], LoadOptions()).orders[0]
    assert (order.total, order.discount_code) == ("$1,234.50", "thanks 7kq4 m9px")
    woo = tmp_path / "woo.csv"
    woo.write_text(
        '"Order Number","Order Date","First Name (Billing)","Last Name (Billing)",'
        '"Email (Billing)","Address 1&2 (Billing)","City (Billing)","Postcode (Billing)",'
        '"Country Code (Billing)","Coupon Code","Order Total Amount"\n'
        '"77","2026-11-20","Ada","Whitfield","ada@example.com","14 Orchard Lane",'
        '"Burlington","05401","US","Thanks-ABCD2345","48.00"\n',
        encoding="utf-8",
    )
    order = load_orders([woo], LoadOptions()).orders[0]
    assert (order.total, order.discount_code) == ("48.00", "Thanks-ABCD2345")


def test_codes_are_printed_in_the_qr_link_and_found_back_in_later_orders(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = shop(tmp_path, 'code = "THANKS-{code}"')
    first = shopify_export(
        tmp_path / "week1.csv",
        [("#1001", 0, "2026-11-02", "40.00", ""), ("#1002", 1, "2026-11-03", "55.00", "")],
    )
    run(
        runner,
        "batch",
        str(first),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
    )
    codes = manifest_codes(tmp_path / "b1")
    assert len(codes) == 2 and all(c.startswith("THANKS-") for c in codes)
    pdf = pdfium.PdfDocument(tmp_path / "b1" / "cards.pdf")
    for index, code in enumerate(codes):
        inside = pdf[2 * index + 1]
        assert f"Your code for next time: {code}" in inside.get_textpage().get_text_range()
        found = zxingcpp.read_barcodes(inside.render(scale=3).to_pil())
        assert [r.text for r in found] == [f"https://shop.example/back?c={code}"]
    pdf.close()
    # Both come back, typing the code in lower case, with spaces instead of the hyphen.
    typed = [code.lower().replace("-", " ") for code in codes]
    later = shopify_export(
        tmp_path / "week3.csv",
        [
            ("#1001", 0, "2026-11-02", "40.00", ""),
            ("#1010", 0, "2026-11-19", "62.50", f" {typed[0]} "),
            ("#1011", 1, "2026-11-20", "30.00", typed[1].replace(" ", "  ")),
            ("#1012", 2, "2026-11-20", "18.00", "WELCOME10"),
        ],
    )
    assert "4 orders read" in run(runner, "record", str(later), "--config", str(config))
    found = notecards.results(tmp_path / "ledger.sqlite")
    redeemed = found.redemptions.set_index("code")
    assert list(redeemed.loc[codes, "redeemed_by_order"]) == ["#1010", "#1011"]
    assert list(redeemed.loc[codes, "days_to_redeem"]) == [14, 15]
    assert found.orders.set_index("order_id").loc["#1010", "total"] == 62.5


def test_reading_the_same_exports_again_changes_no_figure(
    tmp_path: Path, runner: CliRunner
) -> None:
    config = shop(tmp_path, 'code = "THANKS-{code}"')
    week1 = shopify_export(
        tmp_path / "week1.csv",
        [("#1001", 0, "2026-11-02", "40.00", ""), ("#1002", 1, "2026-11-03", "55.00", "")],
    )
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
    )
    code = manifest_codes(tmp_path / "b1")[0]
    week2 = shopify_export(
        tmp_path / "week2.csv", [("#1010", 0, "2026-11-19", "62.50", code.lower())]
    )
    run(runner, "record", str(week2), "--config", str(config))
    run(runner, "results", "--config", str(config), "--out", str(tmp_path / "r1"))
    before = notecards.results(tmp_path / "ledger.sqlite")
    # The same exports again: recorded again, and the first batch run again.
    assert "0 new to the ledger, 1 already known" in run(
        runner, "record", str(week2), "--config", str(config)
    )
    run(runner, "record", str(week1), str(week2), "--config", str(config))
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
    )
    run(runner, "results", "--config", str(config), "--out", str(tmp_path / "r2"))
    after = notecards.results(tmp_path / "ledger.sqlite")
    for name, table in before.tables().items():
        pd.testing.assert_frame_equal(table, after.tables()[name], check_dtype=False, obj=name)
    assert (tmp_path / "r1" / "results.csv").read_bytes() == (
        tmp_path / "r2" / "results.csv"
    ).read_bytes()


def test_codes_from_a_file_are_used_once_across_batches_then_a_clear_error(
    tmp_path: Path, runner: CliRunner
) -> None:
    (tmp_path / "codes.csv").write_text("Code\nFERN-A1\nFERN-B2\nFERN-C3\n", encoding="utf-8")
    config = shop(tmp_path, 'codes = "codes.csv"')
    week1 = shopify_export(
        tmp_path / "week1.csv",
        [("#1001", 0, "2026-11-02", "40.00", ""), ("#1002", 1, "2026-11-03", "55.00", "")],
    )
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
    )
    assert manifest_codes(tmp_path / "b1") == ["FERN-A1", "FERN-B2"]
    week2 = shopify_export(
        tmp_path / "week2.csv",
        [("#1003", 2, "2026-11-09", "12.00", ""), ("#1004", 0, "2026-11-10", "9.00", "")],
    )
    result = runner.invoke(
        main,
        [
            "batch",
            str(week2),
            "--config",
            str(config),
            "--out",
            str(tmp_path / "b2"),
            "--date",
            "2026-11-12",
            "--quiet",
        ],
    )
    assert result.exit_code != 0
    assert f"{tmp_path / 'codes.csv'}:5:1: all 3 codes in this file are used" in result.output
    assert "add them to the file" in result.output
    run(
        runner,
        "batch",
        str(week2),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b2"),
        "--date",
        "2026-11-12",
        "--quiet",
        "--limit",
        "1",
    )
    assert manifest_codes(tmp_path / "b2") == ["FERN-C3"]
    with open_ledger(tmp_path / "ledger.sqlite") as ledger:
        stored = dict(ledger.connection.execute("SELECT card_key, code FROM card_codes"))
    assert sorted(stored.values()) == ["FERN-A1", "FERN-B2", "FERN-C3"]


def test_a_reprint_keeps_its_code(tmp_path: Path, runner: CliRunner) -> None:
    config = shop(tmp_path, 'code = "THANKS-{code}"')
    week1 = shopify_export(tmp_path / "week1.csv", [("#1001", 0, "2026-11-02", "40.00", "")])
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
    )
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b2"),
        "--date",
        "2026-11-06",
        "--quiet",
        "--reprint",
        "#1001",
    )
    assert manifest_codes(tmp_path / "b2") == manifest_codes(tmp_path / "b1")


def test_a_codes_file_without_codes_and_a_bad_pattern_are_explained(tmp_path: Path) -> None:
    empty = tmp_path / "codes.csv"
    empty.write_text("Code\n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"codes.csv:1:1: the codes file holds no codes — "):
        read_codes_file(empty)
    from notecards.planning.codes import check_pattern

    with pytest.raises(ConfigError, match=r"must contain \{code\} exactly once"):
        check_pattern("THANKS-{order_id}", "notecards.toml [occasions.thank-you]")


def test_every_batch_remembers_the_orders_it_read(tmp_path: Path, runner: CliRunner) -> None:
    config = shop(tmp_path, "")
    week1 = shopify_export(
        tmp_path / "week1.csv",
        [("#1001", 0, "2026-11-02", "40.00", ""), ("#1002", 1, "2026-11-03", "55.00", "SPRING")],
    )
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
    )
    orders = notecards.results(tmp_path / "ledger.sqlite").orders.set_index("order_id")
    assert list(orders.index) == ["#1001", "#1002"]
    assert list(orders["customer_key"]) == ["email:ada@example.com", "email:ben@example.com"]
    assert list(orders["order_date"].dt.date) == [date(2026, 11, 2), date(2026, 11, 3)]
    assert list(orders["total"]) == [40.0, 55.0]
    assert list(orders["discount_code"]) == ["", "SPRING"]


def test_a_streamed_batch_keeps_its_codes_and_orders_too(tmp_path: Path, runner: CliRunner) -> None:
    config = shop(tmp_path, 'code = "THANKS-{code}"')
    week1 = shopify_export(
        tmp_path / "week1.csv",
        [("#1001", 0, "2026-11-02", "40.00", ""), ("#1002", 1, "2026-11-03", "55.00", "")],
    )
    run(
        runner,
        "batch",
        str(week1),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b1"),
        "--date",
        "2026-11-05",
        "--quiet",
        "--split",
        "1",
    )
    codes = manifest_codes(tmp_path / "b1")
    assert len(set(codes)) == 2 and all(c.startswith("THANKS-") for c in codes)
    found = notecards.results(tmp_path / "ledger.sqlite")
    assert sorted(found.cards["code"]) == sorted(codes)
    assert sorted(found.orders["order_id"]) == ["#1001", "#1002"]


def test_an_empty_ledger_gives_an_empty_report(tmp_path: Path, runner: CliRunner) -> None:
    with open_ledger(tmp_path / "ledger.sqlite"):
        pass
    result = runner.invoke(
        main, ["results", "--ledger", str(tmp_path / "ledger.sqlite"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "results.html").read_text(encoding="utf-8")
    assert "No cards recorded yet." in page and "<img" not in page
    missing = runner.invoke(main, ["results", "--ledger", str(tmp_path / "none.sqlite")])
    assert missing.exit_code != 0 and "no ledger yet" in missing.output


@pytest.mark.parametrize("card_format", ["a2-folded", "a2-flat", "postcard-4x6"])
def test_the_code_line_keeps_clear_of_the_writing_even_on_a_full_card(
    tmp_path: Path, runner: CliRunner, write_orders, card_format: str
) -> None:
    long_line = "We packed it with extra care and a sprig of lavender from the garden. " * 2
    orders = write_orders([make_order(personal_line=long_line.strip())])
    config = shop(tmp_path, 'code = "THANKS-{code}"')
    run(
        runner,
        "batch",
        str(orders),
        "--config",
        str(config),
        "--out",
        str(tmp_path / "b"),
        "--date",
        "2026-11-22",
        "--quiet",
        "--card-format",
        card_format,
    )
    code = manifest_codes(tmp_path / "b")[0]
    with pdfplumber.open(tmp_path / "b" / "cards.pdf") as pdf:
        page_index = next(i for i, p in enumerate(pdf.pages) if code in (p.extract_text() or ""))
        page = pdf.pages[page_index]
        line = [c for c in page.chars if round(c["size"], 1) == 7.5]
        assert "".join(c["text"] for c in line) == f"Your code for next time: {code}"
        x0, x1 = min(c["x0"] for c in line), max(c["x1"] for c in line)
        top, bottom = min(c["top"] for c in line), max(c["bottom"] for c in line)
        height = float(page.height)
    scale = 3
    image = pdfium.PdfDocument(tmp_path / "b" / "cards.pdf")[page_index].render(scale=scale)
    pixels = image.to_pil().convert("L").load()
    # A ring 4 pt wide around the code line (its own glyphs get 1 pt) holds no ink: nothing
    # written runs into it.
    x0, x1, top, bottom = x0 - 1, x1 + 1, top - 1, bottom + 1
    ring = 4
    dark = [
        (x, y)
        for x in range(int((x0 - ring) * scale), int((x1 + ring) * scale))
        for y in range(int((top - ring) * scale), int((bottom + ring) * scale))
        if not (x0 * scale <= x <= x1 * scale and top * scale <= y <= bottom * scale)
        and pixels[x, y] < 200
    ]
    assert dark == [], f"ink near the code line at {dark[:5]} (page height {height})"
