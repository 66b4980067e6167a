"""`GroupActivityWorkflow`: a group activity recorded once, told to each attendee's pathway.

The activity (what, when, where, by which organisation, and its attendees) is the
workflow's input; its id is the activity's (`workflow_id_for`), so the same activity
submitted again joins this run or is answered by its result. Each batch of attendees is one
step (`activities.group_activities.attendance`), idempotent by each attendee's command id:
a worker killed anywhere is replaced by another that carries on from the last batch
recorded, and each pathway gets its `GroupParticipationRecorded` exactly once. The
`progress` query answers the attendees told so far.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.group_activities.attendance import AttendanceActivities, AttendanceRequest
    from workflows.bulk_models import RowResult
    from workflows.group_activity_models import (
        GroupActivityInput,
        GroupActivityProgress,
        GroupActivityStage,
    )
    from workflows.names import GROUP_ACTIVITY, PROGRESS

BATCH = 10
"""Attendees told per step: progress is recorded after each, and a batch retried after a
crash sends at most this many commands again (answered by their first reply)."""

STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
STEP_TIMEOUT = timedelta(minutes=10)
HEARTBEAT_TIMEOUT = timedelta(seconds=10)


@workflow.defn(name=GROUP_ACTIVITY)
class GroupActivityWorkflow:
    """Tells each attendee's pathway of the activity, batch by batch."""

    def __init__(self) -> None:
        self._progress: GroupActivityProgress | None = None

    @workflow.run
    async def run(self, request: GroupActivityInput) -> GroupActivityProgress:
        progress = GroupActivityProgress(activity=request.activity, actor=request.actor)
        self._progress = progress
        attendees = request.activity.attendees
        for start in range(0, len(attendees), BATCH):
            answered: list[RowResult] = await workflow.execute_activity_method(
                AttendanceActivities.record_attendance,
                AttendanceRequest(
                    activity=request.activity,
                    actor=request.actor,
                    pathway_ids=attendees[start : start + BATCH],
                ),
                start_to_close_timeout=STEP_TIMEOUT,
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=STEP_RETRY,
            )
            progress = progress.model_copy(update={"results": (*progress.results, *answered)})
            self._progress = progress
        self._progress = progress.model_copy(update={"stage": GroupActivityStage.DONE})
        return self._progress

    @workflow.query(name=PROGRESS)
    def progress(self) -> GroupActivityProgress | None:
        """What the recording has done so far; None before its first task ran."""
        return self._progress
