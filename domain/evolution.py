"""`evolve`: how each event changes the state. No rules here; only facts applied."""

from __future__ import annotations

from typing import assert_never

from domain.back_dating import noticed
from domain.calendar import project_day
from domain.consents.events import ConsentGiven, ConsentWithdrawn, PrivacyNoticeGiven
from domain.consents.evolution import evolve_consents
from domain.documents.events import DocumentAttached
from domain.events import (
    BaselineRecorded,
    CaseworkerReassigned,
    DeadlineEscalated,
    DeadlineReminderSent,
    Event,
    ExitRecorded,
    FollowUpRecorded,
    HouseholdUpdated,
    MeasureCancelled,
    MeasureCompleted,
    MeasureProgressRecorded,
    MeasureStarted,
    NoteAdded,
    PathwayClosed,
    PathwayExtended,
    PathwayOpened,
    PathwayResumed,
    PathwaySuspended,
    PermitRenewed,
    PlanApproved,
    PlanProposed,
    PlanRejected,
    PolicyApplied,
    SkillsAssessmentRecorded,
    parse_event,
)
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.figures.evolution import evolve_figures, record_figure
from domain.group_activities.events import GroupParticipationRecorded
from domain.group_activities.state import Participation
from domain.measures import MeasureState, MeasureStatus, ProgressEntry
from domain.partner_links.events import PartnerContactLinked, PartnerContactUnlinked
from domain.partner_links.evolution import evolve_links
from domain.payments.events import (
    PayeeCorrected,
    PaymentApproved,
    PaymentPaid,
    PaymentRejected,
    PaymentRequested,
    PaymentReturned,
)
from domain.payments.evolution import evolve_payments
from domain.payments.state import PaymentStatus
from domain.records import EventRecord
from domain.referrals.events import (
    PathwayReferred,
    ReferralAccepted,
    ReferralDeclined,
    TransferAccepted,
    TransferDeclined,
    TransferRequested,
)
from domain.referrals.evolution import evolve_referrals
from domain.state import (
    ApprovedPlan,
    ExitInfo,
    LadderMark,
    PathwayState,
    PendingPlan,
    SuspendedPeriod,
    Suspension,
)
from domain.values import Stage


def evolve(state: PathwayState, record: EventRecord) -> PathwayState:
    """The state after one recorded event."""
    event = parse_event(record.type, record.schema_version, record.data)
    changed = noticed(state, _apply(state, event, record), record)
    return changed.model_copy(update={"version": record.version, "updated_at": record.recorded_at})


def fold(records: list[EventRecord], state: PathwayState | None = None) -> PathwayState:
    """The state after a sequence of recorded events, from the empty state by default."""
    state = state or PathwayState()
    for record in records:
        state = evolve(state, record)
    return state


def _enter(
    state: PathwayState, stage: Stage, record: EventRecord, **update: object
) -> PathwayState:
    return state.model_copy(
        update={"stage": stage, "stage_entered_at": record.occurred_at, **update}
    )


def _with_measure(state: PathwayState, measure: MeasureState) -> PathwayState:
    return state.model_copy(update={"measures": {**state.measures, measure.measure_id: measure}})


def _apply(state: PathwayState, event: Event, record: EventRecord) -> PathwayState:
    on = project_day(record.occurred_at)
    match event:
        case PathwayOpened():
            return _enter(
                state,
                Stage.RECEPTION,
                record,
                pathway_id=event.pathway_id,
                opened_at=record.occurred_at,
                organisation_id=event.organisation_id,
                caseworker_id=event.caseworker_id,
                beneficiary=event.beneficiary,
                protection_status=event.protection_status,
                permit_expires_on=event.permit_expires_on,
                household=event.household,
                reception_centre=event.reception_centre,
                resident_since=event.resident_since,
            )
        case BaselineRecorded():
            return _enter(state, Stage.ASSESSMENT, record, baseline=event.condition)
        case SkillsAssessmentRecorded():
            if state.stage == Stage.ASSESSMENT:
                return _enter(state, Stage.PLANNING, record, assessment=event.assessment)
            return state.model_copy(update={"assessment": event.assessment})
        case PlanProposed():
            pending = PendingPlan(
                revision=event.revision,
                measures=event.measures,
                end_date=event.end_date,
                proposed_by=record.actor.id,
                proposed_at=record.occurred_at,
            )
            return state.model_copy(
                update={"pending_plan": pending, "plan_revisions": event.revision}
            )
        case PlanApproved():
            assert state.pending_plan is not None
            added = {
                p.measure_id: MeasureState(
                    measure_id=p.measure_id,
                    kind=p.kind,
                    target_date=p.target_date,
                    description=p.description,
                )
                for p in state.pending_plan.measures
            }
            plan = ApprovedPlan(
                revision=event.revision,
                approved_by=record.actor.id,
                approved_at=record.occurred_at,
                end_date=event.end_date,
            )
            update = {"plan": plan, "pending_plan": None, "measures": {**state.measures, **added}}
            if state.stage == Stage.PLANNING:
                return _enter(state, Stage.ACTIVE, record, **update)
            return state.model_copy(update=update)
        case PlanRejected():
            return state.model_copy(update={"pending_plan": None})
        case MeasureStarted():
            measure = state.measures[event.measure_id]
            return _with_measure(
                state,
                measure.model_copy(
                    update={
                        "status": MeasureStatus.ACTIVE,
                        "details": event.details,
                        "started_by": record.actor.id,
                        "started_on": on,
                    }
                ),
            )
        case MeasureProgressRecorded():
            measure = state.measures[event.measure_id]
            entry = ProgressEntry(progress=event.progress, on=on, actor_id=record.actor.id)
            figures = record_figure(
                state.figures, measure.measure_id, len(measure.progress), event.progress, record
            )
            return _with_measure(
                state.model_copy(update={"figures": figures}),
                measure.model_copy(update={"progress": (*measure.progress, entry)}),
            )
        case MeasureCompleted():
            measure = state.measures[event.measure_id]
            return _with_measure(
                state,
                measure.model_copy(
                    update={
                        "status": MeasureStatus.COMPLETED,
                        "outcome": event.outcome,
                        "closed_on": on,
                    }
                ),
            )
        case MeasureCancelled():
            measure = state.measures[event.measure_id]
            return _with_measure(
                state,
                measure.model_copy(update={"status": MeasureStatus.CANCELLED, "closed_on": on}),
            )
        case HouseholdUpdated():
            return state.model_copy(update={"household": event.household})
        case PermitRenewed():
            return state.model_copy(
                update={
                    "permit_expires_on": event.permit_expires_on,
                    "protection_status": event.protection_status,
                }
            )
        case CaseworkerReassigned():
            return state.model_copy(update={"caseworker_id": event.caseworker_id})
        case PathwayExtended():
            assert state.plan is not None
            return state.model_copy(
                update={"plan": state.plan.model_copy(update={"end_date": event.end_date})}
            )
        case PathwaySuspended():
            suspension = Suspension(reason=event.reason, since=record.occurred_at)
            return state.model_copy(update={"suspension": suspension})
        case PathwayResumed():
            assert state.suspension is not None
            period = SuspendedPeriod(start=state.suspension.since, end=record.occurred_at)
            return state.model_copy(
                update={"suspension": None, "suspended_periods": (*state.suspended_periods, period)}
            )
        case NoteAdded():
            return state.model_copy(update={"notes": state.notes + 1})
        case ExitRecorded():
            info = ExitInfo(reason=event.reason, outcomes=event.outcomes, at=record.occurred_at)
            periods = state.suspended_periods
            if state.suspension is not None:
                periods = (
                    *periods,
                    SuspendedPeriod(start=state.suspension.since, end=record.occurred_at),
                )
            return _enter(
                state, Stage.EXIT, record, exit=info, suspension=None, suspended_periods=periods
            )
        case FollowUpRecorded():
            return _enter(state, Stage.FOLLOW_UP, record, follow_up=event.outcomes)
        case PathwayClosed():
            return _enter(state, Stage.CLOSED, record)
        case DeadlineReminderSent() | DeadlineEscalated():
            mark = state.ladder.get(event.obligation_id)
            steps = mark.steps_for(event.due_at) if mark is not None else ()
            updated = LadderMark(due_at=event.due_at, steps=(*steps, event.step))
            return state.model_copy(
                update={"ladder": {**state.ladder, event.obligation_id: updated}}
            )
        case PolicyApplied():
            return state.model_copy(update={"policy": event.policy})
        case (
            PaymentRequested()
            | PaymentApproved()
            | PaymentRejected()
            | PayeeCorrected()
            | PaymentPaid()
            | PaymentReturned()
        ):
            return state.model_copy(
                update={"payments": evolve_payments(state.payments, event, record)}
            )
        case PartnerContactLinked() | PartnerContactUnlinked():
            return state.model_copy(
                update={"partner_links": evolve_links(state.partner_links, event)}
            )
        case PrivacyNoticeGiven() | ConsentGiven() | ConsentWithdrawn():
            return state.model_copy(
                update={"consents": evolve_consents(state.consents, event, record)}
            )
        case (
            PathwayReferred()
            | ReferralAccepted()
            | ReferralDeclined()
            | TransferRequested()
            | TransferAccepted()
            | TransferDeclined()
        ):
            assert state.opened_at is not None
            referrals = evolve_referrals(
                state.referrals, event, record, state.opened_at, state.organisation_id
            )
            if isinstance(event, TransferAccepted):
                return state.model_copy(
                    update={
                        "referrals": referrals,
                        "organisation_id": event.to_organisation,
                        "caseworker_id": event.caseworker_id,
                    }
                )
            return state.model_copy(update={"referrals": referrals})
        case GroupParticipationRecorded():
            attended = Participation(**event.model_dump(exclude={"type"}))
            return state.model_copy(
                update={"group_activities": {**state.group_activities, event.activity_id: attended}}
            )
        case FigureDisputed() | DisputeResolved() | AttendanceCorrected():
            return state.model_copy(
                update={"figures": evolve_figures(state.figures, event, record)}
            )
        case AllowanceRecomputed():
            payment = state.payments[event.payment_id].model_copy(
                update={
                    "amount": event.amount,
                    "basis": event.basis,
                    "approvals": (),
                    "status": PaymentStatus.REQUESTED,
                }
            )
            return state.model_copy(
                update={"payments": {**state.payments, event.payment_id: payment}}
            )
        case DocumentAttached():
            return state.model_copy(
                update={"documents": {**state.documents, event.document_id: event}}
            )
        case _:
            assert_never(event)
