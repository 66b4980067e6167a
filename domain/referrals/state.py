"""The referrals and transfers of a pathway, as folded from their events.

referral:  pending ─► accepted | declined
transfer:  requested ─► accepted (the pathway changes owner) | declined
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from domain.values import Frozen, Identifier, LongText, ShortText


class ReferralStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


def answer_obligation_id(referral_id: str) -> str:
    """The obligation an unanswered referral is to the organisation it is addressed to."""
    return f"referral:{referral_id}:answer"


class Referral(Frozen):
    referral_id: Identifier
    from_organisation: Identifier
    to_organisation: Identifier
    service: ShortText
    measure_id: Identifier | None = None
    referred_by: Identifier
    referred_on: date
    answer_by: date
    recorded_at: AwareDatetime
    status: ReferralStatus = ReferralStatus.PENDING
    caseworker_id: Identifier | None = None
    """The receiving organisation's caseworker, once accepted."""
    answered_by: Identifier | None = None
    decline_reason: LongText | None = None


class PendingTransfer(Frozen):
    to_organisation: Identifier
    reason: LongText
    effective_on: date
    requested_by: Identifier


class AnsweredTransfer(Frozen):
    """A transfer once answered: kept so that the receiving organisation's inbox lists it
    under "answered" with its outcome."""

    to_organisation: Identifier
    from_organisation: Identifier
    effective_on: date
    requested_by: Identifier
    status: ReferralStatus
    caseworker_id: Identifier | None = None
    """The receiving organisation's caseworker, when accepted."""
    answered_by: Identifier

    def key(self, number: int) -> str:
        """The row's key in the inbox: `transfer-N`, N from 1 in the order answered."""
        return f"transfer-{number}"


class Ownership(Frozen):
    """An organisation that owned the pathway, from `since` (business time)."""

    organisation_id: Identifier
    since: AwareDatetime


class Referrals(Frozen):
    given: dict[str, Referral] = Field(default_factory=dict)
    """By referral id, in the order made."""
    transfer: PendingTransfer | None = None
    owners: tuple[Ownership, ...] = ()
    """Every organisation that owned the pathway, the first from its opening."""
    answered_transfers: tuple[AnsweredTransfer, ...] = ()
    """The transfers answered, in order (accepted or declined)."""

    def next_id(self) -> str:
        return f"referral-{len(self.given) + 1}"

    def pending(self) -> list[Referral]:
        return [r for r in self.given.values() if r.status == ReferralStatus.PENDING]
