"""What someone can do with a pathway now: the commands the pages offer as forms.

A command is offered when it passes the checks that depend only on its kind (role,
caseload, stage, suspension: `permissions.check_kind_permitted`) and the state has
something for it to act on (a pending plan someone else proposed, a planned or active
measure, a payment that waits for this person's approval). The checks on a command's own
fields still run when it is sent, so an offered form can be refused with a clear reason;
a command that is not offered would always be.
"""

from __future__ import annotations

from pydantic import BaseModel

from domain import errors
from domain.commands import (
    AddNote,
    ApprovePlan,
    CancelMeasure,
    ClosePathway,
    CompleteMeasure,
    ExtendPathway,
    ProposePlan,
    ReassignCaseworker,
    RecordBaseline,
    RecordExit,
    RecordFollowUp,
    RecordMeasureProgress,
    RecordSkillsAssessment,
    RejectPlan,
    RenewPermit,
    ResumePathway,
    StartMeasure,
    SuspendPathway,
    UpdateHousehold,
)
from domain.consents.commands import (
    GiveConsent,
    RecordPrivacyNotice,
    SharingPurpose,
    WithdrawConsent,
)
from domain.consents.rules import active
from domain.figures.commands import CorrectAttendance, DisputeFigure, ResolveDispute
from domain.figures.state import FigureStatus
from domain.measures import MEASURE_OF, REQUESTABLE
from domain.measures.base import MeasureStatus
from domain.measures.work_grant import WorkGrantAttendance
from domain.partner_links.commands import LinkPartnerContact, UnlinkPartnerContact
from domain.payments.commands import ApprovePayment, CorrectPayee, RejectPayment, RequestPayment
from domain.payments.rules import CORRECTABLE, REJECTABLE, awaits, check_may_reject
from domain.payments.state import PaymentState, PaymentStatus
from domain.permissions import check_kind_permitted, command_type
from domain.referrals.commands import ReferPathway, TransferPathway
from domain.state import PathwayState
from domain.values import Actor, Role

PEOPLE_COMMANDS: tuple[type[BaseModel], ...] = (
    RecordBaseline,
    RecordPrivacyNotice,
    GiveConsent,
    WithdrawConsent,
    ReferPathway,
    TransferPathway,
    RecordSkillsAssessment,
    ProposePlan,
    ApprovePlan,
    RejectPlan,
    StartMeasure,
    RecordMeasureProgress,
    CompleteMeasure,
    CancelMeasure,
    LinkPartnerContact,
    UnlinkPartnerContact,
    RequestPayment,
    ApprovePayment,
    RejectPayment,
    CorrectPayee,
    DisputeFigure,
    ResolveDispute,
    CorrectAttendance,
    UpdateHousehold,
    RenewPermit,
    ReassignCaseworker,
    ExtendPathway,
    SuspendPathway,
    ResumePathway,
    AddNote,
    RecordExit,
    RecordFollowUp,
    ClosePathway,
)
"""Commands people send to an open pathway, in the order a pathway usually needs them.
(Opening, the clock's `run_deadlines`, the admin's `apply_policy` and the bank's
`record_payment_outcome` are not forms.)"""

PAYABLE_MEASURES = frozenset(MEASURE_OF[kind] for kind in REQUESTABLE)


def _has_subject(state: PathwayState, kind: type[BaseModel], actor: Actor) -> bool:
    if kind in (ApprovePlan, RejectPlan):
        pending = state.pending_plan
        return pending is not None and pending.proposed_by != actor.id
    if kind is StartMeasure:
        return bool(state.measures_in(MeasureStatus.PLANNED))
    if kind in (RecordMeasureProgress, CompleteMeasure):
        return bool(state.measures_in(MeasureStatus.ACTIVE))
    if kind is CancelMeasure:
        return bool(state.measures_in(MeasureStatus.PLANNED, MeasureStatus.ACTIVE))
    if kind is LinkPartnerContact:
        return bool(state.measures_in(MeasureStatus.PLANNED, MeasureStatus.ACTIVE))
    if kind is UnlinkPartnerContact:
        return bool(state.partner_links)
    if kind is GiveConsent:
        return state.consents.notice is not None
    if kind is WithdrawConsent:
        return bool(active(state.consents))
    if kind is ReferPathway:
        return any(c.purpose == SharingPurpose.REFERRAL for c in active(state.consents))
    if kind is TransferPathway:
        return state.referrals.transfer is None and any(
            c.purpose == SharingPurpose.TRANSFER for c in active(state.consents)
        )
    if kind is SuspendPathway:
        return state.suspension is None
    if kind is RequestPayment:
        return any(m.kind in PAYABLE_MEASURES for m in state.measures_in(MeasureStatus.ACTIVE))
    figures = state.figures.by_id.values()
    if kind is DisputeFigure:
        return any(f.status != FigureStatus.DISPUTED for f in figures)
    if kind is ResolveDispute:
        return any(f.status == FigureStatus.DISPUTED for f in figures)
    if kind is CorrectAttendance:
        return bool(attendance_measures(state))
    payments = state.payments.values()
    if kind is ApprovePayment:
        return any(awaits(state, p, actor) for p in payments)
    if kind is RejectPayment:
        return any(p.status in REJECTABLE and _may_reject(p, actor) for p in payments)
    if kind is CorrectPayee:
        return any(p.status in CORRECTABLE for p in payments)
    return True


def attendance_measures(state: PathwayState) -> list[str]:
    """The work grants with a month's attendance to correct: active or completed."""
    return [
        m.measure_id
        for m in state.measures_in(MeasureStatus.ACTIVE, MeasureStatus.COMPLETED)
        if m.progress_of(WorkGrantAttendance)
    ]


def _may_reject(payment: PaymentState, actor: Actor) -> bool:
    try:
        check_may_reject(payment, actor)
    except errors.DomainError:
        return False
    return True


def payments_awaiting(state: PathwayState, actor: Actor) -> list[tuple[PaymentState, list[str]]]:
    """The payments that wait for `actor`'s role, oldest request first, each with the
    commands offered on it (`approve_payment`, and `reject_payment` when they may reject).

    A request waits for a supervisor; the coordinator's turn is a payment above the
    threshold that a supervisor approved (they may approve one below it alone, on its
    pathway, but it does not wait for them). Never a payment they requested or
    corrected, nor one they approved already; none while the pathway takes no approval
    from them (suspended, out of their caseload).
    """
    offered = available_commands(state, actor)
    if "approve_payment" not in offered:
        return []
    turn = (
        PaymentStatus.PARTIALLY_APPROVED
        if actor.role == Role.COORDINATOR
        else PaymentStatus.REQUESTED
    )
    waiting = sorted(
        (p for p in state.payments.values() if p.status == turn and awaits(state, p, actor)),
        key=lambda p: (p.requested_at, p.payment_id),
    )
    return [
        (
            payment,
            ["approve_payment"]
            + (
                ["reject_payment"]
                if "reject_payment" in offered
                and payment.status in REJECTABLE
                and _may_reject(payment, actor)
                else []
            ),
        )
        for payment in waiting
    ]


def available_commands(state: PathwayState, actor: Actor) -> list[str]:
    """The `type`s of the commands `actor` can usefully send now, in `PEOPLE_COMMANDS` order."""
    offered = []
    for kind in PEOPLE_COMMANDS:
        try:
            check_kind_permitted(state, kind, actor)
        except errors.DomainError:
            continue
        if _has_subject(state, kind, actor):
            offered.append(command_type(kind))
    return offered
