"""The command a group activity sends each attendee's pathway."""

from __future__ import annotations

from typing import Literal

from domain.fact_dates import FactDate
from domain.group_activities.activity import GroupActivityKind
from domain.values import Frozen, Identifier, ShortText


class RecordGroupParticipation(Frozen):
    """Record that the beneficiary took part in the group activity `activity_id`."""

    type: Literal["record_group_participation"] = "record_group_participation"
    activity_id: Identifier
    kind: GroupActivityKind
    title: ShortText
    held_on: FactDate
    organisation_id: Identifier
    """The organisation that held the activity (perhaps not the pathway's)."""
    counts_event: bool = False
    """This participation counts the activity as held (`GroupActivity.counts_event_for`)."""
