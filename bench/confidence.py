"""Ratios over interleaved rounds: their median, its bootstrap interval, and the verdict.

One pair of windows cannot tell 0.74 from 0.81 on a shared machine; the median of several
interleaved rounds, with a percentile-bootstrap interval around it, says how far the machine
moved it. A target is met only when the whole interval is on its side: a lower bound at or
above a floor (`at_least`), an upper bound at or below a ceiling (`at_most`).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from typing import Any, Literal

LEVEL = 0.9
RESAMPLES = 10_000


def bootstrap_median_interval(
    values: Sequence[float], level: float = LEVEL, resamples: int = RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """The percentile-bootstrap interval of the median of `values`, at `level`.

    Seeded, so the same rounds always give the same interval (and the report can be
    generated again from its JSON).
    """
    if not values:
        raise ValueError("no values to bootstrap")
    if not 0 < level < 1:
        raise ValueError(f"a confidence level is between 0 and 1, not {level}")
    draw = random.Random(seed)
    medians = sorted(
        statistics.median(draw.choices(values, k=len(values))) for _ in range(resamples)
    )
    tail = (1 - level) / 2
    low = medians[int(tail * resamples)]
    high = medians[min(resamples - 1, int((1 - tail) * resamples))]
    return low, high


def verdict(
    ratios: Sequence[float | None],
    target: float,
    side: Literal["at_least", "at_most"] = "at_least",
    level: float = LEVEL,
) -> dict[str, Any]:
    """Median, bootstrap interval and whether the target is met, over the rounds' ratios.

    A round without a ratio (a side that answered nothing) is left out and counted.
    """
    measured = [r for r in ratios if r is not None]
    summary: dict[str, Any] = {
        "rounds": len(measured),
        "rounds_without_ratio": len(ratios) - len(measured),
        "target": target,
        "side": side,
        "level": level,
    }
    if not measured:
        return {**summary, "median": None, "interval": None, "met": False}
    low, high = bootstrap_median_interval(measured, level)
    met = low >= target if side == "at_least" else high <= target
    return {
        **summary,
        "median": round(statistics.median(measured), 3),
        "interval": [round(low, 3), round(high, 3)],
        "met": met,
    }
