"""The step of a group activity: tell a batch of attendees' pathways that they took part.

`GroupActivityWorkflow` runs it; the client that sends commands to pathways is injected by
the worker's composition root (`workers.worker.build_worker`). Each attendee's command
(`domain.group_activities.rules.command_for`) goes under a command id made of the activity
and the pathway (`attendance_command_id`): sent again after a crash, it is answered with its
first reply, so each pathway records the participation once.
"""

from __future__ import annotations

import hashlib

import structlog
from pydantic import Field
from temporalio import activity

from client.pathway import CommandRefused, PathwayClient
from domain.commands import CommandEnvelope
from domain.group_activities.activity import GroupActivity
from domain.group_activities.rules import command_for
from domain.values import Actor, Frozen
from workflows.bulk_models import RowResult

__all__ = ["AttendanceActivities", "AttendanceRequest", "attendance_command_id"]

_log = structlog.get_logger(__name__)


class AttendanceRequest(Frozen):
    """One batch of the activity's attendees, told as `actor` recorded them."""

    activity: GroupActivity
    actor: Actor
    pathway_ids: tuple[str, ...] = Field(min_length=1)


def attendance_command_id(activity_id: str, pathway_id: str) -> str:
    """The command id of one attendance: the same on every retry, within 64 characters."""
    digest = hashlib.sha256(f"{activity_id}/{pathway_id}".encode()).hexdigest()
    return f"group:{digest[:48]}"


class AttendanceActivities:
    """The group activity's step; the pathways are injected."""

    def __init__(self, pathways: PathwayClient) -> None:
        self._pathways = pathways

    @activity.defn(name="record_group_attendance")
    async def record_attendance(self, request: AttendanceRequest) -> list[RowResult]:
        """Send each attendee's participation; a refusal is the row's result, not the batch's.

        Idempotent by each attendee's command id. A transport failure (Temporal away) is
        raised, and the batch is retried: the rows already told answer with their first reply.
        """
        results = []
        for pathway_id in request.pathway_ids:
            envelope = CommandEnvelope(
                command_id=attendance_command_id(request.activity.activity_id, pathway_id),
                actor=request.actor,
                command=command_for(request.activity, pathway_id),
            )
            try:
                await self._pathways.send(pathway_id, envelope)
            except CommandRefused as refused:
                results.append(
                    RowResult(
                        pathway_id=pathway_id,
                        outcome="refused",
                        code=refused.code,
                        message=refused.message,
                    )
                )
            else:
                results.append(RowResult(pathway_id=pathway_id, outcome="done"))
            if activity.in_activity():
                activity.heartbeat()
        _log.info(
            "group_attendance_recorded",
            activity_id=request.activity.activity_id,
            done=sum(r.outcome == "done" for r in results),
            refused=sum(r.outcome == "refused" for r in results),
        )
        return results
