"""The work-grant allowance of a month, pro rata of the hours the host's tutor verified.

Exact arithmetic (fractions) up to the last step, which rounds to the cent, half up: a
funder re-doing the sum by hand gets the same cents.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

from domain.calendar import month_end, month_start
from domain.policy import FullMonthHours


def round_half_up(amount: Fraction) -> int:
    """The nearest whole cent; exactly half a cent goes up."""
    return math.floor(amount + Fraction(1, 2))


def allowance(
    monthly_allowance: int, full_hours: Fraction, hours_verified: int, minimum_share: Fraction
) -> int:
    """The cents due for a month: the monthly amount times the share of full hours attended.

    Nothing is due under `minimum_share` of the full hours; attendance above the full hours
    pays the full amount, never more. Rounded to the cent, half up.
    """
    if full_hours <= 0 or monthly_allowance <= 0:
        return 0
    share = min(Fraction(hours_verified) / full_hours, Fraction(1))
    if share < minimum_share:
        return 0
    return round_half_up(monthly_allowance * share)


def full_hours(
    hours_per_week: int, start_on: date, end_on: date, month: str, rule: FullMonthHours
) -> Fraction:
    """The hours of full attendance in `month` (`2026-04`) of a grant from start to end.

    Only the days of the month within the grant count, so a grant starting on the 16th
    owes about half a month's hours in its first month.
    """
    first = month_start(month)
    last = month_end(month)
    within_first, within_last = max(first, start_on), min(last, end_on)
    if within_last < within_first:
        return Fraction(0)
    match rule:
        case FullMonthHours.AVERAGE_MONTH:
            days = (within_last - within_first).days + 1
            month_days = (last - first).days + 1
            return Fraction(hours_per_week * 52, 12) * Fraction(days, month_days)
        case FullMonthHours.WEEKDAYS:
            weekdays = sum(
                (within_first + timedelta(days=n)).weekday() < 5
                for n in range((within_last - within_first).days + 1)
            )
            return Fraction(hours_per_week, 5) * weekdays
