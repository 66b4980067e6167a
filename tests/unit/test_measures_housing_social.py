"""WP2 and WP3 measures: housing, economic support, events, associations, school support."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain import errors
from tests.scenarios import Scenario
from tests.unit.test_measures_work import complete, progress, start

RENTAL = {"kind": "housing_placement", "solution": "private_rental", "start_on": "2026-03-03"}
HOSTING = {
    "kind": "housing_placement",
    "solution": "family_hosting",
    "start_on": "2026-03-03",
    "host_reference": "Famiglia ospitante 12",
}


def test_family_hosting_communication_follows_the_move_in() -> None:
    s = Scenario().active(("home", "housing_placement")).given(start("home", **HOSTING))
    communication = {
        "kind": "hosting_communication_sent",
        "on": "2026-03-05",
        "authority": "Questura di Lecce",
    }
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(progress("home", **communication))
    s.given(progress("home", kind="moved_in", on="2026-03-04", at="10:00"))
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


def test_a_move_in_under_family_hosting_is_refused_without_its_time_and_nothing_is_recorded() -> (
    None
):
    s = Scenario().active(("home", "housing_placement")).given(start("home", **HOSTING))
    before = len(s.records)

    with pytest.raises(errors.TimeRequired) as refused:
        s.decide(progress("home", kind="moved_in", on="2026-03-04"))

    assert refused.value.code == "time_required" and refused.value.field == "at"
    assert len(s.records) == before


def test_economic_support_starts_with_its_purpose_and_no_amount() -> None:
    """Its money is in its payments: see tests/unit/test_payment_*.py."""
    s = Scenario().active(("furn", "economic_support"))
    details = {"purpose": "Letto e armadio", "start_on": "2026-03-05"}
    assert s.decide(start("furn", kind="economic_support", **details))
    with pytest.raises(ValidationError):
        s.decide(start("furn", kind="economic_support", amount=80_000, **details))


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
