"""What each recorded event says on the history timeline, beyond its type: `describe`
writes the key details of an event as sentences in the reader's language.

The sentences are written here, with one `match` over the event union, so that a new event
type that has no description fails type checking; the labels they use live in
`web.pages.event_labels`, and the reader's language in `web.pages.event_wording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import assert_never

from domain.calendar import last_day_to_act
from domain.consents.events import ConsentGiven, ConsentWithdrawn, PrivacyNoticeGiven
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
)
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.group_activities.events import GroupParticipationRecorded
from domain.measures import MeasureKind
from domain.obligation_kinds import obligation_label
from domain.partner_links.events import PartnerContactLinked, PartnerContactUnlinked
from domain.payments.events import (
    PayeeCorrected,
    PaymentApproved,
    PaymentPaid,
    PaymentRejected,
    PaymentRequested,
    PaymentReturned,
)
from domain.payments.state import PaymentState
from domain.records import EventRecord
from domain.referrals.events import (
    PathwayReferred,
    ReferralAccepted,
    ReferralDeclined,
    TransferAccepted,
    TransferDeclined,
    TransferRequested,
)
from web.pages import event_labels as labels
from web.pages.event_wording import Wording
from web.pages.labels import name_codes


def euro(cents: int) -> str:
    """An amount in euro, as the forms ask for it (`1234.50 €`)."""
    return f"{cents // 100}.{cents % 100:02d} €"


def describe(
    event: Event,
    record: EventRecord,
    kinds: Mapping[str, MeasureKind],
    words: Wording,
    payments: Mapping[str, PaymentState] | None = None,
) -> Iterable[str]:
    """What happened, beyond the event type: the key details, in the reader's language.

    `payments` are those after the event, for what an approval or a bank answer is about.
    """
    w = words
    match event:
        case PathwayOpened():
            yield w._(
                "Organisation %(organisation)s, caseworker %(caseworker)s",
                organisation=w.organisation(event.organisation_id),
                caseworker=w.name(event.caseworker_id),
            )
            yield w._("Residence permit valid until %(date)s", date=w.day(event.permit_expires_on))
        case BaselineRecorded():
            yield _condition(event.condition.employment, event.condition.housing, w)
            yield w._("Italian: %(level)s", level=w.label(event.condition.italian_level))
        case SkillsAssessmentRecorded():
            yield w._("Italian: %(level)s", level=w.label(event.assessment.italian_level))
        case PlanProposed():
            yield w._("Revision %(revision)s", revision=event.revision)
            yield ", ".join(w.measure(m.measure_id, m.kind) for m in event.measures)
            if event.note:
                yield event.note
        case PlanApproved():
            yield w._(
                "Revision %(revision)s approved by %(name)s; active stage until %(date)s",
                revision=event.revision,
                name=w.name(record.actor.id),
                date=w.day(event.end_date),
            )
        case PlanRejected():
            yield w._(
                "Revision %(revision)s rejected by %(name)s",
                revision=event.revision,
                name=w.name(record.actor.id),
            )
            yield event.reason
        case MeasureStarted() | MeasureCompleted():
            yield w.measure(event.measure_id, kinds.get(event.measure_id))
        case MeasureProgressRecorded():
            yield w.measure(event.measure_id, kinds.get(event.measure_id))
            progress = labels.PROGRESS_KINDS.get(event.progress.kind)
            yield w._(progress) if progress else event.progress.kind.replace("_", " ")
        case MeasureCancelled():
            yield w.measure(event.measure_id, kinds.get(event.measure_id))
            yield event.reason
        case HouseholdUpdated():
            yield w._(
                "Adults: %(adults)s, minors: %(minors)s",
                adults=event.household.adults,
                minors=len(event.household.minors),
            )
        case PermitRenewed():
            yield w._("Residence permit valid until %(date)s", date=w.day(event.permit_expires_on))
        case CaseworkerReassigned():
            yield w._(
                "From %(previous)s to %(caseworker)s",
                previous=w.name(event.previous_caseworker_id),
                caseworker=w.name(event.caseworker_id),
            )
        case PathwayExtended():
            yield w._(
                "End moved from %(previous)s to %(date)s",
                previous=w.day(event.previous_end_date),
                date=w.day(event.end_date),
            )
            yield event.reason
        case PathwaySuspended():
            yield w.label(event.reason)
            if event.note:
                yield event.note
        case PathwayResumed() | PolicyApplied():
            pass
        case NoteAdded():
            yield event.text
        case DocumentAttached():
            yield w._(
                "%(kind)s: %(name)s (%(size)s KB)",
                kind=w.label(event.kind),
                name=event.filename,
                size=max(1, event.size // 1024),
            )
        case ExitRecorded():
            yield w.label(event.reason)
            yield _condition(event.outcomes.employment, event.outcomes.housing, w)
            if event.note:
                yield event.note
        case FollowUpRecorded():
            yield _condition(event.outcomes.employment, event.outcomes.housing, w)
            if event.note:
                yield event.note
        case PathwayClosed():
            if event.reason:
                yield event.reason
        case DeadlineReminderSent() | DeadlineEscalated():
            yield obligation_label(w.gettext, event.obligation_kind)
            if event.measure_id is not None:
                yield w.measure(event.measure_id, kinds.get(event.measure_id))
            yield w._(
                "Due %(date)s; notified: %(role)s",
                date=w.day(last_day_to_act(event.due_at)),
                role=w.label(event.notify),
            )
        case PaymentRequested():
            yield w.measure(event.measure_id, kinds.get(event.measure_id))
            yield w._(
                "%(kind)s: %(amount)s for %(period)s",
                kind=w.label(event.kind),
                amount=euro(event.amount),
                period=event.period,
            )
            if event.payee is None:
                yield w._("Payee to be given before approval")
            else:
                yield w._("To %(payee)s", payee=event.payee.name)
            if event.basis is not None:
                yield w._(
                    "%(hours)s of %(full)s hours verified",
                    hours=event.basis.hours_verified,
                    full=event.basis.full_hours,
                )
            yield w._(
                "Evidence: %(reference)s", reference=name_codes(w.gettext, event.evidence_ref)
            )
        case PaymentApproved():
            yield _payment(payments, event.payment_id, w)
            approver = {"name": w.name(event.approver_id), "role": w.label(event.role)}
            if event.final:
                yield w._("Approved by %(name)s (%(role)s)", **approver)
            else:
                yield w._(
                    "Approved by %(name)s (%(role)s); the coordinator's approval follows",
                    **approver,
                )
        case PaymentRejected():
            yield _payment(payments, event.payment_id, w)
            yield event.reason
        case PayeeCorrected():
            yield _payment(payments, event.payment_id, w)
            yield w._("To %(payee)s", payee=event.payee.name)
        case PaymentPaid() | PaymentReturned():
            yield _payment(payments, event.payment_id, w)
            yield w._(
                "Attempt %(attempt)s, bank reference %(reference)s, %(date)s",
                attempt=event.attempt,
                reference=event.bank_reference,
                date=w.day(event.on),
            )
            if isinstance(event, PaymentReturned) and event.reason:
                yield event.reason
        case PartnerContactLinked():
            yield w._(
                "%(partner)s (%(role)s) for %(measure)s",
                partner=event.contact.partner_name,
                role=event.contact.contact_role.value,
                measure=event.measure_id,
            )
        case PartnerContactUnlinked():
            yield w._(
                "%(contact)s no longer for %(measure)s",
                contact=event.contact_id,
                measure=event.measure_id,
            )
        case PrivacyNoticeGiven():
            yield w._(
                "Version %(version)s in %(language)s, given on %(date)s",
                version=event.version,
                language=w.label(event.language),
                date=w.day(event.given_on),
            )
        case ConsentGiven():
            yield w._(
                "%(consent)s: %(purpose)s, given on %(date)s",
                consent=event.consent_id,
                purpose=w.label(event.purpose),
                date=w.day(event.given_on),
            )
            yield ", ".join(f"{w.label(r.kind)} {r.id}" for r in event.recipients)
            if event.until is not None:
                yield w._("Valid until %(date)s", date=w.day(event.until))
            if event.note:
                yield event.note
        case ConsentWithdrawn():
            yield w._(
                "%(consent)s withdrawn on %(date)s",
                consent=event.consent_id,
                date=w.day(event.withdrawn_on),
            )
            if event.reason:
                yield event.reason
        case PathwayReferred():
            yield w._(
                "%(referral)s to %(organisation)s: %(service)s, answer by %(date)s",
                referral=event.referral_id,
                organisation=event.to_organisation,
                service=event.service,
                date=w.day(event.answer_by),
            )
        case ReferralAccepted():
            yield w._(
                "%(referral)s accepted, assigned to %(name)s",
                referral=event.referral_id,
                name=w.name(event.caseworker_id),
            )
        case ReferralDeclined():
            yield w._("%(referral)s declined", referral=event.referral_id)
            yield event.reason
        case TransferRequested():
            yield w._(
                "To %(organisation)s from %(date)s",
                organisation=event.to_organisation,
                date=w.day(event.effective_on),
            )
            yield event.reason
        case TransferAccepted():
            yield w._(
                "Now with %(organisation)s, assigned to %(name)s",
                organisation=event.to_organisation,
                name=w.name(event.caseworker_id),
            )
        case TransferDeclined():
            yield w._("Declined by %(organisation)s", organisation=event.to_organisation)
            yield event.reason
        case GroupParticipationRecorded():
            yield w._(
                "%(kind)s: %(title)s, on %(date)s (%(organisation)s)",
                kind=w.label(event.kind),
                title=event.title,
                date=w.day(event.held_on),
                organisation=event.organisation_id,
            )
        case FigureDisputed():
            yield w._("Figure %(figure)s disputed", figure=event.figure_id)
            yield event.reason
        case DisputeResolved():
            if event.outcome == "accepted":
                yield w._("Figure %(figure)s: the partner's figure stands", figure=event.figure_id)
            else:
                yield w._("Figure %(figure)s: corrected", figure=event.figure_id)
            if event.note:
                yield event.note
        case AttendanceCorrected():
            yield w.measure(event.measure_id, kinds.get(event.measure_id))
            yield w._(
                "Hours of %(month)s corrected from %(before)s to %(after)s",
                month=event.month,
                before=event.previous_hours,
                after=event.hours_verified,
            )
            yield event.reason
        case AllowanceRecomputed():
            yield _payment(payments, event.payment_id, w)
            yield w._(
                "%(hours)s of %(full)s hours verified",
                hours=event.basis.hours_verified,
                full=event.basis.full_hours,
            )
        case _:
            assert_never(event)


def _payment(payments: Mapping[str, PaymentState] | None, payment_id: str, w: Wording) -> str:
    payment = None if payments is None else payments.get(payment_id)
    if payment is None:
        return payment_id
    return w._(
        "%(kind)s: %(amount)s for %(period)s",
        kind=w.label(payment.kind),
        amount=euro(payment.amount),
        period=payment.period,
    )


def _condition(employment: StrEnum, housing: StrEnum, w: Wording) -> str:
    return w._(
        "Work: %(employment)s; housing: %(housing)s",
        employment=w.label(employment),
        housing=w.label(housing),
    )
