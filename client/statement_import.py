"""`StatementImports`: how the CLI and the pages start a statement's import and follow it.

They only start `StatementImportWorkflow` (by its name, `workflows.names`) and read its
progress or its result; the worker does the work. Starting an import whose workflow id
exists joins it: a running import is followed, a completed one answers with its result (the
same file imported twice is imported once). An import that failed or was terminated may be
started again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from client.processes import ProcessFollower
from domain.payments.statements import StatementLine
from workflows.names import STATEMENT_IMPORT
from workflows.statement_import_models import (
    StatementImport,
    StatementImportInput,
    statement_import_id,
)


@dataclass(frozen=True)
class Started:
    """An import asked for: its id, and whether an earlier request had started it."""

    import_id: str
    earlier: bool


class StatementImports(ProcessFollower[StatementImport]):
    """Starts imports on `task_queue` and reads their progress (`wait`, `progress`)."""

    def __init__(self, client: Client, task_queue: str) -> None:
        super().__init__(client, task_queue, StatementImport)

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
                STATEMENT_IMPORT,
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
