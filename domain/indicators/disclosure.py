"""Small-cell suppression: no figure in an export may single out a few people.

A count from 1 to `threshold - 1` is suppressed (None, shown as a dash); 0 is shown, as is
any count from the threshold up. A rate or mean is suppressed when its denominator is below
the threshold, and a rate also when its numerator or its complement (denominator minus
numerator) is a suppressed count: "4 of 6 women inactive" tells who the other 2 are.

Limitation: this is primary suppression only. Totals and margins are left as they are, so
a suppressed cell can sometimes be recovered by subtraction from its row or column total
(secondary, or complementary, suppression is not done). Exports that publish margins next
to their cells should be reviewed for that before they leave the project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from domain.indicators.catalogue import Indicator

DEFAULT_THRESHOLD = 5
"""Cells with fewer people than this are suppressed (issue 7: configurable, default 5)."""

K = TypeVar("K")


def suppress(value: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """The count, or None when it is above 0 and below the threshold."""
    if value < 0:
        raise ValueError(f"a count is never negative (got {value})")
    return None if 0 < value < threshold else value


def suppress_table(
    cells: Mapping[K, int], threshold: int = DEFAULT_THRESHOLD
) -> dict[K, int | None]:
    """Every cell of a table of counts, suppressed one by one (primary suppression only)."""
    return {key: suppress(value, threshold) for key, value in cells.items()}


def ratio(
    indicator: Indicator, numerator: int, denominator: int, threshold: int = DEFAULT_THRESHOLD
) -> float | None:
    """A rate (0 to 1) or a mean, or None when there is nothing to divide or it is suppressed.

    Raises:
        ValueError: the indicator is a count, or a sum is negative.
    """
    if indicator.kind == "count":
        raise ValueError(f"{indicator.indicator_id} is a count, not a ratio")
    if numerator < 0 or denominator < 0:
        raise ValueError("sums of facts are never negative")
    if denominator == 0 or denominator < threshold:
        return None
    if indicator.kind == "rate" and (
        suppress(numerator, threshold) is None
        or suppress(denominator - numerator, threshold) is None
    ):
        return None
    return numerator / denominator


def unsuppressed_ratio(indicator: Indicator, numerator: int, denominator: int) -> float | None:
    """The exact rate or mean, for screens inside the project (never for exports)."""
    return ratio(indicator, numerator, denominator, threshold=0)
