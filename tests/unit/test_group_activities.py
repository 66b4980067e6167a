"""Group activities: the activity as recorded, who may record it with whom, one participation
per pathway, and the facts that count events held, participations and participants."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from domain import errors
from domain.fact_dates import fact_in_future
from domain.group_activities.activity import MAX_ATTENDEES, GroupActivity, GroupActivityKind
from domain.group_activities.events import GroupParticipationRecorded
from domain.group_activities.rules import Holder, check_attendees, check_recorder, command_for
from domain.indicators.facts import (
    GROUP_EVENTS_HELD,
    GROUP_PARTICIPANTS,
    GROUP_PARTICIPATIONS,
    facts,
)
from domain.values import Actor, Role
from tests.scenarios import AUDITOR, CASEWORKER, COORDINATOR, PATHWAY_ID, SUPERVISOR, Scenario

DINNER: dict[str, Any] = {
    "activity_id": "ev-dinner",
    "kind": "social_cohesion_event",
    "title": "Cena multiculturale",
    "held_on": "2026-03-02",
    "place": "Lecce",
    "organisation_id": "org-lecce",
    "attendees": [PATHWAY_ID, "p-0002"],
}
ADMIN = Actor(id="root", role=Role.ADMIN)


def dinner(**fields: Any) -> GroupActivity:
    return GroupActivity.model_validate({**DINNER, **fields})


def participation(activity: GroupActivity, pathway_id: str = PATHWAY_ID) -> dict[str, Any]:
    return command_for(activity, pathway_id).model_dump(mode="json")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"attendees": []}, "attendees"),
        ({"attendees": [f"p-{i}" for i in range(MAX_ATTENDEES + 1)]}, "attendees"),
        ({"attendees": ["p-1", "p-1"]}, "attendees"),
        ({"kind": "picnic"}, "kind"),
        ({"title": " "}, "title"),
    ],
)
def test_an_activity_of_the_wrong_shape_is_refused(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        dinner(**fields)
    assert refused.value.errors()[0]["loc"][0] == field


def test_an_activity_held_after_today_is_a_fact_in_the_future() -> None:
    assert fact_in_future(dinner(held_on="2026-03-03"), date(2026, 3, 2)) == (
        "held_on",
        "2026-03-03",
    )
    assert fact_in_future(dinner(), date(2026, 3, 2)) is None


def test_the_first_attendee_counts_the_activity_as_held() -> None:
    activity = dinner()
    assert command_for(activity, PATHWAY_ID).counts_event
    assert not command_for(activity, "p-0002").counts_event


@pytest.mark.parametrize(
    ("actor", "organisation", "refused"),
    [
        (CASEWORKER, "org-lecce", False),
        (SUPERVISOR, "org-lecce", False),
        (COORDINATOR, None, False),
        (CASEWORKER, "org-nardo", True),
        (SUPERVISOR, "org-nardo", True),
        (AUDITOR, None, True),
        (ADMIN, None, True),
    ],
)
def test_who_records_a_group_activity(
    actor: Actor, organisation: str | None, refused: bool
) -> None:
    if refused:
        with pytest.raises(errors.RoleForbidden):
            check_recorder(actor.role, organisation, dinner())
    else:
        check_recorder(actor.role, organisation, dinner())


LECCE_ANNA = Holder("org-lecce", "anna")
LECCE_LUCA = Holder("org-lecce", "luca")
NARDO_MARTA = Holder("org-nardo", "marta")


@pytest.mark.parametrize(
    ("actor", "organisation", "holders", "refused"),
    [
        (CASEWORKER, "org-lecce", [LECCE_ANNA], False),
        (CASEWORKER, "org-lecce", [LECCE_ANNA, LECCE_LUCA], True),  # not her caseload
        (SUPERVISOR, "org-lecce", [LECCE_ANNA, LECCE_LUCA], False),
        (SUPERVISOR, "org-lecce", [LECCE_ANNA, NARDO_MARTA], True),  # another organisation
        (COORDINATOR, None, [LECCE_ANNA, NARDO_MARTA], False),  # spans organisations
        (COORDINATOR, None, [LECCE_ANNA, None], True),  # unknown
    ],
)
def test_each_attendee_is_within_the_recorders_scope(
    actor: Actor, organisation: str | None, holders: list[Holder | None], refused: bool
) -> None:
    attendees = {f"p-{i}": holder for i, holder in enumerate(holders)}
    if refused:
        with pytest.raises(errors.PathwayNotFound) as found:
            check_attendees(actor, organisation, attendees)
        assert (found.value.code, found.value.field) == ("pathway_not_found", "attendees")
    else:
        check_attendees(actor, organisation, attendees)


def test_a_pathway_records_its_participation_once() -> None:
    s = Scenario().opened()
    activity = dinner()
    assert s.decide(participation(activity)) == [
        GroupParticipationRecorded(
            activity_id="ev-dinner",
            kind=GroupActivityKind.SOCIAL_COHESION_EVENT,
            title="Cena multiculturale",
            held_on=date(2026, 3, 2),
            organisation_id="org-lecce",
            counts_event=True,
        )
    ]
    s.given(participation(activity))
    with pytest.raises(errors.GroupParticipationExists):
        s.decide(participation(activity))
    with pytest.raises(errors.RoleForbidden):
        s.decide(participation(dinner(activity_id="ev-2")), AUDITOR)


def test_facts_count_events_held_participations_and_participants() -> None:
    s = Scenario().opened()
    assert GROUP_PARTICIPANTS not in facts(s.state)
    s.given(participation(dinner()))  # the first attendee: counts the event
    s.given(participation(dinner(activity_id="ev-2", attendees=["p-0", PATHWAY_ID]), PATHWAY_ID))
    found = facts(s.state)
    assert found[GROUP_PARTICIPANTS] == 1
    assert found[GROUP_PARTICIPATIONS] == 2
    assert found[GROUP_EVENTS_HELD] == 1
