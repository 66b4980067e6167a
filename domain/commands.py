"""Commands: what a person (or the clock) asks a pathway to do. Imperative names."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, TypeAdapter

from domain.consents.commands import GiveConsent, RecordPrivacyNotice, WithdrawConsent
from domain.documents.commands import AttachDocument
from domain.fact_dates import FactDate
from domain.figures.commands import CorrectAttendance, DisputeFigure, ResolveDispute
from domain.group_activities.commands import RecordGroupParticipation
from domain.measures import MeasureDetails, MeasureKind, MeasureOutcome, MeasureProgress
from domain.measures.skills_assessment import SkillsAssessment
from domain.partner_links.commands import LinkPartnerContact, UnlinkPartnerContact
from domain.payments.commands import (
    ApprovePayment,
    CorrectPayee,
    RecordPaymentOutcome,
    RejectPayment,
    RequestPayment,
)
from domain.policy import Policy
from domain.referrals.commands import (
    AcceptReferral,
    AcceptTransfer,
    DeclineReferral,
    DeclineTransfer,
    ReferPathway,
    TransferPathway,
)
from domain.values import (
    Actor,
    Beneficiary,
    Condition,
    ExitReason,
    Frozen,
    Household,
    Identifier,
    LongText,
    ProtectionStatus,
    ReceptionCentre,
    ShortText,
)


class SuspensionReason(StrEnum):
    HOSPITAL_STAY = "hospital_stay"
    DOCUMENT_RENEWAL_TRAVEL = "document_renewal_travel"
    FAMILY_REASONS = "family_reasons"
    UNREACHABLE = "unreachable"
    OTHER = "other"


class OpenPathway(Frozen):
    type: Literal["open_pathway"] = "open_pathway"
    pathway_id: Identifier
    organisation_id: Identifier
    caseworker_id: Identifier
    beneficiary: Beneficiary
    protection_status: ProtectionStatus
    permit_expires_on: date
    household: Household = Household()
    reception_centre: ReceptionCentre
    resident_since: FactDate
    """First registration of residence in Italy; starts the licence-conversion clock."""
    policy: Policy | None = None
    """The deadline policy the opening client runs under; recorded when not the default."""


class RecordBaseline(Frozen):
    type: Literal["record_baseline"] = "record_baseline"
    condition: Condition


class RecordSkillsAssessment(Frozen):
    type: Literal["record_skills_assessment"] = "record_skills_assessment"
    assessment: SkillsAssessment


class PlannedMeasure(Frozen):
    measure_id: Identifier
    kind: MeasureKind
    target_date: date
    description: ShortText | None = None


class ProposePlan(Frozen):
    """Propose the plan (PAI), or an amendment that adds measures to an approved one."""

    type: Literal["propose_plan"] = "propose_plan"
    measures: tuple[PlannedMeasure, ...] = Field(min_length=1, max_length=50)
    end_date: date | None = None
    """End of the active stage; by default the policy's duration from approval."""
    note: LongText | None = None


class ApprovePlan(Frozen):
    type: Literal["approve_plan"] = "approve_plan"


class RejectPlan(Frozen):
    type: Literal["reject_plan"] = "reject_plan"
    reason: LongText


class StartMeasure(Frozen):
    type: Literal["start_measure"] = "start_measure"
    measure_id: Identifier
    details: MeasureDetails


class RecordMeasureProgress(Frozen):
    type: Literal["record_measure_progress"] = "record_measure_progress"
    measure_id: Identifier
    progress: MeasureProgress


class CompleteMeasure(Frozen):
    type: Literal["complete_measure"] = "complete_measure"
    measure_id: Identifier
    outcome: MeasureOutcome


class CancelMeasure(Frozen):
    type: Literal["cancel_measure"] = "cancel_measure"
    measure_id: Identifier
    reason: LongText


class UpdateHousehold(Frozen):
    type: Literal["update_household"] = "update_household"
    household: Household


class RenewPermit(Frozen):
    type: Literal["renew_permit"] = "renew_permit"
    permit_expires_on: date
    protection_status: ProtectionStatus | None = None


class ReassignCaseworker(Frozen):
    type: Literal["reassign_caseworker"] = "reassign_caseworker"
    caseworker_id: Identifier
    reason: LongText | None = None
    """Why the case changes hands (leave, caseload balance); kept for the supervisors."""


class ExtendPathway(Frozen):
    type: Literal["extend_pathway"] = "extend_pathway"
    end_date: date
    reason: LongText


class SuspendPathway(Frozen):
    type: Literal["suspend_pathway"] = "suspend_pathway"
    reason: SuspensionReason
    note: LongText | None = None


class ResumePathway(Frozen):
    type: Literal["resume_pathway"] = "resume_pathway"


class AddNote(Frozen):
    type: Literal["add_note"] = "add_note"
    text: LongText


class RecordExit(Frozen):
    type: Literal["record_exit"] = "record_exit"
    reason: ExitReason
    outcomes: Condition
    note: LongText | None = None


class RecordFollowUp(Frozen):
    type: Literal["record_follow_up"] = "record_follow_up"
    outcomes: Condition
    note: LongText | None = None


class ClosePathway(Frozen):
    type: Literal["close_pathway"] = "close_pathway"
    reason: LongText | None = None
    """Needed when closing without a follow-up."""


class RunDeadlines(Frozen):
    """The clock's command: take every ladder step that has fallen due."""

    type: Literal["run_deadlines"] = "run_deadlines"


class ApplyPolicy(Frozen):
    """Put a (new) deadline policy in force on this pathway."""

    type: Literal["apply_policy"] = "apply_policy"
    policy: Policy


Command = Annotated[
    OpenPathway
    | RecordBaseline
    | RecordSkillsAssessment
    | ProposePlan
    | ApprovePlan
    | RejectPlan
    | StartMeasure
    | RecordMeasureProgress
    | CompleteMeasure
    | CancelMeasure
    | UpdateHousehold
    | RenewPermit
    | ReassignCaseworker
    | ExtendPathway
    | SuspendPathway
    | ResumePathway
    | AddNote
    | RecordExit
    | RecordFollowUp
    | ClosePathway
    | RunDeadlines
    | ApplyPolicy
    | RequestPayment
    | ApprovePayment
    | RejectPayment
    | CorrectPayee
    | RecordPaymentOutcome
    | LinkPartnerContact
    | UnlinkPartnerContact
    | RecordPrivacyNotice
    | GiveConsent
    | WithdrawConsent
    | ReferPathway
    | AcceptReferral
    | DeclineReferral
    | TransferPathway
    | AcceptTransfer
    | DeclineTransfer
    | RecordGroupParticipation
    | DisputeFigure
    | ResolveDispute
    | CorrectAttendance
    | AttachDocument,
    Field(discriminator="type"),
]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)


class CommandEnvelope(Frozen):
    """A command with who sends it, its idempotency key and its business time."""

    command_id: Identifier
    actor: Actor
    command: Command
    occurred_at: AwareDatetime | None = None
    """Business time; when absent, the instant the command is recorded."""
    fingerprint: str | None = None
    """The command as sent, hashed (`domain.fingerprint`): set by the `PathwayClient`, kept
    with the answer and the events, so a command id reused for another command is told
    from a retry. None in commands sent before it existed, and in the system's own."""
