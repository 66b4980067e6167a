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
from domain.measures.base import MeasureStatus
from domain.payments.commands import ApprovePayment, CorrectPayee, RejectPayment, RequestPayment
from domain.payments.rules import (
    CORRECTABLE,
    MEASURE_OF,
    REJECTABLE,
    REQUESTABLE,
    awaits,
    check_may_reject,
)
from domain.payments.state import PaymentState
from domain.permissions import check_kind_permitted, command_type
from domain.state import PathwayState
from domain.values import Actor

PEOPLE_COMMANDS: tuple[type[BaseModel], ...] = (
    RecordBaseline,
    RecordSkillsAssessment,
    ProposePlan,
    ApprovePlan,
    RejectPlan,
    StartMeasure,
    RecordMeasureProgress,
    CompleteMeasure,
    CancelMeasure,
    RequestPayment,
    ApprovePayment,
    RejectPayment,
    CorrectPayee,
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
    if kind is SuspendPathway:
        return state.suspension is None
    if kind is RequestPayment:
        return any(m.kind in PAYABLE_MEASURES for m in state.measures_in(MeasureStatus.ACTIVE))
    payments = state.payments.values()
    if kind is ApprovePayment:
        return any(awaits(state, p, actor) for p in payments)
    if kind is RejectPayment:
        return any(p.status in REJECTABLE and _may_reject(p, actor) for p in payments)
    if kind is CorrectPayee:
        return any(p.status in CORRECTABLE for p in payments)
    return True


def _may_reject(payment: PaymentState, actor: Actor) -> bool:
    try:
        check_may_reject(payment, actor)
    except errors.DomainError:
        return False
    return True


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
