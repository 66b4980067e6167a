"""The history timeline: each recorded event as an entry, with its title, its details, its
measure, work package and group, and the stage it moved the pathway to, for
`/pathways/{id}/history`; and the filters a reader narrows it by.

The details are the sentences of `web.pages.event_sentences`, written in the reader's
language by `web.pages.event_wording`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.events import (
    DeadlineEscalated,
    DeadlineReminderSent,
    Event,
    MeasureCancelled,
    MeasureCompleted,
    MeasureProgressRecorded,
    MeasureStarted,
    PlanProposed,
    parse_event,
)
from domain.evolution import evolve
from domain.measures import CATALOGUE, MeasureKind
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
from domain.state import PathwayState
from domain.values import SYSTEM_DEADLINES, Stage, WorkPackage
from web.pages import event_labels as labels
from web.pages.event_sentences import describe
from web.pages.event_wording import Wording


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
