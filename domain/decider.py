"""`decide`: the rules. Given the state and a command, the events it produces, or an error.

Pure: the recording instant `now` comes from the caller (the workflow's clock), and every
other fact from the command envelope. The checks of a command's dates and the day it is
decided on are `domain.decision_time`'s; the decisions on a measure of the plan,
`domain.measure_decisions`'.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import assert_never

from domain import errors
from domain.commands import (
    AddNote,
    ApplyPolicy,
    ApprovePlan,
    CancelMeasure,
    ClosePathway,
    Command,
    CommandEnvelope,
    CompleteMeasure,
    ExtendPathway,
    OpenPathway,
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
    RunDeadlines,
    StartMeasure,
    SuspendPathway,
    UpdateHousehold,
)
from domain.consents import rules as consents
from domain.consents.commands import GiveConsent, RecordPrivacyNotice, WithdrawConsent
from domain.decision_time import (
    business_time,
    check_dates_plausible,
    check_facts_happened,
    decision_day,
)
from domain.documents import rules as documents
from domain.documents.commands import AttachDocument
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
)
from domain.figures import rules as figures
from domain.figures.commands import CorrectAttendance, DisputeFigure, ResolveDispute
from domain.follow_up import check_follow_up_open
from domain.group_activities import rules as group_activities
from domain.group_activities.commands import RecordGroupParticipation
from domain.limits import DEFAULT_LIMITS, Limits
from domain.measure_decisions import (
    complete_measure,
    measure_in,
    payment_limits,
    record_progress,
    rule_context,
    start_measure,
)
from domain.measures import CATALOGUE, MeasureStatus, payable_measure
from domain.obligations import ITALIAN_TIME, Timekeeping, ladder_points
from domain.partner_links import rules as partner_links
from domain.partner_links.commands import LinkPartnerContact, UnlinkPartnerContact
from domain.payments import rules as payments
from domain.payments.commands import (
    ApprovePayment,
    CorrectPayee,
    RecordPaymentOutcome,
    RejectPayment,
    RequestPayment,
)
from domain.permissions import check_permitted
from domain.referrals import rules as referrals
from domain.referrals.commands import (
    AcceptReferral,
    AcceptTransfer,
    DeclineReferral,
    DeclineTransfer,
    ReferPathway,
    TransferPathway,
)
from domain.state import PathwayState, PendingPlan
from domain.values import Actor, ExitReason, Stage


def decide(
    state: PathwayState,
    envelope: CommandEnvelope,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
    timekeeping: Timekeeping = ITALIAN_TIME,
) -> list[Event]:
    """The events that `envelope` produces on `state`, recorded at `now`.

    `timekeeping` is the time rules of the ladder (`domain.obligations`): a workflow that
    began under older ones keeps them.

    Raises:
        DomainError: the command is refused; nothing is to be recorded.
    """
    check_dates_plausible(envelope.command)
    if limits.time_of_facts:
        check_facts_happened(envelope.command, now)
    occurred = business_time(state, envelope, now, limits)
    command, actor = envelope.command, envelope.actor
    if isinstance(command, OpenPathway):
        return _open(state, command, actor)
    check_permitted(state, command, actor, on=decision_day(occurred, timekeeping))
    return _decide_open_pathway(state, command, actor, occurred, now, limits, timekeeping)


def _open(state: PathwayState, command: OpenPathway, actor: Actor) -> list[Event]:
    if state.is_open:
        raise errors.PathwayAlreadyOpen("this pathway is already open")
    check_permitted(state, command, actor)
    opened: list[Event] = [PathwayOpened(**command.model_dump(exclude={"type", "policy"}))]
    if command.policy is not None and command.policy != state.policy:
        opened.append(PolicyApplied(policy=command.policy))
    return opened


def _decide_open_pathway(
    state: PathwayState,
    command: Command,
    actor: Actor,
    occurred: datetime,
    now: datetime,
    limits: Limits,
    timekeeping: Timekeeping,
) -> list[Event]:
    on = decision_day(occurred, timekeeping)
    match command:
        case OpenPathway():
            raise errors.PathwayAlreadyOpen("this pathway is already open")
        case RecordBaseline():
            return [BaselineRecorded(condition=command.condition)]
        case RecordSkillsAssessment():
            return [SkillsAssessmentRecorded(assessment=command.assessment)]
        case ProposePlan():
            return _propose(state, command, on)
        case ApprovePlan():
            pending = _pending_plan_not_by(state, actor)
            duration = state.policy.revision_at(occurred).deadlines.pathway_duration
            default_end = state.end_date or decision_day(duration.after(occurred), timekeeping)
            return [
                PlanApproved(revision=pending.revision, end_date=pending.end_date or default_end)
            ]
        case RejectPlan():
            pending = _pending_plan_not_by(state, actor)
            return [PlanRejected(revision=pending.revision, reason=command.reason)]
        case StartMeasure():
            return start_measure(state, command, actor, occurred, on, limits)
        case RecordMeasureProgress():
            return record_progress(state, command, actor, occurred, on, limits)
        case CompleteMeasure():
            return complete_measure(state, command, actor, occurred, on, limits)
        case CancelMeasure():
            measure = measure_in(
                state, command.measure_id, MeasureStatus.PLANNED, MeasureStatus.ACTIVE
            )
            return [MeasureCancelled(measure_id=measure.measure_id, reason=command.reason)]
        case UpdateHousehold():
            return [HouseholdUpdated(household=command.household)]
        case RenewPermit():
            if state.permit_expires_on and command.permit_expires_on <= state.permit_expires_on:
                raise errors.DateOrderInvalid(
                    "a renewed permit expires after the current one", field="permit_expires_on"
                )
            status = command.protection_status or state.protection_status
            assert status is not None
            return [
                PermitRenewed(permit_expires_on=command.permit_expires_on, protection_status=status)
            ]
        case ReassignCaseworker():
            assert state.caseworker_id is not None
            if command.caseworker_id == state.caseworker_id:
                raise errors.InvalidCommand(
                    "the pathway is already assigned to them", field="caseworker_id"
                )
            return [
                CaseworkerReassigned(
                    caseworker_id=command.caseworker_id,
                    previous_caseworker_id=state.caseworker_id,
                    reason=command.reason,
                )
            ]
        case ExtendPathway():
            assert state.end_date is not None
            if command.end_date <= state.end_date:
                raise errors.DateOrderInvalid(
                    "an extension ends after the current end", field="end_date"
                )
            return [
                PathwayExtended(
                    end_date=command.end_date,
                    previous_end_date=state.end_date,
                    reason=command.reason,
                )
            ]
        case SuspendPathway():
            return [PathwaySuspended(reason=command.reason, note=command.note)]
        case ResumePathway():
            return [PathwayResumed()]
        case AddNote():
            return [NoteAdded(text=command.text)]
        case AttachDocument():
            return [
                documents.attach_document(
                    state.documents,
                    state.measures,
                    state.payments,
                    state.version,
                    command,
                    actor,
                )
            ]
        case RecordExit():
            if command.reason == ExitReason.EXPIRED and (
                state.end_date is None or on < state.end_date
            ):
                raise errors.PathwayNotExpired("a pathway expires at its end date", field="reason")
            return [
                ExitRecorded(reason=command.reason, outcomes=command.outcomes, note=command.note)
            ]
        case RecordFollowUp():
            if limits.time_of_facts:
                check_follow_up_open(state, occurred)
            return [FollowUpRecorded(outcomes=command.outcomes, note=command.note)]
        case RunDeadlines():
            return _run_deadlines(state, now, timekeeping)
        case ApplyPolicy():
            if command.policy == state.policy:
                raise errors.AlreadyRecorded("this policy is already in force", field="policy")
            return [PolicyApplied(policy=command.policy)]
        case ClosePathway():
            payments.check_settled(state)
            if state.stage == Stage.EXIT and not command.reason:
                raise errors.ReasonRequired(
                    "closing without a follow-up needs a reason", field="reason"
                )
            return [PathwayClosed(reason=command.reason)]
        case RequestPayment():
            payable_measure(state.measures, command.measure_id, command.kind)
            requested = payments.request_payment(
                state, command, occurred, on, payment_limits(state)
            )
            return list(requested)
        case ApprovePayment():
            figures.check_undisputed(state, command.payment_id)
            return list(payments.approve_payment(state, command, actor, limits.payment_evidence))
        case RejectPayment():
            return list(payments.reject_payment(state, command, actor))
        case CorrectPayee():
            return list(payments.correct_payee(state, command, occurred, payment_limits(state)))
        case RecordPaymentOutcome():
            return list(payments.record_outcome(state, command, actor))
        case LinkPartnerContact():
            return [
                partner_links.link(
                    state.measures, state.partner_links, state.organisation_id, command
                )
            ]
        case UnlinkPartnerContact():
            return [partner_links.unlink(state.partner_links, command)]
        case RecordPrivacyNotice():
            return [consents.record_notice(command)]
        case GiveConsent():
            return [consents.give_consent(state.consents, command)]
        case WithdrawConsent():
            return [consents.withdraw_consent(state.consents, command)]
        case ReferPathway():
            return [referrals.refer(state, command, on)]
        case AcceptReferral():
            return [referrals.accept_referral(state, command, on)]
        case DeclineReferral():
            return [referrals.decline_referral(state, command)]
        case TransferPathway():
            return [referrals.request_transfer(state, command, on)]
        case AcceptTransfer():
            return [referrals.accept_transfer(state, command, on)]
        case DeclineTransfer():
            return [referrals.decline_transfer(state, command)]
        case RecordGroupParticipation():
            return [group_activities.record_participation(state.group_activities, command)]
        case DisputeFigure():
            return list(figures.dispute(state, command))
        case ResolveDispute():
            return list(figures.resolve(state, command))
        case CorrectAttendance():
            measure = measure_in(
                state, command.measure_id, MeasureStatus.ACTIVE, MeasureStatus.COMPLETED
            )
            context = rule_context(state, actor, occurred, on, limits)
            return list(figures.correct_attendance(state, command, measure, context))
        case _:
            assert_never(command)


def _run_deadlines(state: PathwayState, now: datetime, timekeeping: Timekeeping) -> list[Event]:
    due = [p for p in ladder_points(state, timekeeping) if p.at <= now]
    if not due:
        raise errors.NothingDue("no ladder step has fallen due")
    return [
        (DeadlineEscalated if p.step.escalation else DeadlineReminderSent)(
            obligation_id=p.obligation.obligation_id,
            obligation_kind=p.obligation.kind,
            due_at=p.obligation.due_at,
            step=p.step.step,
            scheduled_at=p.at,
            notify=p.step.notify,
            measure_id=p.obligation.measure_id,
        )
        for p in due
    ]


def _propose(state: PathwayState, command: ProposePlan, on: date) -> list[Event]:
    ids = [m.measure_id for m in command.measures]
    repeated = {i for i in ids if ids.count(i) > 1} | (set(ids) & set(state.measures))
    if repeated:
        raise errors.MeasureAlreadyExists(
            f"measure ids already used: {', '.join(sorted(repeated))}", field="measures"
        )
    for planned in command.measures:
        if not CATALOGUE[planned.kind].plannable:
            raise errors.MeasureNotPlannable(f"{planned.kind} cannot be planned", field="measures")
        if planned.target_date < on:
            raise errors.DateOrderInvalid(
                f"the target date of {planned.measure_id} has passed", field="measures"
            )
    if command.end_date is not None and command.end_date <= on:
        raise errors.DateOrderInvalid("the end date must lie in the future", field="end_date")
    return [
        PlanProposed(
            revision=state.plan_revisions + 1,
            measures=command.measures,
            end_date=command.end_date,
            note=command.note,
        )
    ]


def _pending_plan_not_by(state: PathwayState, actor: Actor) -> PendingPlan:
    if state.pending_plan is None:
        raise errors.NoPendingPlan("there is no proposed plan to decide on")
    if state.pending_plan.proposed_by == actor.id:
        raise errors.SelfApprovalForbidden("a plan is decided by someone other than its proposer")
    return state.pending_plan
