"""The report's charts: matplotlib (Agg, no display), PNG bytes, readable in black and white.

Series differ by hatching, marker and line style as well as by shade of grey, so a page
printed on a black-and-white printer still tells them apart.
"""

from __future__ import annotations

from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

GREYS = ("#222222", "#777777", "#bbbbbb", "#ffffff", "#444444", "#999999")
HATCHES = ("", "///", "...", "xx", "\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (1, 3)))


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _figure(width: float = 7.5, height: float = 3.2) -> tuple[Figure, Axes]:
    plt.rcParams.update({"font.size": 9, "hatch.linewidth": 0.8})
    figure, axes = plt.subplots(figsize=(width, height), layout="constrained")
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def cards_per_week_chart(table: pd.DataFrame) -> bytes:
    """Return stacked weekly bars of cards sent, one hatching per occasion."""
    figure, axes = _figure()
    wide = table.pivot_table(index="week", columns="occasion", values="cards", fill_value=0)
    wide = wide.sort_index()
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    for i, occasion in enumerate(wide.columns):
        values = wide[occasion].to_numpy(dtype=float)
        axes.bar(
            x,
            values,
            bottom=bottom,
            width=0.85,
            color=GREYS[i % len(GREYS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.5,
            label=str(occasion),
        )
        bottom += values
    step = max(1, len(wide) // 12)
    axes.set_xticks(x[::step])
    axes.set_xticklabels([str(w) for w in list(wide.index)[::step]], rotation=45, ha="right")
    axes.set_ylabel("cards sent")
    axes.set_xlabel("week starting")
    axes.legend(frameon=False, ncols=min(4, max(1, len(wide.columns))), loc="upper left")
    return _png(figure)


def shares_chart(table: pd.DataFrame, label: str, value: str = "share") -> bytes:
    """Return one point per row of *table* with its interval as a horizontal bar."""
    figure, axes = _figure(height=max(1.6, 0.8 + 0.4 * len(table)))
    y = np.arange(len(table))[::-1]
    for i, (_, row) in enumerate(table.iterrows()):
        faint = bool(row.get("note"))
        axes.errorbar(
            row[value],
            y[i],
            xerr=[[row[value] - row["low"]], [row["high"] - row[value]]],
            fmt=MARKERS[i % len(MARKERS)],
            color="#999999" if faint else "black",
            mfc="white" if faint else "black",
            capsize=3,
            linestyle="none",
        )
    axes.set_yticks(y)
    axes.set_yticklabels([str(t) for t in table[label]])
    axes.set_xlabel("share of customers (dot) with its 95 % interval (bar); hollow: too few")
    axes.set_xlim(left=min(0.0, float(np.nanmin(table["low"])) if len(table) else 0.0))
    axes.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    axes.axvline(0, color="black", linewidth=0.6)
    return _png(figure)


def redemption_chart(redeemed: pd.DataFrame) -> bytes:
    """Return the cumulative share of codes redeemed by days since the card, per occasion."""
    figure, axes = _figure()
    for i, (occasion, group) in enumerate(redeemed.groupby("occasion", sort=True)):
        days = np.sort(group["days_to_redeem"].dropna().to_numpy())
        if len(group) == 0:
            continue
        xs = np.concatenate([[0], days])
        ys = np.arange(len(xs)) / len(group)
        axes.step(
            xs,
            ys,
            where="post",
            color="black",
            linestyle=LINES[i % len(LINES)],
            label=f"{occasion} ({len(group)} codes)",
        )
    axes.set_xlabel("days since the card went out")
    axes.set_ylabel("codes redeemed")
    axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    axes.legend(frameon=False, loc="upper left")
    return _png(figure)
