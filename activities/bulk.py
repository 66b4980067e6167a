"""The steps of a bulk operation over pathways: choose the rows, then change them a batch at a
time, each row with its own result.

`BulkOperationWorkflow` runs them; the caseload (the event store's summaries), the accounts
and the client that sends commands to pathways are injected by the worker's composition
root (`workers.worker.build_worker`). The operations: reassigning a leaving caseworker's
open pathways to another caseworker of the organisation (`ReassignCaseload`), and putting a
deadline policy in force on every running pathway (`RollOutPolicy`,
`activities.policy_rollout`).

- `select_rows` reads which pathways the operation would change, and checks the people it
  names (`domain.assignment`): it changes nothing, and running it again is harmless.
- `apply_rows` sends each row's command under a command id made of the operation and the
  pathway (`row_command_id`; a policy's: `policy_rollout.apply_command_id`): sent again after
  a crash, a command is answered with its first reply, so each pathway changes once.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Annotated, Literal, assert_never

import structlog
from pydantic import Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.policy_rollout import RollOutPolicy, apply_policy
from domain.assignment import AccountFacts, check_assignee, check_leaving
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.errors import DomainError
from domain.values import Actor, Frozen, Identifier, LongText, Stage
from infra.eventstore.base import EventStore
from workflows.client import AccountLookup, CommandRefused, PathwayClient

__all__ = [
    "ApplyRequest",
    "BulkActivities",
    "Operation",
    "ReassignCaseload",
    "RollOutPolicy",
    "RowResult",
    "SelectRequest",
    "row_command_id",
]

_log = structlog.get_logger(__name__)

PAGE = 500
HEARTBEAT_EVERY = 2.0
"""Seconds between a batch's heartbeats while its rows wait for their pathways."""
"""Caseload rows read at a time while choosing the rows."""


class ReassignCaseload(Frozen):
    """Every open pathway of one caseworker of an organisation, given to another."""

    kind: Literal["reassign_caseload"] = "reassign_caseload"
    organisation_id: Identifier
    from_caseworker_id: Identifier
    to_caseworker_id: Identifier
    reason: LongText | None = None


Operation = Annotated[ReassignCaseload | RollOutPolicy, Field(discriminator="kind")]


class RowResult(Frozen):
    """What the operation did, or would do, to one pathway."""

    pathway_id: str
    outcome: Literal["would_change", "done", "unchanged", "refused", "failed"]
    """`unchanged`: already as the operation wants it (a policy in force); `failed`: the
    pathway did not answer (a policy's row), so running the operation again may reach it."""
    code: str | None = None
    """For a refusal or a failure: the pathway's (or the client's) error code."""
    message: str | None = None


class SelectRequest(Frozen):
    operation: Operation


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
    """The bulk operation's steps; the caseload, the accounts and the pathways are injected."""

    def __init__(self, caseload: EventStore, accounts: AccountLookup, pathways: PathwayClient):
        self._caseload = caseload
        self._accounts = accounts
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
        await self._check(operation)
        chosen: list[str] = []
        offset = 0
        while True:
            page = await self._caseload.list_summaries(
                organisation_id=operation.organisation_id,
                caseworker_id=operation.from_caseworker_id,
                limit=PAGE,
                offset=offset,
            )
            chosen += [s.pathway_id for s in page if s.stage != Stage.CLOSED]
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
            case ReassignCaseload():
                results = await self._reassign(request, operation)
            case RollOutPolicy():
                results = await self._roll_out(request, operation)
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

    async def _reassign(
        self, request: ApplyRequest, operation: ReassignCaseload
    ) -> list[RowResult]:
        results = []
        for pathway_id in request.pathway_ids:
            envelope = CommandEnvelope(
                command_id=row_command_id(request.operation_id, pathway_id),
                actor=request.actor,
                command=COMMAND_ADAPTER.validate_python(
                    {
                        "type": "reassign_caseworker",
                        "caseworker_id": operation.to_caseworker_id,
                        "reason": operation.reason,
                    }
                ),
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
            retried = (self._caseload, activity.info().scheduled_time)

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
            raise ApplicationError(
                refused.message,
                {"code": refused.code, "field": refused.field},
                type=refused.code,
                non_retryable=True,
            ) from None

    async def _account(self, account_id: str) -> AccountFacts | None:
        return await self._accounts.get_account(account_id)
