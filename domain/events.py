"""Events: facts about a pathway, in the past tense. The stream of these is the record.

Each event carries its schema version. When a shape changes, bump `SCHEMA_VERSIONS`, keep
the old shape readable with an upcaster in `UPCASTERS`, and never rewrite stored events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from domain.commands import PlannedMeasure, SuspensionReason
from domain.consents.events import ConsentGiven, ConsentWithdrawn, PrivacyNoticeGiven
from domain.documents.events import DocumentAttached
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.group_activities.events import GroupParticipationRecorded
from domain.measures import MeasureDetails, MeasureOutcome, MeasureProgress
from domain.measures.skills_assessment import SkillsAssessment
from domain.partner_links.events import PartnerContactLinked, PartnerContactUnlinked
from domain.payments.events import (
    PayeeCorrected,
    PaymentApproved,
    PaymentPaid,
    PaymentRejected,
    PaymentRequested,
    PaymentReturned,
)
from domain.policy import Policy
from domain.referrals.events import (
    PathwayReferred,
    ReferralAccepted,
    ReferralDeclined,
    TransferAccepted,
    TransferDeclined,
    TransferRequested,
)
from domain.values import (
    Beneficiary,
    Condition,
    ExitReason,
    Frozen,
    Household,
    Identifier,
    LongText,
    ProtectionStatus,
    ReceptionCentre,
    Role,
)


class PathwayOpened(Frozen):
    type: Literal["PathwayOpened"] = "PathwayOpened"
    pathway_id: Identifier
    organisation_id: Identifier
    caseworker_id: Identifier
    beneficiary: Beneficiary
    protection_status: ProtectionStatus
    permit_expires_on: date
    household: Household
    reception_centre: ReceptionCentre
    resident_since: date


class BaselineRecorded(Frozen):
    type: Literal["BaselineRecorded"] = "BaselineRecorded"
    condition: Condition


class SkillsAssessmentRecorded(Frozen):
    type: Literal["SkillsAssessmentRecorded"] = "SkillsAssessmentRecorded"
    assessment: SkillsAssessment


class PlanProposed(Frozen):
    type: Literal["PlanProposed"] = "PlanProposed"
    revision: int
    measures: tuple[PlannedMeasure, ...]
    end_date: date | None = None
    note: LongText | None = None


class PlanApproved(Frozen):
    type: Literal["PlanApproved"] = "PlanApproved"
    revision: int
    end_date: date


class PlanRejected(Frozen):
    type: Literal["PlanRejected"] = "PlanRejected"
    revision: int
    reason: LongText


class MeasureStarted(Frozen):
    type: Literal["MeasureStarted"] = "MeasureStarted"
    measure_id: Identifier
    details: MeasureDetails


class MeasureProgressRecorded(Frozen):
    type: Literal["MeasureProgressRecorded"] = "MeasureProgressRecorded"
    measure_id: Identifier
    progress: MeasureProgress


class MeasureCompleted(Frozen):
    type: Literal["MeasureCompleted"] = "MeasureCompleted"
    measure_id: Identifier
    outcome: MeasureOutcome


class MeasureCancelled(Frozen):
    type: Literal["MeasureCancelled"] = "MeasureCancelled"
    measure_id: Identifier
    reason: LongText


class HouseholdUpdated(Frozen):
    type: Literal["HouseholdUpdated"] = "HouseholdUpdated"
    household: Household


class PermitRenewed(Frozen):
    type: Literal["PermitRenewed"] = "PermitRenewed"
    permit_expires_on: date
    protection_status: ProtectionStatus


class CaseworkerReassigned(Frozen):
    type: Literal["CaseworkerReassigned"] = "CaseworkerReassigned"
    caseworker_id: Identifier
    previous_caseworker_id: Identifier
    reason: LongText | None
    """Since schema version 2; version 1 recorded no reason (upcast as None)."""


class PathwayExtended(Frozen):
    type: Literal["PathwayExtended"] = "PathwayExtended"
    end_date: date
    previous_end_date: date
    reason: LongText


class PathwaySuspended(Frozen):
    type: Literal["PathwaySuspended"] = "PathwaySuspended"
    reason: SuspensionReason
    note: LongText | None = None


class PathwayResumed(Frozen):
    type: Literal["PathwayResumed"] = "PathwayResumed"


class NoteAdded(Frozen):
    type: Literal["NoteAdded"] = "NoteAdded"
    text: LongText


class ExitRecorded(Frozen):
    type: Literal["ExitRecorded"] = "ExitRecorded"
    reason: ExitReason
    outcomes: Condition
    note: LongText | None = None


class FollowUpRecorded(Frozen):
    type: Literal["FollowUpRecorded"] = "FollowUpRecorded"
    outcomes: Condition
    note: LongText | None = None


class PathwayClosed(Frozen):
    type: Literal["PathwayClosed"] = "PathwayClosed"
    reason: LongText | None = None


class DeadlineStepTaken(Frozen):
    """Fields shared by the two ladder events."""

    obligation_id: str
    obligation_kind: str
    due_at: datetime
    step: Identifier
    scheduled_at: datetime
    """When the ladder said to take this step; the recording time tells how late it was."""
    notify: Role
    measure_id: Identifier | None = None


class DeadlineReminderSent(DeadlineStepTaken):
    type: Literal["DeadlineReminderSent"] = "DeadlineReminderSent"


class DeadlineEscalated(DeadlineStepTaken):
    type: Literal["DeadlineEscalated"] = "DeadlineEscalated"


class PolicyApplied(Frozen):
    type: Literal["PolicyApplied"] = "PolicyApplied"
    policy: Policy


Event = Annotated[
    PathwayOpened
    | BaselineRecorded
    | SkillsAssessmentRecorded
    | PlanProposed
    | PlanApproved
    | PlanRejected
    | MeasureStarted
    | MeasureProgressRecorded
    | MeasureCompleted
    | MeasureCancelled
    | HouseholdUpdated
    | PermitRenewed
    | CaseworkerReassigned
    | PathwayExtended
    | PathwaySuspended
    | PathwayResumed
    | NoteAdded
    | ExitRecorded
    | FollowUpRecorded
    | PathwayClosed
    | DeadlineReminderSent
    | DeadlineEscalated
    | PolicyApplied
    | PaymentRequested
    | PaymentApproved
    | PaymentRejected
    | PayeeCorrected
    | PaymentPaid
    | PaymentReturned
    | PartnerContactLinked
    | PartnerContactUnlinked
    | PrivacyNoticeGiven
    | ConsentGiven
    | ConsentWithdrawn
    | PathwayReferred
    | ReferralAccepted
    | ReferralDeclined
    | TransferRequested
    | TransferAccepted
    | TransferDeclined
    | GroupParticipationRecorded
    | FigureDisputed
    | DisputeResolved
    | AttendanceCorrected
    | AllowanceRecomputed
    | DocumentAttached,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

SCHEMA_VERSIONS: dict[str, int] = {"CaseworkerReassigned": 2}
"""Current schema version per event type, when above 1."""

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _reassignment_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 recorded no reason for a reassignment: none was given."""
    return {**data, "reason": None}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("CaseworkerReassigned", 1): _reassignment_v1_to_v2,
}
"""(event type, stored schema version) → function returning the data of the next version."""


def schema_version(event_type: str) -> int:
    return SCHEMA_VERSIONS.get(event_type, 1)


def parse_event(event_type: str, stored_version: int, data: dict[str, Any]) -> Event:
    """A typed event from stored data, upcast step by step to the current schema version."""
    current = schema_version(event_type)
    while stored_version < current:
        data = UPCASTERS[(event_type, stored_version)](data)
        stored_version += 1
    return EVENT_ADAPTER.validate_python({**data, "type": event_type})
