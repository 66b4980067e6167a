"""Suspension, household, permit, reassignment, notes and business time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain import errors
from domain.values import Stage
from tests.scenarios import CASEWORKER, CONDITION, SUPERVISOR, Scenario, plan

SUSPEND = {"type": "suspend_pathway", "reason": "hospital_stay"}


def test_a_suspended_pathway_accepts_only_resume_notes_and_exit() -> None:
    s = Scenario().active(("bike", "mobility")).given(SUSPEND)
    assert s.state.suspension is not None
    for refused in [
        plan(("x", "social_event")),
        SUSPEND,
        {"type": "renew_permit", "permit_expires_on": "2030-01-01"},
        {
            "type": "start_measure",
            "measure_id": "bike",
            "details": {"kind": "mobility", "route": "bicycle", "start_on": "2026-03-03"},
        },
    ]:
        with pytest.raises(errors.PathwaySuspended):
            s.decide(refused)
    assert s.decide({"type": "add_note", "text": "Visited in hospital"})
    assert s.decide({"type": "record_exit", "reason": "dropped_out", "outcomes": CONDITION})
    s.given({"type": "resume_pathway"}, advance=timedelta(days=10))
    assert s.state.suspension is None
    [period] = s.state.suspended_periods
    assert period.end - period.start == timedelta(days=10)


def test_resume_needs_a_suspension() -> None:
    with pytest.raises(errors.PathwayNotSuspended):
        Scenario().opened().decide({"type": "resume_pathway"})


def test_exit_while_suspended_ends_the_suspension() -> None:
    s = (
        Scenario()
        .opened()
        .given(SUSPEND)
        .given({"type": "record_exit", "reason": "dropped_out", "outcomes": CONDITION})
    )
    assert (
        s.state.stage == Stage.EXIT
        and s.state.suspension is None
        and len(s.state.suspended_periods) == 1
    )


def test_household_changes_are_recorded() -> None:
    s = (
        Scenario()
        .opened()
        .given(
            {
                "type": "update_household",
                "household": {
                    "adults": 2,
                    "minors": [
                        {"minor_id": "m1", "birth_year": 2019},
                        {"minor_id": "m2", "birth_year": 2026},
                    ],
                },
            }
        )
    )
    assert [m.minor_id for m in s.state.household.minors] == ["m1", "m2"]


def test_a_renewed_permit_expires_later() -> None:
    s = Scenario().opened()
    with pytest.raises(errors.DateOrderInvalid):
        s.decide({"type": "renew_permit", "permit_expires_on": "2028-06-30"})
    s.given(
        {
            "type": "renew_permit",
            "permit_expires_on": "2031-06-30",
            "protection_status": "subsidiary_protection",
        }
    )
    assert s.state.permit_expires_on == date(2031, 6, 30)
    assert s.state.protection_status == "subsidiary_protection"


def test_a_supervisor_reassigns_the_caseload() -> None:
    s = Scenario().opened()
    with pytest.raises(errors.RoleForbidden):
        s.decide({"type": "reassign_caseworker", "caseworker_id": "luca"}, CASEWORKER)
    with pytest.raises(errors.InvalidCommand):
        s.decide({"type": "reassign_caseworker", "caseworker_id": "anna"}, SUPERVISOR)
    s.given({"type": "reassign_caseworker", "caseworker_id": "luca"}, SUPERVISOR)
    assert s.state.caseworker_id == "luca"
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide({"type": "add_note", "text": "Still mine?"}, CASEWORKER)


def test_notes_are_counted() -> None:
    assert Scenario().opened().given({"type": "add_note", "text": "First call"}).state.notes == 1


def test_business_time_may_be_back_dated_within_the_window() -> None:
    s = Scenario().opened()
    s.now += timedelta(days=40)
    within = s.now - timedelta(days=29)
    assert s.decide({"type": "add_note", "text": "Met on Monday"}, occurred_at=within)
    with pytest.raises(errors.BackdateWindowExceeded):
        s.decide({"type": "add_note", "text": "Long ago"}, occurred_at=s.now - timedelta(days=31))


def test_business_time_never_lies_in_the_future_or_before_the_opening() -> None:
    s = Scenario().opened()
    with pytest.raises(errors.OccurredInFuture):
        s.decide({"type": "add_note", "text": "Tomorrow"}, occurred_at=s.now + timedelta(hours=1))
    opened_at = s.state.opened_at
    assert isinstance(opened_at, datetime)
    with pytest.raises(errors.DateOrderInvalid):
        s.decide(
            {"type": "add_note", "text": "Before"}, occurred_at=opened_at - timedelta(minutes=1)
        )


def test_a_back_dated_record_is_marked() -> None:
    s = Scenario().opened()
    s.now += timedelta(days=3)
    s.counter += 1
    from domain.decider import decide
    from domain.stream import record_events

    envelope = s.envelope(
        {"type": "add_note", "text": "Late entry"}, CASEWORKER, s.now - timedelta(days=2)
    )
    [record] = record_events("pathway-p-0001", 1, envelope, decide(s.state, envelope, s.now), s.now)
    assert record.backdated and not s.records[0].backdated
