"""Payments: requests, maker-checker approvals, caps, the individual budget, the bank's answer.

Given a pathway with active measures, when a payment command is sent, then these events
(or this error). Amounts are euro cents; the default policy's terms apply (dote 6,000.00,
coordinator above 1,000.00, furniture 1,500.00, utilities 500.00, rent advance 6 months).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import errors
from domain.affordances import PEOPLE_COMMANDS, available_commands
from domain.calendar import project_day
from domain.events import MeasureProgressRecorded
from domain.payments.allowance import allowance, full_hours
from domain.payments.events import (
    PayeeCorrected,
    PaymentApproved,
    PaymentPaid,
    PaymentRequested,
    PaymentReturned,
)
from domain.payments.ledger import PaymentKind, budget_line_id, payment_id_for
from domain.payments.payee import SEPA_IBAN_LENGTHS, normalised_iban, with_check_digits
from domain.payments.rules import SYSTEM_BANK
from domain.payments.state import PaymentStatus
from domain.permissions import command_type
from domain.policy import FullMonthHours
from domain.read_models import read_models
from domain.values import Actor, Role
from tests.scenarios import (
    CASEWORKER,
    CONDITION,
    COORDINATOR,
    OTHER_SUPERVISOR,
    PATHWAY_ID,
    SIX_MONTHS,
    SUPERVISOR,
    Scenario,
)
from tests.unit.test_measures_work import WORK_GRANT, complete, progress, start

IBAN = "IT60X0542811101000000123456"
OTHER_IBAN = "IT65A0306909606100000063579"
PAYEE = {"name": "Mobili Rossi srl", "iban": IBAN}
BENEFICIARY = {"name": "Amina Diallo", "iban": OTHER_IBAN}
RENTAL = {"kind": "housing_placement", "solution": "private_rental", "start_on": "2026-03-03"}
SUPPORT = {"kind": "economic_support", "purpose": "Casa in affitto", "start_on": "2026-03-05"}
CLERK = Actor(id="system:clerk", role=Role.SYSTEM)


def request(
    kind: str = "furniture",
    amount: int = 80_000,
    measure_id: str = "support",
    period: str | None = "2026-03-05",
    **fields: Any,
) -> dict[str, Any]:
    command = {
        "type": "request_payment",
        "measure_id": measure_id,
        "kind": kind,
        "amount": amount,
        "payee": PAYEE,
        "evidence_ref": "Preventivo n. 42",
        **fields,
    }
    if period is not None:
        command["period"] = period
    return command


def pid(kind: str = "furniture", period: str = "2026-03-05", measure_id: str = "support") -> str:
    return payment_id_for(PATHWAY_ID, measure_id, PaymentKind(kind), period)


def approve(payment_id: str) -> dict[str, Any]:
    return {"type": "approve_payment", "payment_id": payment_id}


def outcome(payment_id: str, result: str = "paid", attempt: int = 1) -> dict[str, Any]:
    return {
        "type": "record_payment_outcome",
        "payment_id": payment_id,
        "attempt": attempt,
        "result": result,
        "bank_reference": f"STMT-{attempt}-{result}",
        "on": "2026-03-20",
    }


def supported(rent: int | None = 40_000) -> Scenario:
    """An active pathway with a started economic support (and a registered rent, if any)."""
    s = (
        Scenario()
        .active(
            ("home", "housing_placement"),
            ("support", "economic_support"),
            ("wg", "work_grant"),
            ("bike", "mobility"),
        )
        .given(start("home", **RENTAL))
        .given(start("support", **SUPPORT))
    )
    if rent is not None:
        s.given(
            progress(
                "home",
                kind="rent_contract_registered",
                monthly_rent=rent,
                registered_on="2026-03-04",
            )
        )
    return s


def granted(**details: Any) -> Scenario:
    return Scenario().active(("wg", "work_grant")).given(start("wg", **{**WORK_GRANT, **details}))


def attendance(month: str, hours: int) -> dict[str, Any]:
    return progress(
        "wg", kind="work_grant_attendance", month=month, hours_verified=hours, verified_by="Rizzo"
    )


# --- requests ----------------------------------------------------------------------------------


def test_a_request_gets_the_deterministic_id_and_a_normalised_iban() -> None:
    s = supported()
    iban_as_typed = "it60 x054 2811 1010 0000 0123 456"
    (event,) = s.decide(request(payee={"name": "Mobili Rossi srl", "iban": iban_as_typed}))
    assert isinstance(event, PaymentRequested)
    assert event.payment_id == pid() and event.payee is not None and event.payee.iban == IBAN
    s.given(request())
    assert s.state.payments[pid()].status == PaymentStatus.REQUESTED
    assert s.state.payments[pid()].requested_by == CASEWORKER.id


def test_without_a_period_a_request_is_for_the_day_it_is_made() -> None:
    s = supported()
    (event,) = s.decide(request(period=None))
    assert isinstance(event, PaymentRequested) and event.period == project_day(s.now).isoformat()


def test_the_same_measure_kind_and_period_twice_is_refused() -> None:
    s = supported().given(request())
    with pytest.raises(errors.PaymentAlreadyRequested):
        s.decide(request(amount=1_000))
    assert s.decide(request(amount=1_000, period="2026-03-06"))


@pytest.mark.parametrize("amount", [0, -5_000, 500_001, 10**12])
def test_amounts_are_positive_and_not_absurd(amount: int) -> None:
    with pytest.raises(errors.InvalidAmount):
        supported().decide(request(amount=amount))


@pytest.mark.parametrize(
    "iban",
    [
        "IT60X0542811101000000123457",  # a digit mistyped: the checksum fails
        "IT60X054281110100000012345",  # one character short for Italy
        "US12345678901234567890",  # not a SEPA country
        "IT6OX0542811101000000123456",  # a letter O for a zero in the check digits
        "IT60105428111010000001234X6",  # an Italian BBAN starts with the CIN letter
        "not an iban",
    ],
)
def test_a_bad_iban_is_refused_and_names_the_field(iban: str) -> None:
    with pytest.raises(errors.InvalidIban) as refused:
        supported().decide(request(payee={"name": "Mobili Rossi", "iban": iban}))
    assert refused.value.field == "payee.iban"


def test_the_measure_must_exist_match_the_kind_and_be_started() -> None:
    s = supported()
    with pytest.raises(errors.MeasureNotFound):
        s.decide(request(measure_id="nope"))
    with pytest.raises(errors.PaymentKindMismatch):
        s.decide(request(kind="furniture", measure_id="bike"))
    with pytest.raises(errors.PaymentKindMismatch):
        s.decide(request(kind="mobility", measure_id="support"))
    with pytest.raises(errors.MeasureStatusInvalid):
        s.decide(request(kind="mobility", measure_id="bike"))
    s.given(start("bike", kind="mobility", route="bicycle", start_on="2026-03-03"))
    assert s.decide(request(kind="mobility", measure_id="bike", amount=25_000))


def test_an_allowance_is_never_requested_by_hand() -> None:
    s = supported().given(start("wg", **WORK_GRANT))
    with pytest.raises(errors.AllowanceFollowsAttendance):
        s.decide(request(kind="work_grant_allowance", measure_id="wg", period="2026-04"))


def test_requests_wait_for_the_plan() -> None:
    s = Scenario().assessed()
    with pytest.raises(errors.PlanNotApproved):
        s.decide(request())


# --- caps and the individual budget -------------------------------------------------------------


def test_furniture_and_utilities_stay_within_their_caps_all_payments_together() -> None:
    s = supported().given(request(amount=100_000))
    with pytest.raises(errors.PaymentCapExceeded):
        s.decide(request(amount=50_001, period="2026-03-06"))
    assert s.decide(request(amount=50_000, period="2026-03-06"))
    with pytest.raises(errors.PaymentCapExceeded):
        s.decide(request(kind="utilities", amount=50_001))
    assert s.decide(request(kind="utilities", amount=50_000))


def test_a_rent_advance_needs_a_registered_contract() -> None:
    with pytest.raises(errors.RentContractMissing):
        supported(rent=None).decide(request(kind="rent_advance", amount=40_000))


@pytest.mark.parametrize(("amount", "valid"), [(240_000, True), (240_001, False)])
def test_a_rent_advance_is_at_most_six_months_of_the_registered_rent(
    amount: int, valid: bool
) -> None:
    s = supported(rent=40_000)
    if valid:
        assert s.decide(request(kind="rent_advance", amount=amount))
    else:
        with pytest.raises(errors.RentAdvanceTooHigh):
            s.decide(request(kind="rent_advance", amount=amount))


def test_rent_advances_count_together() -> None:
    s = supported(rent=40_000).given(request(kind="rent_advance", amount=160_000))
    with pytest.raises(errors.RentAdvanceTooHigh):
        s.decide(request(kind="rent_advance", amount=80_001, period="2026-04-01"))
    assert s.decide(request(kind="rent_advance", amount=80_000, period="2026-04-01"))


def spend(s: Scenario, *amounts: int) -> Scenario:
    """Request rent advances and furniture up to `amounts`, each on its own day."""
    for day, amount in enumerate(amounts, start=10):
        s.given(request(kind="rent_advance", amount=amount, period=f"2026-03-{day}"))
    return s


def test_requested_approved_and_paid_never_exceed_the_individual_budget() -> None:
    s = spend(supported(rent=100_000), 200_000, 200_000, 100_000)
    s.given(request(amount=90_000))
    with pytest.raises(errors.BudgetExceeded) as refused:
        s.decide(request(kind="utilities", amount=10_001))
    assert "100.00 EUR remain" in refused.value.message
    assert s.decide(request(kind="utilities", amount=10_000))


def test_a_rejected_payment_frees_its_share_of_the_budget() -> None:
    s = spend(supported(rent=100_000), 300_000, 200_000)
    s.given(request(amount=100_000))
    with pytest.raises(errors.BudgetExceeded):
        s.decide(request(kind="utilities", amount=100))
    s.given({"type": "reject_payment", "payment_id": pid(), "reason": "Quote too high"}, SUPERVISOR)
    assert s.state.payments[pid()].status == PaymentStatus.REJECTED
    assert s.decide(request(kind="utilities", amount=50_000))


# --- maker-checker ------------------------------------------------------------------------------


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


# --- the bank ----------------------------------------------------------------------------------


def approved() -> Scenario:
    return supported().given(request()).given(approve(pid()), SUPERVISOR)


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


# --- economic support is its payments ---------------------------------------------------------


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


# --- work-grant allowances ----------------------------------------------------------------------


def test_a_month_of_attendance_requests_its_allowance_pro_rata() -> None:
    s = granted(payee=BENEFICIARY)  # 20 h a week: 86.67 h a month; 500.00 EUR a month
    recorded, requested = s.decide(attendance("2026-05", 65))
    assert isinstance(recorded, MeasureProgressRecorded)
    assert isinstance(requested, PaymentRequested)
    assert requested.payment_id == pid("work_grant_allowance", "2026-05", "wg")
    # 500.00 x 65 / (20 x 52 / 12) = 375.00 EUR exactly
    assert requested.amount == 37_500
    assert requested.payee is not None and requested.payee.iban == OTHER_IBAN
    assert requested.basis is not None and requested.basis.full_hours == "86.67"
    assert requested.evidence_ref == "work_grant_attendance:wg:2026-05"


def test_a_month_under_the_minimum_share_pays_nothing() -> None:
    (recorded,) = granted().decide(attendance("2026-05", 43))  # 43 of 86.67 h: under half
    assert isinstance(recorded, MeasureProgressRecorded)


def test_a_month_above_its_full_hours_pays_the_full_allowance() -> None:
    _, requested = granted().decide(attendance("2026-05", 88))
    assert isinstance(requested, PaymentRequested) and requested.amount == 50_000


def test_a_first_month_in_part_owes_only_its_days() -> None:
    s = granted(start_on="2026-04-16", end_on="2026-09-30")
    _, requested = s.decide(attendance("2026-04", 43))  # 15 of 30 days: 43.33 h full
    assert isinstance(requested, PaymentRequested)
    assert requested.basis is not None and requested.basis.full_hours == "43.33"
    assert requested.amount == 49_615  # 500.00 x 43 / 43.333… = 496.153… → 496.15


def test_an_allowance_without_the_beneficiarys_iban_waits_for_the_payee() -> None:
    s = granted().given(attendance("2026-05", 80))
    allowance_id = pid("work_grant_allowance", "2026-05", "wg")
    assert s.state.payments[allowance_id].payee is None
    assert "approve_payment" not in available_commands(s.state, SUPERVISOR)
    with pytest.raises(errors.PayeeMissing):
        s.decide(approve(allowance_id), SUPERVISOR)
    s.given({"type": "correct_payee", "payment_id": allowance_id, "payee": BENEFICIARY})
    assert "approve_payment" in available_commands(s.state, SUPERVISOR)
    s.given(approve(allowance_id), SUPERVISOR)
    assert s.state.payments[allowance_id].status == PaymentStatus.APPROVED


def test_a_bad_iban_in_the_work_grant_is_refused_at_its_start() -> None:
    s = Scenario().active(("wg", "work_grant"))
    bad = {"name": "Amina Diallo", "iban": "IT00X0542811101000000123456"}
    with pytest.raises(errors.InvalidIban) as refused:
        s.decide(start("wg", **{**WORK_GRANT, "payee": bad}))
    assert refused.value.field == "details.payee.iban"


def test_allowances_are_cut_to_what_remains_of_the_budget() -> None:
    s = (
        Scenario()
        .active(("wg", "work_grant"), ("support", "economic_support"))
        .given(start("wg", **{**WORK_GRANT, "monthly_allowance": 200_000}))
        .given(start("support", **SUPPORT))
        .given(request(amount=150_000))
        .given(request(kind="utilities", amount=30_000))
    )
    s.given(attendance("2026-04", 88)).given(attendance("2026-05", 88))  # 180k + 2 x 200k
    _, cut = s.decide(attendance("2026-06", 88))
    assert isinstance(cut, PaymentRequested) and cut.amount == 20_000
    assert cut.basis is not None and cut.basis.capped_by_budget
    s.given(attendance("2026-06", 88))
    (recorded,) = s.decide(attendance("2026-07", 88))  # the attendance still counts
    assert isinstance(recorded, MeasureProgressRecorded)


# --- what the pages offer ----------------------------------------------------------------------


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


def test_the_bank_outcome_is_never_a_form() -> None:
    assert "record_payment_outcome" not in {command_type(c) for c in PEOPLE_COMMANDS}


# --- the allowance function ---------------------------------------------------------------------

shares = st.fractions(min_value=0, max_value=1)
full = st.fractions(min_value=Fraction(1, 4), max_value=400)
cents = st.integers(min_value=0, max_value=10_000_000)


@given(cents, full, st.integers(0, 500), st.integers(0, 500), shares)
def test_the_allowance_grows_with_the_hours(
    monthly: int, hours: Fraction, fewer: int, more: int, minimum: Fraction
) -> None:
    fewer, more = sorted((fewer, more))
    assert allowance(monthly, hours, fewer, minimum) <= allowance(monthly, hours, more, minimum)


@given(cents, full, st.integers(0, 500), shares)
def test_nothing_under_the_share_never_more_than_the_month(
    monthly: int, hours: Fraction, verified: int, minimum: Fraction
) -> None:
    due = allowance(monthly, hours, verified, minimum)
    assert 0 <= due <= monthly
    if verified < minimum * hours:
        assert due == 0
    elif verified >= hours:
        assert due == monthly
    else:
        assert abs(due - monthly * verified / hours) <= Fraction(1, 2)


def test_rounding_is_to_the_cent_half_up() -> None:
    assert allowance(1, Fraction(2), 1, Fraction(0)) == 1  # 0.5 cent goes up
    assert allowance(3, Fraction(8), 1, Fraction(0)) == 0  # 0.375 cent goes down
    assert allowance(5, Fraction(8), 5, Fraction(0)) == 3  # 3.125 cents


def test_full_hours_of_a_month_under_each_rule() -> None:
    april = ("2026-04-01", "2026-09-30")
    args = (date.fromisoformat(april[0]), date.fromisoformat(april[1]), "2026-04")
    assert full_hours(20, *args, FullMonthHours.AVERAGE_MONTH) == Fraction(260, 3)
    assert full_hours(20, *args, FullMonthHours.WEEKDAYS) == 4 * 22  # 22 weekdays in April 2026
    after = date(2026, 10, 1), date(2026, 12, 31), "2026-04"
    assert full_hours(20, *after, FullMonthHours.AVERAGE_MONTH) == 0


# --- IBAN ---------------------------------------------------------------------------------------

bban_chars = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@given(st.sampled_from(sorted(set(SEPA_IBAN_LENGTHS) - {"IT", "SM"})), st.data())
def test_check_digits_make_a_valid_iban_and_any_changed_digit_breaks_it(
    country: str, data: st.DataObject
) -> None:
    length = SEPA_IBAN_LENGTHS[country] - 4
    bban = "".join(data.draw(st.lists(bban_chars, min_size=length, max_size=length)))
    iban = with_check_digits(country, bban)
    assert normalised_iban(iban) == iban
    position = data.draw(st.integers(2, len(iban) - 1))
    replacement = data.draw(bban_chars.filter(lambda c: c != iban[position]))
    if iban[position].isdigit() and replacement.isdigit():
        mistyped = iban[:position] + replacement + iban[position + 1 :]
        with pytest.raises(errors.InvalidIban):
            normalised_iban(mistyped)


def test_a_payment_id_is_stable() -> None:
    assert pid() == pid() != pid(period="2026-03-06")
    assert pid().startswith("pay-") and len(pid()) <= 64


def test_payment_ids_are_rfc_4122_name_based_ids() -> None:
    import uuid

    from domain.payments.ledger import PAYMENT_NAMESPACE, PaymentKind, payment_id_for

    key = "p-1|m|furniture|2027-03"
    expected = uuid.uuid5(uuid.UUID(bytes=PAYMENT_NAMESPACE), key)
    assert payment_id_for("p-1", "m", PaymentKind.FURNITURE, "2027-03") == f"pay-{expected}"
