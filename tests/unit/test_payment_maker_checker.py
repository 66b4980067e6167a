"""Maker-checker approval of payments: who approves or rejects, the coordinator above the
threshold, the ledger entry, and whom the pages offer the approval."""

from __future__ import annotations

import pytest

from domain import errors
from domain.affordances import available_commands
from domain.payments.events import PaymentApproved
from domain.payments.ledger import PaymentKind, budget_line_id
from domain.payments.state import PaymentStatus
from domain.read_models import read_models
from domain.values import Role
from tests.scenarios import CASEWORKER, COORDINATOR, OTHER_SUPERVISOR, SUPERVISOR
from tests.unit.payment_scenarios import IBAN, approve, pid, request, supported


def test_a_supervisor_approves_below_the_threshold_and_it_enters_the_ledger() -> None:
    s = supported().given(request(amount=100_000))
    with pytest.raises(errors.RoleForbidden):
        s.decide(approve(pid()), CASEWORKER)
    (event,) = s.decide(approve(pid()), SUPERVISOR)
    assert event == PaymentApproved(
        payment_id=pid(), approver_id=SUPERVISOR.id, role=Role.SUPERVISOR, final=True
    )
    before = len(s.records)
    s.given(approve(pid()), SUPERVISOR)
    (entry,) = read_models(s.state, s.records[before:]).ledger
    assert (entry.entry_id, entry.attempt, entry.amount) == (f"{pid()}/1", 1, 100_000)
    assert entry.budget_line == budget_line_id(PaymentKind.FURNITURE) == "wp2_housing.furniture"
    assert (entry.organisation_id, entry.payee_name, entry.iban) == (
        "org-lecce",
        "Mobili Rossi srl",
        IBAN,
    )
    assert (entry.requested_by, entry.approved_by) == ("anna", ("sara",))
    assert read_models(s.state, s.records[:before]).ledger == ()
    with pytest.raises(errors.PaymentStatusInvalid):
        s.decide(approve(pid()), OTHER_SUPERVISOR)


def test_nobody_approves_or_rejects_their_own_request() -> None:
    s = supported().given(request(), SUPERVISOR)
    with pytest.raises(errors.SelfApprovalForbidden):
        s.decide(approve(pid()), SUPERVISOR)
    with pytest.raises(errors.SelfApprovalForbidden):
        s.decide({"type": "reject_payment", "payment_id": pid(), "reason": "x"}, SUPERVISOR)
    assert s.decide(approve(pid()), OTHER_SUPERVISOR)


def test_above_the_threshold_the_supervisor_approves_then_the_coordinator() -> None:
    s = supported().given(request(kind="rent_advance", amount=200_000))
    rent = pid("rent_advance")
    with pytest.raises(errors.SupervisorApprovalRequired):
        s.decide(approve(rent), COORDINATOR)
    (partial,) = s.decide(approve(rent), SUPERVISOR)
    assert isinstance(partial, PaymentApproved) and not partial.final
    s.given(approve(rent), SUPERVISOR)
    assert s.state.payments[rent].status == PaymentStatus.PARTIALLY_APPROVED
    assert read_models(s.state, s.records[-1:]).ledger == ()
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(approve(rent), SUPERVISOR)
    with pytest.raises(errors.CoordinatorApprovalRequired):
        s.decide(approve(rent), OTHER_SUPERVISOR)
    s.given(approve(rent), COORDINATOR)
    assert s.state.payments[rent].status == PaymentStatus.APPROVED
    (entry,) = read_models(s.state, s.records[-1:]).ledger
    assert entry.approved_by == ("sara", "cora")


def test_the_coordinator_may_approve_alone_below_the_threshold() -> None:
    s = supported().given(request(amount=100_000))
    (event,) = s.decide(approve(pid()), COORDINATOR)
    assert isinstance(event, PaymentApproved) and event.final


def test_a_coordinator_rejects_a_payment_awaiting_them() -> None:
    s = supported().given(request(kind="rent_advance", amount=200_000))
    s.given(approve(pid("rent_advance")), SUPERVISOR)
    reason = {"type": "reject_payment", "payment_id": pid("rent_advance"), "reason": "No quote"}
    with pytest.raises(errors.CoordinatorApprovalRequired):
        s.decide(reason, OTHER_SUPERVISOR)
    assert "reject_payment" not in available_commands(s.state, OTHER_SUPERVISOR)
    s.given(reason, COORDINATOR)
    assert s.state.payments[pid("rent_advance")].status == PaymentStatus.REJECTED
    with pytest.raises(errors.PaymentStatusInvalid):
        s.decide(approve(pid("rent_advance")), COORDINATOR)


def test_an_unknown_payment_is_named() -> None:
    with pytest.raises(errors.PaymentNotFound):
        supported().decide(approve("pay-nope"), SUPERVISOR)


def test_approval_is_offered_to_whom_the_payment_awaits() -> None:
    s = supported().given(request(kind="rent_advance", amount=200_000))
    assert "approve_payment" not in available_commands(s.state, CASEWORKER)
    assert "approve_payment" in available_commands(s.state, SUPERVISOR)
    assert "approve_payment" not in available_commands(s.state, COORDINATOR)
    s.given(approve(pid("rent_advance")), SUPERVISOR)
    assert "approve_payment" not in available_commands(s.state, SUPERVISOR)
    assert "approve_payment" not in available_commands(s.state, OTHER_SUPERVISOR)
    assert {"approve_payment", "reject_payment"} <= set(available_commands(s.state, COORDINATOR))
    assert "request_payment" in available_commands(s.state, CASEWORKER)
