"""Summaries of measured durations: percentiles, ratios, rounding for the report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any


def percentiles(values: list[float]) -> dict[str, float]:
    """n, median, p95, p99 and max of `values` (nearest rank); empty when none."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": ordered[-1],
    }


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return round(value / baseline, 2)


async def sample(call: Callable[[], Awaitable[Any]], runs: int) -> list[float]:
    """Seconds of `runs` sequential calls, after one warm-up call."""
    await call()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        seconds.append(time.perf_counter() - started)
    return seconds
