"""`BulkOperations`: how the CLI and the pages start a bulk operation's dry run, apply it,
and follow either.

A dry run gets a new id each time (it changes nothing); applying it starts the workflow
`<dry run id>-apply` with the rows the dry run listed, so applying the same dry run twice
(a double click, a command run again after a crash) starts nothing new: the running
application is joined, a finished one answers with its result.

A policy's roll-out is started under `policy-rollout-<the policy's digest>`: asked again while
it runs, it is joined. Once it has completed, asking again runs it again under the same id,
which reaches the pathways it missed (opened since, or not answering then) and leaves the
others unchanged (`activities.pathways.policy_rollout`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from client.processes import ProcessFollower
from domain.values import Actor
from workflows.bulk_models import (
    WORKFLOW_ID_PREFIX,
    BulkInput,
    BulkOperation,
    BulkStage,
    CloseCohort,
    ImportAttendance,
    ImportCaseload,
    ReassignCaseload,
    RollOutPolicy,
    apply_id_for,
    policy_digest,
    roll_out_id_for,
)
from workflows.names import BULK_OPERATION

NOT_A_DRY_RUN = "not_a_dry_run"


class BulkRefused(Exception):
    """A dry run that cannot be applied: unknown, not finished, refused, or an application."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Started:
    operation_id: str
    earlier: bool
    """Whether an earlier request had started it (an application asked for again)."""


@dataclass(frozen=True)
class RollOut:
    operation_id: str
    run_id: str
    """The run putting the policy in force: the same for every request it joined."""


class BulkOperations(ProcessFollower[BulkOperation]):
    """Starts dry runs and their applications on `task_queue`, and reads their progress."""

    def __init__(self, client: Client, task_queue: str) -> None:
        super().__init__(client, task_queue, BulkOperation)

    async def dry_run(
        self,
        operation: ReassignCaseload | CloseCohort | ImportCaseload | ImportAttendance,
        actor: Actor,
    ) -> str:
        """Start a dry run of `operation` for `actor`; its id."""
        operation_id = f"{WORKFLOW_ID_PREFIX}{uuid.uuid4().hex}"
        await self._client.start_workflow(
            BULK_OPERATION,
            BulkInput(operation=operation, actor=actor),
            id=operation_id,
            task_queue=self._task_queue,
        )
        return operation_id

    async def apply(self, dry_run_id: str, actor: Actor) -> Started:
        """Apply the rows of the finished dry run `dry_run_id`, as `actor`.

        Raises:
            BulkRefused: `not_a_dry_run` for an id that names no finished dry run, or one
                whose operation was refused.
        """
        try:
            planned = await self.progress(dry_run_id)
        except LookupError:
            raise BulkRefused(NOT_A_DRY_RUN, f"no dry run {dry_run_id}") from None
        if planned is None or not planned.dry_run or planned.stage != BulkStage.DONE:
            raise BulkRefused(NOT_A_DRY_RUN, f"{dry_run_id} is not a finished dry run")
        operation_id = apply_id_for(dry_run_id)
        try:
            await self._client.start_workflow(
                BULK_OPERATION,
                BulkInput(
                    operation=planned.operation, actor=actor, pathway_ids=planned.applicable()
                ),
                id=operation_id,
                task_queue=self._task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
        except WorkflowAlreadyStartedError:
            return Started(operation_id, earlier=True)
        return Started(operation_id, earlier=False)

    async def roll_out(self, operation: RollOutPolicy, actor: Actor) -> RollOut:
        """Put `operation`'s policy in force on every running pathway, as `actor` (an admin).

        Joins the roll-out of the same policy if one runs; after one has completed, runs it
        again (each pathway already following the policy is left unchanged).
        """
        operation_id = roll_out_id_for(policy_digest(operation.policy))
        handle = await self._client.start_workflow(
            BULK_OPERATION,
            BulkInput(operation=operation, actor=actor, roll_out=True),
            id=operation_id,
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
        assert handle.result_run_id is not None  # a started workflow's handle names its run
        return RollOut(operation_id, handle.result_run_id)
