"""Run the bare reportlab loop and `notecards batch` on the same orders, side by side.

    python benchmarks/bench_ratio.py              # 10,000 orders
    python benchmarks/bench_ratio.py 2000 --repeat 3
    python benchmarks/bench_ratio.py 2000 --no-preflight --workers 1

Prints both wall times (and the CPU time of each process tree), and the ratio
``bare time / notecards time``: 1.0 means as fast as a hand-written reportlab loop that draws
the same pages (a folded card with artwork, a 3–6 line handwritten message and a vector QR
code, and an envelope) with no loading, templates, ledger or checks.

Requirements (beyond notecards itself): ``faker`` and ``zxing-cpp``, used by the bare loop's
data generator and QR encoder::

    pip install faker zxing-cpp

The loop lives in ``../shared/bench-limit/`` (override with ``--limit DIR``); it is copied to
a temporary folder with the Caveat font, its ``gen_data.py`` writes the orders, and both
sides read that one CSV. The CSV's "holiday" occasion is not a bundled one, so notecards
reads a copy where it is "just-because" (every order gets a card, as in the loop), with a
notecards.toml that gives the shop's return address and a QR URL of the loop's length.
Absolute times on a shared machine swing; the ratio of a pair run back to back does not as
much, so each repeat runs the pair alternately and the median ratio is reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ../shared/bench-limit of the project's root (or of the folder above, from a worktree).
LIMIT = next(
    (
        folder / "shared" / "bench-limit"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "bench-limit").is_dir()
    ),
    ROOT.parent / "shared" / "bench-limit",
)
CONFIG = """\
[shop]
name = "Juniper & Thread"
return_address = ["418 Larkspur Lane, Suite 2", "Portland, OR 97214"]
home_country = "US"

[cards]
qr_url = "https://juniperthread.example/r/{order_id}?c={postal_code}"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--limit", type=Path, default=LIMIT)
    parser.add_argument("--no-preflight", action="store_true")
    parser.add_argument("--workers", type=int, default=None, help="NOTECARDS_WORKERS")
    parser.add_argument("--split", type=int, default=0)
    args = parser.parse_args()
    if not (args.limit / "rl_cards.py").exists():
        sys.exit(f"{args.limit}: no rl_cards.py here; pass --limit DIR (see the docstring)")
    with tempfile.TemporaryDirectory(prefix="notecards-ratio-") as tmp:
        work = Path(tmp)
        limit = work / "limit"
        shutil.copytree(args.limit, limit)
        (limit / "fonts").mkdir(exist_ok=True)
        shutil.copy(ROOT / "fonts" / "Caveat-Regular.ttf", limit / "fonts")
        subprocess.run(
            [sys.executable, "gen_data.py", str(args.orders)],
            cwd=limit,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        orders = limit / "data" / f"orders_{args.orders}.csv"
        shop = work / "shop"
        shop.mkdir()
        (shop / "notecards.toml").write_text(CONFIG, encoding="utf-8")
        _for_notecards(orders, shop / "orders.csv")
        ratios = []
        for round_ in range(args.repeat):
            bare = _time(
                [
                    sys.executable,
                    "rl_cards.py",
                    "--n",
                    str(args.orders),
                    "--qr",
                    "vector-raw",
                    "--qrenc",
                    "zxing",
                    "--out",
                    str(work / "bare"),
                ],
                limit,
            )
            command = [
                sys.executable,
                "-m",
                "notecards",
                "batch",
                "orders.csv",
                "--out",
                str(work / f"out-{round_}"),
                "--date",
                "2024-12-02",
                "--quiet",
                "--ledger",
                str(work / f"ledger-{round_}.db"),
            ]
            if args.no_preflight:
                command.append("--no-preflight")
            if args.split:
                command += ["--split", str(args.split)]
            env = dict(os.environ)
            if args.workers is not None:
                env["NOTECARDS_WORKERS"] = str(args.workers)
            ours = _time(command, shop, env)
            ratio = bare[0] / ours[0]
            ratios.append(ratio)
            print(
                json.dumps(
                    {
                        "orders": args.orders,
                        "bare_wall_s": round(bare[0], 2),
                        "bare_cpu_s": round(bare[1], 2),
                        "notecards_wall_s": round(ours[0], 2),
                        "notecards_cpu_s": round(ours[1], 2),
                        "ratio": round(ratio, 3),
                        # the largest child so far: notecards' own process, in practice
                        "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
                        "preflight": not args.no_preflight,
                        "workers": args.workers,
                    }
                ),
                flush=True,
            )
        print(
            f"median ratio (bare / notecards) over {args.repeat}: {statistics.median(ratios):.3f}"
        )


def _for_notecards(source: Path, target: Path) -> None:
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            if row["occasion"] == "holiday":
                row["occasion"] = "just-because"
            writer.writerow(row)


def _time(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Return (wall seconds, CPU seconds of the child and its children) of *command*."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


if __name__ == "__main__":
    main()
