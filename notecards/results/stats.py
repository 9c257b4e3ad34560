"""Honest intervals: Wilson for shares, Newcombe for a difference of shares, bootstrap else.

Every bootstrap is seeded, so the same ledger gives the same report, figure for figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Z95 = 1.959963984540054
#: Below this many customers a figure is shown as "too few to tell".
MIN_CUSTOMERS = 20
TOO_FEW = "too few to tell"
BOOTSTRAP_SEED = 15
BOOTSTRAP_RESAMPLES = 1000


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Return the Wilson score interval of successes/n (NaNs when n is 0).

    >>> [round(x, 3) for x in wilson(5, 10)]
    [0.237, 0.763]
    """
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(s1: int, n1: int, s2: int, n2: int) -> tuple[float, float, float]:
    """Return p1 - p2 and its Newcombe (hybrid Wilson score) 95 % interval.

    Newcombe (1998), Statistics in Medicine 17:873, example (56/70 vs 48/80): 0.0524 to 0.3339.

    >>> [round(x, 3) for x in newcombe(56, 70, 48, 80)]
    [0.2, 0.052, 0.334]
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan, math.nan
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson(s1, n1)
    l2, u2 = wilson(s2, n2)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return diff, low, high


def bootstrap(
    values: Sequence[float] | np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    *,
    seed: int = BOOTSTRAP_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> tuple[float, float, float]:
    """Return the statistic of *values* and its percentile bootstrap 95 % interval.

    *statistic* takes a 2-D array (one resample per row) and returns one value per row.
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return math.nan, math.nan, math.nan
    point = float(statistic(data[np.newaxis, :])[0])
    rng = np.random.default_rng(seed)
    estimates = np.empty(resamples)
    chunk = max(1, 2_000_000 // data.size)  # bound the memory of one resampling pass
    for start in range(0, resamples, chunk):
        rows = min(chunk, resamples - start)
        picks = rng.integers(0, data.size, size=(rows, data.size), dtype=np.int32)
        estimates[start : start + rows] = statistic(data[picks])
    low, high = np.percentile(estimates, [2.5, 97.5])
    return point, float(low), float(high)


def median_rows(sample: np.ndarray) -> np.ndarray:
    """Return the median of each row."""
    return np.asarray(np.median(sample, axis=1))


def mean_rows(sample: np.ndarray) -> np.ndarray:
    """Return the mean of each row."""
    return np.asarray(np.mean(sample, axis=1))
