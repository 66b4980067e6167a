"""`StatementImportWorkflow`: a bank statement's import, durable from the file to the pathways.

The workflow id comes from the file's hash (`statement_import_id`), so importing the same
file again starts nothing: the caller is answered with the first import's result (or
joins it while it runs). The import settles the ledger (one step, one transaction), then
tells each paid or returned payment to its pathway, in batches; every step is idempotent
(`activities.payments.statement_import`), so a worker killed anywhere is replaced by another that
carries on from the last step recorded, and nothing is applied twice. The `progress`
query answers what is done so far: the pages and the CLI show it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.payments.statement_import import (
        SettledLine,
        SettleRequest,
        StatementImportActivities,
        TellRequest,
    )
    from infra.payments.book import Settlement
    from workflows.names import PROGRESS, STATEMENT_IMPORT
    from workflows.statement_import_models import (
        ImportStage,
        SendReport,
        StatementImport,
        StatementImportInput,
        UnmatchedLine,
    )

TELL_BATCH = 25
"""Outcomes told per step: progress is recorded after each batch, and a batch retried
after a crash sends at most this many commands again (answered by their first reply)."""

STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
"""Steps are retried until they succeed: the database or Temporal away is waited out."""
SETTLE_TIMEOUT = timedelta(minutes=10)
TELL_TIMEOUT = timedelta(minutes=10)
HEARTBEAT_TIMEOUT = timedelta(seconds=10)
"""A step whose worker stops heartbeating (killed) runs again elsewhere after this long."""


@workflow.defn(name=STATEMENT_IMPORT)
class StatementImportWorkflow:
    """Settles a statement's lines in the ledger, then tells their pathways."""

    def __init__(self) -> None:
        self._progress: StatementImport | None = None

    @workflow.run
    async def run(self, request: StatementImportInput) -> StatementImport:
        import_id = workflow.info().workflow_id
        self._progress = StatementImport(
            import_id=import_id, file_name=request.file_name, lines=len(request.lines)
        )
        settled: list[SettledLine] = await workflow.execute_activity_method(
            StatementImportActivities.settle_statement,
            SettleRequest(
                import_id=import_id,
                lines=request.lines,
                received_at=request.received_at,
                organisation_id=request.organisation_id,
            ),
            start_to_close_timeout=SETTLE_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=STEP_RETRY,
        )
        outcomes = [s.outcome for s in settled if s.outcome is not None]
        self._progress = self._progress.model_copy(
            update={
                "stage": ImportStage.TELLING,
                "counts": {s.value: sum(x.settlement == s for x in settled) for s in Settlement},
                "unmatched": tuple(
                    UnmatchedLine(line=s.line, note=s.note)
                    for s in settled
                    if s.settlement == Settlement.UNMATCHED
                ),
                "to_tell": len(outcomes),
            }
        )
        told = SendReport()
        for start in range(0, len(outcomes), TELL_BATCH):
            batch = tuple(outcomes[start : start + TELL_BATCH])
            answered: SendReport = await workflow.execute_activity_method(
                StatementImportActivities.tell_pathways,
                TellRequest(import_id=import_id, outcomes=batch),
                start_to_close_timeout=TELL_TIMEOUT,
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=STEP_RETRY,
            )
            told = told.plus(answered)
            self._progress = self._progress.model_copy(update={"told": told})
            if answered.not_sent:
                break  # the pathways cannot take bank outcomes: no batch will fare better
        self._progress = self._progress.model_copy(update={"stage": ImportStage.DONE})
        workflow.logger.info(
            "statement imported: %s lines, %s told", len(request.lines), len(outcomes)
        )
        return self._progress

    @workflow.query(name=PROGRESS)
    def progress(self) -> StatementImport | None:
        """What the import has done so far; None before its first task ran."""
        return self._progress
