"""Calendar arithmetic the rules need (months, not 30-day approximations)."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_months_dt(instant: datetime, months: int) -> datetime:
    shifted = add_months(instant.date(), months)
    return instant.replace(year=shifted.year, month=shifted.month, day=shifted.day)


def month_key(day: date) -> str:
    """`YYYY-MM`, the key of monthly records such as work-grant attendance."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(key: str) -> date:
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def month_end(key: str) -> date:
    start = month_start(key)
    return date(start.year, start.month, _calendar.monthrange(start.year, start.month)[1])


def months_between(first: str, last: str) -> list[str]:
    """Every `YYYY-MM` key from `first` to `last` inclusive."""
    keys, day = [], month_start(first)
    while month_key(day) <= last:
        keys.append(month_key(day))
        day = add_months(day, 1)
    return keys
