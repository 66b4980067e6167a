"""What a receiving organisation may do and see of a pathway that is not its own.

A pathway belongs to one organisation. Another one reaches it only through a referral or a
transfer addressed to it, and only as far as that goes:

- its supervisors answer what waits for them (accept or decline the referral, the transfer),
  and read the referral's minimum data (`ReferralView`), nothing else of the pathway;
- the caseworker an accepted referral names records on the referred measure
  (`domain.permissions.REFERRED_WORK`), while the consent is in force; the decider checks it;
- after a transfer, the organisation that gave the pathway away reads the events it
  recorded while it owned it (`recorded_by_former_owner`), and nothing recorded since.

Everything else is answered as for a pathway that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.commands import Command
from domain.evolution import evolve, fold
from domain.permissions import REFERRED_WORK
from domain.projections import ReferralView
from domain.records import EventRecord
from domain.referrals.commands import (
    AcceptReferral,
    AcceptTransfer,
    DeclineReferral,
    DeclineTransfer,
)
from domain.referrals.state import ReferralStatus
from domain.state import PathwayState
from domain.values import Role

ANSWERS = (AcceptReferral, DeclineReferral, AcceptTransfer, DeclineTransfer)
"""What a receiving supervisor sends to a pathway that is not their organisation's."""


def referral_views(state: PathwayState) -> list[ReferralView]:
    """Every referral of the pathway and its waiting transfer, each as the organisation it
    is addressed to reads it: the rows of the receiving organisations' inbox."""
    if state.pathway_id is None or state.beneficiary is None:
        return []
    given_name = state.beneficiary.given_name
    views = [
        ReferralView(
            pathway_id=state.pathway_id,
            kind="referral",
            referral_id=r.referral_id,
            to_organisation=r.to_organisation,
            given_name=given_name,
            service=r.service,
            measure_kind=(
                state.measures[r.measure_id].kind.value if r.measure_id in state.measures else None
            ),
            from_organisation=r.from_organisation,
            referred_by=r.referred_by,
            referred_on=r.referred_on,
            answer_by=r.answer_by,
            effective_on=None,
            status=r.status,
            caseworker_id=r.caseworker_id,
        )
        for r in state.referrals.given.values()
    ]
    transfer = state.referrals.transfer
    if transfer is not None:
        assert state.organisation_id is not None
        views.append(
            ReferralView(
                pathway_id=state.pathway_id,
                kind="transfer",
                referral_id=None,
                to_organisation=transfer.to_organisation,
                given_name=given_name,
                service=None,
                measure_kind=None,
                from_organisation=state.organisation_id,
                referred_by=transfer.requested_by,
                referred_on=None,
                answer_by=None,
                effective_on=transfer.effective_on,
                status=ReferralStatus.PENDING,
            )
        )
    views.extend(
        ReferralView(
            pathway_id=state.pathway_id,
            kind="transfer",
            referral_id=answered.key(number),
            to_organisation=answered.to_organisation,
            given_name=given_name,
            service=None,
            measure_kind=None,
            from_organisation=answered.from_organisation,
            referred_by=answered.requested_by,
            referred_on=None,
            answer_by=None,
            effective_on=answered.effective_on,
            status=answered.status,
            caseworker_id=answered.caseworker_id,
        )
        for number, answered in enumerate(state.referrals.answered_transfers, start=1)
    )
    return views


def addressed_to(state: PathwayState, organisation_id: str | None) -> list[ReferralView]:
    """The referrals and the transfer of the pathway addressed to `organisation_id`."""
    return [view for view in referral_views(state) if view.to_organisation == organisation_id]


def may_answer(state: PathwayState, role: Role, organisation_id: str | None) -> bool:
    """Whether a supervisor of `organisation_id` answers what of this pathway is addressed to
    it: pending, or answered already (a retry is answered as the first time, another answer
    refused by the decider with `referral_answered`)."""
    return role == Role.SUPERVISOR and bool(addressed_to(state, organisation_id))


def may_send_from_outside(
    state: PathwayState, command: Command, role: Role, account_id: str, organisation_id: str | None
) -> bool:
    """Whether a person of another organisation may send `command` to this pathway: a
    supervisor an answer to what waits for their organisation, a caseworker an accepted
    referral names the work on a measure (the decider checks which measure, and the consent)."""
    if isinstance(command, ANSWERS):
        return may_answer(state, role, organisation_id)
    return (
        role == Role.CASEWORKER
        and isinstance(command, REFERRED_WORK)
        and any(
            r.status == ReferralStatus.ACCEPTED and r.caseworker_id == account_id
            for r in state.referrals.given.values()
        )
    )


def former_owner(state: PathwayState, organisation_id: str | None) -> bool:
    """Whether `organisation_id` owned the pathway before a transfer and owns it no more."""
    return (
        organisation_id is not None
        and organisation_id != state.organisation_id
        and any(owner.organisation_id == organisation_id for owner in state.referrals.owners)
    )


def recorded_by_former_owner(
    records: Sequence[EventRecord], organisation_id: str
) -> list[EventRecord]:
    """The events `organisation_id` recorded while it owned the pathway: what it keeps to
    read after a transfer.

    An event is the organisation's when the pathway was the organisation's as it was
    recorded and its actor is not one of the receiving side: a referral's caseworker or
    answerer from another organisation, or whoever answered a transfer.
    """
    state = fold(list(records))
    receiving = {
        person
        for r in state.referrals.given.values()
        if r.to_organisation != organisation_id
        for person in (r.caseworker_id, r.answered_by)
        if person is not None
    }
    kept: list[EventRecord] = []
    before = PathwayState()
    for record in records:
        after = evolve(before, record)
        owner = before.organisation_id if before.is_open else after.organisation_id
        answered_transfer = record.type in ("TransferAccepted", "TransferDeclined")
        if owner == organisation_id and record.actor.id not in receiving and not answered_transfer:
            kept.append(record)
        before = after
    return kept
