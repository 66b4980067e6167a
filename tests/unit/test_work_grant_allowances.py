"""Work-grant allowances: requested from each month's verified attendance, pro rata, cut to
the budget; and the allowance and full-hours functions themselves."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import errors
from domain.affordances import available_commands
from domain.events import MeasureProgressRecorded
from domain.payments.allowance import allowance, full_hours
from domain.payments.events import PaymentRequested
from domain.payments.state import PaymentStatus
from domain.policy import FullMonthHours
from tests.scenarios import SUPERVISOR, Scenario
from tests.unit.payment_scenarios import (
    BENEFICIARY,
    OTHER_IBAN,
    SUPPORT,
    approve,
    attendance,
    pid,
    request,
)
from tests.unit.test_measures_work import WORK_GRANT, start


def granted(**details: Any) -> Scenario:
    return Scenario().active(("wg", "work_grant")).given(start("wg", **{**WORK_GRANT, **details}))


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
