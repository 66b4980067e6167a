"""WP2 and WP3 measures: housing, economic support, events, associations, school support."""

from __future__ import annotations

import pytest

from domain import errors
from domain.measures import MeasureStatus
from domain.values import Actor, Role
from tests.scenarios import CASEWORKER, SUPERVISOR, Scenario
from tests.unit.test_measures_work import complete, progress, start

RENTAL = {"kind": "housing_placement", "solution": "private_rental", "start_on": "2026-03-03"}
HOSTING = {
    "kind": "housing_placement",
    "solution": "family_hosting",
    "start_on": "2026-03-03",
    "host_reference": "Famiglia ospitante 12",
}


def rent_advance(amount: int, months: int | None = None) -> dict[str, object]:
    details: dict[str, object] = {
        "kind": "economic_support",
        "support": "rent_advance",
        "amount": amount,
        "purpose": "Anticipo affitto",
        "start_on": "2026-03-05",
    }
    if months:
        details["rent_months"] = months
    return start("rent", **details)


def housed(rent: int = 40000) -> Scenario:
    s = (
        Scenario()
        .active(("home", "housing_placement"), ("rent", "economic_support"))
        .given(start("home", **RENTAL))
    )
    return s.given(
        progress(
            "home", kind="rent_contract_registered", monthly_rent=rent, registered_on="2026-03-04"
        )
    )


def test_family_hosting_communication_follows_the_move_in() -> None:
    s = Scenario().active(("home", "housing_placement")).given(start("home", **HOSTING))
    communication = {
        "kind": "hosting_communication_sent",
        "on": "2026-03-05",
        "authority": "Questura di Lecce",
    }
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(progress("home", **communication))
    s.given(progress("home", kind="moved_in", on="2026-03-04"))
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(progress("home", **{**communication, "on": "2026-03-03"}))
    s.given(progress("home", **communication))
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("home", **communication))
    with pytest.raises(errors.NotApplicable):
        s.decide(
            progress(
                "home", kind="rent_contract_registered", monthly_rent=1, registered_on="2026-03-05"
            )
        )


def test_a_rental_has_no_hosting_communication() -> None:
    s = Scenario().active(("home", "housing_placement")).given(start("home", **RENTAL))
    s.given(progress("home", kind="moved_in", on="2026-03-04"))
    with pytest.raises(errors.NotApplicable):
        s.decide(
            progress(
                "home", kind="hosting_communication_sent", on="2026-03-05", authority="Questura"
            )
        )


def test_a_rent_advance_needs_a_registered_contract() -> None:
    s = (
        Scenario()
        .active(("home", "housing_placement"), ("rent", "economic_support"))
        .given(start("home", **RENTAL))
    )
    with pytest.raises(errors.RentContractMissing):
        s.decide(rent_advance(100_000))


@pytest.mark.parametrize(
    ("amount", "months", "valid"),
    [
        (240_000, None, True),
        (240_001, None, False),
        (120_000, 3, True),
        (120_001, 3, False),
        (100, 7, False),
    ],
)
def test_a_rent_advance_is_at_most_six_months_rent(
    amount: int, months: int | None, valid: bool
) -> None:
    s = housed(rent=40_000)
    if valid:
        assert s.decide(rent_advance(amount, months))
    else:
        with pytest.raises(errors.RentAdvanceTooHigh):
            s.decide(rent_advance(amount, months))


def test_economic_support_is_approved_by_another_person_then_paid_once() -> None:
    s = housed().given(rent_advance(120_000))
    paid = {
        "kind": "support_paid",
        "paid_on": "2026-03-10",
        "amount": 120_000,
        "reference": "BON-2026-001",
    }
    with pytest.raises(errors.NotApproved):
        s.decide(progress("rent", **paid))
    with pytest.raises(errors.RoleForbidden):
        s.decide(progress("rent", kind="support_approved"), CASEWORKER)
    supervisor_as_requester = housed().given(rent_advance(120_000), SUPERVISOR)
    with pytest.raises(errors.SelfApprovalForbidden):
        supervisor_as_requester.decide(progress("rent", kind="support_approved"), SUPERVISOR)
    s.given(progress("rent", kind="support_approved"), SUPERVISOR)
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("rent", kind="support_approved"), Actor(id="marco", role=Role.SUPERVISOR))
    with pytest.raises(errors.RentAdvanceTooHigh):
        s.decide(progress("rent", **{**paid, "amount": 120_001}))
    with pytest.raises(errors.NotApproved):
        s.decide(complete("rent", kind="economic_support", completed_on="2026-03-11"))
    s.given(progress("rent", **paid))
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("rent", **paid))
    s.given(complete("rent", kind="economic_support", completed_on="2026-03-11"))
    assert s.state.measures["rent"].status == MeasureStatus.COMPLETED


def test_furniture_needs_no_contract() -> None:
    s = Scenario().active(("furn", "economic_support"))
    assert s.decide(
        start(
            "furn",
            kind="economic_support",
            support="furniture",
            amount=80_000,
            purpose="Letto e armadio",
            start_on="2026-03-05",
        )
    )


def test_a_social_event_measure_completes_after_a_participation() -> None:
    s = (
        Scenario()
        .active(("ev", "social_event"))
        .given(start("ev", kind="social_event", programme="Feste", start_on="2026-03-03"))
    )
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(complete("ev", kind="social_event", completed_on="2026-03-04"))
    s.given(progress("ev", kind="event_participation", event="Festa dei popoli", on="2026-03-04"))
    assert s.decide(complete("ev", kind="social_event", completed_on="2026-03-04"))


def test_association_membership_is_joined_once() -> None:
    s = Scenario().active(("club", "association_membership"))
    s.given(
        start(
            "club",
            kind="association_membership",
            association="ASD Calcio Lecce",
            category="sports",
            start_on="2026-03-03",
        )
    )
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(
            complete(
                "club", kind="association_membership", completed_on="2026-03-04", still_member=True
            )
        )
    s.given(progress("club", kind="membership_joined", on="2026-03-04"))
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("club", kind="membership_joined", on="2026-03-05"))
    assert s.decide(
        complete(
            "club", kind="association_membership", completed_on="2026-03-04", still_member=True
        )
    )


def test_school_support_names_a_minor_of_the_household() -> None:
    s = Scenario().active(("school", "school_support"))
    school = {"kind": "school_support", "school": "IC Lecce Centro", "start_on": "2026-03-03"}
    with pytest.raises(errors.MinorNotInHousehold):
        s.decide(start("school", **school, minor_id="m2"))
    s.given(start("school", **school, minor_id="m1"))
    s.given(progress("school", kind="tutoring_hours", month="2026-03", hours=12))
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("school", kind="tutoring_hours", month="2026-03", hours=4))
