"""`GroupActivities`: how the pages, the API and the CLI record a group activity, and follow it.

Every entry point goes through `record`: the recorder and each attendee are checked
(`domain.group_activities.rules`) against the caseload before anything is written, then
the activity's workflow is started under the activity's id. Submitting the same activity
again (a double click, a command run again after a crash) starts nothing: it is answered
with the recording already made; the same id with another activity is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from client.processes import ProcessFollower
from domain.calendar import project_day
from domain.errors import FactInFuture, GroupActivityIdReused, PathwayClosed
from domain.group_activities.activity import GroupActivity
from domain.group_activities.rules import Holder, check_attendees, check_recorder
from domain.values import Actor, Role, Stage
from infra.eventstore.queries import CaseloadQueries
from workflows.group_activity_models import (
    GroupActivityInput,
    GroupActivityProgress,
    workflow_id_for,
)
from workflows.names import GROUP_ACTIVITY


@dataclass(frozen=True)
class Recorded:
    process_id: str
    earlier: bool
    """Whether an earlier submission had recorded it (the same activity sent again)."""


class GroupActivities(ProcessFollower[GroupActivityProgress]):
    """Records group activities on `task_queue`, checking attendees against `caseload`."""

    def __init__(self, client: Client, task_queue: str, caseload: CaseloadQueries) -> None:
        super().__init__(client, task_queue, GroupActivityProgress)
        self._caseload = caseload

    async def record(
        self,
        activity: GroupActivity,
        actor: Actor,
        organisation_id: str | None,
        now: datetime | None = None,
    ) -> Recorded:
        """Record `activity` as `actor` (of `organisation_id`): once, whatever the retries.

        Raises:
            DomainError: `role_forbidden` (a role that records none, or another
                organisation's activity), `fact_in_future` (held after today in Italy),
                `pathway_not_found` (an attendee unknown or outside the recorder's scope),
                `pathway_closed` (an attendee's pathway is closed),
                `group_activity_id_reused` (the id of another activity): nothing is written.
        """
        check_recorder(actor.role, organisation_id, activity)
        today = project_day(now or datetime.now(UTC))
        if activity.held_on > today:
            raise FactInFuture(f"held on {activity.held_on}, after today", field="held_on")
        summaries = {p: await self._caseload.get_summary(p) for p in activity.attendees}
        check_attendees(
            actor,
            organisation_id,
            {
                p: None if s is None else Holder(s.organisation_id, s.caseworker_id)
                for p, s in summaries.items()
            },
        )
        for pathway_id, summary in summaries.items():
            if summary is not None and summary.stage == Stage.CLOSED:
                raise PathwayClosed(f"pathway {pathway_id} is closed", field="attendees")
        process_id = workflow_id_for(activity.activity_id)
        try:
            await self._client.start_workflow(
                GROUP_ACTIVITY,
                GroupActivityInput(activity=activity, actor=actor),
                id=process_id,
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            await self._check_same(process_id, activity)
            return Recorded(process_id, earlier=True)
        return Recorded(process_id, earlier=False)

    async def find(
        self, activity_id: str, reader: Actor, organisation_id: str | None
    ) -> GroupActivityProgress | None:
        """The recording of `activity_id` as far as it has gone, if `reader` may see it: the
        coordinator and auditors every one, others their organisation's; None else, or when
        there is none (or no worker answers yet)."""
        try:
            progress = await self.progress(workflow_id_for(activity_id))
        except LookupError:
            return None
        if progress is None:
            return None
        spans = reader.role in (Role.COORDINATOR, Role.AUDITOR)
        if not spans and progress.activity.organisation_id != organisation_id:
            return None
        return progress

    async def _check_same(self, process_id: str, activity: GroupActivity) -> None:
        """Refuse a submission whose id names another activity already recorded."""
        handle = self._client.get_workflow_handle(process_id)
        history = await handle.fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        converter = self._client.data_converter
        (recorded,) = await converter.decode(started.input.payloads, [GroupActivityInput])
        if recorded.activity != activity:
            raise GroupActivityIdReused(
                f"{activity.activity_id} names another group activity", field="activity_id"
            )
