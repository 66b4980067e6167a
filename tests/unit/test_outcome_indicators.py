"""The headline outcomes: given a pathway's story, which outcome facts hold after each event.

Each rule of docs/indicators.md "Headline outcomes" is tried before and after the event that
makes it true (the as-of of a fact is the event that made it), and a person is counted once.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.indicators import BY_ID, DEFAULT_TARGETS, FACTS, facts
from domain.indicators.outcome_catalogue import OUTCOMES
from domain.indicators.outcomes import OUTCOME_FACTS
from infra.indicators.targets import TargetsFileError, load_targets
from tests.scenarios import CONDITION, SUPERVISOR, Scenario, plan
from tests.unit.indicator_caseload import approved, baselined, exited, opened
from tests.unit.test_measures_work import WORK_GRANT, complete, start

SIX_MONTHS = timedelta(days=190)


def woman(**baseline: Any) -> Scenario:
    return baselined(opened("1990-01-01", "female"), **baseline)


def test_reached_at_the_opening_activated_at_the_approval() -> None:
    s = woman()
    assert facts(s.state)["reached"] == 1 and "activated" not in facts(s.state)
    s.given(plan(("wg", "work_grant"), ("home", "housing_placement")))
    assert "activated" not in facts(s.state)
    s.given({"type": "approve_plan"}, SUPERVISOR)
    after = facts(s.state)
    assert after["activated"] == 1
    assert after["activated_wp1_work"] == after["activated_wp2_housing"] == 1
    assert "activated_wp3_socio_cultural" not in after


def test_a_package_whose_only_measure_is_cancelled_before_it_starts_is_not_activated() -> None:
    s = approved(woman(), ("wg", "work_grant"), ("club", "association_membership"))
    assert facts(s.state)["activated_wp3_socio_cultural"] == 1
    s.given({"type": "cancel_measure", "measure_id": "club", "reason": "No longer wanted"})
    assert "activated_wp3_socio_cultural" not in facts(s.state)
    assert facts(s.state)["activated_wp1_work"] == 1


def test_reached_by_a_package_once_a_measure_of_it_is_taken_part_in() -> None:
    s = approved(woman(), ("club", "association_membership"), ("it", "training_course"))
    assert "reached_wp3_socio_cultural" not in facts(s.state)  # planned is not reached
    details = {"association": "ASD Lecce", "category": "sports", "start_on": "2026-03-03"}
    s.given(start("club", kind="association_membership", **details))
    assert facts(s.state)["reached_wp3_socio_cultural"] == 1
    course = {"subject": "italian_l2", "title": "Italiano A2", "provider": "CPIA"}
    s.given(start("it", kind="training_course", planned_hours=100, start_on="2026-03-03", **course))
    assert facts(s.state)["reached_wp1_work"] == 1
    s.given({"type": "cancel_measure", "measure_id": "it", "reason": "Enrolled by mistake"})
    assert "reached_wp1_work" not in facts(s.state)  # cancelled before any attendance


def test_left_reception_for_a_home_of_her_own_counts_from_the_exit() -> None:
    s = approved(woman(housing="reception_centre"), ("home", "housing_placement"))
    before = facts(s.state)
    assert "left_reception" not in before and "in_reception_exited" not in before
    exited(s, housing="private_rental", housing_hardship=False)
    after = facts(s.state)
    assert after["left_reception"] == after["in_reception_exited"] == 1
    assert after["exit_housing_private_rental"] == 1 and after["housing_autonomy_exit"] == 1
    assert after["autonomy_reached_housing"] == after["autonomy_lacking_housing"] == 1


def test_leaving_reception_for_precarious_housing_is_not_an_exit_from_the_circuit() -> None:
    s = exited(
        approved(woman(housing="reception_centre"), ("wg", "work_grant")), housing="precarious"
    )
    found = facts(s.state)
    assert found["in_reception_exited"] == 1 and "left_reception" not in found
    assert "housing_autonomy_exit" not in found and found["autonomy_lacking_housing"] == 1
    assert not any(f.startswith("exit_housing_") for f in found)


def test_a_home_already_autonomous_at_baseline_is_not_autonomy_reached() -> None:
    s = exited(approved(woman(housing="cohousing"), ("wg", "work_grant")), housing="cohousing")
    found = facts(s.state)
    assert found["housing_autonomy_baseline"] == found["housing_autonomy_exit"] == 1
    assert "autonomy_lacking_housing" not in found and "autonomy_reached_housing" not in found
    assert "in_reception_exited" not in found
    assert found["exit_housing_cohousing"] == 1


def test_mobility_by_licence_or_bicycle_but_not_a_foreign_licence() -> None:
    s = approved(woman(mobility="foreign_licence"), ("wg", "work_grant"))
    assert "mobility_autonomy_baseline" not in facts(s.state)
    exited(s, mobility="driving_licence")
    found = facts(s.state)
    assert found["mobility_autonomy_exit"] == found["autonomy_reached_mobility"] == 1
    cycled = exited(approved(woman(), ("wg", "work_grant")), mobility="bicycle")
    assert facts(cycled.state)["autonomy_reached_mobility"] == 1
    walked = exited(approved(woman(), ("wg", "work_grant")), mobility="public_transport")
    assert facts(walked.state)["autonomy_lacking_mobility"] == 1
    assert "autonomy_reached_mobility" not in facts(walked.state)


def test_job_stability_needs_the_follow_up_still_employed() -> None:
    employed = {"employment": "employed"}
    s = exited(approved(woman(), ("wg", "work_grant")), **employed)
    at_exit = facts(s.state)
    assert at_exit["employed_exit"] == at_exit["autonomy_reached_work"] == 1
    assert "employed_exit_followed_up" not in at_exit and "stable_employment" not in at_exit
    s.given(_follow_up(employment="employed"), advance=SIX_MONTHS)
    after = facts(s.state)
    assert after["employed_exit_followed_up"] == after["stable_employment"] == 1

    lost = exited(approved(woman(), ("wg", "work_grant")), **employed)
    lost.given(_follow_up(employment="unemployed"), advance=SIX_MONTHS)
    found = facts(lost.state)
    assert found["employed_exit_followed_up"] == 1 and "stable_employment" not in found


def test_a_follow_up_of_someone_not_employed_at_exit_is_outside_job_stability() -> None:
    s = exited(approved(woman(), ("wg", "work_grant")), employment="unemployed")
    s.given(_follow_up(employment="employed"), advance=SIX_MONTHS)
    found = facts(s.state)
    assert "employed_exit_followed_up" not in found and "stable_employment" not in found


def _follow_up(**condition: Any) -> dict[str, Any]:
    return {"type": "record_follow_up", "outcomes": {**CONDITION, **condition}}


def test_hired_after_two_work_grants_counts_the_beneficiary_once() -> None:
    s = approved(woman(), ("wg", "work_grant"), ("wg2", "work_grant"))
    s.given(start("wg", **WORK_GRANT))
    assert "hired_after_work_grant" not in facts(s.state)
    s.given(complete("wg", kind="work_grant", completed_on="2026-09-30", hired=True))
    assert facts(s.state)["hired_after_work_grant"] == 1
    s.given(start("wg2", **{**WORK_GRANT, "start_on": "2026-10-01", "end_on": "2027-03-31"}))
    s.given(complete("wg2", kind="work_grant", completed_on="2027-03-31", hired=True))
    assert facts(s.state)["hired_after_work_grant"] == 1


def test_a_work_grant_ended_without_a_hire_is_not_counted() -> None:
    s = approved(woman(), ("wg", "work_grant"))
    s.given(start("wg", **WORK_GRANT))
    s.given(complete("wg", kind="work_grant", completed_on="2026-09-30", hired=False))
    assert "hired_after_work_grant" not in facts(s.state)


def test_a_business_started_after_orientation() -> None:
    s = approved(woman(), ("se", "self_employment_orientation"))
    details = {"provider": "Camera di Commercio", "start_on": "2026-03-03"}
    s.given(start("se", kind="self_employment_orientation", **details))
    assert "business_started" not in facts(s.state)
    outcome = {"kind": "self_employment_orientation", "completed_on": "2026-06-30"}
    s.given(complete("se", **outcome, business_started=True))
    assert facts(s.state)["business_started"] == 1


def test_every_outcome_reads_facts_the_state_can_give() -> None:
    read = {fact for i in OUTCOMES for fact in i.facts}
    assert read <= FACTS
    assert OUTCOME_FACTS <= FACTS
    assert all(BY_ID[i.indicator_id] is i for i in OUTCOMES)


def test_the_targets_file_sets_the_outcomes_and_refuses_a_share_above_one(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text("[left_reception]\nvalue = 0.75\n\n[hired_after_work_grant]\nvalue = 45\n")
    targets = load_targets(path)
    assert targets["left_reception"].value == 0.75 and targets["left_reception"].met(0.8)
    assert targets["hired_after_work_grant"].progress(9) == 0.2
    assert targets["job_stability"] == DEFAULT_TARGETS["job_stability"]
    path.write_text("[job_stability]\nvalue = 70\n")
    with pytest.raises(TargetsFileError, match=r"line 2.*from 0 to 1"):
        load_targets(path)
