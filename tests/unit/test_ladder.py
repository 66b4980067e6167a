"""The escalation ladder: reminder at T−3 days, supervisor at T, coordinator at T+7 days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain import errors
from domain.events import DeadlineEscalated, DeadlineReminderSent
from domain.obligations import ladder_points, next_deadline, next_wakeup, obligations
from domain.policy import DEFAULT_POLICY, Deadlines, Policy, PolicyRevision, Span
from domain.values import SYSTEM_DEADLINES, Actor, Role
from tests.scenarios import CONDITION, Scenario

RUN = {"type": "run_deadlines"}
ADMIN = Actor(id="root", role=Role.ADMIN)


def run_at(s: Scenario, when: Any) -> list[Any]:
    s.now = when
    return s.decide(RUN, SYSTEM_DEADLINES)


def test_the_baseline_ladder_climbs_at_the_right_instants() -> None:
    s = Scenario().opened()
    opened = s.state.opened_at
    assert opened is not None
    due = opened + timedelta(days=7)
    assert next_deadline(s.state) == due
    assert next_wakeup(s.state) == due - timedelta(days=3)
    with pytest.raises(errors.NothingDue):
        run_at(s, due - timedelta(days=3, seconds=1))
    [reminder] = run_at(s, due - timedelta(days=3))
    assert isinstance(reminder, DeadlineReminderSent)
    assert (reminder.obligation_id, reminder.notify, reminder.scheduled_at) == (
        "baseline",
        Role.CASEWORKER,
        due - timedelta(days=3),
    )
    s.given(RUN, SYSTEM_DEADLINES, advance=timedelta())
    assert next_wakeup(s.state) == due
    [escalation] = run_at(s, due)
    assert isinstance(escalation, DeadlineEscalated) and escalation.notify == Role.SUPERVISOR
    s.given(RUN, SYSTEM_DEADLINES, advance=timedelta())
    assert next_wakeup(s.state) == due + timedelta(days=7)
    s.now = due + timedelta(days=7)
    [last] = s.decide(RUN, SYSTEM_DEADLINES)
    assert isinstance(last, DeadlineEscalated) and last.notify == Role.COORDINATOR
    s.given(RUN, SYSTEM_DEADLINES, advance=timedelta())
    assert [p.obligation.obligation_id for p in ladder_points(s.state)].count("baseline") == 0


def test_overdue_steps_are_all_taken_at_once() -> None:
    s = Scenario().opened()
    events = run_at(s, s.now + timedelta(days=30))
    assert [e.step for e in events if e.obligation_id == "baseline"] == [
        "reminder",
        "supervisor",
        "coordinator",
    ]


def test_meeting_the_obligation_stops_its_ladder() -> None:
    s = Scenario().opened()
    s.given(RUN, SYSTEM_DEADLINES, advance=timedelta(days=4))  # reminder taken
    s.given({"type": "record_baseline", "condition": CONDITION})
    assert all(p.obligation.obligation_id != "baseline" for p in ladder_points(s.state))


def test_only_the_clock_runs_deadlines() -> None:
    s = Scenario().opened()
    s.now += timedelta(days=30)
    with pytest.raises(errors.RoleForbidden):
        s.decide(RUN)


def test_suspension_pauses_the_clock_and_shifts_due_dates() -> None:
    s = Scenario().opened()
    due = next_deadline(s.state)
    assert due is not None
    s.given({"type": "suspend_pathway", "reason": "hospital_stay"}, advance=timedelta(days=1))
    assert next_wakeup(s.state) is None
    with pytest.raises(errors.NothingDue):
        run_at(s, s.now + timedelta(days=20))
    s.given({"type": "resume_pathway"}, advance=timedelta())
    assert next_deadline(s.state) == due + timedelta(days=20)


def test_legal_dates_do_not_move_with_suspension() -> None:
    s = Scenario().opened()
    permit = next(o for o in obligations(s.state) if o.kind == "permit_renewal")
    s.given({"type": "suspend_pathway", "reason": "hospital_stay"}).given(
        {"type": "resume_pathway"}, advance=timedelta(days=9)
    )
    again = next(o for o in obligations(s.state) if o.kind == "permit_renewal")
    assert again.due_at == permit.due_at


def fast_policy(effective_from: date = date(2000, 1, 1), baseline: str = "2 days") -> Policy:
    return Policy(
        policy_id="fast",
        revisions=(
            PolicyRevision(
                effective_from=effective_from, deadlines=Deadlines(baseline=Span.parse(baseline))
            ),
        ),
    )


def test_a_new_policy_moves_the_timer_and_is_recorded() -> None:
    s = Scenario().opened()
    before = next_deadline(s.state)
    s.given({"type": "apply_policy", "policy": fast_policy().model_dump(mode="json")}, ADMIN)
    assert s.state.policy.policy_id == "fast"
    assert s.state.opened_at is not None and next_deadline(
        s.state
    ) == s.state.opened_at + timedelta(days=2)
    assert before != next_deadline(s.state)
    with pytest.raises(errors.AlreadyRecorded):
        s.decide({"type": "apply_policy", "policy": fast_policy().model_dump(mode="json")}, ADMIN)


def test_a_revision_applies_to_obligations_created_on_or_after_its_date() -> None:
    s = Scenario().opened()  # opened 2026-03-02
    later = Policy(
        policy_id="v2",
        revisions=(*DEFAULT_POLICY.revisions, *fast_policy(date(2026, 3, 10)).revisions),
    )
    s.given({"type": "apply_policy", "policy": later.model_dump(mode="json")}, ADMIN)
    assert s.state.opened_at is not None
    assert next_deadline(s.state) == s.state.opened_at + timedelta(days=7), (
        "opened before the revision"
    )


def test_ladder_offsets_are_policy_data() -> None:
    ladder = DEFAULT_POLICY.revisions[0].ladder
    assert [(step.step, str(step.offset), step.notify) for step in ladder] == [
        ("reminder", "-3 days", Role.CASEWORKER),
        ("supervisor", "0 seconds", Role.SUPERVISOR),
        ("coordinator", "7 days", Role.COORDINATOR),
    ]


def test_a_pathway_opens_under_the_client_s_policy() -> None:
    from tests.scenarios import OPEN

    s = Scenario().given({**OPEN, "policy": fast_policy().model_dump(mode="json")})
    assert [r.type for r in s.records] == ["PathwayOpened", "PolicyApplied"]
    assert s.state.policy.policy_id == "fast"
    assert [
        r.type
        for r in Scenario()
        .given({**OPEN, "policy": DEFAULT_POLICY.model_dump(mode="json")})
        .records
    ] == ["PathwayOpened"]


def test_each_ladder_step_owes_a_notification_without_personal_data() -> None:
    from domain.read_models import read_models

    s = Scenario().opened()
    before = len(s.records)
    s.given(RUN, SYSTEM_DEADLINES, advance=timedelta(days=30))
    new = s.records[before:]
    sent = read_models(s.state, new).notifications
    assert [
        (n.recipient_role, n.recipient_id, n.escalation)
        for n in sent
        if n.obligation_id == "baseline"
    ] == [
        (Role.CASEWORKER, "anna", False),
        (Role.SUPERVISOR, None, True),
        (Role.COORDINATOR, None, True),
    ]
    assert len({n.notification_id for n in sent}) == len(sent)
    dumped = " ".join(n.model_dump_json() for n in sent)
    assert "Amina" not in dumped and "Diallo" not in dumped and "PS1234567" not in dumped
    assert read_models(s.state).notifications == ()


def test_spans_are_either_months_or_durations() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Span(months=1, duration=timedelta(days=1))
    with pytest.raises(ValidationError):
        Deadlines(licence_conversion=Span.parse("-365 days"))
