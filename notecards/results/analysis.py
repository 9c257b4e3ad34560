"""The figures of the results report, computed from the ledger's tables with pandas.

Every figure is per customer: a customer's first card in a group (all cards, an occasion, or
one wording variant) is when the clock starts, and their next order is the first order seen
after the day that card went out. A window (30, 60, 90 days) only counts customers whose card
is at least that old by the last day the ledger knows about, so recent cards never look like
customers who did not come back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from notecards.results.stats import (
    MIN_CUSTOMERS,
    TOO_FEW,
    bootstrap,
    mean_rows,
    median_rows,
    newcombe,
    wilson,
)

WINDOWS = (30, 60, 90)
ALL = "(all)"


@dataclass(frozen=True, slots=True)
class Inputs:
    """The ledger's tables as DataFrames, dates parsed."""

    cards: pd.DataFrame
    orders: pd.DataFrame
    holdout: pd.DataFrame
    as_of: date


def prepare(
    cards: pd.DataFrame,
    orders: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    since: date | None = None,
    as_of: date | None = None,
) -> Inputs:
    """Return the tables with dates parsed, cards from *since* on, and the day results end."""
    cards = cards.assign(sent_on=pd.to_datetime(cards["sent_on"]))
    orders = orders.assign(order_date=pd.to_datetime(orders["order_date"]))
    orders = orders.dropna(subset=["order_date"])
    holdout = holdout.assign(decided_on=pd.to_datetime(holdout["decided_on"]))
    if since is not None:
        start = pd.Timestamp(since)
        cards = cards[cards["sent_on"] >= start]
        holdout = holdout[holdout["decided_on"] >= start]
    if as_of is None:
        known = [d for d in (orders["order_date"].max(), cards["sent_on"].max()) if pd.notna(d)]
        as_of = max(known).date() if known else date.today()
    return Inputs(cards.reset_index(drop=True), orders.reset_index(drop=True), holdout, as_of)


def cards_per_week(inputs: Inputs) -> pd.DataFrame:
    """Return cards sent per week (weeks start on Monday) and occasion."""
    cards = inputs.cards
    if cards.empty:
        return pd.DataFrame({"week": [], "occasion": [], "cards": []})
    week = (cards["sent_on"] - pd.to_timedelta(cards["sent_on"].dt.day_of_week, unit="D")).dt.date
    table = (
        cards.assign(week=week)
        .groupby(["week", "occasion"], as_index=False)
        .size()
        .rename(columns={"size": "cards"})
    )
    return table.sort_values(["week", "occasion"]).reset_index(drop=True)


def next_orders(anchors: pd.DataFrame, orders: pd.DataFrame, start: str) -> pd.DataFrame:
    """Return *anchors* (customer_key, *start*) with the next order after each start.

    Adds ``next_date``, ``next_total`` and ``days`` (NaN/NaT when no order followed).
    """
    if anchors.empty:
        empty = pd.Series(pd.NaT, index=anchors.index, dtype="datetime64[ns]")
        return anchors.assign(next_date=empty, next_total=np.nan, days=np.nan)
    later = anchors[["customer_key", start]].merge(
        orders[["customer_key", "order_date", "total"]], on="customer_key", how="inner"
    )
    later = later[later["order_date"] > later[start]]
    first = (
        later.sort_values(["order_date", "total"], kind="stable")
        .drop_duplicates(["customer_key", start])
        .rename(columns={"order_date": "next_date", "total": "next_total"})
    )
    merged = anchors.merge(first, on=["customer_key", start], how="left")
    merged["days"] = (merged["next_date"] - merged[start]).dt.days
    return merged


def _groups(cards: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Return (occasion, variant, cards) for all cards, each occasion, each variant."""
    groups = [(ALL, ALL, cards)]
    for occasion, of_occasion in cards.groupby("occasion", sort=True):
        groups.append((str(occasion), ALL, of_occasion))
        for variant, of_variant in of_occasion.groupby("variant", sort=True):
            groups.append((str(occasion), str(variant), of_variant))
    return groups


def _first_cards(cards: pd.DataFrame) -> pd.DataFrame:
    """Return each customer's first card of *cards* (the day their clock starts)."""
    return (
        cards.sort_values("sent_on")
        .groupby("customer_key", as_index=False)
        .first()[["customer_key", "sent_on"]]
    )


def returns(inputs: Inputs) -> pd.DataFrame:
    """Return, per group and window, the share of carded customers who ordered again."""
    rows = []
    as_of = pd.Timestamp(inputs.as_of)
    for occasion, variant, cards in _groups(inputs.cards):
        followed = next_orders(_first_cards(cards), inputs.orders, "sent_on")
        for window in WINDOWS:
            eligible = followed[followed["sent_on"] + pd.Timedelta(days=window) <= as_of]
            n = len(eligible)
            back = int((eligible["days"] <= window).sum())
            low, high = wilson(back, n)
            rows.append(
                {
                    "occasion": occasion,
                    "variant": variant,
                    "window_days": window,
                    "customers": n,
                    "ordered_again": back,
                    "share": back / n if n else math.nan,
                    "low": low,
                    "high": high,
                    "note": TOO_FEW if n < MIN_CUSTOMERS else "",
                }
            )
    return pd.DataFrame(rows)


def timing(inputs: Inputs, window: int = 90) -> pd.DataFrame:
    """Return per group the median days to the next order and the revenue of next orders.

    The median is over customers who ordered again within *window* days; revenue is the
    total of those next orders, and per carded customer (0 for those who did not return).
    """
    rows = []
    as_of = pd.Timestamp(inputs.as_of)
    for occasion, variant, cards in _groups(inputs.cards):
        followed = next_orders(_first_cards(cards), inputs.orders, "sent_on")
        eligible = followed[followed["sent_on"] + pd.Timedelta(days=window) <= as_of]
        back = eligible[eligible["days"] <= window]
        median, m_low, m_high = bootstrap(back["days"].to_numpy(), median_rows)
        per_customer = np.where(eligible["days"] <= window, eligible["next_total"].fillna(0.0), 0.0)
        has_totals = bool(back["next_total"].notna().any())
        if has_totals:
            mean, r_low, r_high = bootstrap(per_customer, mean_rows)
        else:
            mean = r_low = r_high = math.nan
        rows.append(
            {
                "occasion": occasion,
                "variant": variant,
                "customers": len(eligible),
                "ordered_again": len(back),
                "median_days": median,
                "median_low": m_low,
                "median_high": m_high,
                "revenue_next_orders": float(back["next_total"].sum()) if has_totals else math.nan,
                "revenue_per_customer": mean,
                "revenue_low": r_low,
                "revenue_high": r_high,
                "note": TOO_FEW if len(back) < MIN_CUSTOMERS else "",
            }
        )
    return pd.DataFrame(rows)


def redemptions(inputs: Inputs) -> pd.DataFrame:
    """Return each carded code with the first order that used it (case/space-insensitive)."""
    coded = inputs.cards[inputs.cards["code_key"] != ""]
    used = inputs.orders[inputs.orders["discount_key"] != ""]
    used = used.rename(columns={"order_date": "redeemed_on", "order_id": "redeemed_by_order"})
    matched = coded[["card_key", "code_key", "sent_on"]].merge(
        used[["discount_key", "redeemed_on", "redeemed_by_order"]],
        left_on="code_key",
        right_on="discount_key",
        how="inner",
    )
    matched = matched[matched["redeemed_on"] >= matched["sent_on"]]
    first = matched.sort_values(["redeemed_on", "redeemed_by_order"]).drop_duplicates("card_key")
    table = coded.merge(
        first[["card_key", "redeemed_on", "redeemed_by_order"]], on="card_key", how="left"
    )
    table["days_to_redeem"] = (table["redeemed_on"] - table["sent_on"]).dt.days
    return table[
        [
            "card_key",
            "customer_key",
            "occasion",
            "variant",
            "sent_on",
            "code",
            "redeemed_on",
            "redeemed_by_order",
            "days_to_redeem",
        ]
    ].reset_index(drop=True)


def codes_summary(redeemed: pd.DataFrame) -> pd.DataFrame:
    """Return per group how many codes went out, how many came back, and how fast."""
    rows = []
    if redeemed.empty:
        return pd.DataFrame(
            columns=[
                "occasion",
                "variant",
                "codes",
                "redeemed",
                "share",
                "low",
                "high",
                "median_days",
                "note",
            ]
        )
    for occasion, variant, group in _groups(redeemed):
        n = len(group)
        back = int(group["redeemed_on"].notna().sum())
        low, high = wilson(back, n)
        days = group["days_to_redeem"].dropna()
        rows.append(
            {
                "occasion": occasion,
                "variant": variant,
                "codes": n,
                "redeemed": back,
                "share": back / n if n else math.nan,
                "low": low,
                "high": high,
                "median_days": float(days.median()) if len(days) else math.nan,
                "note": TOO_FEW if n < MIN_CUSTOMERS else "",
            }
        )
    return pd.DataFrame(rows)


def holdout_comparison(inputs: Inputs, window: int = 90) -> pd.DataFrame:
    """Return the share ordering again in *window* days: carded vs held out, and the difference.

    Both groups start their clock on the day they were decided (the day the card went out, or
    would have), and only customers decided at least *window* days before the end count.
    """
    decided = inputs.holdout
    if decided.empty:
        return pd.DataFrame(
            columns=["group", "customers", "ordered_again", "share", "low", "high", "note"]
        )
    followed = next_orders(
        decided[["customer_key", "decided_on", "held"]], inputs.orders, "decided_on"
    )
    followed = followed[
        followed["decided_on"] + pd.Timedelta(days=window) <= pd.Timestamp(inputs.as_of)
    ]
    counts = {}
    rows = []
    for held, label in ((0, "got the card"), (1, "held out (no card)")):
        group = followed[followed["held"] == held]
        n, back = len(group), int((group["days"] <= window).sum())
        counts[held] = (back, n)
        low, high = wilson(back, n)
        rows.append(
            {
                "group": label,
                "customers": n,
                "ordered_again": back,
                "share": back / n if n else math.nan,
                "low": low,
                "high": high,
                "note": TOO_FEW if n < MIN_CUSTOMERS else "",
            }
        )
    diff, low, high = newcombe(*counts[0], *counts[1])
    small = min(counts[0][1], counts[1][1]) < MIN_CUSTOMERS
    rows.append(
        {
            "group": "difference (card − no card)",
            "customers": counts[0][1] + counts[1][1],
            "ordered_again": counts[0][0] + counts[1][0],
            "share": diff,
            "low": low,
            "high": high,
            "note": TOO_FEW if small else "",
        }
    )
    return pd.DataFrame(rows)


def quiet_customers(inputs: Inputs) -> pd.DataFrame:
    """Return every customer with their last order and last card, longest unheard-from first.

    "Days since we wrote" counts from the last card, or from the first order for a customer
    who never got one.
    """
    orders, cards = inputs.orders, inputs.cards
    if orders.empty and cards.empty:
        return pd.DataFrame(
            columns=["customer_key", "orders", "last_order", "last_card", "days_since_we_wrote"]
        )
    per_order = orders.groupby("customer_key").agg(
        orders=("order_id", "count"),
        first_order=("order_date", "min"),
        last_order=("order_date", "max"),
    )
    per_card = cards.groupby("customer_key").agg(last_card=("sent_on", "max"))
    table = per_order.join(per_card, how="outer").reset_index()
    table["orders"] = table["orders"].fillna(0).astype(int)
    since = table["last_card"].fillna(table["first_order"])
    table["days_since_we_wrote"] = (pd.Timestamp(inputs.as_of) - since).dt.days
    table = table.sort_values(
        ["days_since_we_wrote", "customer_key"], ascending=[False, True]
    ).reset_index(drop=True)
    return table[["customer_key", "orders", "last_order", "last_card", "days_since_we_wrote"]]
