"""`BulkOperationWorkflow`: one change over many pathways, a dry run first, a result per row.

A dry run chooses the rows and says what would change, changing nothing; a cohort's closure
(`CloseCohort`) also asks the domain's rule of each row (`preview_bulk_rows`), so the rows it
would refuse, and why, are listed before anything is sent. Applying takes the
rows a dry run listed (what the person saw and confirmed), never a fresh selection, and
changes them a batch at a time, each row `done` or `refused` with its code. Its workflow id
is the dry run's with `-apply`, so applying the same dry run twice starts nothing: it is
answered with the first run's result.

An existing caseload's import (`ImportCaseload`, docs/import.md) is a dry run and its
application too: its rows are the file's, keyed by the pathway each opens (a monthly
attendance sheet's, `ImportAttendance`, by the row's own id); its dry run checks
the whole file in one step (a duplicate is told by the rows before it), and applying sends
only the rows without a problem, each batch carrying its own rows of the file only.

A roll-out (a policy put in force on the running pathways) has no dry run to confirm: it
chooses its rows and changes them in the same run (`BulkInput.roll_out`), keyed by what it
puts in force (`roll_out_id_for`). Each step is idempotent (`activities.pathways.bulk`): a worker
killed anywhere is replaced by another that carries on from the last batch recorded. The
`progress` query answers the rows done so far.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.pathways.bulk import ApplyRequest, BulkActivities, PreviewRequest, SelectRequest
    from workflows.bulk_models import (
        FILE_IMPORTS,
        BulkInput,
        BulkOperation,
        BulkStage,
        CloseCohort,
        RowResult,
        batch_of,
    )
    from workflows.names import BULK_OPERATION, PROGRESS

BATCH = 20
"""Rows changed per step: progress is recorded after each, and a batch retried after a
crash sends at most this many commands again (answered by their first reply)."""

STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=["caseworker_not_eligible"],
)
STEP_TIMEOUT = timedelta(minutes=10)
HEARTBEAT_TIMEOUT = timedelta(seconds=10)


@workflow.defn(name=BULK_OPERATION)
class BulkOperationWorkflow:
    """Chooses the rows (dry run) or changes the rows a dry run chose, batch by batch; a
    roll-out does both in one run."""

    def __init__(self) -> None:
        self._progress: BulkOperation | None = None

    @workflow.run
    async def run(self, request: BulkInput) -> BulkOperation:
        operation_id = workflow.info().workflow_id
        dry_run = request.pathway_ids is None and not request.roll_out
        progress = BulkOperation(
            operation_id=operation_id, operation=request.operation, dry_run=dry_run
        )
        self._progress = progress
        if request.pathway_ids is None:
            try:
                chosen: list[str] = await workflow.execute_activity_method(
                    BulkActivities.select_rows,
                    _selection(request),
                    start_to_close_timeout=STEP_TIMEOUT,
                    retry_policy=STEP_RETRY,
                )
            except ActivityError as error:
                cause = error.cause
                if not isinstance(cause, ApplicationError):
                    raise
                self._progress = progress.model_copy(
                    update={
                        "stage": BulkStage.REFUSED,
                        "refusal_code": cause.type,
                        "refusal_message": cause.message,
                    }
                )
                return self._progress
            if dry_run:
                previewed = await self._preview(request, progress, tuple(chosen))
                self._progress = previewed.model_copy(update={"stage": BulkStage.DONE})
                return self._progress
            rows: tuple[str, ...] = tuple(chosen)
        else:
            rows = request.pathway_ids
        progress = progress.model_copy(update={"stage": BulkStage.APPLYING, "pathway_ids": rows})
        self._progress = progress
        for start in range(0, len(rows), BATCH):
            answered: list[RowResult] = await workflow.execute_activity_method(
                BulkActivities.apply_rows,
                ApplyRequest(
                    operation_id=operation_id,
                    operation=batch_of(request.operation, rows[start : start + BATCH]),
                    actor=request.actor,
                    pathway_ids=rows[start : start + BATCH],
                ),
                start_to_close_timeout=STEP_TIMEOUT,
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=STEP_RETRY,
            )
            progress = progress.model_copy(update={"results": (*progress.results, *answered)})
            self._progress = progress
        self._progress = progress.model_copy(update={"stage": BulkStage.DONE})
        return self._progress

    async def _preview(
        self, request: BulkInput, progress: BulkOperation, rows: tuple[str, ...]
    ) -> BulkOperation:
        """A dry run's rows: what the domain's rule says of each, a batch at a time, for a
        cohort's closure; `would_change` for every row of the other operations (their rows
        are chosen by what the rule asks, and their histories have no preview step)."""
        progress = progress.model_copy(update={"pathway_ids": rows})
        if isinstance(request.operation, FILE_IMPORTS):
            # One step for the whole file: a duplicate is told by the rows before it.
            checked: list[RowResult] = await workflow.execute_activity_method(
                BulkActivities.preview_rows,
                PreviewRequest(operation=request.operation, actor=request.actor, pathway_ids=rows),
                start_to_close_timeout=STEP_TIMEOUT,
                retry_policy=STEP_RETRY,
            )
            return progress.model_copy(update={"results": tuple(checked)})
        if not isinstance(request.operation, CloseCohort):
            return progress.model_copy(
                update={
                    "results": tuple(RowResult(pathway_id=p, outcome="would_change") for p in rows)
                }
            )
        self._progress = progress
        for start in range(0, len(rows), BATCH):
            answered: list[RowResult] = await workflow.execute_activity_method(
                BulkActivities.preview_rows,
                PreviewRequest(
                    operation=request.operation,
                    actor=request.actor,
                    pathway_ids=rows[start : start + BATCH],
                ),
                start_to_close_timeout=STEP_TIMEOUT,
                heartbeat_timeout=HEARTBEAT_TIMEOUT,
                retry_policy=STEP_RETRY,
            )
            progress = progress.model_copy(update={"results": (*progress.results, *answered)})
            self._progress = progress
        return progress

    @workflow.query(name=PROGRESS)
    def progress(self) -> BulkOperation | None:
        """What the operation has done so far; None before its first task ran."""
        return self._progress


def _selection(request: BulkInput) -> SelectRequest:
    """What choosing the rows is asked: an import says who imports, the others need not."""
    if isinstance(request.operation, FILE_IMPORTS):
        return SelectRequest(operation=request.operation, actor=request.actor)
    return SelectRequest(operation=request.operation)
