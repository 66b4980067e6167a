"""`StatementImports`: how the CLI and the pages start a statement's import and follow it.

They only start `StatementImportWorkflow` (named by string: this side imports no workflow
code) and read its progress or its result; the worker does the work. Starting an import
whose workflow id exists joins it: a running import is followed, a completed one answers
with its result (the same file imported twice is imported once). An import that failed or
was terminated may be started again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from infra.payments.statements import StatementLine
from workflows.statement_import import (
    WORKFLOW_NAME,
    StatementImport,
    StatementImportInput,
    statement_import_id,
)

QUERY_SECONDS = 5.0
"""How long a progress query waits for a worker to answer: none may run just now."""


@dataclass(frozen=True)
class Started:
    """An import asked for: its id, and whether an earlier request had started it."""

    import_id: str
    earlier: bool


class StatementImports:
    """Starts imports on `task_queue` and reads their progress, through `client`."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def start(
        self,
        data: bytes,
        file_name: str,
        lines: list[StatementLine],
        received_at: datetime,
        organisation_id: str | None = None,
    ) -> Started:
        """Start the import of a parsed statement file, or join the one of the same file.

        Raises:
            temporalio.service.RPCError: Temporal cannot be reached.
        """
        import_id = statement_import_id(data, organisation_id)
        try:
            await self._client.start_workflow(
                WORKFLOW_NAME,
                StatementImportInput(
                    file_name=file_name,
                    lines=tuple(lines),
                    received_at=received_at,
                    organisation_id=organisation_id,
                ),
                id=import_id,
                task_queue=self._task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
        except WorkflowAlreadyStartedError:
            return Started(import_id, earlier=True)  # completed: its result stands
        return Started(import_id, earlier=False)

    async def wait(self, import_id: str, seconds: float) -> StatementImport | None:
        """The import's result, if it completes within `seconds`; else its progress."""
        try:
            return await asyncio.wait_for(self._handle(import_id).result(), seconds)
        except TimeoutError:
            return await self.progress(import_id)

    async def progress(self, import_id: str) -> StatementImport | None:
        """The import's result once done, else what it has done so far; None when no worker
        answers now (the import waits for one).

        Raises:
            LookupError: there is no such import (or it failed, or was terminated).
        """
        handle = self._handle(import_id)
        try:
            status = (await handle.describe()).status
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise LookupError(import_id) from None
            raise
        if status == WorkflowExecutionStatus.COMPLETED:
            return await handle.result()
        if status != WorkflowExecutionStatus.RUNNING:
            raise LookupError(import_id)
        try:
            progress: StatementImport | None = await handle.query(
                "progress",
                result_type=StatementImport,
                rpc_timeout=timedelta(seconds=QUERY_SECONDS),
            )
        except RPCError as error:
            if error.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                return None
            raise
        return progress

    def _handle(self, import_id: str) -> WorkflowHandle[object, StatementImport]:
        return self._client.get_workflow_handle(import_id, result_type=StatementImport)
