"""How each payment event changes the payments of a pathway. Facts applied, no rules."""

from __future__ import annotations

from typing import assert_never

from domain.payments.events import (
    PayeeCorrected,
    PaymentApproved,
    PaymentEvent,
    PaymentPaid,
    PaymentRejected,
    PaymentRequested,
    PaymentReturned,
)
from domain.payments.state import Approval, BankOutcome, PaymentState, PaymentStatus
from domain.records import EventRecord


def evolve_payments(
    payments: dict[str, PaymentState], event: PaymentEvent, record: EventRecord
) -> dict[str, PaymentState]:
    """The payments after one payment event."""
    match event:
        case PaymentRequested():
            changed = PaymentState(
                **event.model_dump(exclude={"type"}),
                requested_by=record.actor.id,
                requested_at=record.occurred_at,
            )
        case PaymentApproved():
            payment = payments[event.payment_id]
            approval = Approval(
                approver_id=event.approver_id,
                role=event.role,
                at=record.occurred_at,
                final=event.final,
            )
            status = PaymentStatus.APPROVED if event.final else PaymentStatus.PARTIALLY_APPROVED
            changed = payment.model_copy(
                update={"status": status, "approvals": (*payment.approvals, approval)}
            )
        case PaymentRejected():
            changed = payments[event.payment_id].model_copy(
                update={"status": PaymentStatus.REJECTED, "rejection_reason": event.reason}
            )
        case PayeeCorrected():
            changed = payments[event.payment_id].model_copy(
                update={
                    "status": PaymentStatus.REQUESTED,
                    "payee": event.payee,
                    "corrected_by": record.actor.id,
                    "approvals": (),
                }
            )
        case PaymentPaid():
            payment = payments[event.payment_id]
            outcome = BankOutcome(
                attempt=event.attempt, paid=True, bank_reference=event.bank_reference, on=event.on
            )
            changed = payment.model_copy(
                update={"status": PaymentStatus.PAID, "outcomes": (*payment.outcomes, outcome)}
            )
        case PaymentReturned():
            payment = payments[event.payment_id]
            outcome = BankOutcome(
                attempt=event.attempt,
                paid=False,
                bank_reference=event.bank_reference,
                on=event.on,
                reason=event.reason,
            )
            changed = payment.model_copy(
                update={
                    "status": PaymentStatus.RETURNED,
                    "outcomes": (*payment.outcomes, outcome),
                    "attempt": event.attempt + 1,
                }
            )
        case _:
            assert_never(event)
    return {**payments, changed.payment_id: changed}
