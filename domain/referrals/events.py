"""Events of referral and transfer, in the past tense."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.values import Frozen, Identifier, LongText, ShortText


class PathwayReferred(Frozen):
    type: Literal["PathwayReferred"] = "PathwayReferred"
    referral_id: Identifier
    from_organisation: Identifier
    to_organisation: Identifier
    service: ShortText
    measure_id: Identifier | None = None
    referred_on: date
    answer_by: date
    """The last day the receiving organisation has to answer (`REFERRAL_ANSWER_DAYS`)."""


class ReferralAccepted(Frozen):
    type: Literal["ReferralAccepted"] = "ReferralAccepted"
    referral_id: Identifier
    caseworker_id: Identifier


class ReferralDeclined(Frozen):
    type: Literal["ReferralDeclined"] = "ReferralDeclined"
    referral_id: Identifier
    reason: LongText


class TransferRequested(Frozen):
    type: Literal["TransferRequested"] = "TransferRequested"
    from_organisation: Identifier
    to_organisation: Identifier
    reason: LongText
    effective_on: date


class TransferAccepted(Frozen):
    """The pathway belongs to `to_organisation` from this event's business time."""

    type: Literal["TransferAccepted"] = "TransferAccepted"
    from_organisation: Identifier
    to_organisation: Identifier
    caseworker_id: Identifier
    previous_caseworker_id: Identifier


class TransferDeclined(Frozen):
    type: Literal["TransferDeclined"] = "TransferDeclined"
    to_organisation: Identifier
    reason: LongText


ReferralEvent = (
    PathwayReferred
    | ReferralAccepted
    | ReferralDeclined
    | TransferRequested
    | TransferAccepted
    | TransferDeclined
)
