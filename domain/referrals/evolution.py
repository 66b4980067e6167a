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
    AnsweredTransfer,
    Ownership,
    PendingTransfer,
    Referral,
    Referrals,
    ReferralStatus,
)


def evolve_referrals(
    referrals: Referrals,
    event: ReferralEvent,
    record: EventRecord,
    opened_at: datetime,
    owner: str | None = None,
) -> Referrals:
    """The referrals after one referral or transfer event; an accepted transfer is kept
    among the owners with its business time (the pathway's organisation and caseworker
    change in `domain.evolution`), and every answered transfer among `answered_transfers`.
    `opened_at` starts the first owner's time; `owner` is the organisation owning the
    pathway before the event."""
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
            if referrals.transfer is not None and owner is not None:
                refused = _answered(referrals.transfer, owner, record, ReferralStatus.DECLINED)
                changed["answered_transfers"] = (*referrals.answered_transfers, refused)
        case TransferAccepted():
            first = referrals.owners or (
                Ownership(organisation_id=event.from_organisation, since=opened_at),
            )
            new = Ownership(organisation_id=event.to_organisation, since=record.occurred_at)
            changed = {"transfer": None, "owners": (*first, new)}
            if referrals.transfer is not None:
                taken = _answered(
                    referrals.transfer,
                    event.from_organisation,
                    record,
                    ReferralStatus.ACCEPTED,
                    event.caseworker_id,
                )
                changed["answered_transfers"] = (*referrals.answered_transfers, taken)
        case _:
            assert_never(event)
    return referrals.model_copy(update=changed)


def _answered(
    transfer: PendingTransfer,
    from_organisation: str,
    record: EventRecord,
    status: ReferralStatus,
    caseworker_id: str | None = None,
) -> AnsweredTransfer:
    return AnsweredTransfer(
        to_organisation=transfer.to_organisation,
        from_organisation=from_organisation,
        effective_on=transfer.effective_on,
        requested_by=transfer.requested_by,
        status=status,
        caseworker_id=caseworker_id,
        answered_by=record.actor.id,
    )
