"""Calendar arithmetic the rules need (months, not 30-day approximations)."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""The span of the dates a command may carry. A birth, a permit, a contract or a deadline
outside it is a typing error; and deadlines are computed from these dates (the day after
a permit's expiry, a ladder's steps), which would overflow near the end of the calendar."""

PROJECT_TIMEZONE = ZoneInfo("Europe/Rome")
"""The project's days are Italian days: pages show times there, and a plain date in an
"as of" means what was known when that day ended in Italy, wherever it is asked."""


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in Italian time: what was known when the day ended."""
    next_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=PROJECT_TIMEZONE)
    return next_day - timedelta(microseconds=1)


def project_day(instant: datetime) -> date:
    """The Italian day that `instant` falls on."""
    return instant.astimezone(PROJECT_TIMEZONE).date()


def last_day_to_act(due_at: datetime) -> date:
    """The Italian day a deadline due at `due_at` asks to act by: the day it ends in.

    A deadline "by day D" falls at the end of D (`end_of_day`); one due at midnight
    (a span from an instant) is met by the day before.
    """
    return project_day(due_at - timedelta(microseconds=1))


def ends_a_day(instant: datetime) -> bool:
    """Whether `instant` is the last instant of an Italian day: a deadline "by day D"."""
    return instant == end_of_day(project_day(instant))


def italian_holidays(year: int) -> frozenset[date]:
    """The national holidays of Italy in `year` (patron saints' days are local: not here)."""
    fixed = ((1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26))
    return frozenset({date(year, m, d) for m, d in fixed} | {_easter(year) + timedelta(days=1)})


def _easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def next_working_day(day: date) -> date:
    """The first Italian working day after `day`: Monday to Friday, national holidays excepted."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5 or following in italian_holidays(following.year):
        following += timedelta(days=1)
    return following


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


def implausible_date(value: Any, path: str = "") -> tuple[str, date] | None:
    """The first date (or datetime) inside `value` outside EARLIEST_DATE..LATEST_DATE.

    Walks models, sequences and mappings, so that every command is checked by the same
    rule, whatever its shape. Returns the field's dotted path (`measures.0.target_date`)
    and the date, or None when every date is plausible.
    """
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return None if EARLIEST_DATE <= day <= LATEST_DATE else (path, day)
    if isinstance(value, BaseModel):
        items: Any = ((name, getattr(value, name)) for name in type(value).model_fields)
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, item in items:
        found = implausible_date(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
