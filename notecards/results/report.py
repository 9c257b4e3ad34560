"""Write results.html (one self-contained page, charts embedded) and results.csv."""

from __future__ import annotations

import base64
import math
from html import escape
from pathlib import Path

import pandas as pd

from notecards.output.manifest import safe_cell
from notecards.results import Results, charts
from notecards.results.analysis import ALL
from notecards.results.stats import MIN_CUSTOMERS, TOO_FEW

HTML = "results.html"
CSV = "results.csv"
QUIET_LISTED = 25

_STYLE = """
body{font:15px/1.45 Georgia,'Noto Serif',serif;color:#111;max-width:60rem;margin:2rem auto;
padding:0 1rem;background:#fff}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #999}
.meta,.how{color:#444}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%;height:auto}
.few{color:#666;font-style:italic}
"""


def write_report(result: Results, out_dir: str | Path, *, title: str = "") -> tuple[Path, Path]:
    """Write results.html and results.csv into *out_dir*; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html_path, csv_path = out / HTML, out / CSV
    html_path.write_text(render_html(result, title=title), encoding="utf-8")
    table = summary_table(result).convert_dtypes()  # whole numbers stay whole, gaps stay empty
    for column in ("table", "occasion", "variant", "group", "note"):
        if column in table:
            table[column] = table[column].map(safe_cell, na_action="ignore")
    table.to_csv(csv_path, index=False, encoding="utf-8-sig", na_rep="", float_format="%.6g")
    return html_path, csv_path


def summary_table(result: Results) -> pd.DataFrame:
    """Return the report's figures as one long table (the ``table`` column names each)."""
    parts = [
        result.returns.assign(table="ordered again"),
        result.timing.assign(table="next order"),
        result.codes.assign(table="codes redeemed"),
        result.holdout.assign(table="holdout"),
    ]
    frame = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    if frame.empty:
        return pd.DataFrame({"table": []})
    first = ["table", "occasion", "variant", "group", "window_days"]
    columns = [c for c in first if c in frame] + [c for c in frame if c not in first]
    return frame[columns]


def _pct(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value * 100:.0f} %"


def _share(row: pd.Series) -> str:
    n = int(row["customers"] if "customers" in row else row["codes"])
    if row["note"] == TOO_FEW:
        return f'<span class="few">too few to tell (n={n})</span>'
    return f"{_pct(row['share'])} ({_pct(row['low'])} to {_pct(row['high'])}), n={n}"


def _name(occasion: str, variant: str) -> str:
    if occasion == ALL:
        return "all cards"
    if variant == ALL:
        return f"{occasion}, every wording"
    return f"{occasion}: {Path(variant).stem if '/' in variant else variant}"


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def _table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i in numeric else ''}>{cell}</td>" for i, cell in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: Results, *, title: str = "") -> str:
    """Return the report as one HTML page: no scripts, no links out, charts as data URIs."""
    sections = [_overview(result), _weekly(result), _returns(result), _timing(result)]
    sections += [_codes(result), _holdout(result), _quiet(result), _how()]
    heading = escape(title or "Did the cards bring them back?")
    since = f" for cards sent since {result.since.isoformat()}" if result.since else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{heading}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1><p class=meta>Results from the ledger{since}, with orders seen up "
        f"to {result.as_of.isoformat()}.</p>" + "".join(sections) + "</body></html>\n"
    )


def _overview(result: Results) -> str:
    cards, customers = len(result.cards), result.cards["customer_key"].nunique()
    lines = [f"<p>{cards} cards went to {customers} customers; {len(result.orders)} orders seen."]
    overall = result.returns[
        (result.returns["occasion"] == ALL) & (result.returns["window_days"] == 90)
    ]
    if not overall.empty:
        lines.append(
            f" Ordered again within 90 days of their first card: {_share(overall.iloc[0])}."
        )
    return "<h2>Overview</h2>" + "".join(lines) + "</p>"


def _weekly(result: Results) -> str:
    table = result.cards_per_week
    if table.empty:
        return "<h2>Cards sent per week</h2><p>No cards recorded yet.</p>"
    totals = table.groupby("occasion")["cards"].sum()
    alt = (
        "Stacked bar chart of cards sent per week by occasion: "
        + ", ".join(f"{occasion} {int(count)} cards" for occasion, count in totals.items())
        + f", over {table['week'].nunique()} weeks."
    )
    return "<h2>Cards sent per week</h2>" + _image(charts.cards_per_week_chart(table), alt)


def _returns(result: Results) -> str:
    table = result.returns
    if table.empty:
        return ""
    rows = []
    for (occasion, variant), group in table.groupby(["occasion", "variant"], sort=False):
        by_window = {int(r["window_days"]): r for _, r in group.iterrows()}
        rows.append(
            [escape(_name(str(occasion), str(variant)))]
            + [_share(by_window[w]) for w in (30, 60, 90)]
        )
    ninety = (
        table[table["window_days"] == 90]
        .assign(
            label=[
                _name(o, v)
                for o, v in zip(
                    table[table["window_days"] == 90]["occasion"],
                    table[table["window_days"] == 90]["variant"],
                    strict=True,
                )
            ]
        )
        .dropna(subset=["share"])
    )
    chart = ""
    if not ninety.empty:
        alt = (
            "Dot plot with 95 % intervals of the share ordering again within 90 days: "
            + "; ".join(
                f"{row['label']} {_pct(row['share'])}"
                + (" (too few to tell)" if row["note"] else "")
                for _, row in ninety.iterrows()
            )
        )
        chart = _image(charts.shares_chart(ninety, "label"), alt)
    return (
        "<h2>Did they order again?</h2><p>Share of customers who ordered again within 30, 60 "
        "and 90 days of their first card in each group, with its 95 % interval and the number "
        "of customers behind it.</p>"
        + _table(["cards", "30 days", "60 days", "90 days"], rows)
        + chart
    )


def _money(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.2f}"


def _timing(result: Results) -> str:
    rows = []
    for _, r in result.timing.iterrows():
        if r["note"]:
            median = f'<span class="few">too few to tell (n={int(r["ordered_again"])})</span>'
        else:
            median = (
                f"{r['median_days']:.0f} days ({r['median_low']:.0f} to {r['median_high']:.0f})"
            )
        revenue = (
            f"{_money(r['revenue_per_customer'])} ({_money(r['revenue_low'])} to "
            f"{_money(r['revenue_high'])})"
            if r["customers"] >= MIN_CUSTOMERS
            else f'<span class="few">too few to tell (n={int(r["customers"])})</span>'
        )
        rows.append(
            [
                escape(_name(r["occasion"], r["variant"])),
                str(int(r["customers"])),
                median,
                _money(r["revenue_next_orders"]),
                revenue,
            ]
        )
    return (
        "<h2>How soon, and how much</h2><p>Median days to the next order among customers who "
        "ordered again within 90 days, and the revenue of those next orders (in total, and per "
        "carded customer, counting 0 for those who did not return), with bootstrap 95 % "
        "intervals.</p>"
        + _table(
            [
                "cards",
                "customers",
                "median days to next order",
                "next orders' revenue",
                "per carded customer",
            ],
            rows,
            {1, 3},
        )
    )


def _codes(result: Results) -> str:
    if result.codes.empty:
        return (
            "<h2>Codes redeemed</h2><p>No card carried a code yet. Add <code>code = "
            '"THANKS-{code}"</code> to an occasion to print one on each card.</p>'
        )
    rows = []
    for _, r in result.codes.iterrows():
        days = "–" if math.isnan(r["median_days"]) else f"{r['median_days']:.0f}"
        rows.append(
            [
                escape(_name(r["occasion"], r["variant"])),
                str(int(r["codes"])),
                str(int(r["redeemed"])),
                _share(r),
                days,
            ]
        )
    redeemed = result.redemptions
    alt = (
        "Step chart of the share of codes redeemed by days since the card, per occasion: "
        + "; ".join(
            f"{occasion} {int(g['redeemed_on'].notna().sum())} of {len(g)} redeemed"
            for occasion, g in redeemed.groupby("occasion", sort=True)
        )
    )
    return (
        "<h2>Codes redeemed</h2><p>A code counts as redeemed when a later order's discount "
        "code matches it (upper or lower case, spaces and hyphens ignored).</p>"
        + _table(
            ["cards", "codes printed", "redeemed", "share redeemed", "median days"], rows, {1, 2, 4}
        )
        + _image(charts.redemption_chart(redeemed), alt)
    )


def _holdout(result: Results) -> str:
    table = result.holdout
    if table.empty:
        return (
            "<h2>Comparison group</h2><p>No holdout group. With <code>[results] holdout = "
            "0.05</code> in notecards.toml, 5 % of the customers due a just-because card get "
            "none, so this report can show what the card itself changes.</p>"
        )
    rows = []
    for _, r in table.iterrows():
        share = _share(r)
        if r["group"].startswith("difference") and not r["note"]:
            share = (
                f"{r['share'] * 100:+.0f} points ({r['low'] * 100:+.0f} to {r['high'] * 100:+.0f})"
            )
        rows.append([escape(r["group"]), share])
    groups = table[~table["group"].str.startswith("difference")].dropna(subset=["share"])
    chart = ""
    if not groups.empty:
        alt = "Dot plot of the share ordering again within 90 days: " + "; ".join(
            f"{r['group']} {_pct(r['share'])}" for _, r in groups.iterrows()
        )
        chart = _image(charts.shares_chart(groups, "group"), alt)
    return (
        "<h2>Comparison group</h2><p>Customers due a just-because card, decided at random "
        "and recorded: most got the card, a few were held out. Share who ordered again "
        "within 90 days of that day; the difference is what the card changed, with its 95 % "
        "interval (Newcombe).</p>" + _table(["group", "ordered again within 90 days"], rows) + chart
    )


def _quiet(result: Results) -> str:
    table = result.quiet_customers.head(QUIET_LISTED)
    if table.empty:
        return ""

    def day(value: pd.Timestamp | None) -> str:
        return "never" if value is None or pd.isna(value) else value.date().isoformat()

    rows = [
        [
            escape(str(r["customer_key"])),
            str(int(r["orders"])),
            day(r["last_order"]),
            day(r["last_card"]),
            str(int(r["days_since_we_wrote"])),
        ]
        for _, r in table.iterrows()
    ]
    return (
        f"<h2>Not heard from us for longest</h2><p>The {len(rows)} customers the shop has "
        "not written to for longest (since their last card, or their first order if they "
        "never had one). The full list is the <code>quiet_customers</code> table of "
        "<code>notecards.results()</code>.</p>"
        + _table(
            ["customer", "orders", "last order", "last card", "days since we wrote"], rows, {1, 4}
        )
    )


def _how() -> str:
    return (
        "<h2>How to read this</h2><p class=how>Each customer counts once per group, from their "
        "first card in it; their next order is the first one seen after that day. A window only "
        f"counts customers whose card is that old. Below {MIN_CUSTOMERS} customers a figure "
        "says “too few to tell”. Intervals are 95 %: Wilson for shares, a seeded bootstrap for "
        "medians and revenue. Customers who got a card may differ from those who did not for "
        "other reasons; only the comparison group shows what the card itself does.</p>"
    )
