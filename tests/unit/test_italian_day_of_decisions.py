"""The decider reads a command's day as the Italian day of its business time, as the rule
on facts does: at 00:30 in Rome (23:30 UTC the evening before) a consent given "today"
covers a referral made in the same minute, and a payment's period is the Italian month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain import errors
from domain.calendar import project_day
from domain.decider import decide
from domain.obligations import BEFORE_ITALIAN_TIME, ITALIAN_TIME
from domain.payments.events import PaymentRequested
from domain.referrals.events import PathwayReferred
from tests.scenarios import CASEWORKER, Scenario
from tests.unit.payment_scenarios import request, supported
from tests.unit.test_referrals import REFER, consent

EVENING_IN_UTC = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
"""00:30 on 1 April in Rome (CEST): the Italian day is one ahead of the UTC one."""
ITALIAN_DAY = "2026-04-01"


def at_half_past_midnight_in_rome() -> Scenario:
    s = Scenario().active(("bike", "mobility"))
    assert s.now < EVENING_IN_UTC
    s.now = EVENING_IN_UTC
    assert project_day(s.now).isoformat() == ITALIAN_DAY != s.now.date().isoformat()
    return s


def consented_on_the_italian_day() -> Scenario:
    """The privacy notice and a referral consent, both dated the Italian day, at 00:30 in Rome."""
    s = at_half_past_midnight_in_rome()
    notice: dict[str, Any] = {
        "type": "record_privacy_notice",
        "given_on": ITALIAN_DAY,
        "language": "it",
        "version": "2026-01",
    }
    s.given(notice, advance=timedelta(minutes=1))
    s.given({**consent("referral"), "given_on": ITALIAN_DAY}, advance=timedelta(minutes=1))
    return s


def test_a_consent_given_on_the_italian_day_covers_a_referral_of_the_same_minute() -> None:
    s = consented_on_the_italian_day()
    [referred] = s.decide(REFER)
    assert isinstance(referred, PathwayReferred)


def test_a_payment_requested_after_midnight_in_rome_is_for_the_italian_day() -> None:
    s = supported()
    assert s.now < EVENING_IN_UTC
    s.now = EVENING_IN_UTC
    (requested,) = s.decide(request(period=None))
    assert isinstance(requested, PaymentRequested) and requested.period == ITALIAN_DAY


def test_a_run_that_began_before_the_rule_decides_on_the_utc_date_as_it_did() -> None:
    """Replayed runs keep their answers (patch `italian-decision-days`, docs/versioning.md):
    under the old rules the referral of the same minute is refused, as it was then."""
    s = consented_on_the_italian_day()
    envelope = s.envelope(REFER, CASEWORKER)
    with pytest.raises(errors.ConsentRequired):
        decide(s.state, envelope, s.now, timekeeping=BEFORE_ITALIAN_TIME)
    assert decide(s.state, envelope, s.now, timekeeping=ITALIAN_TIME)
