"""Commands of referral and transfer: refer a pathway to another organisation, answer a
referral, move the whole pathway to another organisation and answer that."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.values import Frozen, Identifier, LongText, ShortText


class ReferPathway(Frozen):
    """Ask another organisation to provide a service, on one measure of the plan if named."""

    type: Literal["refer_pathway"] = "refer_pathway"
    to_organisation: Identifier
    service: ShortText
    """The service asked, in the referring caseworker's words (what the inbox shows)."""
    measure_id: Identifier | None = None
    """The measure the receiving organisation will record on, once it accepts."""


class AcceptReferral(Frozen):
    """The receiving organisation's supervisor takes the referral on, naming a caseworker."""

    type: Literal["accept_referral"] = "accept_referral"
    referral_id: Identifier
    caseworker_id: Identifier
    """An active caseworker of the receiving organisation (`domain.assignment`)."""


class DeclineReferral(Frozen):
    type: Literal["decline_referral"] = "decline_referral"
    referral_id: Identifier
    reason: LongText


class TransferPathway(Frozen):
    """Ask another organisation to take the whole pathway over from `effective_on`."""

    type: Literal["transfer_pathway"] = "transfer_pathway"
    to_organisation: Identifier
    reason: LongText
    effective_on: date
    """The first day the receiving organisation owns the pathway, once it accepts; the
    acceptance's business time may not precede it."""


class AcceptTransfer(Frozen):
    """The receiving organisation's supervisor takes the pathway over, naming a caseworker."""

    type: Literal["accept_transfer"] = "accept_transfer"
    caseworker_id: Identifier


class DeclineTransfer(Frozen):
    type: Literal["decline_transfer"] = "decline_transfer"
    reason: LongText


ReferralCommand = (
    ReferPathway
    | AcceptReferral
    | DeclineReferral
    | TransferPathway
    | AcceptTransfer
    | DeclineTransfer
)
