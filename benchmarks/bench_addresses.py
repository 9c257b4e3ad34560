"""Benchmark address formatting: milliseconds per address over a mix of countries.

Run ``python benchmarks/bench_addresses.py [count]`` (default 20,000). A 10,000-card batch
formats every address once for the envelope and once for the plan's checks, so formatting
should stay well under 0.2 ms per address (it was a timed test once; timing belongs here,
where a busy machine makes a slow run, not a failed build).
"""

from __future__ import annotations

import statistics
import sys
import time

from notecards.models import Address
from notecards.postal.addresses import format_address

COUNTRIES = ("", "CA", "GB", "DE", "FR", "JP", "AU", "BR")


def main(count: int) -> None:
    addresses = [
        Address(f"{i} Main St", "", "Springfield", "IL", "62701", COUNTRIES[i % len(COUNTRIES)])
        for i in range(count)
    ]
    format_address("warm-up", "", addresses[0])
    runs = []
    for _ in range(5):
        start = time.process_time()
        for address in addresses:
            format_address("Ada Lovelace", "", address)
        runs.append((time.process_time() - start) / count * 1000)
    print(
        f"format_address: {statistics.median(runs):.4f} ms per address "
        f"(median of 5 runs of {count:,}; CPU time; budget 0.2 ms)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
