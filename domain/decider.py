"""`decide`: the rules. Given the state and a command, the events it produces, or an error.

Pure: the recording instant `now` comes from the caller (the workflow's clock), and every
other fact from the command envelope.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import assert_never

from domain import errors
from domain.calendar import EARLIEST_DATE, LATEST_DATE, implausible_date, project_day
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
)
from domain.fact_dates import fact_in_future
from domain.figures import rules as figures
from domain.figures.commands import CorrectAttendance, DisputeFigure, ResolveDispute
from domain.follow_up import check_follow_up_open
from domain.group_activities import rules as group_activities
from domain.group_activities.commands import RecordGroupParticipation
from domain.limits import DEFAULT_LIMITS, Limits
from domain.measures import (
    CATALOGUE,
    PAYMENT_RULES,
    MeasureState,
    MeasureStatus,
    payable_measure,
    spec_for_progress,
)
from domain.measures.base import RuleContext
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
from domain.payments.ledger import PaymentKind
from domain.permissions import check_permitted
from domain.policy import PaymentTerms
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


def check_dates_plausible(command: Command) -> None:
    """Refuse a command carrying a date outside `EARLIEST_DATE`..`LATEST_DATE`, by its field.

    Raises:
        DateOutOfRange: the first such date, with its field path.
    """
    found = implausible_date(command)
    if found is not None:
        field, day = found
        raise errors.DateOutOfRange(
            f"{field} {day.isoformat()} lies outside {EARLIEST_DATE.isoformat()}"
            f" to {LATEST_DATE.isoformat()}",
            field=field,
        )


def check_facts_happened(command: Command, now: datetime) -> None:
    """Refuse a command dating something that happened after the day it is recorded.

    The day is the Italian day of `now`; plans and schedules (unmarked dates) may lie ahead.

    Raises:
        FactInFuture: the first such fact, with its field path.
    """
    today = project_day(now)
    found = fact_in_future(command, today)
    if found is not None:
        field, value = found
        raise errors.FactInFuture(
            f"{field} {value} is after today ({today.isoformat()}): record it once it has happened",
            field=field,
        )


def decision_day(occurred: datetime, timekeeping: Timekeeping) -> date:
    """The day a command is decided on: the Italian day of its business time, or, in a run
    that began before that rule (`Timekeeping.italian_decision_days`), its UTC date."""
    return project_day(occurred) if timekeeping.italian_decision_days else occurred.date()


def business_time(
    state: PathwayState, envelope: CommandEnvelope, now: datetime, limits: Limits
) -> datetime:
    """The command's business time, checked against the recording instant and the window."""
    occurred = envelope.occurred_at or now
    if occurred > now + timedelta(minutes=limits.future_skew_minutes):
        raise errors.OccurredInFuture("the business time lies in the future", field="occurred_at")
    if now - occurred > timedelta(days=limits.backdate_window_days):
        raise errors.BackdateWindowExceeded(
            f"entries may be back-dated by at most {limits.backdate_window_days} days",
            field="occurred_at",
        )
    if state.opened_at is not None and occurred < state.opened_at:
        raise errors.DateOrderInvalid("the business time precedes the opening", field="occurred_at")
    return occurred


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
            return _start_measure(state, command, actor, occurred, on, limits)
        case RecordMeasureProgress():
            return _record_progress(state, command, actor, occurred, on, limits)
        case CompleteMeasure():
            return _complete_measure(state, command, actor, occurred, on, limits)
        case CancelMeasure():
            measure = _measure(
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
            requested = payments.request_payment(state, command, occurred, on, _limits_of(state))
            return list(requested)
        case ApprovePayment():
            figures.check_undisputed(state, command.payment_id)
            return list(payments.approve_payment(state, command, actor, limits.payment_evidence))
        case RejectPayment():
            return list(payments.reject_payment(state, command, actor))
        case CorrectPayee():
            return list(payments.correct_payee(state, command, occurred, _limits_of(state)))
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
            measure = _measure(
                state, command.measure_id, MeasureStatus.ACTIVE, MeasureStatus.COMPLETED
            )
            context = _context(state, actor, occurred, on, limits)
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


def _measure(state: PathwayState, measure_id: str, *statuses: MeasureStatus) -> MeasureState:
    measure = state.measures.get(measure_id)
    if measure is None:
        raise errors.MeasureNotFound(
            f"no measure {measure_id} in the approved plan", field="measure_id"
        )
    if measure.status not in statuses:
        raise errors.MeasureStatusInvalid(
            f"measure {measure_id} is {measure.status}", field="measure_id"
        )
    return measure


def _limits_of(state: PathwayState) -> payments.TotalCheck:
    """The limit each kind of payment has on this pathway, as its measure declares it."""

    def check_total(kind: PaymentKind, total: int, terms: PaymentTerms) -> None:
        PAYMENT_RULES[kind].check_total(state.measures, total, terms)

    return check_total


def _context(
    state: PathwayState, actor: Actor, occurred: datetime, on: date, limits: Limits
) -> RuleContext:
    """What a measure's rules see of the pathway around it, at the command's instant."""
    assert state.pathway_id is not None
    assert state.resident_since is not None and state.plan is not None
    return RuleContext(
        pathway_id=state.pathway_id,
        household=state.household,
        resident_since=state.resident_since,
        measures=state.measures,
        actor=actor,
        on=on,
        limits=limits,
        payments=state.payments,
        deadlines=state.policy.revision_at(state.plan.approved_at).deadlines,
        terms=payments.terms_at(state, occurred),
    )


def _start_measure(
    state: PathwayState,
    command: StartMeasure,
    actor: Actor,
    occurred: datetime,
    on: date,
    limits: Limits,
) -> list[Event]:
    measure = _measure(state, command.measure_id, MeasureStatus.PLANNED)
    if command.details.kind != measure.kind:
        raise errors.MeasureKindMismatch(
            f"measure {measure.measure_id} is a {measure.kind}", field="details"
        )
    CATALOGUE[measure.kind].check_start(
        _context(state, actor, occurred, on, limits), command.details
    )
    return [MeasureStarted(measure_id=measure.measure_id, details=command.details)]


def _record_progress(
    state: PathwayState,
    command: RecordMeasureProgress,
    actor: Actor,
    occurred: datetime,
    on: date,
    limits: Limits,
) -> list[Event]:
    measure = _measure(state, command.measure_id, MeasureStatus.ACTIVE)
    spec = spec_for_progress(command.progress.kind)
    if spec.kind != measure.kind:
        raise errors.MeasureKindMismatch(
            f"{command.progress.kind} is not a step of a {measure.kind}", field="progress"
        )
    context = _context(state, actor, occurred, on, limits)
    spec.check_progress(context, measure, command.progress)
    # What the step also produces (a month's allowance) is recorded with it: one fact, one append.
    return [
        MeasureProgressRecorded(measure_id=measure.measure_id, progress=command.progress),
        *spec.on_progress(context, measure, command.progress),
    ]


def _complete_measure(
    state: PathwayState,
    command: CompleteMeasure,
    actor: Actor,
    occurred: datetime,
    on: date,
    limits: Limits,
) -> list[Event]:
    measure = _measure(state, command.measure_id, MeasureStatus.ACTIVE)
    if command.outcome.kind != measure.kind:
        raise errors.MeasureKindMismatch(
            f"measure {measure.measure_id} is a {measure.kind}", field="outcome"
        )
    CATALOGUE[measure.kind].check_complete(
        _context(state, actor, occurred, on, limits), measure, command.outcome
    )
    return [MeasureCompleted(measure_id=measure.measure_id, outcome=command.outcome)]
