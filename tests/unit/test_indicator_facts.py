"""Indicator facts follow the pathway's state: they appear and disappear with it, count from
the opening, and are the same however the state was reached."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings

from domain.decider import decide
from domain.errors import DomainError
from domain.evolution import evolve, fold
from domain.indicators import FACTS, dimensions, facts
from domain.indicators.facts import OWNED_BY, owned_by
from domain.payments.rules import SYSTEM_BANK
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import record_events
from domain.values import Actor
from tests.scenarios import SUPERVISOR, Scenario
from tests.unit.indicator_caseload import approved, baselined, exited, opened, paid_furniture, rosa
from tests.unit.payment_scenarios import BENEFICIARY, approve, outcome, pid
from tests.unit.test_measures_work import progress, start
from tests.unit.test_properties import POOL, steps


def facts_after_each_event(s: Scenario) -> list[dict[str, int]]:
    state, seen = PathwayState(), []
    for record in s.records:
        state = evolve(state, record)
        seen.append(facts(state))
    return seen


def test_a_fact_appears_and_disappears_with_the_state() -> None:
    s = approved(baselined(opened("1990-01-01", "male")), ("it", "training_course"))
    assert "training" not in facts(s.state)
    course = {"subject": "italian_l2", "title": "Italiano", "provider": "CPIA"}
    s.given(start("it", kind="training_course", planned_hours=100, start_on="2026-03-03", **course))
    assert facts(s.state)["training"] == 1
    s.given({"type": "cancel_measure", "measure_id": "it", "reason": "Enrolled by mistake"})
    assert "training" not in facts(s.state)


def test_a_measure_cancelled_after_attendance_still_counts() -> None:
    s = approved(baselined(opened("1990-01-01", "male")), ("it", "training_course"))
    course = {"subject": "italian_l2", "title": "Italiano", "provider": "CPIA"}
    s.given(start("it", kind="training_course", planned_hours=100, start_on="2026-03-03", **course))
    s.given(progress("it", kind="course_attendance", period_end="2026-03-31", hours=20))
    s.given({"type": "cancel_measure", "measure_id": "it", "reason": "Found a job"})
    assert facts(s.state)["training"] == 1


def test_economic_support_follows_the_bank_returned_and_paid_again() -> None:
    s = approved(baselined(opened("1990-01-01", "male")), ("support", "economic_support"))
    paid_furniture(s)
    assert {"paid_furniture", "economic_support"} <= set(facts(s.state))
    s.given(outcome(pid("furniture"), "returned"), SYSTEM_BANK)
    assert not {"paid_furniture", "economic_support"} & set(facts(s.state))
    s.given({"type": "correct_payee", "payment_id": pid("furniture"), "payee": BENEFICIARY})
    s.given(approve(pid("furniture")), SUPERVISOR)
    s.given(outcome(pid("furniture"), attempt=2), SYSTEM_BANK)
    assert {"paid_furniture", "economic_support"} <= set(facts(s.state))


def test_housing_hardship_at_baseline_stays_while_the_exit_records_its_end() -> None:
    s = approved(baselined(opened("1990-01-01", "female")), ("bike", "mobility"))
    before_exit = facts(s.state)
    assert before_exit["housing_hardship_baseline"] == 1
    assert "exit_recorded" not in before_exit
    exited(s, housing_hardship=False, employment="unemployed")
    after = facts(s.state)
    assert after["housing_hardship_baseline"] == 1 and after["exit_recorded"] == 1
    assert "housing_hardship_exit" not in after
    assert after["female_inactive_baseline"] == 1 and "female_inactive_exit" not in after
    assert after["female_exit"] == 1


def test_a_pathway_counts_from_its_opening_only() -> None:
    timeline = facts_after_each_event(rosa())
    # opened: no baseline, no measure yet; the beneficiary reached, and the organisation
    assert [f for f in timeline[0] if not f.startswith("organisation:")] == ["reached"]
    assert len(timeline[0]) == 2
    assert timeline[1]["baseline_recorded"] == 1
    assert facts(PathwayState()) == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_facts_depend_only_on_the_state(sequence: list[tuple[int, Actor, int]]) -> None:
    s = Scenario()
    state = PathwayState()
    for index, actor, hours in sequence:
        s.now += timedelta(hours=hours)
        envelope = s.envelope(POOL[index], actor)
        try:
            events = decide(state, envelope, s.now)
        except DomainError:
            continue
        records = record_events("pathway-p-0001", state.version, envelope, events, s.now)
        for record in records:
            state = evolve(state, record)
        s.records += records
        found = facts(state)
        assert {f for f in found if not f.startswith(OWNED_BY)} <= FACTS
        assert (owned_by(state.organisation_id) in found) == (state.organisation_id is not None)
        assert all(weight > 0 for weight in found.values()), found
        assert (dimensions(state) is None) == (state.stage is None)
    # The same state, however it was reached (folded at once, or from stored JSON), gives
    # the same facts, and asking twice changes nothing.
    stored = [EventRecord.model_validate_json(r.model_dump_json()) for r in s.records]
    assert facts(fold(s.records)) == facts(fold(stored)) == facts(state) == facts(state)
    assert dimensions(fold(stored)) == dimensions(state)
