"""A group activity as recorded once: what, when, where, by whom, and who attended.

The record is the durable fan-out's input (`workflows.group_activity`), under a workflow id
made of the activity's id, which the client chooses: submitting it again finds the same
record and changes nothing. Each attendee's pathway then gets its own
`GroupParticipationRecorded` (`domain.group_activities.events`).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from domain.fact_dates import FactDate
from domain.values import Frozen, Identifier, ShortText

MAX_ATTENDEES = 100
"""Attendees of one activity: a larger group is recorded as several (one per session)."""


class GroupActivityKind(StrEnum):
    SOCIAL_COHESION_EVENT = "social_cohesion_event"
    """The seed's "eventi di coesione sociale": a dinner, a festival, a sports day."""
    GROUP_COURSE_SESSION = "group_course_session"
    ASSOCIATION_OUTING = "association_outing"


class GroupActivity(Frozen):
    """One activity held with several beneficiaries, recorded by `organisation_id`."""

    activity_id: Identifier
    """Chosen by the client: the idempotency key of the recording."""
    kind: GroupActivityKind
    title: ShortText
    held_on: FactDate
    place: ShortText
    organisation_id: Identifier
    """The organisation that held (and records) it; attendees may be of others."""
    attendees: tuple[Identifier, ...] = Field(min_length=1, max_length=MAX_ATTENDEES)
    """Pathway ids, each once."""

    @field_validator("attendees")
    @classmethod
    def _distinct(cls, attendees: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(attendees)) != len(attendees):
            raise ValueError("an attendee is listed twice")
        return attendees

    def counts_event_for(self, pathway_id: str) -> bool:
        """Whether this attendee's participation is the one that counts the activity as held.

        Indicators sum facts of pathways; an activity is counted once, on the participation
        of its first attendee (in the order recorded), so "events held" is a sum like the
        others, with as-of and drill-down.
        """
        return pathway_id == self.attendees[0]
