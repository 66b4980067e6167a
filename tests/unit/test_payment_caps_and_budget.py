"""Payment caps by kind (furniture, utilities, rent advance) and the individual budget
that all of a pathway's payments share."""

from __future__ import annotations

import pytest

from domain import errors
from domain.payments.state import PaymentStatus
from tests.scenarios import SUPERVISOR
from tests.unit.payment_scenarios import pid, request, spend, supported


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
