"""The event of a group activity on one attendee's pathway, in the past tense."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.group_activities.activity import GroupActivityKind
from domain.values import Frozen, Identifier, ShortText


class GroupParticipationRecorded(Frozen):
    type: Literal["GroupParticipationRecorded"] = "GroupParticipationRecorded"
    activity_id: Identifier
    kind: GroupActivityKind
    title: ShortText
    held_on: date
    organisation_id: Identifier
    counts_event: bool = False
