"""Time `notecards batch` on generated orders and report cards per second and peak memory.

    python benchmarks/bench_batch.py            # 1,000 and 10,000 orders
    python benchmarks/bench_batch.py 2000 20000 # other sizes

Each size runs in a fresh process, so peak memory (ru_maxrss) is that size's own. The QR
section shows why notecards fixes the mask pattern instead of letting qrcode search all eight.
"""

from __future__ import annotations

import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

FIRST = [
    "Ada",
    "Marcus",
    "José",
    "Priya",
    "Chloé",
    "Tom",
    "Helen",
    "Daniel",
    "Rosa",
    "Eli",
    "Nina",
    "Grace",
    "Øyvind",
    "Zoë",
    "Liam",
    "Mei",
    "Amara",
    "Jonas",
]
LAST = [
    "Whitfield",
    "Bell",
    "Núñez",
    "Raman",
    "Lefèvre",
    "Okafor",
    "Park",
    "Brooks",
    "Martinelli",
    "Sandoval",
    "Kowalski",
    "Liu",
    "O'Neil",
    "McDonald",
    "van der Berg",
]
ITEMS = [
    "Lavender candle",
    "Ceramic mug",
    "Linen napkins",
    "Walnut board",
    "Wool throw",
    "Tea sampler",
    "Leather journal",
    "Beeswax tapers",
]
CITIES = [
    ("Burlington", "VT", "05401"),
    ("Portland", "ME", "04101"),
    ("Boise", "ID", "83702"),
    ("Santa Fe", "NM", "87501"),
    ("Madison", "WI", "53706"),
    ("Duluth", "MN", "55802"),
]


def batch_arguments(
    folder: Path, orders: Path | None, count: int, config: Path | None, no_preflight: bool
) -> list[str]:
    """Return the arguments of a benchmark's ``notecards batch`` run in *folder*: on
    *orders* (with *config*), or on *count* orders written there by :func:`write_orders`."""
    if orders is None:
        orders = folder / "orders.csv"
        write_orders(orders, count)
    command = ["batch", str(orders), "--out", str(folder / "out"), "--quiet"]
    command += ["--date", "2024-12-02", "--ledger", str(folder / "ledger.db")]
    if config is not None:
        command += ["--config", str(config)]
    if no_preflight:
        command.append("--no-preflight")
    return command


def write_orders(path: Path, count: int, seed: int = 7) -> None:
    """Write *count* realistic orders (a third from repeat customers, some personal lines)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "order_id",
                "order_date",
                "first_name",
                "last_name",
                "email",
                "address_line1",
                "city",
                "region",
                "postal_code",
                "country",
                "personal_line",
                "items",
            ]
        )
        for number in range(count):
            customer = rng.randrange(max(1, count * 2 // 3))
            first, last = FIRST[customer % len(FIRST)], LAST[customer % len(LAST)]
            city, region, zip_code = CITIES[customer % len(CITIES)]
            personal = "Thank you for being such a loyal customer!" if number % 4 == 0 else ""
            items = "; ".join(rng.sample(ITEMS, rng.randint(1, 3)))
            writer.writerow(
                [
                    f"{100000 + number}",
                    "2026-11-21",
                    first,
                    last,
                    f"c{customer}@example.com",
                    f"{rng.randint(1, 9999)} Main Street",
                    city,
                    region,
                    zip_code,
                    "US",
                    personal,
                    items,
                ]
            )


def run_size(count: int) -> dict[str, float]:
    """Plan and render *count* orders in this process; return timings and peak memory."""
    from notecards import make_settings, plan_batch, render_batch
    from notecards.config import Config

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        orders = folder / "orders.csv"
        write_orders(orders, count)
        settings = make_settings(
            Config(
                shop_name="Bench Shop",
                return_address=("1 Main St", "Portland, ME 04101"),
                ledger_path=str(folder / "ledger.sqlite"),
            )
        )
        start = time.perf_counter()
        plan = plan_batch([orders], settings, today=date(2026, 11, 22), keep_layouts=False)
        planned = time.perf_counter()
        result = render_batch(plan, folder / "out")
        done = time.perf_counter()
        size_mb = sum(p.stat().st_size for p in result.files) / 1e6
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = done - start
    return {
        "orders": count,
        "cards": result.cards,
        "plan_s": planned - start,
        "render_s": done - planned,
        "total_s": total,
        "cards_per_s": result.cards / total,
        "ms_per_card": 1000 * total / result.cards,
        "peak_mb": peak_mb,
        "output_mb": size_mb,
    }


def qr_timing(codes: int = 300) -> dict[str, float]:
    """Return ms per QR matrix with notecards' fixed mask and with qrcode's mask search."""
    from notecards.layout.qrcodes import qr_matrix

    timings = {}
    for label, search in (("fixed_mask_ms", False), ("mask_search_ms", True)):
        start = time.perf_counter()
        for number in range(codes):
            qr_matrix(f"https://example.com/review?order={100000 + number}", search_mask=search)
        timings[label] = 1000 * (time.perf_counter() - start) / codes
    return timings


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(run_size(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [1000, 10000]
    print(f"notecards batch benchmark — {date.today()} — Python {sys.version.split()[0]}")
    print(
        f"{'orders':>8} {'cards':>7} {'plan s':>8} {'render s':>9} {'total s':>8} "
        f"{'cards/s':>8} {'ms/card':>8} {'peak MB':>8} {'output MB':>10}"
    )
    for count in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(count)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        print(
            f"{r['orders']:>8} {r['cards']:>7} {r['plan_s']:>8.1f} {r['render_s']:>9.1f} "
            f"{r['total_s']:>8.1f} {r['cards_per_s']:>8.0f} {r['ms_per_card']:>8.2f} "
            f"{r['peak_mb']:>8.0f} {r['output_mb']:>10.1f}"
        )
    qr = qr_timing()
    print(
        f"QR matrix: {qr['fixed_mask_ms']:.2f} ms with the fixed mask, "
        f"{qr['mask_search_ms']:.2f} ms with qrcode's mask search"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
