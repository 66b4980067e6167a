"""What the callers of a durable process share: follow it by id, to its progress or result.

A process's workflow answers a `progress` query with the model its result is (done or not);
`ProcessFollower` reads either without importing workflow code, so the web and the CLI only
start processes and show them.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Generic, TypeVar

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from workflows.names import PROGRESS

QUERY_SECONDS = 5.0
"""How long a progress query waits for a worker to answer: none may run just now."""

Result = TypeVar("Result")


class ProcessFollower(Generic[Result]):
    """Reads the progress and the result of processes whose result is a `result_type`."""

    def __init__(self, client: Client, task_queue: str, result_type: type[Result]) -> None:
        self._client = client
        self._task_queue = task_queue
        self._result_type = result_type

    async def wait(self, process_id: str, seconds: float) -> Result | None:
        """The process's result, if it completes within `seconds`; else its progress."""
        try:
            return await asyncio.wait_for(self._handle(process_id).result(), seconds)
        except TimeoutError:
            return await self.progress(process_id)

    async def progress(self, process_id: str) -> Result | None:
        """The result once done, else what the process has done so far; None when no worker
        answers now (the process waits for one).

        Raises:
            LookupError: there is no such process (or it failed, or was terminated).
        """
        handle = self._handle(process_id)
        try:
            status = (await handle.describe()).status
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise LookupError(process_id) from None
            raise
        if status == WorkflowExecutionStatus.COMPLETED:
            return await handle.result()
        if status != WorkflowExecutionStatus.RUNNING:
            raise LookupError(process_id)
        try:
            progress: Result | None = await handle.query(
                PROGRESS,
                result_type=self._result_type,
                rpc_timeout=timedelta(seconds=QUERY_SECONDS),
            )
        except RPCError as error:
            if error.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                return None
            raise
        return progress

    def _handle(self, process_id: str) -> WorkflowHandle[object, Result]:
        return self._client.get_workflow_handle(process_id, result_type=self._result_type)
