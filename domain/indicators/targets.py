"""Targets: what the grant agreement promises for each indicator, and progress toward it.

The seed states its expected results without numbers. The defaults below are PLACEHOLDERS
sized for a project of about 300 beneficiaries over three years (the same assumption as the
shipped budget); the real figures are set per grant agreement, in a targets file
(`infra/indicators/targets.toml`), which overrides these indicator by indicator.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from domain.indicators.catalogue import BY_ID
from domain.payments.ledger import PaymentKind
from domain.values import Frozen

Direction = Literal["at_least", "at_most"]


class Target(Frozen):
    """A figure to reach (`at_least`) or to stay under (`at_most`)."""

    indicator_id: str
    value: float = Field(ge=0)
    """A count of people, a rate from 0 to 1, or a mean score, as the indicator's kind."""
    direction: Direction = "at_least"
    note: str = ""

    @model_validator(mode="after")
    def _fits_indicator(self) -> Self:
        indicator = BY_ID.get(self.indicator_id)
        if indicator is None:
            raise ValueError(f"no indicator {self.indicator_id!r}")
        if indicator.kind == "rate" and self.value > 1:
            raise ValueError(f"a rate is from 0 to 1 (not {self.value})")
        if indicator.kind == "count" and self.value != int(self.value):
            raise ValueError(f"a count is a whole number (not {self.value})")
        return self

    def met(self, value: float) -> bool:
        """Whether `value` reaches the target."""
        return value >= self.value if self.direction == "at_least" else value <= self.value

    def progress(self, value: float) -> float:
        """How far `value` has come: 1.0 (or more) when the target is met.

        At least: value over target. At most: target over value (1.0 while the value is 0).
        """
        if self.direction == "at_least":
            return 1.0 if self.value == 0 else value / self.value
        return 1.0 if value <= self.value else self.value / value


_PLACEHOLDER = "placeholder for ~300 beneficiaries; set per grant agreement"


def _at_least(indicator_id: str, value: float) -> Target:
    return Target(indicator_id=indicator_id, value=value, note=_PLACEHOLDER)


def _at_most(indicator_id: str, value: float) -> Target:
    return Target(indicator_id=indicator_id, value=value, direction="at_most", note=_PLACEHOLDER)


_PAID: dict[PaymentKind, int] = {
    PaymentKind.FURNITURE: 80,
    PaymentKind.UTILITIES: 80,
    PaymentKind.RENT_ADVANCE: 80,
    PaymentKind.WORK_GRANT_ALLOWANCE: 120,
    PaymentKind.CHILDCARE: 40,
    PaymentKind.MOBILITY: 100,
    PaymentKind.COURSE_FEE: 100,
}
"""As many as the shipped budget lines were sized for (`infra/budgets/default.toml`)."""

_OUTCOMES = (
    _at_least("beneficiaries_reached", 300),
    _at_least("beneficiaries_reached_wp1_work", 180),
    _at_least("beneficiaries_reached_wp2_housing", 100),
    _at_least("beneficiaries_reached_wp3_socio_cultural", 120),
    _at_least("pathways_activated", 270),
    _at_least("pathways_activated_wp1_work", 200),
    _at_least("pathways_activated_wp2_housing", 120),
    _at_least("pathways_activated_wp3_socio_cultural", 150),
    _at_least("left_reception", 0.6),
    _at_least("housing_autonomy_exit", 0.7),
    _at_least("exit_housing_private_rental", 60),
    _at_least("exit_housing_social_housing", 10),
    _at_least("exit_housing_cohousing", 30),
    _at_least("exit_housing_family_hosting", 20),
    _at_least("employed_exit", 0.5),
    _at_least("job_stability", 0.7),
    _at_least("hired_after_work_grant", 40),
    _at_least("business_started", 10),
    _at_least("mobility_autonomy_exit", 0.5),
    _at_least("autonomy_reached_work", 0.4),
    _at_least("autonomy_reached_housing", 0.5),
    _at_least("autonomy_reached_mobility", 0.4),
)
"""The headline outcomes (`domain.indicators.outcome_catalogue`): a third of the work
grants ending in a hire, most exits from reception to a home of one's own."""

DEFAULT_TARGETS: dict[str, Target] = {
    t.indicator_id: t
    for t in (
        _at_least("skills_assessed", 300),
        _at_least("certified_competences", 60),
        _at_least("digital_skills", 80),
        _at_least("childcare", 40),
        _at_least("mobility", 100),
        _at_least("training", 150),
        _at_least("work_grant", 120),
        _at_least("self_employment_orientation", 30),
        _at_most("female_inactivity_exit", 0.5),
        _at_least("cohousing", 30),
        _at_least("family_hosting", 20),
        _at_least("economic_support", 120),
        *(_at_least(f"economic_support_{kind.value}", n) for kind, n in _PAID.items()),
        _at_most("housing_hardship_exit", 0.3),
        _at_least("social_cohesion", 150),
        _at_least("group_events_held", 24),
        _at_least("group_participations", 300),
        _at_least("group_participants", 150),
        _at_least("association_member", 60),
        _at_least("minors_school_support", 60),
        _at_most("social_marginality_exit", 0.25),
        _at_least("self_esteem_exit", 28),
        _at_least("digital_skills_exit", 0.6),
        *_OUTCOMES,
    )
}
"""Baseline figures have no target: they are the starting point the exit is compared with."""
