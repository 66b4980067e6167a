"""The group activity's plain models: what `GroupActivityWorkflow`, its activity and its
callers share.

The workflow's input (the activity and who records it), its progress and result (a row per
attendee, as a bulk operation's), and its workflow id, made of the activity's id: the pages,
the API and the CLI start and follow a recording (`client.group_activities`) with these.
"""

from __future__ import annotations

from enum import StrEnum

from domain.group_activities.activity import GroupActivity
from domain.values import Actor, Frozen
from workflows.bulk_models import RowResult

WORKFLOW_ID_PREFIX = "group-activity-"


class GroupActivityInput(Frozen):
    activity: GroupActivity
    actor: Actor


class GroupActivityStage(StrEnum):
    TELLING = "telling"
    """Each attendee's pathway is being told, a batch at a time."""
    DONE = "done"


class GroupActivityProgress(Frozen):
    """A recording's progress, and its result once `stage` is done."""

    activity: GroupActivity
    actor: Actor
    stage: GroupActivityStage = GroupActivityStage.TELLING
    results: tuple[RowResult, ...] = ()
    """One per attendee told so far, in the order of `activity.attendees`."""

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)


def workflow_id_for(activity_id: str) -> str:
    """The workflow that records the activity `activity_id`: one per activity, ever."""
    return WORKFLOW_ID_PREFIX + activity_id
