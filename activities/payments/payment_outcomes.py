"""The pathway side of a bank statement: each settled payment told to its pathway.

The statement import settles the ledger first (one transaction); then each paid or
returned payment goes to its pathway's workflow as a `record_payment_outcome` command of
`system:bank`, under a command id made of the entry and the outcome, so sending it again
(a second import, a crash in between) is answered by the first reply and applies nothing
twice. A pathway that already knows (`already_recorded`) counts as told.

The steps of `StatementImportWorkflow` (`activities.payments.statement_import`), which pass the
worker's `PathwayClient`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from client.pathway import CommandRefused
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.values import Actor, Role
from infra.payments.book import LineResult, Settlement
from workflows.models import CommandResult
from workflows.statement_import_models import SendReport

SYSTEM_BANK_ID = "system:bank"
ALREADY_RECORDED = "already_recorded"


class PaymentOutcome(BaseModel):
    """What one pathway must learn from the statement about one payment attempt."""

    model_config = ConfigDict(frozen=True)

    pathway_id: str
    payment_id: str
    attempt: int
    outcome: str
    """`paid` or `returned`."""
    on: date
    bank_reference: str
    reason: str | None = None

    @property
    def command_id(self) -> str:
        return f"bank:{self.payment_id}.{self.attempt}.{self.outcome}"


class CommandSender(Protocol):
    """What sending outcomes needs of a `PathwayClient`."""

    async def send(self, pathway_id: str, envelope: CommandEnvelope) -> CommandResult: ...


def outcomes_for_pathways(results: Sequence[LineResult]) -> list[PaymentOutcome]:
    """The outcomes to tell the pathways: paid and returned lines, and duplicates of them.

    Duplicates are told again (harmlessly, by the same command id), in case an earlier
    import settled the ledger but stopped before telling every pathway.
    """
    told: list[PaymentOutcome] = []
    for result in results:
        if result.row is None or result.settlement == Settlement.UNMATCHED:
            continue
        entry = result.row.entry
        told.append(
            PaymentOutcome(
                pathway_id=entry.pathway_id,
                payment_id=entry.payment_id,
                attempt=entry.attempt,
                outcome=result.line.outcome.value,
                on=result.line.booked_on,
                bank_reference=result.line.bank_reference,
                reason=result.line.reason,
            )
        )
    return told


async def send_payment_outcomes(
    pathways: CommandSender,
    outcomes: Sequence[PaymentOutcome],
    after_each: Callable[[], None] | None = None,
) -> SendReport:
    """Send each outcome to its pathway as `record_payment_outcome` by `system:bank`.

    A refusal is counted and the others are sent all the same; a transport failure
    (Temporal unreachable) is raised: the ledger is settled already, and the step is
    retried, each outcome sent again under its own command id. `after_each` is called
    once an outcome is answered (the activity's heartbeat).
    """
    report = SendReport()
    if not outcomes:
        return report
    actor = Actor(id=SYSTEM_BANK_ID, role=Role.SYSTEM)
    envelopes = []
    for outcome in outcomes:
        try:
            command = COMMAND_ADAPTER.validate_python(
                {
                    "type": "record_payment_outcome",
                    "payment_id": outcome.payment_id,
                    "attempt": outcome.attempt,
                    "result": outcome.outcome,
                    "bank_reference": outcome.bank_reference,
                    "on": outcome.on,
                    "reason": outcome.reason,
                }
            )
        except ValidationError as err:
            report.not_sent = (
                f"the pathways cannot take bank outcomes yet ({err.error_count()} errors)"
            )
            return report
        envelopes.append(
            (outcome, CommandEnvelope(command_id=outcome.command_id, actor=actor, command=command))
        )
    for outcome, envelope in envelopes:
        try:
            await pathways.send(outcome.pathway_id, envelope)
        except CommandRefused as refusal:
            if refusal.code == ALREADY_RECORDED:
                report.already_known += 1
            else:
                report.refused.append(f"{outcome.pathway_id}: {refusal}")
        else:
            report.sent += 1
        if after_each is not None:
            after_each()
    return report
