"""The state of one pathway, as folded from its events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import AwareDatetime, Field

from domain.commands import PlannedMeasure, SuspensionReason
from domain.consents.state import Consents
from domain.documents.commands import TargetKind
from domain.documents.events import DocumentAttached
from domain.documents.rules import documented
from domain.figures.state import Figures
from domain.group_activities.state import Participation
from domain.measures import MeasureState, MeasureStatus
from domain.measures.skills_assessment import SkillsAssessment
from domain.partners.links import LinkedContact
from domain.payments.state import PaymentState
from domain.policy import DEFAULT_POLICY, Policy
from domain.referrals.state import Referrals
from domain.values import (
    Beneficiary,
    Condition,
    ExitReason,
    Frozen,
    Household,
    Identifier,
    ProtectionStatus,
    ReceptionCentre,
    Stage,
)


class PendingPlan(Frozen):
    revision: int
    measures: tuple[PlannedMeasure, ...]
    end_date: date | None
    proposed_by: Identifier
    proposed_at: AwareDatetime


class ApprovedPlan(Frozen):
    revision: int
    approved_by: Identifier
    approved_at: AwareDatetime
    end_date: date


class Suspension(Frozen):
    reason: SuspensionReason
    since: AwareDatetime


class SuspendedPeriod(Frozen):
    start: AwareDatetime
    end: AwareDatetime


class ExitInfo(Frozen):
    reason: ExitReason
    outcomes: Condition
    at: AwareDatetime


class LadderMark(Frozen):
    """The ladder steps already taken for an obligation, for the due instant they were for."""

    due_at: AwareDatetime
    steps: tuple[str, ...]

    def steps_for(self, due_at: datetime) -> tuple[str, ...]:
        """The steps taken for the obligation falling due at `due_at`; none for another.

        A mark made while days ended at 00:00 UTC counts for the same day ending in
        Italy (an hour or two, and the last microsecond, earlier): else every running
        pathway would climb again the ladders it had climbed.
        """
        return self.steps if self.due_at in deadline_instants(due_at) else ()


def deadline_instants(due_at: datetime) -> tuple[datetime, ...]:
    """The due instants a ladder step for the obligation falling due at `due_at` may carry:
    `due_at` itself, and the same day ended at 00:00 UTC, as steps climbed before days
    ended in Italy were recorded."""
    return (due_at, *(due_at + later for later in _DAYS_ENDED_IN_UTC))


_DAYS_ENDED_IN_UTC = tuple(timedelta(hours=hours, microseconds=1) for hours in (1, 2))
"""How much later a day ended at 00:00 UTC than it ends in Italy (winter, summer time)."""


class PathwayState(Frozen):
    """Everything the rules need to know about a pathway. Empty until opened."""

    pathway_id: Identifier | None = None
    version: int = 0
    stage: Stage | None = None
    stage_entered_at: AwareDatetime | None = None
    opened_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    organisation_id: Identifier | None = None
    caseworker_id: Identifier | None = None
    beneficiary: Beneficiary | None = None
    protection_status: ProtectionStatus | None = None
    permit_expires_on: date | None = None
    household: Household = Household()
    reception_centre: ReceptionCentre | None = None
    resident_since: date | None = None
    baseline: Condition | None = None
    assessment: SkillsAssessment | None = None
    pending_plan: PendingPlan | None = None
    plan: ApprovedPlan | None = None
    plan_revisions: int = 0
    measures: dict[str, MeasureState] = Field(default_factory=dict)
    suspension: Suspension | None = None
    suspended_periods: tuple[SuspendedPeriod, ...] = ()
    exit: ExitInfo | None = None
    follow_up: Condition | None = None
    notes: int = 0
    policy: Policy = DEFAULT_POLICY
    ladder: dict[str, LadderMark] = Field(default_factory=dict)
    known_since: dict[str, AwareDatetime] = Field(default_factory=dict)
    """When each open obligation became known: the recording instant of the fact that made
    it owed (`domain.back_dating`). A rung already past then waits for the catch-up window."""
    payments: dict[str, PaymentState] = Field(default_factory=dict)
    """By payment id, in the order requested."""
    consents: Consents = Consents()
    """The privacy notices given and the consents to share (`domain.consents`)."""
    referrals: Referrals = Referrals()
    """Referrals to other organisations, a transfer waiting, past owners (`domain.referrals`)."""
    group_activities: dict[str, Participation] = Field(default_factory=dict)
    """The group activities attended, by activity id (`domain.group_activities`)."""
    partner_links: dict[str, tuple[LinkedContact, ...]] = Field(default_factory=dict)
    """The partner contacts linked to each measure, by measure id (`domain.partner_links`;
    the rules read them through `domain.partners.links.linked_contacts`)."""
    figures: Figures = Figures()
    """What partner contacts recorded, their disputes and the corrections (`domain.figures`)."""
    documents: dict[str, DocumentAttached] = Field(default_factory=dict)
    """The documents attached, by document id, in the order attached (`domain.documents`);
    their bytes are kept apart, sealed with the pathway's key."""

    @property
    def is_open(self) -> bool:
        return self.stage is not None

    @property
    def end_date(self) -> date | None:
        return self.plan.end_date if self.plan else None

    def has_evidence(self, payment_id: str) -> bool:
        """True when a document is attached to the payment (`domain.payments.evidence`)."""
        return documented(self.documents, TargetKind.PAYMENT, payment_id)

    def measures_in(self, *statuses: MeasureStatus) -> list[MeasureState]:
        return [m for m in self.measures.values() if m.status in statuses]


def initial_state() -> PathwayState:
    """The state of a pathway that has no events yet."""
    return PathwayState()
