"""The plan (PAI): proposed by a caseworker, approved by a supervisor who did not propose it."""

from __future__ import annotations

from datetime import date

import pytest

from domain import errors
from domain.events import PlanApproved, PlanProposed, PlanRejected
from domain.measures import MeasureStatus
from domain.values import Actor, Role, Stage
from tests.scenarios import CASEWORKER, COORDINATOR, OTHER_SUPERVISOR, SUPERVISOR, Scenario, plan

START_BIKE = {
    "type": "start_measure",
    "measure_id": "bike",
    "details": {"kind": "mobility", "route": "bicycle", "start_on": "2026-03-10"},
}


def test_proposal_records_a_revision() -> None:
    events = Scenario().assessed().decide(plan(("bike", "mobility")))
    assert isinstance(events[0], PlanProposed) and events[0].revision == 1


def test_approval_activates_the_pathway_with_a_default_end_date() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility")))
    [approved] = s.decide({"type": "approve_plan"}, SUPERVISOR)
    assert isinstance(approved, PlanApproved) and approved.end_date == date(2027, 3, 2)
    s.given({"type": "approve_plan"}, SUPERVISOR)
    assert s.state.stage == Stage.ACTIVE
    assert s.state.measures["bike"].status == MeasureStatus.PLANNED


def test_the_proposer_cannot_approve_their_own_plan() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility")), SUPERVISOR)
    with pytest.raises(errors.SelfApprovalForbidden):
        s.decide({"type": "approve_plan"}, SUPERVISOR)
    assert s.decide({"type": "approve_plan"}, OTHER_SUPERVISOR)


def test_a_caseworker_cannot_approve() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility")))
    with pytest.raises(errors.RoleForbidden):
        s.decide({"type": "approve_plan"}, Actor(id="luca", role=Role.CASEWORKER))


def test_the_coordinator_may_approve() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility")))
    assert s.decide({"type": "approve_plan"}, COORDINATOR)


def test_approval_needs_a_proposal() -> None:
    with pytest.raises(errors.NoPendingPlan):
        Scenario().assessed().decide({"type": "approve_plan"}, SUPERVISOR)


def test_rejection_sends_the_plan_back() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility")))
    assert isinstance(
        s.decide({"type": "reject_plan", "reason": "Add Italian"}, SUPERVISOR)[0], PlanRejected
    )
    s.given({"type": "reject_plan", "reason": "Add Italian"}, SUPERVISOR)
    assert s.state.pending_plan is None and s.state.stage == Stage.PLANNING
    s.given(plan(("bike", "mobility"), ("it", "training_course")))
    assert s.state.pending_plan is not None and s.state.pending_plan.revision == 2


def test_no_measure_before_the_plan_is_approved() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility")))
    with pytest.raises(errors.PlanNotApproved):
        s.decide(START_BIKE)


def test_measure_ids_are_unique() -> None:
    with pytest.raises(errors.MeasureAlreadyExists):
        Scenario().assessed().decide(plan(("a", "mobility"), ("a", "social_event")))
    s = Scenario().active(("a", "mobility"))
    with pytest.raises(errors.MeasureAlreadyExists):
        s.decide(plan(("a", "social_event")))


def test_target_dates_lie_ahead() -> None:
    with pytest.raises(errors.DateOrderInvalid):
        Scenario().assessed().decide(plan(("a", "mobility"), target=date(2026, 1, 1)))


def test_an_amendment_adds_measures_once_approved() -> None:
    s = Scenario().active(("bike", "mobility")).given(plan(("club", "association_membership")))
    assert "club" not in s.state.measures
    s.given({"type": "approve_plan"}, SUPERVISOR)
    assert s.state.measures["club"].status == MeasureStatus.PLANNED
    assert s.state.plan is not None and s.state.plan.revision == 2


def test_extension_by_a_supervisor_moves_the_end_date() -> None:
    s = Scenario().active(("bike", "mobility"))
    with pytest.raises(errors.RoleForbidden):
        s.decide(
            {"type": "extend_pathway", "end_date": "2027-06-30", "reason": "Course ends later"},
            CASEWORKER,
        )
    with pytest.raises(errors.DateOrderInvalid):
        s.decide(
            {"type": "extend_pathway", "end_date": "2027-01-01", "reason": "Shorter"}, SUPERVISOR
        )
    s.given(
        {"type": "extend_pathway", "end_date": "2027-06-30", "reason": "Course ends later"},
        SUPERVISOR,
    )
    assert s.state.end_date == date(2027, 6, 30)


def test_cancelling_a_planned_measure() -> None:
    s = (
        Scenario()
        .active(("bike", "mobility"))
        .given({"type": "cancel_measure", "measure_id": "bike", "reason": "Moved"})
    )
    assert s.state.measures["bike"].status == MeasureStatus.CANCELLED
    with pytest.raises(errors.MeasureStatusInvalid):
        s.decide(START_BIKE)
