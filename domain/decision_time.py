"""When a command is decided: the checks of its dates, its business time and its day.

`decide` runs these before any rule of the command: every date it carries is plausible,
no fact it records happened after the day it is recorded, its business time lies within
the window around the recording instant, and the day it is decided on follows from that
time and the run's timekeeping.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import errors
from domain.calendar import EARLIEST_DATE, LATEST_DATE, implausible_date, project_day
from domain.commands import Command, CommandEnvelope
from domain.fact_dates import fact_in_future
from domain.limits import Limits
from domain.obligations import Timekeeping
from domain.state import PathwayState


def check_dates_plausible(command: Command) -> None:
    """Refuse a command carrying a date outside `EARLIEST_DATE`..`LATEST_DATE`, by its field.

    Raises:
        DateOutOfRange: the first such date, with its field path.
    """
    found = implausible_date(command)
    if found is not None:
        field, day = found
        raise errors.DateOutOfRange(
            f"{field} {day.isoformat()} lies outside {EARLIEST_DATE.isoformat()}"
            f" to {LATEST_DATE.isoformat()}",
            field=field,
        )


def check_facts_happened(command: Command, now: datetime) -> None:
    """Refuse a command dating something that happened after the day it is recorded.

    The day is the Italian day of `now`; plans and schedules (unmarked dates) may lie ahead.

    Raises:
        FactInFuture: the first such fact, with its field path.
    """
    today = project_day(now)
    found = fact_in_future(command, today)
    if found is not None:
        field, value = found
        raise errors.FactInFuture(
            f"{field} {value} is after today ({today.isoformat()}): record it once it has happened",
            field=field,
        )


def decision_day(occurred: datetime, timekeeping: Timekeeping) -> date:
    """The day a command is decided on: the Italian day of its business time, or, in a run
    that began before that rule (`Timekeeping.italian_decision_days`), its UTC date."""
    return project_day(occurred) if timekeeping.italian_decision_days else occurred.date()


def business_time(
    state: PathwayState, envelope: CommandEnvelope, now: datetime, limits: Limits
) -> datetime:
    """The command's business time, checked against the recording instant and the window."""
    occurred = envelope.occurred_at or now
    if occurred > now + timedelta(minutes=limits.future_skew_minutes):
        raise errors.OccurredInFuture("the business time lies in the future", field="occurred_at")
    if now - occurred > timedelta(days=limits.backdate_window_days):
        raise errors.BackdateWindowExceeded(
            f"entries may be back-dated by at most {limits.backdate_window_days} days",
            field="occurred_at",
        )
    if state.opened_at is not None and occurred < state.opened_at:
        raise errors.DateOrderInvalid("the business time precedes the opening", field="occurred_at")
    return occurred
