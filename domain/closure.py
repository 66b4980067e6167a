"""What keeps a pathway from closing, and the way out of each: its payments still pending.

A pathway closes with every payment settled (`payments_pending`, `domain.payments.rules`).
An exit may be recorded with payments still pending (the money was promised while the
pathway was active); the reply to the exit, the pathway page and `pathways show` then list
them here, each with what settles it.
"""

from __future__ import annotations

from enum import StrEnum

from domain.payments.ledger import PaymentKind
from domain.payments.state import UNSETTLED, PaymentState, PaymentStatus
from domain.state import PathwayState
from domain.values import Frozen, Identifier, Money, Stage


class WayOut(StrEnum):
    """What settles a pending payment, by the commands and operations that exist."""

    APPROVAL = "approval"
    """Requested with a payee: a supervisor approves it (`approve_payment`), or rejects it
    (`reject_payment`)."""
    COORDINATOR = "coordinator"
    """Approved by a supervisor, above the threshold: the coordinator approves or rejects it."""
    PAYEE = "payee"
    """Requested without a payee, or returned by the bank: `correct_payee` then approve it
    again, or reject it."""
    BANK = "bank"
    """Approved: it cannot be rejected or cancelled. It is paid through a SEPA batch from the
    organisation's bank account (`pathways payments account`, then `pathways payments
    export`) and settled by the bank statement (`pathways payments import-statement`)."""


class PendingPayment(Frozen):
    """A payment that keeps the pathway from closing, and the way out of it."""

    payment_id: Identifier
    measure_id: Identifier
    kind: PaymentKind
    amount: Money
    status: PaymentStatus
    way_out: WayOut


CLOSING_STAGES = frozenset({Stage.EXIT, Stage.FOLLOW_UP})


def pending_payments(state: PathwayState) -> tuple[PendingPayment, ...]:
    """The payments still waiting for someone, in the order they were requested."""
    return tuple(
        PendingPayment(
            payment_id=p.payment_id,
            measure_id=p.measure_id,
            kind=p.kind,
            amount=p.amount,
            status=p.status,
            way_out=way_out(p),
        )
        for p in state.payments.values()
        if p.status in UNSETTLED
    )


def closure_blockers(state: PathwayState) -> tuple[PendingPayment, ...]:
    """The pending payments of a pathway past its exit (what `close_pathway` would refuse)."""
    return pending_payments(state) if state.stage in CLOSING_STAGES else ()


def way_out(payment: PaymentState) -> WayOut:
    """What settles `payment` (an unsettled one)."""
    match payment.status:
        case PaymentStatus.APPROVED:
            return WayOut.BANK
        case PaymentStatus.PARTIALLY_APPROVED:
            return WayOut.COORDINATOR
        case PaymentStatus.RETURNED:
            return WayOut.PAYEE
        case _:
            return WayOut.PAYEE if payment.payee is None else WayOut.APPROVAL
