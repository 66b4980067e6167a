"""The shapes shared by the domain, the event store and the bank files.

A payment request lives in its pathway's stream (requested → approved by a supervisor,
and by the coordinator above the policy threshold → paid or returned). When it is fully
approved, the append that records the approval also writes one `LedgerEntry` and commits
its amount against the project's `BudgetLine`, in the same transaction: the approval, the
ledger row and the commitment exist together or not at all, and a budget line can never
be overspent, however many approvals race for its last euros.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from domain.values import Frozen, Identifier, Money, WorkPackage


class PaymentKind(StrEnum):
    """What a payment is for; each kind is spent from its own budget line."""

    WORK_GRANT_ALLOWANCE = "work_grant_allowance"
    FURNITURE = "furniture"
    UTILITIES = "utilities"
    RENT_ADVANCE = "rent_advance"
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    COURSE_FEE = "course_fee"


WORK_PACKAGE_OF: dict[PaymentKind, WorkPackage] = {
    PaymentKind.WORK_GRANT_ALLOWANCE: WorkPackage.WORK,
    PaymentKind.COURSE_FEE: WorkPackage.WORK,
    PaymentKind.CHILDCARE: WorkPackage.WORK,
    PaymentKind.MOBILITY: WorkPackage.WORK,
    PaymentKind.FURNITURE: WorkPackage.HOUSING,
    PaymentKind.UTILITIES: WorkPackage.HOUSING,
    PaymentKind.RENT_ADVANCE: WorkPackage.HOUSING,
}


def budget_line_id(kind: PaymentKind) -> str:
    """The project budget line a kind of payment is spent from: `wp2_housing.furniture`."""
    return f"{WORK_PACKAGE_OF[kind].value}.{kind.value}"


PAYMENT_NAMESPACE = bytes.fromhex("6c1f0c7e4a574f389d513f1f6b8e2a10")
"""The namespace of payment ids (RFC 4122 name-based ids, version 5)."""


def _name_based_id(namespace: bytes, name: str) -> str:
    """The RFC 4122 version-5 id of `name`: a SHA-1 of namespace and name, so the same
    name always gives the same id (what `uuid.uuid5` computes, without the module that
    also makes random and clock-based ids)."""
    digest = bytearray(hashlib.sha1(namespace + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def payment_id_for(pathway_id: str, measure_id: str, kind: PaymentKind, period: str) -> str:
    """The deterministic id of a payment: the same request always gets the same id.

    `period` is the month (`2027-03`) of a monthly allowance, or the day the request is
    for (`2027-03-15`) for a one-off payment.
    """
    key = f"{pathway_id}|{measure_id}|{kind.value}|{period}"
    return "pay-" + _name_based_id(PAYMENT_NAMESPACE, key)


class LedgerEntry(Frozen):
    """One disbursement owed: written once, when the request is fully approved.

    `entry_id` is `<payment_id>/<attempt>`: a payment returned by the bank and approved
    again is a new attempt, never the same entry twice. It is the SEPA end-to-end id.
    """

    entry_id: str
    payment_id: str
    attempt: int
    pathway_id: Identifier
    organisation_id: Identifier
    measure_id: Identifier
    kind: PaymentKind
    budget_line: str
    amount: Money
    payee_name: str
    iban: str
    evidence_ref: str
    period: str
    requested_by: Identifier
    approved_by: tuple[Identifier, ...]
    approved_at: datetime
    due_on: date | None = None


class LedgerOutcome(Frozen):
    """What the bank did with one ledger entry, as its pathway recorded it.

    Written by the append of `PaymentPaid` or `PaymentReturned`, so the ledger row follows
    the pathway: a payment the pathway knows is paid is never exported (and paid) again,
    and a return gives the entry's amount back to its budget line once.
    """

    entry_id: str
    """`<payment_id>/<attempt>`: the entry of the attempt the bank answered for."""
    pathway_id: Identifier
    outcome: Literal["paid", "returned"]
    on: date
    bank_reference: str
    reason: str | None = None
    recorded_at: datetime
