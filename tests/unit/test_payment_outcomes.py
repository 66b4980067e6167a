"""The bank's answer to an approved payment (paid, returned, corrected and paid again),
and what waits for the payments to be settled: economic support, the pathway's closure."""

from __future__ import annotations

import pytest

from domain import errors
from domain.affordances import PEOPLE_COMMANDS
from domain.payments.events import PayeeCorrected, PaymentPaid, PaymentReturned
from domain.payments.rules import SYSTEM_BANK
from domain.payments.state import PaymentStatus
from domain.permissions import command_type
from domain.read_models import read_models
from domain.values import Actor, Role
from tests.scenarios import CONDITION, OTHER_SUPERVISOR, SIX_MONTHS, SUPERVISOR
from tests.unit.payment_scenarios import (
    BENEFICIARY,
    OTHER_IBAN,
    approve,
    approved,
    outcome,
    pid,
    request,
    spend,
    supported,
)
from tests.unit.test_measures_work import complete

CLERK = Actor(id="system:clerk", role=Role.SYSTEM)


def test_only_the_bank_records_what_the_bank_did() -> None:
    s = approved()
    with pytest.raises(errors.RoleForbidden):
        s.decide(outcome(pid()), SUPERVISOR)
    with pytest.raises(errors.RoleForbidden):
        s.decide(outcome(pid()), CLERK)
    (paid,) = s.decide(outcome(pid()), SYSTEM_BANK)
    assert isinstance(paid, PaymentPaid) and paid.attempt == 1
    s.given(outcome(pid()), SYSTEM_BANK)
    assert s.state.payments[pid()].status == PaymentStatus.PAID
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(outcome(pid()), SYSTEM_BANK)
    with pytest.raises(errors.PaymentStatusInvalid):
        s.decide(outcome(pid(), attempt=2), SYSTEM_BANK)


def test_nothing_is_paid_before_it_is_approved() -> None:
    s = supported().given(request())
    with pytest.raises(errors.PaymentStatusInvalid):
        s.decide(outcome(pid()), SYSTEM_BANK)


def test_returned_then_corrected_then_approved_again_is_attempt_two() -> None:
    s = approved().given(outcome(pid(), "returned"), SYSTEM_BANK)
    payment = s.state.payments[pid()]
    assert payment.status == PaymentStatus.RETURNED and payment.attempt == 2
    with pytest.raises(errors.PaymentStatusInvalid):
        s.decide(approve(pid()), OTHER_SUPERVISOR)
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(outcome(pid(), "returned"), SYSTEM_BANK)
    corrected = {"type": "correct_payee", "payment_id": pid(), "payee": BENEFICIARY}
    (event,) = s.decide(corrected)
    assert isinstance(event, PayeeCorrected)
    s.given(corrected, SUPERVISOR)
    assert s.state.payments[pid()].status == PaymentStatus.REQUESTED
    with pytest.raises(errors.SelfApprovalForbidden):  # the corrector is a maker too
        s.decide(approve(pid()), SUPERVISOR)
    s.given(approve(pid()), OTHER_SUPERVISOR)
    (entry,) = read_models(s.state, s.records[-1:]).ledger
    assert (entry.entry_id, entry.attempt, entry.iban) == (f"{pid()}/2", 2, OTHER_IBAN)
    assert entry.approved_by == ("marco",)
    with pytest.raises(errors.PaymentStatusInvalid):  # a late answer about attempt 1
        s.decide(outcome(pid(), attempt=1), SYSTEM_BANK)
    s.given(outcome(pid(), attempt=2), SYSTEM_BANK)
    assert s.state.payments[pid()].status == PaymentStatus.PAID


def test_a_payment_booked_as_paid_can_still_come_back() -> None:
    s = approved().given(outcome(pid()), SYSTEM_BANK)
    (event,) = s.decide(outcome(pid(), "returned"), SYSTEM_BANK)
    assert isinstance(event, PaymentReturned) and event.attempt == 1


def test_a_returned_payment_frees_the_budget_until_corrected_and_must_fit_again() -> None:
    s = spend(supported(rent=100_000), 300_000, 200_000)
    s.given(request(amount=100_000)).given(approve(pid()), SUPERVISOR)
    s.given(outcome(pid(), "returned"), SYSTEM_BANK)
    s.given(request(kind="utilities", amount=50_000))
    corrected = {"type": "correct_payee", "payment_id": pid(), "payee": BENEFICIARY}
    with pytest.raises(errors.BudgetExceeded):
        s.decide(corrected)
    s.given({"type": "reject_payment", "payment_id": pid(), "reason": "Gone"}, SUPERVISOR)
    assert s.state.payments[pid()].status == PaymentStatus.REJECTED


def test_the_bank_answer_is_taken_while_the_pathway_is_suspended() -> None:
    s = approved().given({"type": "suspend_pathway", "reason": "hospital_stay"})
    with pytest.raises(errors.PathwaySuspended):
        s.decide(approve(pid()), OTHER_SUPERVISOR)
    assert s.decide(outcome(pid()), SYSTEM_BANK)


def test_economic_support_completes_once_its_payments_are_settled_and_one_paid() -> None:
    s = supported()
    done = complete("support", kind="economic_support", completed_on="2026-03-25")
    with pytest.raises(errors.NothingPaid):
        s.decide(done)
    s.given(request()).given(approve(pid()), SUPERVISOR)
    with pytest.raises(errors.PaymentsPending):
        s.decide(done)
    s.given(outcome(pid()), SYSTEM_BANK)
    s.given(done)
    assert s.state.measures["support"].status.value == "completed"
    with pytest.raises(errors.MeasureStatusInvalid):
        s.decide(request(period="2026-03-26"))
    # The paid payment survives the measure; its bank answer may still come.
    assert s.decide(outcome(pid(), "returned"), SYSTEM_BANK)


def test_a_pathway_closes_only_with_its_payments_settled() -> None:
    s = approved()
    s.given({"type": "record_exit", "reason": "autonomy", "outcomes": CONDITION})
    s.given({"type": "record_follow_up", "outcomes": CONDITION}, advance=SIX_MONTHS)
    with pytest.raises(errors.PaymentsPending):
        s.decide({"type": "close_pathway"}, SUPERVISOR)
    s.given(outcome(pid()), SYSTEM_BANK)
    assert s.decide({"type": "close_pathway"}, SUPERVISOR)


def test_the_bank_outcome_is_never_a_form() -> None:
    assert "record_payment_outcome" not in {command_type(c) for c in PEOPLE_COMMANDS}
