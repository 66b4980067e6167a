"""`known_at`: what an "as of" means wherever it is asked (API, CLI, pages), and its refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.parsing import AS_OF_IN_FUTURE, INVALID, InvalidInput, known_at
from domain.calendar import PROJECT_TIMEZONE, end_of_day, project_day

TODAY = date(2026, 12, 4)


def test_a_date_is_the_end_of_that_day_in_italy_summer_and_winter() -> None:
    assert known_at("2026-07-31", TODAY) == datetime(2026, 7, 31, 21, 59, 59, 999999, UTC)
    assert known_at("2026-11-20", TODAY) == datetime(2026, 11, 20, 22, 59, 59, 999999, UTC)
    assert known_at(TODAY.isoformat(), TODAY) == end_of_day(TODAY)


def test_a_datetime_keeps_its_zone_and_a_naive_one_is_utc() -> None:
    assert known_at("2026-11-20T10:00:00+01:00", TODAY) == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert known_at("2026-11-20T10:00:00", TODAY) == datetime(2026, 11, 20, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["2026-12-05", "2026-12-04T23:00:00Z", "2100-01-01", "9999-12-31", "9999-12-31T23:59:59-23:59"],
)
def test_a_day_still_to_come_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        known_at(text, TODAY)
    assert (refused.value.code, refused.value.field) == (AS_OF_IN_FUTURE, "as_of")
    assert "2026-12-04" in refused.value.message


def test_the_last_instant_of_today_in_italy_is_still_today() -> None:
    last = end_of_day(TODAY).astimezone(UTC).isoformat()
    assert known_at(last, TODAY) == end_of_day(TODAY)


@pytest.mark.parametrize("text", ["yesterday", "", "2026-13-01", "20-11-2026"])
def test_anything_else_is_an_invalid_command(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        known_at(text, TODAY)
    assert (refused.value.code, refused.value.field) == (INVALID, "as_of")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_every_day_up_to_today_is_its_italian_end_and_every_later_one_is_refused(
    day: date,
) -> None:
    if day > TODAY:
        with pytest.raises(InvalidInput):
            known_at(day.isoformat(), TODAY)
        return
    instant = known_at(day.isoformat(), TODAY)
    assert project_day(instant) == day
    assert project_day(instant + timedelta(microseconds=1)) == day + timedelta(days=1)
    assert instant.tzinfo is PROJECT_TIMEZONE
