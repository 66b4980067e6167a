"""Events of the payments of a pathway, in the past tense."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.payments.ledger import PaymentKind
from domain.payments.payee import Payee
from domain.payments.state import AllowanceBasis, PaymentPeriod
from domain.values import Frozen, Identifier, LongText, Money, Role, ShortText


class PaymentRequested(Frozen):
    type: Literal["PaymentRequested"] = "PaymentRequested"
    payment_id: Identifier
    """`payment_id_for(pathway, measure, kind, period)`: the same request, the same id."""
    measure_id: Identifier
    kind: PaymentKind
    amount: Money
    payee: Payee | None
    """Normalised IBAN; None for an allowance whose beneficiary gave no IBAN yet."""
    evidence_ref: ShortText
    period: PaymentPeriod
    note: ShortText | None = None
    basis: AllowanceBasis | None = None
    """For a work-grant allowance: the hours and the rule it was computed from."""


class PaymentApproved(Frozen):
    type: Literal["PaymentApproved"] = "PaymentApproved"
    payment_id: Identifier
    approver_id: Identifier
    role: Role
    final: bool
    """True when no other approval is needed: the payment enters the ledger with this event."""


class PaymentRejected(Frozen):
    type: Literal["PaymentRejected"] = "PaymentRejected"
    payment_id: Identifier
    reason: LongText


class PayeeCorrected(Frozen):
    type: Literal["PayeeCorrected"] = "PayeeCorrected"
    payment_id: Identifier
    payee: Payee


class PaymentPaid(Frozen):
    type: Literal["PaymentPaid"] = "PaymentPaid"
    payment_id: Identifier
    attempt: int
    bank_reference: ShortText
    on: date


class PaymentReturned(Frozen):
    type: Literal["PaymentReturned"] = "PaymentReturned"
    payment_id: Identifier
    attempt: int
    bank_reference: ShortText
    on: date
    reason: ShortText | None = None


PaymentEvent = (
    PaymentRequested
    | PaymentApproved
    | PaymentRejected
    | PayeeCorrected
    | PaymentPaid
    | PaymentReturned
)
