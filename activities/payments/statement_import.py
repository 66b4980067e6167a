"""The steps of a bank statement's import: settle the ledger, then tell the pathways.

`StatementImportWorkflow` runs them; the payments store and the client that sends commands
to pathways are injected by the worker's composition root (`workers.worker.build_worker`).
Each step is idempotent, so Temporal may run it again after a crash:

- `settle_statement` by the import's key: the ledger's rows keep the import that settled
  them (`settled_by`), so a retry after a commit whose answer was lost reports the same
  lines paid or returned, and writes nothing more;
- `tell_pathways` by each outcome's command id (`PaymentOutcome.command_id`): a pathway
  answers a command id it has seen with its first reply, or `already_recorded`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime

import structlog
from pydantic import Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.payments.payment_outcomes import (
    CommandSender,
    PaymentOutcome,
    outcomes_for_pathways,
    send_payment_outcomes,
)
from domain.payments.statements import StatementLine
from domain.values import Frozen
from infra.payments.book import PaymentsBook, Settlement
from infra.payments.model import PaymentError
from workflows.statement_import_models import SendReport

__all__ = [
    "SettleRequest",
    "SettledLine",
    "StatementImportActivities",
    "TellRequest",
]

_log = structlog.get_logger(__name__)

HEARTBEAT_SECONDS = 2.0
"""How often a step says it is alive: a worker killed mid-step is noticed within the
step's heartbeat timeout, and the step runs again on another worker."""


class SettleRequest(Frozen):
    """A statement's lines to apply to the ledger, for the import named `import_id`."""

    import_id: str
    lines: tuple[StatementLine, ...]
    received_at: datetime
    """When the import was asked for: the rows' `settled_at`."""
    organisation_id: str | None = None
    """Only this organisation's payments (the statement of its account), when given."""


class SettledLine(Frozen):
    """What one line did to the ledger, and what its pathway must learn of it, if anything."""

    line: StatementLine
    settlement: Settlement
    note: str = ""
    outcome: PaymentOutcome | None = None


class TellRequest(Frozen):
    """Outcomes to tell their pathways, one batch of an import."""

    import_id: str
    outcomes: tuple[PaymentOutcome, ...] = Field(min_length=1)


class StatementImportActivities:
    """The import's steps; the store and the pathways' client are injected."""

    def __init__(self, payments: PaymentsBook, pathways: CommandSender) -> None:
        self._payments = payments
        self._pathways = pathways

    @activity.defn(name="settle_statement")
    async def settle_statement(self, request: SettleRequest) -> list[SettledLine]:
        """Apply the statement to the ledger in one transaction; idempotent by import id.

        Raises:
            ApplicationError: non-retryable, typed by the code of a statement the ledger
                refuses as a whole (`fact_in_future`; the callers check it before they
                start an import): nothing was written.
        """
        try:
            async with _heartbeating():
                results = await self._payments.settle(
                    request.lines,
                    request.received_at,
                    organisation_id=request.organisation_id,
                    settled_by=request.import_id,
                )
        except PaymentError as err:
            raise ApplicationError(err.detail, type=err.code, non_retryable=True) from None
        told = iter(outcomes_for_pathways(results))
        settled = [
            SettledLine(
                line=r.line,
                settlement=r.settlement,
                note=r.note,
                outcome=None
                if r.row is None or r.settlement == Settlement.UNMATCHED
                else next(told),
            )
            for r in results
        ]
        _log.info(
            "statement_settled",
            import_id=request.import_id,
            **{s.value: sum(r.settlement == s for r in results) for s in Settlement},
        )
        return settled

    @activity.defn(name="tell_pathways")
    async def tell_pathways(self, request: TellRequest) -> SendReport:
        """Send each outcome to its pathway; idempotent by each outcome's command id."""
        report = await send_payment_outcomes(
            self._pathways, request.outcomes, after_each=_heartbeat
        )
        _log.info(
            "statement_outcomes_told",
            import_id=request.import_id,
            sent=report.sent,
            already_known=report.already_known,
            refused=len(report.refused),
        )
        return report


def _heartbeat() -> None:
    if activity.in_activity():
        activity.heartbeat()


@contextlib.asynccontextmanager
async def _heartbeating() -> AsyncIterator[None]:
    """Heartbeat every `HEARTBEAT_SECONDS` while the block runs (one long transaction)."""

    async def beat() -> None:
        while True:
            _heartbeat()
            await asyncio.sleep(HEARTBEAT_SECONDS)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
