"""The rules of referral and transfer: each needs a consent in force, and each is answered once.

A referral or a transfer goes to another organisation only while an active consent lets the
pathway's data go to it for that purpose (`domain.consents.rules.may_share`). An accepted
referral lets the receiving caseworker record on the referred measure only, and only while
that consent stays in force: a withdrawal stops it at once (`grants`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Protocol

from domain import errors
from domain.consents.commands import Recipient, RecipientKind, SharingPurpose
from domain.consents.rules import may_share
from domain.consents.state import Consents
from domain.referrals.commands import (
    AcceptReferral,
    AcceptTransfer,
    DeclineReferral,
    DeclineTransfer,
    ReferPathway,
    TransferPathway,
)
from domain.referrals.events import (
    PathwayReferred,
    ReferralAccepted,
    ReferralDeclined,
    TransferAccepted,
    TransferDeclined,
    TransferRequested,
)
from domain.referrals.state import PendingTransfer, Referral, Referrals, ReferralStatus


class PathwayState(Protocol):
    """A pathway as these rules read it (`domain.state.PathwayState` is one)."""

    @property
    def organisation_id(self) -> str | None: ...

    @property
    def caseworker_id(self) -> str | None: ...

    @property
    def consents(self) -> Consents: ...

    @property
    def referrals(self) -> Referrals: ...

    @property
    def measures(self) -> Mapping[str, Any]: ...


REFERRAL_ANSWER_DAYS = 10
"""Days the receiving organisation has to answer a referral; then the ladder escalates."""


def organisation(organisation_id: str) -> Recipient:
    """A managing organisation as a consent names it."""
    return Recipient(kind=RecipientKind.ORGANISATION, id=organisation_id)


def check_consent(
    state: PathwayState, to_organisation: str, purpose: SharingPurpose, on: date
) -> None:
    """Raise `ConsentRequired` unless an active consent lets data go to the organisation."""
    if not may_share(state, organisation(to_organisation), purpose, on):
        raise errors.ConsentRequired(
            f"no consent in force lets the pathway's data go to {to_organisation}"
            f" for {purpose.value} on {on.isoformat()}",
            field="to_organisation",
        )


def _check_other_organisation(state: PathwayState, to_organisation: str) -> None:
    if to_organisation == state.organisation_id:
        raise errors.InvalidCommand(
            "the pathway already belongs to this organisation", field="to_organisation"
        )


def refer(state: PathwayState, command: ReferPathway, on: date) -> PathwayReferred:
    """A referral to another organisation, answered within `REFERRAL_ANSWER_DAYS`.

    Raises:
        InvalidCommand: the organisation is the pathway's own.
        MeasureNotFound: the measure named is not in the plan.
        ReferralPending: the same measure (or service, without one) is referred already.
        ConsentRequired: no consent in force for a referral to that organisation.
    """
    _check_other_organisation(state, command.to_organisation)
    if command.measure_id is not None and command.measure_id not in state.measures:
        raise errors.MeasureNotFound(
            f"no measure {command.measure_id} in the plan", field="measure_id"
        )
    for open_referral in state.referrals.given.values():
        if open_referral.status == ReferralStatus.DECLINED:
            continue
        same = (open_referral.to_organisation, open_referral.measure_id, open_referral.service)
        if same == (command.to_organisation, command.measure_id, command.service):
            raise errors.ReferralPending(
                f"{open_referral.referral_id} already refers this to {command.to_organisation}",
                field="to_organisation",
            )
    check_consent(state, command.to_organisation, SharingPurpose.REFERRAL, on)
    assert state.organisation_id is not None
    return PathwayReferred(
        referral_id=state.referrals.next_id(),
        from_organisation=state.organisation_id,
        to_organisation=command.to_organisation,
        service=command.service,
        measure_id=command.measure_id,
        referred_on=on,
        answer_by=on + timedelta(days=REFERRAL_ANSWER_DAYS),
    )


def _pending_referral(state: PathwayState, referral_id: str) -> Referral:
    referral = state.referrals.given.get(referral_id)
    if referral is None:
        raise errors.ReferralNotFound(f"no referral {referral_id}", field="referral_id")
    if referral.status != ReferralStatus.PENDING:
        raise errors.ReferralAnswered(
            f"{referral_id} was {referral.status.value} already", field="referral_id"
        )
    return referral


def accept_referral(state: PathwayState, command: AcceptReferral, on: date) -> ReferralAccepted:
    """The referral taken on; the consent must still be in force.

    Raises:
        ReferralNotFound, ReferralAnswered, ConsentRequired.
    """
    referral = _pending_referral(state, command.referral_id)
    check_consent(state, referral.to_organisation, SharingPurpose.REFERRAL, on)
    return ReferralAccepted(referral_id=referral.referral_id, caseworker_id=command.caseworker_id)


def decline_referral(state: PathwayState, command: DeclineReferral) -> ReferralDeclined:
    """The referral declined with a reason. Raises ReferralNotFound, ReferralAnswered."""
    referral = _pending_referral(state, command.referral_id)
    return ReferralDeclined(referral_id=referral.referral_id, reason=command.reason)


def request_transfer(state: PathwayState, command: TransferPathway, on: date) -> TransferRequested:
    """A transfer of the whole pathway, one at a time.

    Raises:
        InvalidCommand: the organisation is the pathway's own.
        TransferPending: a transfer waits for its answer.
        ConsentRequired: no consent in force for a transfer to that organisation.
    """
    _check_other_organisation(state, command.to_organisation)
    if state.referrals.transfer is not None:
        raise errors.TransferPending(
            f"a transfer to {state.referrals.transfer.to_organisation} waits for its answer",
            field="to_organisation",
        )
    check_consent(state, command.to_organisation, SharingPurpose.TRANSFER, on)
    assert state.organisation_id is not None
    return TransferRequested(
        from_organisation=state.organisation_id,
        to_organisation=command.to_organisation,
        reason=command.reason,
        effective_on=command.effective_on,
    )


def _pending_transfer(state: PathwayState) -> PendingTransfer:
    if state.referrals.transfer is None:
        raise errors.TransferNotFound("no transfer waits for an answer")
    return state.referrals.transfer


def accept_transfer(state: PathwayState, command: AcceptTransfer, on: date) -> TransferAccepted:
    """The pathway taken over from the acceptance's business time, on or after the day asked.

    Raises:
        TransferNotFound, ConsentRequired: the consent was withdrawn meanwhile.
        DateOrderInvalid: the business time precedes the transfer's effective day.
    """
    transfer = _pending_transfer(state)
    if on < transfer.effective_on:
        raise errors.DateOrderInvalid(
            f"the transfer takes effect on {transfer.effective_on.isoformat()}:"
            " accept it on that day or later",
            field="occurred_at",
        )
    check_consent(state, transfer.to_organisation, SharingPurpose.TRANSFER, on)
    assert state.organisation_id is not None and state.caseworker_id is not None
    return TransferAccepted(
        from_organisation=state.organisation_id,
        to_organisation=transfer.to_organisation,
        caseworker_id=command.caseworker_id,
        previous_caseworker_id=state.caseworker_id,
    )


def decline_transfer(state: PathwayState, command: DeclineTransfer) -> TransferDeclined:
    """The transfer declined with a reason; the pathway stays where it is."""
    transfer = _pending_transfer(state)
    return TransferDeclined(to_organisation=transfer.to_organisation, reason=command.reason)


def grants(state: PathwayState, caseworker_id: str, measure_id: str | None, on: date) -> bool:
    """Whether an accepted referral lets `caseworker_id` record on `measure_id` on `on`.

    Only while the referral's consent is in force: a withdrawal ends it at once.
    """
    return measure_id is not None and any(
        referral.status == ReferralStatus.ACCEPTED
        and referral.caseworker_id == caseworker_id
        and referral.measure_id == measure_id
        and may_share(state, organisation(referral.to_organisation), SharingPurpose.REFERRAL, on)
        for referral in state.referrals.given.values()
    )


def assignee_organisation(
    state: PathwayState, command: AcceptReferral | AcceptTransfer
) -> str | None:
    """The organisation whose caseworker an acceptance must name: the receiving one."""
    if isinstance(command, AcceptReferral):
        referral = state.referrals.given.get(command.referral_id)
        return referral.to_organisation if referral is not None else None
    transfer = state.referrals.transfer
    return transfer.to_organisation if transfer is not None else None
