"""The state of the payments of a pathway, as folded from its payment events.

A payment is requested (by a caseworker, or by the rules with a month's work-grant
attendance), approved by a supervisor and, above the policy threshold, then by the project
coordinator; the bank pays it or returns it. A returned payment is corrected (a new payee
or IBAN), approved again and sent as a new attempt; or it is rejected.

    requested ─► partially_approved ─► approved ─► paid ─► (returned)
        │  ▲            │                  │
        │  └─ payee ◄── returned ◄─────────┘
        └──────────────►rejected◄──────────┘ (from requested, partially approved, returned)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, StringConstraints

from domain.payments.ledger import PaymentKind
from domain.payments.payee import Payee
from domain.values import Frozen, Identifier, LongText, Money, Role, ShortText

PaymentPeriod = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$")
]
"""The month a payment is for (`2026-04`, an allowance) or its day (`2026-04-15`)."""


class PaymentStatus(StrEnum):
    REQUESTED = "requested"
    PARTIALLY_APPROVED = "partially_approved"
    """Approved by a supervisor; above the threshold, the coordinator's approval is awaited."""
    APPROVED = "approved"
    """Fully approved: in the ledger, to be paid by the bank."""
    PAID = "paid"
    RETURNED = "returned"
    """The bank could not credit it; a corrected payee and a new approval send it again."""
    REJECTED = "rejected"


LIVE = frozenset(
    {
        PaymentStatus.REQUESTED,
        PaymentStatus.PARTIALLY_APPROVED,
        PaymentStatus.APPROVED,
        PaymentStatus.PAID,
    }
)
"""The statuses whose amount counts against the individual budget and the caps."""

UNSETTLED = frozenset(
    {
        PaymentStatus.REQUESTED,
        PaymentStatus.PARTIALLY_APPROVED,
        PaymentStatus.APPROVED,
        PaymentStatus.RETURNED,
    }
)
"""The statuses that still wait for someone: an approver, the bank, a corrected payee."""


class Approval(Frozen):
    approver_id: Identifier
    role: Role
    at: AwareDatetime
    final: bool


class BankOutcome(Frozen):
    """What the bank statement said of one attempt."""

    attempt: int
    paid: bool
    bank_reference: ShortText
    on: date
    reason: ShortText | None = None


class AllowanceBasis(Frozen):
    """How a work-grant allowance was computed, for the expenditure report."""

    hours_verified: int
    full_hours: Annotated[str, StringConstraints(pattern=r"^\d+\.\d{2}$")]
    """The month's full hours, to the hundredth (the computation itself is exact)."""
    monthly_allowance: Money
    minimum_share_percent: int
    capped_by_budget: bool = False
    """The amount was cut to what remained of the individual budget."""


class PaymentState(Frozen):
    payment_id: Identifier
    measure_id: Identifier
    kind: PaymentKind
    amount: Money
    payee: Payee | None
    """None for an allowance of a work grant without the beneficiary's IBAN yet."""
    evidence_ref: ShortText
    period: PaymentPeriod
    note: ShortText | None = None
    basis: AllowanceBasis | None = None
    requested_by: Identifier
    requested_at: AwareDatetime
    corrected_by: Identifier | None = None
    """The last person who corrected the payee: a maker too, who may not approve."""
    status: PaymentStatus = PaymentStatus.REQUESTED
    approvals: tuple[Approval, ...] = ()
    """The approvals of the current attempt."""
    attempt: int = 1
    """The attempt the next full approval sends to the bank: 1 + the returns so far."""
    outcomes: tuple[BankOutcome, ...] = ()
    rejection_reason: LongText | None = None

    @property
    def makers(self) -> frozenset[str]:
        """Who wrote what is to be approved: never one of its approvers."""
        return frozenset(filter(None, (self.requested_by, self.corrected_by)))

    @property
    def approved_by(self) -> tuple[str, ...]:
        return tuple(a.approver_id for a in self.approvals)


def committed(payments: Iterable[PaymentState], *kinds: PaymentKind) -> int:
    """Cents requested, approved or paid (of `kinds`, or of every kind)."""
    return sum(p.amount for p in payments if p.status in LIVE and (not kinds or p.kind in kinds))


def unsettled(payments: Mapping[str, PaymentState], measure_id: str | None = None) -> list[str]:
    """The ids of the payments still waiting for someone (of one measure, or of all)."""
    return [
        p.payment_id
        for p in payments.values()
        if p.status in UNSETTLED and (measure_id is None or p.measure_id == measure_id)
    ]
