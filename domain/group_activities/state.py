"""The group activities a pathway's beneficiary took part in."""

from __future__ import annotations

from datetime import date

from domain.group_activities.activity import GroupActivityKind
from domain.values import Frozen, Identifier, ShortText


class Participation(Frozen):
    activity_id: Identifier
    kind: GroupActivityKind
    title: ShortText
    held_on: date
    organisation_id: Identifier
    counts_event: bool = False
