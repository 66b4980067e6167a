"""Every indicator of the catalogue against a small caseload computed by hand (Amina, Bakary
and Rosa), and its means and rates."""

from __future__ import annotations

from collections import Counter

import pytest

from domain.indicators import BY_ID, CATALOGUE, Indicator, facts, ratio, unsuppressed_ratio
from domain.state import PathwayState
from tests.unit.indicator_caseload import amina, bakary, rosa


def totals(states: list[PathwayState]) -> Counter[str]:
    summed: Counter[str] = Counter()
    for state in states:
        summed.update(facts(state))
    return summed


EXPECTED: dict[str, int | tuple[int, int]] = {
    "skills_assessed": 3,
    "certified_competences": 1,  # Amina's title issued; Rosa's refused
    "digital_skills": 1,  # completed without a certificate: still counts
    "childcare": 1,
    "mobility": 2,  # Amina's bicycle, Rosa's licence
    "training": 1,  # Amina's course; Bakary's was cancelled before any attendance
    "work_grant": 1,  # started, no attendance yet
    "self_employment_orientation": 1,
    "female_inactivity_baseline": (2, 2),
    "female_inactivity_exit": (1, 2),  # Amina employed, Rosa still inactive
    "cohousing": 1,
    "family_hosting": 1,
    "economic_support": 1,
    "economic_support_furniture": 1,
    "economic_support_utilities": 0,
    "economic_support_rent_advance": 0,
    "economic_support_work_grant_allowance": 0,
    "economic_support_childcare": 0,
    "economic_support_mobility": 0,
    "economic_support_course_fee": 0,
    "housing_hardship_baseline": (2, 3),  # Amina, Bakary
    "housing_hardship_exit": (1, 2),  # Rosa only (Bakary has not exited)
    "social_cohesion": 1,
    "group_events_held": 0,  # none in this caseload: tests/unit/test_group_activities.py
    "group_participations": 0,
    "group_participants": 0,
    "association_member": 1,
    "minors_school_support": 2,  # m1 (two measures) and m2
    "social_marginality_baseline": (2, 3),
    "social_marginality_exit": (1, 2),
    "self_esteem_baseline": (18 + 22 + 25, 3),
    "self_esteem_exit": (30 + 20, 2),
    "digital_skills_baseline": (0, 3),
    "digital_skills_exit": (1, 2),
    # The headline outcomes: tests/unit/test_outcome_indicators.py tries each rule.
    "beneficiaries_reached": 3,
    "beneficiaries_reached_wp1_work": 3,
    "beneficiaries_reached_wp2_housing": 2,  # Amina's home, Bakary's cohousing
    "beneficiaries_reached_wp3_socio_cultural": 2,
    "pathways_activated": 3,
    "pathways_activated_wp1_work": 3,
    "pathways_activated_wp2_housing": 2,  # Amina's and Bakary's homes
    "pathways_activated_wp3_socio_cultural": 2,  # Amina's school support, Bakary's club
    "left_reception": (0, 2),  # both exits still in reception
    "housing_autonomy_baseline": (0, 3),
    "housing_autonomy_exit": (0, 2),
    "exit_housing_private_rental": 0,
    "exit_housing_social_housing": 0,
    "exit_housing_cohousing": 0,
    "exit_housing_family_hosting": 0,
    "employed_baseline": (0, 3),
    "employed_exit": (1, 2),  # Amina
    "job_stability": (0, 0),  # no follow-up yet
    "hired_after_work_grant": 0,
    "business_started": 0,
    "mobility_autonomy_baseline": (0, 3),
    "mobility_autonomy_exit": (0, 2),  # the bicycle and licence are not in the conditions
    "autonomy_reached_work": (1, 2),
    "autonomy_reached_housing": (0, 2),
    "autonomy_reached_mobility": (0, 2),
}


@pytest.fixture(scope="module")
def caseload() -> list[PathwayState]:
    return [amina().state, bakary().state, rosa().state]


def test_the_expectation_covers_the_whole_catalogue() -> None:
    assert set(EXPECTED) == set(BY_ID)


@pytest.mark.parametrize("indicator", CATALOGUE, ids=lambda i: i.indicator_id)
def test_each_indicator_on_the_fixed_caseload(
    indicator: Indicator, caseload: list[PathwayState]
) -> None:
    summed = totals(caseload)
    figure = (
        summed[indicator.numerator_fact]
        if indicator.denominator_fact is None
        else (summed[indicator.numerator_fact], summed[indicator.denominator_fact])
    )
    assert figure == EXPECTED[indicator.indicator_id]


def test_means_and_rates_of_the_caseload(caseload: list[PathwayState]) -> None:
    summed = totals(caseload)

    def exact(indicator_id: str) -> float | None:
        i = BY_ID[indicator_id]
        assert i.denominator_fact is not None
        return unsuppressed_ratio(i, summed[i.numerator_fact], summed[i.denominator_fact])

    assert exact("self_esteem_baseline") == pytest.approx(65 / 3)
    assert exact("self_esteem_exit") == 25.0
    assert exact("female_inactivity_exit") == 0.5
    # Three beneficiaries are below any export threshold: every ratio is suppressed there.
    i = BY_ID["self_esteem_baseline"]
    assert ratio(i, 65, 3) is None
