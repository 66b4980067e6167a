"""The rules of group activities: who may record one with whom, and one participation each.

Pure: the entry points (`client.group_activities`) read each attendee's organisation and
pass it here before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from domain.errors import GroupParticipationExists, PathwayNotFound, RoleForbidden
from domain.group_activities.activity import GroupActivity
from domain.group_activities.commands import RecordGroupParticipation
from domain.group_activities.events import GroupParticipationRecorded
from domain.group_activities.state import Participation
from domain.values import Actor, Role

RECORDERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
SPANS_ORGANISATIONS = frozenset({Role.COORDINATOR})


class Holder(NamedTuple):
    """Whose an attendee's pathway is: its organisation and its caseworker."""

    organisation_id: str
    caseworker_id: str | None


def check_recorder(role: Role, organisation_id: str | None, activity: GroupActivity) -> None:
    """Refuse a recorder who may not record `activity`.

    Raises:
        RoleForbidden: an auditor, an admin or the system; or a caseworker or supervisor
            recording for an organisation not their own (field `organisation_id`).
    """
    if role not in RECORDERS:
        raise RoleForbidden(f"a {role} records no group activities")
    if role not in SPANS_ORGANISATIONS and activity.organisation_id != organisation_id:
        raise RoleForbidden(
            "a group activity is recorded for your own organisation", field="organisation_id"
        )


def check_attendees(
    recorder: Actor, organisation_id: str | None, attendees: Mapping[str, Holder | None]
) -> None:
    """Refuse an attendee unknown or outside the recorder's scope, as unknown.

    `attendees` gives whose each listed pathway is (None: no such pathway). The scope is
    the pages' (`web.scope`): the coordinator spans organisations, a supervisor has their
    organisation, a caseworker their caseload; a pathway outside it is answered as one that
    does not exist.

    Raises:
        PathwayNotFound: field `attendees`, naming the first such pathway.
    """
    for pathway_id, holder in attendees.items():
        if holder is None or not _in_scope(recorder, organisation_id, holder):
            raise PathwayNotFound(f"no pathway {pathway_id}", field="attendees")


def _in_scope(recorder: Actor, organisation_id: str | None, holder: Holder) -> bool:
    if recorder.role in SPANS_ORGANISATIONS:
        return True
    if recorder.role == Role.SUPERVISOR:
        return holder.organisation_id == organisation_id
    return recorder.role == Role.CASEWORKER and holder.caseworker_id == recorder.id


def command_for(activity: GroupActivity, pathway_id: str) -> RecordGroupParticipation:
    """What `activity` tells the pathway `pathway_id` of one of its attendees."""
    return RecordGroupParticipation(
        activity_id=activity.activity_id,
        kind=activity.kind,
        title=activity.title,
        held_on=activity.held_on,
        organisation_id=activity.organisation_id,
        counts_event=activity.counts_event_for(pathway_id),
    )


def record_participation(
    attended: Mapping[str, Participation], command: RecordGroupParticipation
) -> GroupParticipationRecorded:
    """The participation's event; once per activity and pathway.

    Raises:
        GroupParticipationExists: the pathway already has this activity (sent again under
            another command id).
    """
    if command.activity_id in attended:
        raise GroupParticipationExists(
            f"already recorded as attending {command.activity_id}", field="activity_id"
        )
    return GroupParticipationRecorded(**command.model_dump(exclude={"type"}))
