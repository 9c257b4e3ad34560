"""How busy each process of a batch is, every half second (Linux; not a timed test).

    python benchmarks/bench_timeline.py                       # 2,000 generated orders
    python benchmarks/bench_timeline.py --orders shop/orders.csv --config shop/notecards.toml

Runs ``notecards batch`` as a child process and reads the CPU time of it and of every process
it starts (drawing worker, checkers) from ``/proc`` every ``--every`` seconds. Each row is one
interval: each process's share of a core in it (100 = one core busy), and the total (200 =
both cores of a 2-core machine). Rows where the total falls short of the cores are what
scheduling leaves on the table: a worker waiting for planning, one checker finishing its
slice while the other is done, this process alone at the start or end. bench_phases.py says
what each phase costs; this says whether the cores were kept busy meanwhile.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--orders", type=Path, help="an export to use instead of generated ones")
    parser.add_argument("--config", type=Path, help="notecards.toml for --orders")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between readings")
    parser.add_argument("--no-preflight", action="store_true")
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        sys.exit("bench_timeline.py reads /proc: it runs on Linux only")
    with tempfile.TemporaryDirectory(prefix="notecards-timeline-") as tmp:
        folder = Path(tmp)
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_batch import batch_arguments

        command = [sys.executable, "-m", "notecards"]
        command += batch_arguments(folder, args.orders, args.count, args.config, args.no_preflight)
        rows, pids = _watch(command, args.every)
    print(f"{'s':>5} " + " ".join(f"{_role(n):>8}" for n in range(len(pids))) + "    total")
    for at, shares in rows:
        cells = " ".join(f"{shares.get(pid, 0.0):8.0f}" for pid in pids)
        print(f"{at:5.1f} {cells} {sum(shares.values()):8.0f}")
    busy = sum(sum(shares.values()) for _, shares in rows) / 100 * args.every
    print(f"{rows[-1][0] if rows else 0:.1f} s; {busy:.1f} core-seconds busy of this run")


def _watch(
    command: list[str], every: float
) -> tuple[list[tuple[float, dict[int, float]]], list[int]]:
    """Run *command*; return (seconds since start, {pid: % of a core}) per interval, and the
    pids in the order they first appeared."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    seen: dict[int, float] = {}  # pid -> CPU seconds at the last reading
    order: list[int] = []
    rows = []
    while child.poll() is None:
        time.sleep(every)
        shares = {}
        for pid in _tree(child.pid):
            cpu = _cpu_seconds(pid)
            if cpu is None or "resource_tracker" in _cmdline(pid):
                continue
            if pid not in seen:
                order.append(pid)
            shares[pid] = (cpu - seen.get(pid, 0.0)) / every * 100
            seen[pid] = cpu
        rows.append((time.perf_counter() - start, shares))
    if child.returncode:
        sys.exit(f"notecards batch failed (exit {child.returncode})")
    return rows, order


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in children:
        found += _tree(int(child))
    return found


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return ""


def _role(n: int) -> str:
    return "batch" if n == 0 else f"worker{n}"


if __name__ == "__main__":
    main()
