"""The rules of money: what a payment command produces on a pathway, or why it is refused.

- A payment is requested against an active measure of the matching kind, with a positive
  amount no larger than the policy's largest payment, a payee with a valid IBAN, and its
  evidence. Its id is deterministic (pathway, measure, kind, period): asked twice, refused.
  The measures declare their payment kinds (`domain.measures.PaymentRule`) and the decider
  finds the measure first (`domain.measures.payable_measure`): these rules know no measure.
- Requested, approved and paid payments together never exceed the pathway's individual
  budget (dote); furniture and utilities stay within their caps, rent advances within
  the policy's months of the registered rent (the limit its measure declares, `TotalCheck`).
- Maker-checker: nobody approves or rejects what they requested or corrected. A supervisor
  approves first; above the threshold the coordinator approves second, and only second
  (the project's authorisation rests on the organisation's own first-level check).
  Below the threshold the coordinator may approve alone, as they may approve a plan.
- The bank's answer is recorded by `system:bank` only, for the attempt that was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Protocol

from domain import errors
from domain.payments.commands import (
    ApprovePayment,
    BankResult,
    CorrectPayee,
    RecordPaymentOutcome,
    RejectPayment,
    RequestPayment,
)
from domain.payments.events import (
    PayeeCorrected,
    PaymentApproved,
    PaymentEvent,
    PaymentPaid,
    PaymentRejected,
    PaymentRequested,
    PaymentReturned,
)
from domain.payments.evidence import check_evidence
from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.payee import Payee, checked_payee
from domain.payments.state import PaymentState, PaymentStatus, committed, unsettled
from domain.policy import PaymentTerms, Policy
from domain.values import Actor, Role

SYSTEM_BANK = Actor(id="system:bank", role=Role.SYSTEM)
"""The actor of bank outcomes, as the statement import records them."""


class Payments(Protocol):
    """What the payment rules read of a pathway (`domain.state.PathwayState` is one).

    The rules know no measure: the decider finds the measure a payment is spent on, and
    passes the limit its kind has (`domain.measures.PaymentRule.check_total`) as `TotalCheck`.
    """

    @property
    def pathway_id(self) -> str | None: ...
    @property
    def payments(self) -> Mapping[str, PaymentState]: ...
    @property
    def policy(self) -> Policy: ...
    def has_evidence(self, payment_id: str) -> bool:
        """True when a document is attached to the payment (`domain.payments.evidence`)."""
        ...


TotalCheck = Callable[[PaymentKind, int, PaymentTerms], None]
"""Raises when the pathway's committed total of a kind (the new one included) is too much
for the measure it is spent on (rent advances: months of the registered rent)."""


def any_total(kind: PaymentKind, total: int, terms: PaymentTerms) -> None:
    """For kinds whose only limits are the caps and the individual budget."""


def terms_at(state: Payments, instant: datetime) -> PaymentTerms:
    """The payment terms of the policy revision in force at `instant`."""
    return state.policy.revision_at(instant).payments


def payment_of(state: Payments, payment_id: str) -> PaymentState:
    payment = state.payments.get(payment_id)
    if payment is None:
        raise errors.PaymentNotFound(f"no payment {payment_id} on this pathway", field="payment_id")
    return payment


def needs_coordinator(state: Payments, payment: PaymentState) -> bool:
    """Above the threshold of the revision in force when it was requested."""
    return payment.amount > terms_at(state, payment.requested_at).coordinator_threshold


def awaits(state: Payments, payment: PaymentState, actor: Actor) -> bool:
    """True when `payment` waits for `actor`'s approval (and they may give it)."""
    if actor.id in payment.makers or actor.id in payment.approved_by or payment.payee is None:
        return False
    if payment.status == PaymentStatus.REQUESTED:
        return actor.role == Role.SUPERVISOR or (
            actor.role == Role.COORDINATOR and not needs_coordinator(state, payment)
        )
    return payment.status == PaymentStatus.PARTIALLY_APPROVED and actor.role == Role.COORDINATOR


REJECTABLE = frozenset(
    {PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_APPROVED, PaymentStatus.RETURNED}
)
CORRECTABLE = frozenset({PaymentStatus.REQUESTED, PaymentStatus.RETURNED})


# --- requests --------------------------------------------------------------------------------


def check_fits(
    state: Payments,
    kind: PaymentKind,
    amount: int,
    terms: PaymentTerms,
    check_total: TotalCheck = any_total,
    replacing: str | None = None,
) -> None:
    """Raise unless `amount` more of `kind` stays within the limit of its measure
    (`check_total`), the caps and the individual budget.

    `replacing` names a payment that does not count yet (a returned one re-entering).
    """
    others = [p for p in state.payments.values() if p.payment_id != replacing]
    check_total(kind, committed(others, kind) + amount, terms)
    caps = {PaymentKind.FURNITURE: terms.furniture_cap, PaymentKind.UTILITIES: terms.utilities_cap}
    if kind in caps and committed(others, kind) + amount > caps[kind]:
        left = max(caps[kind] - committed(others, kind), 0)
        raise errors.PaymentCapExceeded(
            f"{kind} payments are at most {caps[kind] / 100:.2f} EUR for a pathway; "
            f"{left / 100:.2f} EUR remain",
            field="amount",
        )
    spent = committed(others)
    if spent + amount > terms.individual_budget:
        left = max(terms.individual_budget - spent, 0)
        raise errors.BudgetExceeded(
            f"the individual budget is {terms.individual_budget / 100:.2f} EUR; "
            f"{left / 100:.2f} EUR remain",
            field="amount",
        )


def request_payment(
    state: Payments,
    command: RequestPayment,
    occurred: datetime,
    on: date,
    check_total: TotalCheck = any_total,
) -> list[PaymentEvent]:
    """The request of a payment against a started measure of its kind, which the caller has
    found (`domain.measures.payable_measure`); `check_total` holds the measures' limits."""
    assert state.pathway_id is not None
    terms = terms_at(state, occurred)
    if not 0 < command.amount <= terms.max_payment:
        raise errors.InvalidAmount(
            f"an amount is more than 0 and at most {terms.max_payment / 100:.2f} EUR "
            "(in cents: 12050 is 120.50 EUR)",
            field="amount",
        )
    payee = checked_payee(command.payee)
    period = command.period or on.isoformat()
    payment_id = payment_id_for(state.pathway_id, command.measure_id, command.kind, period)
    if payment_id in state.payments:
        raise errors.PaymentAlreadyRequested(
            f"a {command.kind} payment of {command.measure_id} for {period} is already "
            "requested: give another period",
            field="period",
        )
    check_fits(state, command.kind, command.amount, terms, check_total)
    return [
        PaymentRequested(
            payment_id=payment_id,
            measure_id=command.measure_id,
            kind=command.kind,
            amount=command.amount,
            payee=payee,
            evidence_ref=command.evidence_ref,
            period=period,
            note=command.note,
        )
    ]


# --- approvals -------------------------------------------------------------------------------


def approve_payment(
    state: Payments, command: ApprovePayment, actor: Actor, evidence_required: bool = True
) -> list[PaymentEvent]:
    """The approval of a payment; `evidence_required` False only where a workflow replays an
    approval decided before the evidence rule (patch `payment-evidence`)."""
    payment = payment_of(state, command.payment_id)
    if payment.status not in (PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_APPROVED):
        raise errors.PaymentStatusInvalid(
            f"payment {payment.payment_id} is {payment.status}: nothing to approve"
        )
    if actor.id in payment.makers:
        raise errors.SelfApprovalForbidden(
            "a payment is approved by someone other than who requested or corrected it"
        )
    if actor.id in payment.approved_by:
        raise errors.AlreadyRecorded("you have already approved this payment")
    if payment.payee is None:
        raise errors.PayeeMissing("give the payee and IBAN first (correct the payee)")
    if evidence_required:
        check_evidence(
            payment, terms_at(state, payment.requested_at), state.has_evidence(payment.payment_id)
        )
    above = needs_coordinator(state, payment)
    if payment.status == PaymentStatus.PARTIALLY_APPROVED:
        if actor.role != Role.COORDINATOR:
            raise errors.CoordinatorApprovalRequired(
                "a supervisor has approved; above the threshold the coordinator approves next"
            )
        final = True
    elif actor.role == Role.COORDINATOR and above:
        raise errors.SupervisorApprovalRequired(
            "above the threshold a supervisor approves first, then the coordinator"
        )
    else:
        final = actor.role == Role.COORDINATOR or not above
    return [
        PaymentApproved(
            payment_id=payment.payment_id, approver_id=actor.id, role=actor.role, final=final
        )
    ]


def reject_payment(state: Payments, command: RejectPayment, actor: Actor) -> list[PaymentEvent]:
    payment = payment_of(state, command.payment_id)
    if payment.status not in REJECTABLE:
        raise errors.PaymentStatusInvalid(
            f"payment {payment.payment_id} is {payment.status}: it can no longer be rejected"
        )
    check_may_reject(payment, actor)
    return [PaymentRejected(payment_id=payment.payment_id, reason=command.reason)]


def check_may_reject(payment: PaymentState, actor: Actor) -> None:
    """Raise unless `actor` may reject `payment`: not a maker; once partially approved, only
    the coordinator whose approval it awaits."""
    if actor.id in payment.makers:
        raise errors.SelfApprovalForbidden(
            "a payment is decided by someone other than who requested or corrected it"
        )
    if payment.status == PaymentStatus.PARTIALLY_APPROVED and actor.role != Role.COORDINATOR:
        raise errors.CoordinatorApprovalRequired(
            "a supervisor has approved; the coordinator decides on it next"
        )


def correct_payee(
    state: Payments,
    command: CorrectPayee,
    occurred: datetime,
    check_total: TotalCheck = any_total,
) -> list[PaymentEvent]:
    """A new payee for a payment not yet approved, or returned; `check_total` holds the
    limits of the measures' kinds, which a returned payment must fit again."""
    payment = payment_of(state, command.payment_id)
    if payment.status not in CORRECTABLE:
        raise errors.PaymentStatusInvalid(
            f"payment {payment.payment_id} is {payment.status}: its payee is corrected "
            "before any approval, or once the bank has returned it"
        )
    payee: Payee = checked_payee(command.payee)
    if payment.status == PaymentStatus.RETURNED:
        # Back among the live payments: it must fit again, beside what was spent meanwhile.
        terms = terms_at(state, occurred)
        check_fits(state, payment.kind, payment.amount, terms, check_total, payment.payment_id)
    return [PayeeCorrected(payment_id=payment.payment_id, payee=payee)]


# --- the bank --------------------------------------------------------------------------------


def record_outcome(
    state: Payments, command: RecordPaymentOutcome, actor: Actor
) -> list[PaymentEvent]:
    if actor.id != SYSTEM_BANK.id:
        raise errors.RoleForbidden("bank outcomes come from the bank statement import")
    payment = payment_of(state, command.payment_id)
    sent = payment.attempt - (payment.status == PaymentStatus.RETURNED)
    if command.attempt != sent:
        raise errors.PaymentStatusInvalid(
            f"attempt {command.attempt} of {payment.payment_id} is not the one at the bank",
            field="attempt",
        )
    paid = command.result == BankResult.PAID
    if payment.status == (PaymentStatus.PAID if paid else PaymentStatus.RETURNED):
        raise errors.AlreadyRecorded(f"payment {payment.payment_id} is already {payment.status}")
    allowed = (PaymentStatus.APPROVED,) if paid else (PaymentStatus.APPROVED, PaymentStatus.PAID)
    if payment.status not in allowed:
        raise errors.PaymentStatusInvalid(
            f"payment {payment.payment_id} is {payment.status}: the bank cannot have "
            f"{command.result} it"
        )
    if paid:
        return [
            PaymentPaid(
                payment_id=payment.payment_id,
                attempt=command.attempt,
                bank_reference=command.bank_reference,
                on=command.on,
            )
        ]
    return [
        PaymentReturned(
            payment_id=payment.payment_id,
            attempt=command.attempt,
            bank_reference=command.bank_reference,
            on=command.on,
            reason=command.reason,
        )
    ]


def check_settled(state: Payments) -> None:
    """Raise `PaymentsPending` while a payment waits for an approver, the bank or a payee."""
    waiting = unsettled(state.payments)
    if waiting:
        raise errors.PaymentsPending(
            f"{len(waiting)} payment(s) still wait for an approval, the bank or a payee"
        )
