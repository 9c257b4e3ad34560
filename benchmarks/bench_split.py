"""Peak memory and time of a batch with and without --split (issue 4).

    python benchmarks/bench_split.py                  # 1,000 and 10,000 orders, split 500
    python benchmarks/bench_split.py 10000 100000     # the issue's comparison (slow: minutes)

Each run is a fresh process, so ru_maxrss is that run's own peak. reportlab keeps every page
of a file in memory until it saves; --split N saves every N cards, so the drawing part stays
flat. Without --split the batch is planned whole, then drawn (the table reports the peak
after planning too); with --split it runs as `notecards batch --split` does, streamed:
loaded, planned and drawn N cards at a time (run.run_batch), so the peak
stays close to flat as the batch grows. Sizes above 10,000 run only with --split (one file of
100,000 cards would hold every page in memory).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_batch import write_orders  # noqa: E402


def run(count: int, split: int) -> dict[str, float]:
    """Plan and render *count* orders with *split* cards per file; return time and memory."""
    from notecards import make_settings, plan_batch, render_batch
    from notecards.config import Config
    from notecards.output.run import run_batch
    from notecards.planning.production import make_production

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        orders = folder / "orders.csv"
        write_orders(orders, count)
        config = Config(
            shop_name="Bench Shop",
            ledger_path=str(folder / "ledger.sqlite"),
            return_address=("1 Main St", "Portland, ME 04101"),
        )
        settings = make_settings(
            config, production=make_production(config, split=split, preflight=False)
        )
        start = time.perf_counter()
        if split:
            result = run_batch(
                [orders], settings, today=date(2026, 11, 22), out_dir=folder / "out", record=False
            )
            planned_mb, planned = 0.0, start
        else:
            plan = plan_batch([orders], settings, today=date(2026, 11, 22), keep_layouts=False)
            planned_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            planned = time.perf_counter()
            result = render_batch(plan, folder / "out", record=False)
        done = time.perf_counter()
        files = sum(1 for p in result.files if p.suffix == ".pdf")
    return {
        "orders": count,
        "split": split,
        "cards": result.cards,
        "files": files,
        "plan_s": planned - start,
        "render_s": done - planned,
        "plan_peak_mb": planned_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(run(int(argv[1]), int(argv[2]))))
        return
    sizes = [int(a) for a in argv] or [1000, 10000]
    print(f"notecards --split benchmark — {date.today()} — Python {sys.version.split()[0]}")
    print(
        f"{'orders':>8} {'split':>6} {'files':>6} {'plan s':>7} {'render s':>9} "
        f"{'peak after plan MB':>19} {'peak MB':>8}"
    )
    for count in sizes:
        for split in (0, 500) if count <= 10000 else (500,):
            output = subprocess.run(
                [sys.executable, __file__, "--one", str(count), str(split)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(output.strip().splitlines()[-1])
            # A streamed batch plans and draws together: its time is all under "render s".
            streamed = not r["plan_peak_mb"]
            plan_mb = "(streamed)" if streamed else f"{r['plan_peak_mb']:.0f}"
            plan_s = "-" if streamed else f"{r['plan_s']:.1f}"
            print(
                f"{r['orders']:>8} {r['split'] or '-':>6} {r['files']:>6} {plan_s:>7} "
                f"{r['render_s']:>9.1f} {plan_mb:>19} {r['peak_mb']:>8.0f}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
