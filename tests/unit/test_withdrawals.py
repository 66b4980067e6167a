"""Escalations withdrawn by a fact, recorded later, that met their obligation on time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.decider import decide
from domain.projections import EscalationsWithdrawn, ReadModelUpdate
from domain.read_models import read_models
from domain.stream import record_events, stream_id_for
from domain.values import SYSTEM_DEADLINES, Actor
from tests.scenarios import CASEWORKER, CONDITION, PATHWAY_ID, Scenario

BASELINE = {"type": "record_baseline", "condition": CONDITION}


def recorded(
    s: Scenario, command: dict[str, Any], occurred_at: datetime, actor: Actor = CASEWORKER
) -> ReadModelUpdate:
    """Record `command` one hour on, back-dated to `occurred_at`: the append's read models."""
    before = s.state
    s.now += timedelta(hours=1)
    envelope = s.envelope(command, actor, occurred_at)
    events = decide(before, envelope, s.now)
    new = record_events(stream_id_for(PATHWAY_ID), len(s.records), envelope, events, s.now)
    s.records += new
    return read_models(s.state, new, before=before)


def escalated_baseline() -> tuple[Scenario, datetime]:
    """A pathway whose baseline, due 7 days after the opening, escalated a day later."""
    s = Scenario().opened()
    assert s.state.opened_at is not None
    due = s.state.opened_at + timedelta(days=7)
    s.given({"type": "run_deadlines"}, SYSTEM_DEADLINES, advance=timedelta(days=8))
    assert "supervisor" in s.state.ladder["baseline"].steps
    return s, due


def test_an_escalation_for_a_baseline_later_recorded_as_done_on_time_is_withdrawn() -> None:
    s, due = escalated_baseline()
    done_on = due - timedelta(days=1)

    update = recorded(s, BASELINE, occurred_at=done_on)

    (withdrawn,) = update.withdrawals
    assert isinstance(withdrawn, EscalationsWithdrawn)
    assert (withdrawn.pathway_id, withdrawn.obligation_id) == (PATHWAY_ID, "baseline")
    assert withdrawn.due_instants[0] == due
    assert withdrawn.withdrawal.met_by == "BaselineRecorded"
    assert withdrawn.withdrawal.met_at == done_on
    assert withdrawn.withdrawal.withdrawn_at == s.now


def test_a_baseline_recorded_as_done_after_its_due_instant_withdraws_nothing() -> None:
    s, due = escalated_baseline()

    assert recorded(s, BASELINE, occurred_at=due + timedelta(minutes=1)).withdrawals == ()


def test_a_baseline_done_on_time_before_any_escalation_withdraws_nothing() -> None:
    s = Scenario().opened()
    assert s.state.opened_at is not None

    s.now += timedelta(days=2)
    update = recorded(s, BASELINE, occurred_at=s.state.opened_at + timedelta(days=1))

    assert update.withdrawals == ()


def test_a_later_fact_dated_before_the_due_instant_does_not_withdraw_a_deserved_escalation() -> (
    None
):
    s, due = escalated_baseline()
    recorded(s, BASELINE, occurred_at=due + timedelta(hours=2))  # late: the escalation stands

    update = recorded(
        s, {"type": "add_note", "text": "called"}, occurred_at=due - timedelta(days=2)
    )

    assert update.withdrawals == ()
