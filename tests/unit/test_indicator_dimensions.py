"""The dimensions of a pathway's indicators: organisation, gender, nationality, protection
status, and the age band taken at the opening date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.indicators import AGE_BANDS, Dimensions, age_band, dimensions
from domain.indicators.dimensions import age_on
from domain.state import PathwayState
from domain.values import Gender, ProtectionStatus
from tests.unit.indicator_caseload import amina, opened


def test_dimensions_of_a_pathway() -> None:
    assert dimensions(PathwayState()) is None
    assert dimensions(amina().state) == Dimensions(
        organisation_id="org-lecce",
        gender=Gender.FEMALE,
        age_band="25-34",
        nationality="GN",
        protection_status=ProtectionStatus.REFUGEE,
    )


@pytest.mark.parametrize(
    ("birth_date", "band"),
    [
        ("2007-03-02", "18-24"),  # 19th birthday on the opening day (2026-03-02)
        ("2007-03-03", "18-24"),  # 19 the next day: still 18
        ("2001-03-02", "25-34"),  # 25 on the opening day
        ("2001-03-03", "18-24"),  # 24 until the next day
        ("1991-03-02", "35-44"),
        ("1991-03-03", "25-34"),
        ("1971-03-02", "55+"),
        ("1971-03-03", "45-54"),
    ],
)
def test_the_age_band_is_taken_at_the_opening_date(birth_date: str, band: str) -> None:
    state = opened(birth_date, "male").state
    assert state.opened_at is not None and state.opened_at.date() == date(2026, 3, 2)
    found = dimensions(state)
    assert found is not None and found.age_band == band


def test_age_band_boundaries() -> None:
    bands = {age: age_band(age) for age in (0, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 99)}
    assert bands == {
        0: "<18",
        17: "<18",
        18: "18-24",
        24: "18-24",
        25: "25-34",
        34: "25-34",
        35: "35-44",
        44: "35-44",
        45: "45-54",
        54: "45-54",
        55: "55+",
        99: "55+",
    }
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@given(st.dates(date(1920, 1, 1), date(2020, 12, 31)), st.integers(0, 40_000))
def test_ages_grow_by_one_a_year_and_bands_in_order(born: date, days: int) -> None:
    on = born + timedelta(days=days)
    age = age_on(born, on)
    # One calendar year later; 366 days could cross two birthdays (31 December 2002 to
    # 1 January 2004), and 29 February has no date a year later.
    assume((on.month, on.day) != (2, 29))
    next_year = on.replace(year=on.year + 1)
    assert age >= 0 and age_on(born, next_year) == age + 1
    assert AGE_BANDS.index(age_band(age)) <= AGE_BANDS.index(age_band(age + 1))
