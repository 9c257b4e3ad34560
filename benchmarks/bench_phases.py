"""Where a default batch's wall time goes, phase by phase, in one process (not a timed test).

    python benchmarks/bench_phases.py               # 2,000 orders of bench_batch.write_orders
    python benchmarks/bench_phases.py 10000
    python benchmarks/bench_phases.py 10000 --orders shop/orders.csv --config shop/notecards.toml

Runs ``notecards batch`` in this process with the phases wrapped: import, plan (load and
plan every order; a big batch's cards are drawn in the drawing worker meanwhile), the
envelopes drawn here once planning ends (or, for parts, the cards drawn here while the worker
draws the envelopes), each file handed to the preflight workers ("... to checkers": when it
was saved), the wait for the checks, and the commit (move into place, ledger). "at" is
seconds since start. Each line also gives this process's CPU seconds for the phase; the
children's CPU is printed at the end. Use it beside bench_ratio.py (which gives the ratio
against the bare reportlab loop): that says how far from the floor, this says which phase
to work on.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

T0 = time.perf_counter()
C0 = time.process_time()
import notecards.cli.main as cli  # noqa: E402
from notecards.output import parallel, parts, render, run  # noqa: E402
from notecards.preflight import spec  # noqa: E402

IMPORT_S = time.perf_counter() - T0
PHASES: list[tuple[str, float, float, float]] = []  # label, at, wall, cpu


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            wall = time.perf_counter() - start
            PHASES.append((label, start - T0, wall, time.process_time() - cpu))

    return timed


def _wrap() -> None:
    run.plan_batch = _timed("plan (load + plan)", run.plan_batch)  # type: ignore[assignment]
    parts.write_cards = _timed("cards drawn here", parts.write_cards)  # type: ignore[assignment]
    parts.write_envelopes = _timed("envelopes drawn here", parts.write_envelopes)  # type: ignore[assignment]
    spec.PreflightQueue.results = _timed("preflight wait", spec.PreflightQueue.results)  # type: ignore[method-assign]
    submit = spec.PreflightQueue.submit

    def submit_timed(self: spec.PreflightQueue, path: Path, *args: Any) -> Any:
        label = f"{path.name} to checkers"
        return _timed(label, submit)(self, path, *args)

    spec.PreflightQueue.submit = submit_timed  # type: ignore[method-assign]
    render.commit_batch = _timed("commit", render.commit_batch)  # type: ignore[assignment]
    start = parallel.DrawPool.start

    def start_timed(self: parallel.DrawPool, *args: Any, **kwargs: Any) -> Any:
        return _timed("envelopes wait", start(self, *args, **kwargs))

    parallel.DrawPool.start = start_timed  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--orders", type=Path, help="an export to use instead of generated ones")
    parser.add_argument("--config", type=Path, help="notecards.toml for --orders")
    parser.add_argument("--no-preflight", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="notecards-phases-") as tmp:
        folder = Path(tmp)
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_batch import batch_arguments

        command = batch_arguments(folder, args.orders, args.count, args.config, args.no_preflight)
        _wrap()
        try:
            cli.main(command)
        except SystemExit as done:
            if done.code:
                raise
    total = time.perf_counter() - T0
    print(f"{'import':24s} at {0:6.2f}  wall {IMPORT_S:6.2f}")
    for label, at, wall, cpu in PHASES:
        print(f"{label:24s} at {at:6.2f}  wall {wall:6.2f}  cpu here {cpu:6.2f}")
    here = time.process_time() - C0
    # The batch does not wait for pools whose results are in: each pool's thread joins its
    # workers, and a worker's CPU counts here once it is joined.
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = children.ru_utime + children.ru_stime
    print(f"total wall {total:.2f} s; cpu here {here:.2f} s, workers {workers:.2f} s")


if __name__ == "__main__":
    main()
