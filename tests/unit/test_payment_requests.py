"""Payment requests: their id, payee, amount and measure, and when they are refused."""

from __future__ import annotations

import pytest

from domain import errors
from domain.calendar import project_day
from domain.payments.events import PaymentRequested
from domain.payments.state import PaymentStatus
from tests.scenarios import CASEWORKER, Scenario
from tests.unit.payment_scenarios import IBAN, pid, request, supported
from tests.unit.test_measures_work import WORK_GRANT, start


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
