"""`/api/v1/group-activities`: record a group activity once, and follow its recording.

Caseworkers record one with the pathways of their caseload, supervisors with those of their
organisation, the coordinator with anyone's; auditors and admins record none. The rules are
`client.group_activities`' (`domain.group_activities.rules`), as for the page and the CLI:
a body of the wrong shape (no attendees, more than allowed, one listed twice) is
`invalid_command` with the field; an attendee unknown or outside the caller's scope is
`pathway_not_found` (404); a day after today `fact_in_future`. Nothing is written then. The
same activity sent again is answered with the recording already made (200, not 202).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response, status
from pydantic import BaseModel

from client.group_activities import GroupActivities
from domain.errors import DomainError
from domain.group_activities.activity import GroupActivity
from domain.values import Role
from web.auth import CurrentAccount
from web.dependencies import GroupActivitiesDep
from web.problems import PROBLEM_RESPONSES, ProblemError
from workflows.group_activity_models import GroupActivityProgress

READERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR})


class Recording(BaseModel):
    process_id: str
    earlier: bool
    """Whether an earlier submission had recorded the same activity."""


def available(group_activities: GroupActivities | None) -> GroupActivities:
    """The recorder of group activities, or 503 where the app runs without Temporal."""
    if group_activities is None:
        raise ProblemError("unavailable", "group activities need the durable engine", status=503)
    return group_activities


def build_group_activities_router() -> APIRouter:
    router = APIRouter(
        prefix="/api/v1/group-activities", responses=PROBLEM_RESPONSES, tags=["group activities"]
    )

    @router.post(
        "",
        response_model=Recording,
        status_code=status.HTTP_202_ACCEPTED,
        summary="Record a group activity with its attendees, once (idempotent by its id)",
    )
    async def record(
        account: CurrentAccount,
        body: Annotated[GroupActivity, Body()],
        group_activities: GroupActivitiesDep,
        response: Response,
    ) -> Recording:
        """Each attendee's pathway is then told, durably (`GET` follows it)."""
        recorder = available(group_activities)
        try:
            recorded = await recorder.record(body, account.actor, account.organisation_id)
        except DomainError as refused:
            raise ProblemError(refused.code, refused.message, refused.field) from None
        if recorded.earlier:
            response.status_code = status.HTTP_200_OK
        return Recording(process_id=recorded.process_id, earlier=recorded.earlier)

    @router.get(
        "/{activity_id}",
        response_model=GroupActivityProgress,
        summary="A group activity's recording: each attendee told so far",
    )
    async def follow(
        account: CurrentAccount, activity_id: str, group_activities: GroupActivitiesDep
    ) -> GroupActivityProgress:
        recorder = available(group_activities)
        if account.role not in READERS:
            raise ProblemError("forbidden", f"a {account.role} reads no group activities")
        progress = await recorder.find(activity_id, account.actor, account.organisation_id)
        if progress is None:
            raise ProblemError("not_found", f"no group activity {activity_id}")
        return progress

    return router
