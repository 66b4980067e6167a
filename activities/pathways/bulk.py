"""The steps of a bulk operation over pathways: choose the rows, then change them a batch at a
time, each row with its own result.

`BulkOperationWorkflow` runs them; the caseload (the event store's summaries), the accounts
and the client that sends commands to pathways are injected by the worker's composition
root (`workers.worker.build_worker`). The operations: reassigning a leaving caseworker's
open pathways to another caseworker of the organisation (`ReassignCaseload`), closing the
pathways of an organisation that are ready to close (`CloseCohort`), and putting a deadline
policy in force on every running pathway (`RollOutPolicy`, `activities.pathways.policy_rollout`),
and importing a file: a caseload (`ImportCaseload`, `activities.pathways.imports`) or a
monthly attendance sheet (`ImportAttendance`, `activities.pathways.attendance_imports`).

- `select_rows` reads which pathways the operation would change, and checks the people it
  names (`domain.assignment`): it changes nothing, and running it again is harmless.
- `preview_rows` (a cohort's dry run) asks the domain's rule (`domain.decider.decide`) what
  each row's command would do on the pathway's state now, changing nothing: a row the rule
  refuses (say `payments_pending`) is listed with its code.
- `apply_rows` sends each row's command under a command id made of the operation and the
  pathway (`row_command_id`; a policy's: `policy_rollout.apply_command_id`): sent again after
  a crash, a command is answered with its first reply, so each pathway changes once.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, assert_never

import structlog
from pydantic import Field
from temporalio import activity

from activities.pathways.attendance_imports import apply_attendance, preview_attendance
from activities.pathways.imports import apply_import, check_importer, preview_import
from activities.pathways.policy_rollout import apply_policy
from activities.refusals import refusal
from client.pathway import AccountLookup, CommandRefused, PathwayClient, StreamReader
from domain.assignment import AccountFacts, check_assignee, check_leaving
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.decider import decide
from domain.errors import DomainError
from domain.imports.attendance import row_id_for
from domain.imports.caseload import pathway_id_for
from domain.projections import PathwaySummary
from domain.values import Actor, Frozen, Stage
from infra.eventstore.queries import CaseloadQueries
from infra.eventstore.search_index import SearchIndexQueries
from workflows.bulk_models import (
    FILE_IMPORTS,
    CloseCohort,
    ImportAttendance,
    ImportCaseload,
    Operation,
    ReassignCaseload,
    RollOutPolicy,
    RowResult,
)

__all__ = [
    "ApplyRequest",
    "BulkActivities",
    "PreviewRequest",
    "SelectRequest",
    "row_command_id",
]

_log = structlog.get_logger(__name__)

PAGE = 500
HEARTBEAT_EVERY = 2.0
"""Seconds between a batch's heartbeats while its rows wait for their pathways."""
"""Caseload rows read at a time while choosing the rows."""


class SelectRequest(Frozen):
    operation: Operation
    actor: Actor | None = None
    """Who imports (an import's: they must work in its organisation); None for the others."""


class PreviewRequest(Frozen):
    """One batch of a dry run's rows, as `actor` would change them."""

    operation: Annotated[
        ReassignCaseload | CloseCohort | ImportCaseload | ImportAttendance,
        Field(discriminator="kind"),
    ]
    actor: Actor
    pathway_ids: tuple[str, ...] = Field(min_length=1)


class ApplyRequest(Frozen):
    """One batch of an operation's rows, changed by `actor`."""

    operation_id: str
    operation: Operation
    actor: Actor
    pathway_ids: tuple[str, ...] = Field(min_length=1)


def row_command_id(operation_id: str, pathway_id: str) -> str:
    """The command id of one row: the same on every retry, within the 64 characters allowed."""
    digest = hashlib.sha256(f"{operation_id}/{pathway_id}".encode()).hexdigest()
    return f"bulk:{digest[:48]}"


class BulkActivities:
    """The bulk operation's steps; the streams, the caseload, the accounts and the pathways
    are injected."""

    def __init__(
        self,
        history: StreamReader,
        caseload: CaseloadQueries,
        accounts: AccountLookup,
        pathways: PathwayClient,
        documents: SearchIndexQueries | None = None,
    ):
        self._history = history
        self._caseload = caseload
        self._accounts = accounts
        self._documents = documents
        """The search's blind index: an import's rows already open elsewhere are flagged."""
        self._pathways = pathways.checking(accounts)

    @activity.defn(name="select_bulk_rows")
    async def select_rows(self, request: SelectRequest) -> list[str]:
        """The pathways the operation would change, in a stable order; changes nothing.

        A caseload's reassignment: the leaving caseworker's open pathways, from the caseload
        rows. A policy: the pathways running on the task queue, from Temporal's visibility
        store (which lags a second or two: one opened just before may be missed).

        Raises:
            ApplicationError: non-retryable, type `caseworker_not_eligible`, when the leaving
                caseworker is not a caseworker of the organisation or the one taking the
                pathways is not an active one of it.
        """
        operation = request.operation
        if isinstance(operation, RollOutPolicy):
            return sorted(set(await self._pathways.running_pathways()))
        if isinstance(operation, FILE_IMPORTS):
            try:
                assert request.actor is not None, "an import's selection names who imports"
                await check_importer(operation, request.actor, self._accounts)
            except DomainError as refused:
                raise refusal(refused) from None
            # The file's rows, in its order; whether each may be applied is the preview's.
            key = pathway_id_for if isinstance(operation, ImportCaseload) else row_id_for
            return [key(operation.digest, r.number) for r in operation.rows]
        if isinstance(operation, CloseCohort):
            return await self._chosen(
                lambda s: operation.chooses(s.opened_at),
                organisation_id=operation.organisation_id,
                stage=Stage.FOLLOW_UP,
            )
        await self._check(operation)
        return await self._chosen(
            lambda s: s.stage != Stage.CLOSED,
            organisation_id=operation.organisation_id,
            caseworker_id=operation.from_caseworker_id,
        )

    @activity.defn(name="preview_bulk_rows")
    async def preview_rows(self, request: PreviewRequest) -> list[RowResult]:
        """What each row's command would do now, by the domain's rule; changes nothing.

        Each pathway's state is the one its running workflow holds; the rule is `decide`,
        with `request.actor` and the present instant. A row it refuses is `would_refuse`
        with the refusal's code (`payments_pending`, say); a pathway that no longer runs is
        `would_refuse` with the client's code (`pathway_not_found`).
        """
        if isinstance(request.operation, ImportCaseload):
            return await preview_import(
                request.operation,
                request.actor,
                self._accounts,
                datetime.now(UTC),
                self._documents,
            )
        if isinstance(request.operation, ImportAttendance):
            return await preview_attendance(
                request.operation,
                request.actor,
                self._caseload,
                self._pathways,
                datetime.now(UTC),
            )
        results = []
        for pathway_id in request.pathway_ids:
            envelope = CommandEnvelope(
                command_id=row_command_id("preview", pathway_id),
                actor=request.actor,
                command=COMMAND_ADAPTER.validate_python(_row_command(request.operation)),
            )
            try:
                decide(await self._pathways.state(pathway_id), envelope, datetime.now(UTC))
            except (DomainError, CommandRefused) as refused:
                results.append(
                    RowResult(
                        pathway_id=pathway_id,
                        outcome="would_refuse",
                        code=refused.code,
                        message=refused.message,
                    )
                )
            else:
                results.append(RowResult(pathway_id=pathway_id, outcome="would_change"))
            if activity.in_activity():
                activity.heartbeat()
        return results

    async def _chosen(self, keep: Callable[[PathwaySummary], bool], **filters: Any) -> list[str]:
        """The caseload rows matching `filters` that `keep` keeps, by id, in a stable order."""
        chosen: list[str] = []
        offset = 0
        while True:
            page = await self._caseload.list_summaries(**filters, limit=PAGE, offset=offset)
            chosen += [s.pathway_id for s in page if keep(s)]
            if len(page) < PAGE:
                break
            offset += PAGE
        return sorted(set(chosen))

    @activity.defn(name="apply_bulk_rows")
    async def apply_rows(self, request: ApplyRequest) -> list[RowResult]:
        """Send each row's command; each row's refusal is its result, not the batch's failure.

        Idempotent by each row's command id. A transport failure (Temporal away) is raised,
        and the batch is retried: the rows already changed answer with their first reply.
        """
        operation = request.operation
        match operation:
            case ReassignCaseload() | CloseCohort():
                results = await self._send_each(request, operation)
            case RollOutPolicy():
                results = await self._roll_out(request, operation)
            case ImportCaseload():
                results = await apply_import(
                    operation, request.actor, self._pathways, datetime.now(UTC)
                )
            case ImportAttendance():
                results = await apply_attendance(
                    operation, request.actor, self._caseload, self._pathways
                )
            case _:
                assert_never(operation)
        _log.info(
            "bulk_rows_applied",
            operation_id=request.operation_id,
            kind=operation.kind,
            **{
                outcome: sum(r.outcome == outcome for r in results)
                for outcome in ("done", "unchanged", "refused", "failed")
            },
        )
        return results

    async def _send_each(
        self, request: ApplyRequest, operation: ReassignCaseload | CloseCohort
    ) -> list[RowResult]:
        """Each row's command in turn (`_row_command`), its refusal the row's result."""
        results = []
        for pathway_id in request.pathway_ids:
            envelope = CommandEnvelope(
                command_id=row_command_id(request.operation_id, pathway_id),
                actor=request.actor,
                command=COMMAND_ADAPTER.validate_python(_row_command(operation)),
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
        return results

    async def _roll_out(self, request: ApplyRequest, operation: RollOutPolicy) -> list[RowResult]:
        """The policy's rows of one batch, `operation.concurrency` at a time, in their order.

        Heartbeats while any row waits (a pathway has up to `row_timeout` to answer, longer
        than the step's heartbeat timeout).
        """
        sending = asyncio.Semaphore(operation.concurrency)
        retried = None
        if activity.in_activity() and activity.info().attempt > 1:
            retried = (self._history, activity.info().scheduled_time)

        async def row(pathway_id: str) -> RowResult:
            async with sending:
                done = await apply_policy(
                    self._pathways, pathway_id, operation, request.actor, retried=retried
                )
            return RowResult.model_validate(done.model_dump())

        rows = asyncio.gather(*(row(p) for p in request.pathway_ids))
        while activity.in_activity() and not rows.done():
            activity.heartbeat()
            await asyncio.wait([rows], timeout=HEARTBEAT_EVERY)
        return list(await rows)

    async def _check(self, operation: ReassignCaseload) -> None:
        leaving = await self._account(operation.from_caseworker_id)
        taking = await self._account(operation.to_caseworker_id)
        try:
            check_leaving(operation.from_caseworker_id, leaving, operation.organisation_id)
            check_assignee(operation.to_caseworker_id, taking, operation.organisation_id)
        except DomainError as refused:
            raise refusal(refused) from None

    async def _account(self, account_id: str) -> AccountFacts | None:
        return await self._accounts.get_account(account_id)


def _row_command(operation: ReassignCaseload | CloseCohort) -> dict[str, Any]:
    """The command each row of `operation` is sent (a roll-out's: `apply_policy`)."""
    match operation:
        case ReassignCaseload():
            return {
                "type": "reassign_caseworker",
                "caseworker_id": operation.to_caseworker_id,
                "reason": operation.reason,
            }
        case CloseCohort():
            return {"type": "close_pathway", "reason": operation.reason}
        case _:
            assert_never(operation)
