"""The dimensions an indicator is broken down by: who the beneficiary is, and where.

The work package is the indicator's own (`Indicator.work_package`), not a dimension of
the pathway. Every dimension is coarse on purpose: no name, no birth date, only an age band.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.calendar import project_day
from domain.state import PathwayState
from domain.values import Frozen, Gender, Identifier, ProtectionStatus

AgeBand = Literal["<18", "18-24", "25-34", "35-44", "45-54", "55+"]
AGE_BANDS: tuple[AgeBand, ...] = ("<18", "18-24", "25-34", "35-44", "45-54", "55+")
_LOWER_BOUNDS: tuple[tuple[int, AgeBand], ...] = (
    (55, "55+"),
    (45, "45-54"),
    (35, "35-44"),
    (25, "25-34"),
    (18, "18-24"),
)


class Dimensions(Frozen):
    """The cell of one pathway in every breakdown of the indicator table."""

    organisation_id: Identifier
    gender: Gender
    age_band: AgeBand
    """At the pathway's opening date: a pathway stays in one band for its whole life."""
    nationality: str
    """ISO 3166-1 alpha-2."""
    protection_status: ProtectionStatus
    """The current one: a renewed permit may change it (`PermitRenewed`)."""


def age_on(birth_date: date, on: date) -> int:
    """Whole years of age on a day; born on 29 February, one turns a year older on 1 March."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def age_band(age: int) -> AgeBand:
    """The band of an age in whole years."""
    for lower, band in _LOWER_BOUNDS:
        if age >= lower:
            return band
    return "<18"


def dimensions(state: PathwayState) -> Dimensions | None:
    """The dimensions of a pathway; None before it is opened."""
    if (
        state.opened_at is None
        or state.beneficiary is None
        or state.organisation_id is None
        or state.protection_status is None
    ):
        return None
    beneficiary = state.beneficiary
    return Dimensions(
        organisation_id=state.organisation_id,
        gender=beneficiary.gender,
        age_band=age_band(age_on(beneficiary.birth_date, project_day(state.opened_at))),
        nationality=beneficiary.nationality,
        protection_status=state.protection_status,
    )
