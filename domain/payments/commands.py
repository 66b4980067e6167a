"""Commands on payments: request, approve, reject, correct the payee, record the bank's answer."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from domain.fact_dates import FactDate
from domain.payments.ledger import PaymentKind
from domain.payments.payee import Payee
from domain.payments.state import PaymentPeriod
from domain.values import Frozen, Identifier, LongText, ShortText


class RequestPayment(Frozen):
    """Ask for a payment against a measure of the plan (maker: usually the caseworker).

    Work-grant allowances are not asked for: recording a month's attendance requests them.
    """

    type: Literal["request_payment"] = "request_payment"
    measure_id: Identifier
    kind: PaymentKind
    amount: int
    """Euro cents; the rules refuse amounts that are not positive or above the policy's
    largest payment (`invalid_amount`), so that the code says why."""
    payee: Payee
    evidence_ref: ShortText
    """The invoice, quote, contract or receipt this payment rests on, as filed."""
    period: PaymentPeriod | None = None
    """The day (or month) the payment is for; by default the day of the request."""
    note: ShortText | None = None


class ApprovePayment(Frozen):
    type: Literal["approve_payment"] = "approve_payment"
    payment_id: Identifier


class RejectPayment(Frozen):
    type: Literal["reject_payment"] = "reject_payment"
    payment_id: Identifier
    reason: LongText


class CorrectPayee(Frozen):
    """Give the payee (or IBAN) of a request not yet approved, or of a returned payment."""

    type: Literal["correct_payee"] = "correct_payee"
    payment_id: Identifier
    payee: Payee


class BankResult(StrEnum):
    PAID = "paid"
    RETURNED = "returned"


class RecordPaymentOutcome(Frozen):
    """The bank's answer for one attempt, from a statement (sent by `system:bank` only)."""

    type: Literal["record_payment_outcome"] = "record_payment_outcome"
    payment_id: Identifier
    attempt: int = Field(ge=1)
    result: BankResult
    bank_reference: ShortText
    on: FactDate
    reason: ShortText | None = None
    """Why the bank returned it (e.g. the SEPA reason code AC04, account closed)."""
