"""How each referral or transfer event changes a pathway. Facts applied, no rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any, assert_never

from domain.records import EventRecord
from domain.referrals.events import (
    PathwayReferred,
    ReferralAccepted,
    ReferralDeclined,
    ReferralEvent,
    TransferAccepted,
    TransferDeclined,
    TransferRequested,
)
from domain.referrals.state import (
    Ownership,
    PendingTransfer,
    Referral,
    Referrals,
    ReferralStatus,
)


def evolve_referrals(
    referrals: Referrals, event: ReferralEvent, record: EventRecord, opened_at: datetime
) -> Referrals:
    """The referrals after one referral or transfer event; an accepted transfer is kept
    among the owners with its business time (the pathway's organisation and caseworker
    change in `domain.evolution`). `opened_at` starts the first owner's time."""
    changed: dict[str, Any]
    match event:
        case PathwayReferred():
            referral = Referral(
                **event.model_dump(exclude={"type"}),
                referred_by=record.actor.id,
                recorded_at=record.recorded_at,
            )
            changed = {"given": {**referrals.given, event.referral_id: referral}}
        case ReferralAccepted():
            accepted = referrals.given[event.referral_id].model_copy(
                update={
                    "status": ReferralStatus.ACCEPTED,
                    "caseworker_id": event.caseworker_id,
                    "answered_by": record.actor.id,
                }
            )
            changed = {"given": {**referrals.given, event.referral_id: accepted}}
        case ReferralDeclined():
            declined = referrals.given[event.referral_id].model_copy(
                update={
                    "status": ReferralStatus.DECLINED,
                    "decline_reason": event.reason,
                    "answered_by": record.actor.id,
                }
            )
            changed = {"given": {**referrals.given, event.referral_id: declined}}
        case TransferRequested():
            transfer = PendingTransfer(
                to_organisation=event.to_organisation,
                reason=event.reason,
                effective_on=event.effective_on,
                requested_by=record.actor.id,
            )
            changed = {"transfer": transfer}
        case TransferDeclined():
            changed = {"transfer": None}
        case TransferAccepted():
            first = referrals.owners or (
                Ownership(organisation_id=event.from_organisation, since=opened_at),
            )
            owner = Ownership(organisation_id=event.to_organisation, since=record.occurred_at)
            changed = {"transfer": None, "owners": (*first, owner)}
        case _:
            assert_never(event)
    return referrals.model_copy(update=changed)
