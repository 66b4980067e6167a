"""The history timeline: each recorded event as a sentence, with its measure, work package
and the stage it moved the pathway to, for `/pathways/{id}/history`.

The sentences are written here, with one `match` over the event union, so that a new event
type that has no description fails type checking; the labels they use live in
`web.pages.event_labels`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
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
    parse_event,
)
from domain.evolution import evolve
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.group_activities.events import GroupParticipationRecorded
from domain.measures import CATALOGUE, MeasureKind
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
from domain.state import PathwayState
from domain.values import SYSTEM_DEADLINES, CefrLevel, Stage, WorkPackage
from web.pages import event_labels as labels
from web.pages.labels import LABELS as DOMAIN_LABELS
from web.pages.labels import measure_name, name_codes


class EventGroup(StrEnum):
    """The kinds of entry a reader filters the timeline by."""

    PATHWAY = "pathway"
    CONDITIONS = "conditions"
    PLAN = "plan"
    MEASURES = "measures"
    NOTES = "notes"
    DEADLINES = "deadlines"
    PAYMENTS = "payments"
    CONSENTS = "consents"


GROUP_OF: Mapping[str, EventGroup] = {
    "PathwayOpened": EventGroup.PATHWAY,
    "HouseholdUpdated": EventGroup.PATHWAY,
    "PermitRenewed": EventGroup.PATHWAY,
    "CaseworkerReassigned": EventGroup.PATHWAY,
    "PathwayExtended": EventGroup.PATHWAY,
    "PathwaySuspended": EventGroup.PATHWAY,
    "PathwayResumed": EventGroup.PATHWAY,
    "PathwayClosed": EventGroup.PATHWAY,
    "PolicyApplied": EventGroup.PATHWAY,
    "BaselineRecorded": EventGroup.CONDITIONS,
    "SkillsAssessmentRecorded": EventGroup.CONDITIONS,
    "ExitRecorded": EventGroup.CONDITIONS,
    "FollowUpRecorded": EventGroup.CONDITIONS,
    "PlanProposed": EventGroup.PLAN,
    "PlanApproved": EventGroup.PLAN,
    "PlanRejected": EventGroup.PLAN,
    "MeasureStarted": EventGroup.MEASURES,
    "MeasureProgressRecorded": EventGroup.MEASURES,
    "MeasureCompleted": EventGroup.MEASURES,
    "MeasureCancelled": EventGroup.MEASURES,
    "PartnerContactLinked": EventGroup.MEASURES,
    "PartnerContactUnlinked": EventGroup.MEASURES,
    "NoteAdded": EventGroup.NOTES,
    "DocumentAttached": EventGroup.NOTES,
    "DeadlineReminderSent": EventGroup.DEADLINES,
    "DeadlineEscalated": EventGroup.DEADLINES,
    "PaymentRequested": EventGroup.PAYMENTS,
    "PaymentApproved": EventGroup.PAYMENTS,
    "PaymentRejected": EventGroup.PAYMENTS,
    "PayeeCorrected": EventGroup.PAYMENTS,
    "PaymentPaid": EventGroup.PAYMENTS,
    "PaymentReturned": EventGroup.PAYMENTS,
    "PrivacyNoticeGiven": EventGroup.CONSENTS,
    "ConsentGiven": EventGroup.CONSENTS,
    "ConsentWithdrawn": EventGroup.CONSENTS,
    "PathwayReferred": EventGroup.PATHWAY,
    "ReferralAccepted": EventGroup.PATHWAY,
    "ReferralDeclined": EventGroup.PATHWAY,
    "TransferRequested": EventGroup.PATHWAY,
    "TransferAccepted": EventGroup.PATHWAY,
    "TransferDeclined": EventGroup.PATHWAY,
    "GroupParticipationRecorded": EventGroup.MEASURES,
    "FigureDisputed": EventGroup.MEASURES,
    "DisputeResolved": EventGroup.MEASURES,
    "AttendanceCorrected": EventGroup.MEASURES,
    "AllowanceRecomputed": EventGroup.PAYMENTS,
}
"""Every event type's group; `tests/web/test_history_pages.py` checks none is missing."""


def work_package_of(kind: MeasureKind) -> WorkPackage:
    """The work package of the seed a measure kind belongs to (from the catalogue)."""
    return CATALOGUE[kind].work_package


@dataclass(frozen=True)
class Wording:
    """How the reader's language writes labels, dates and names."""

    gettext: Callable[[str], str]
    day: Callable[[date], str]
    name: Callable[[str], str]
    """A person's display name from their account id (the id when unknown)."""
    organisation: Callable[[str], str] = str
    """An organisation's name from its id (the id when unknown)."""

    def _(self, msgid: str, **values: object) -> str:
        """`msgid` translated, with `values` put in (pybabel extracts `w._("…")`)."""
        text = self.gettext(msgid)
        return text % values if values else text

    def label(self, value: StrEnum) -> str:
        """The label of a domain code: the pages' shared labels, then the timeline's own."""
        if type(value) is CefrLevel:
            return value.value.upper().replace("PRE_", "pre-")
        table = DOMAIN_LABELS.get(type(value)) or labels.LABELS.get(type(value))
        msgid = None if table is None else table.get(value)
        return self.gettext(msgid) if msgid is not None else value.value.replace("_", " ")

    def measure(self, measure_id: str, kind: MeasureKind | None) -> str:
        named = measure_name(self.gettext, measure_id)
        if kind is None or named != measure_id:
            return named
        return self._("%(kind)s (%(measure)s)", kind=self.label(kind), measure=measure_id)


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    record: EventRecord
    title: str
    details: tuple[str, ...]
    group: EventGroup
    measure_ids: tuple[str, ...]
    work_packages: frozenset[WorkPackage]
    stage_from: Stage | None
    stage_to: Stage | None
    """Set when this event moved the pathway to another stage."""

    @property
    def by_system(self) -> bool:
        return self.record.actor.id == SYSTEM_DEADLINES.id

    @property
    def escalation(self) -> bool:
        return self.record.type == "DeadlineEscalated"


def timeline(records: Sequence[EventRecord], words: Wording) -> list[Entry]:
    """The entries of `records` (in stream order), folding as it goes for stages and kinds."""
    state = PathwayState()
    kinds: dict[str, MeasureKind] = {}
    entries = []
    for record in records:
        event = parse_event(record.type, record.schema_version, record.data)
        if isinstance(event, PlanProposed):
            kinds.update({m.measure_id: m.kind for m in event.measures})
        before = state.stage
        state = evolve(state, record)
        measure_ids = _measures_of(event, state.payments)
        entries.append(
            Entry(
                record=record,
                title=words._(labels.EVENT_TYPES.get(record.type, record.type)),
                details=tuple(describe(event, record, kinds, words, state.payments)),
                group=GROUP_OF.get(record.type, EventGroup.PATHWAY),
                measure_ids=measure_ids,
                work_packages=frozenset(
                    work_package_of(kinds[m]) for m in measure_ids if m in kinds
                ),
                stage_from=before if state.stage != before else None,
                stage_to=state.stage if state.stage != before else None,
            )
        )
    return entries


def _measures_of(event: Event, payments: Mapping[str, PaymentState]) -> tuple[str, ...]:
    match event:
        case PaymentRequested():
            return (event.measure_id,)
        case (
            PaymentApproved()
            | PaymentRejected()
            | PayeeCorrected()
            | PaymentPaid()
            | PaymentReturned()
        ):
            payment = payments.get(event.payment_id)
            return () if payment is None else (payment.measure_id,)
        case PlanProposed():
            return tuple(m.measure_id for m in event.measures)
        case MeasureStarted() | MeasureProgressRecorded() | MeasureCompleted() | MeasureCancelled():
            return (event.measure_id,)
        case DeadlineReminderSent() | DeadlineEscalated():
            return () if event.measure_id is None else (event.measure_id,)
        case _:
            return ()


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


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the timeline to (query parameters of the page)."""

    measure_id: str | None = None
    work_package: WorkPackage | None = None
    group: EventGroup | None = None

    def keep(self, entry: Entry) -> bool:
        return (
            (self.measure_id is None or self.measure_id in entry.measure_ids)
            and (self.work_package is None or self.work_package in entry.work_packages)
            and (self.group is None or entry.group == self.group)
        )

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.measure_id, self.work_package, self.group))
