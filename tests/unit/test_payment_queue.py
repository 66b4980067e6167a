"""Which payments wait for whom: the approval queue's rule (`payments_awaiting`)."""

from __future__ import annotations

from domain.affordances import payments_awaiting
from domain.values import Actor
from tests.scenarios import CASEWORKER, COORDINATOR, OTHER_SUPERVISOR, SUPERVISOR, Scenario
from tests.unit.payment_scenarios import approve, pid, request, supported


def waiting(s: Scenario, actor: Actor) -> list[tuple[str, list[str]]]:
    return [(p.payment_id, commands) for p, commands in payments_awaiting(s.state, actor)]


def test_a_request_waits_for_the_supervisors_who_did_not_make_it() -> None:
    s = (
        supported()
        .given(request(amount=80_000))
        .given(request(kind="utilities", amount=10_000), SUPERVISOR)
    )
    both = ["approve_payment", "reject_payment"]
    assert waiting(s, SUPERVISOR) == [(pid(), both)]
    assert waiting(s, OTHER_SUPERVISOR) == [(pid(), both), (pid("utilities"), both)]
    assert waiting(s, CASEWORKER) == []
    assert waiting(s, COORDINATOR) == [], "below the threshold it waits for a supervisor"


def test_above_the_threshold_it_waits_for_the_coordinator_once_a_supervisor_approved() -> None:
    s = supported().given(request(kind="rent_advance", amount=150_000))
    rent = pid("rent_advance")
    assert waiting(s, COORDINATOR) == []
    s.given(approve(rent), SUPERVISOR)
    assert waiting(s, SUPERVISOR) == [] and waiting(s, OTHER_SUPERVISOR) == []
    assert waiting(s, COORDINATOR) == [(rent, ["approve_payment", "reject_payment"])]
    s.given(approve(rent), COORDINATOR)
    assert waiting(s, COORDINATOR) == []


def test_nothing_waits_while_the_pathway_is_suspended() -> None:
    s = supported().given(request(amount=80_000))
    s.given({"type": "suspend_pathway", "reason": "hospital_stay"}, SUPERVISOR)
    assert waiting(s, OTHER_SUPERVISOR) == []
