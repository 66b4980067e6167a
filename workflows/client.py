"""`PathwayClient`: how the CLI and the web app send commands to pathway workflows.

Every write goes through here, as a workflow update with the command id as update id, so a
retried request is answered once and the callers stay stateless.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import CommandEnvelope, OpenPathway
from domain.state import PathwayState
from workflows.models import CommandResult, PathwayInput, workflow_id_for
from workflows.pathway import PathwayWorkflow

UPDATE_NAME = "command"
"""The update that carries commands (`PathwayWorkflow.command`); named because the SDK's
typing of async update methods does not fit `execute_update`'s signature."""


class CommandRefused(Exception):
    """A command the pathway refused, with the domain error code (or a transport code)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.field = code, message, field


class PathwayClient:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def open(self, envelope: CommandEnvelope) -> CommandResult:
        """Start the pathway's workflow and apply `OpenPathway` in one call (update-with-start)."""
        command = envelope.command
        if not isinstance(command, OpenPathway):
            raise CommandRefused("invalid_command", "opening needs an open_pathway command")
        start = WithStartWorkflowOperation(
            PathwayWorkflow.run,
            PathwayInput(pathway_id=command.pathway_id),
            id=workflow_id_for(command.pathway_id),
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        try:
            result: CommandResult = await self._client.execute_update_with_start_workflow(
                UPDATE_NAME,
                envelope,
                start_workflow_operation=start,
                id=envelope.command_id,
                result_type=CommandResult,
            )
            return result
        except (WorkflowUpdateFailedError, RPCError) as error:
            raise _refusal(error) from None

    async def send(self, pathway_id: str, envelope: CommandEnvelope) -> CommandResult:
        """Apply one command to an open pathway."""
        if isinstance(envelope.command, OpenPathway):
            raise CommandRefused("pathway_already_open", "use open for open_pathway")
        handle = self._client.get_workflow_handle_for(
            PathwayWorkflow.run, workflow_id_for(pathway_id)
        )
        try:
            result: CommandResult = await handle.execute_update(
                UPDATE_NAME, envelope, id=envelope.command_id, result_type=CommandResult
            )
            return result
        except (WorkflowUpdateFailedError, RPCError) as error:
            raise _refusal(error) from None

    async def state(self, pathway_id: str) -> PathwayState:
        """The state the running workflow holds (the event store holds the record)."""
        handle = self._client.get_workflow_handle_for(
            PathwayWorkflow.run, workflow_id_for(pathway_id)
        )
        try:
            return await handle.query(PathwayWorkflow.state)
        except RPCError as error:
            raise _refusal(error) from None


def _refusal(error: Exception) -> CommandRefused:
    if isinstance(error, WorkflowUpdateFailedError):
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type:
            details: dict[str, Any] = cause.details[0] if cause.details else {}
            return CommandRefused(cause.type, cause.message, details.get("field"))
        return CommandRefused("command_failed", str(cause or error))
    assert isinstance(error, RPCError)
    if error.status == RPCStatusCode.NOT_FOUND:
        if "completed" in error.message.lower():
            return CommandRefused(
                "pathway_closed", "the pathway is closed and accepts nothing more"
            )
        return CommandRefused("pathway_not_found", "no pathway has been opened with this id")
    if error.status == RPCStatusCode.INVALID_ARGUMENT:
        return CommandRefused("invalid_command", error.message)
    raise error
