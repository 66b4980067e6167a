"""Labels of what the history timeline shows: event types, groups, work packages, reasons.

English msgids marked with `N_` for pybabel, translated when a page shows them (the
pages' shared labels of stages, roles and measures are in `web.pages.labels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from domain.commands import SuspensionReason
from domain.measures import CATALOGUE
from domain.payments.ledger import PaymentKind
from domain.values import EmploymentCondition, ExitReason, HousingSituation, WorkPackage
from web.i18n import N_
from web.pages import labels
from web.reports.indicator_labels import WORK_PACKAGES

EVENT_TYPES: Mapping[str, str] = {
    "PathwayOpened": N_("Pathway opened"),
    "BaselineRecorded": N_("Starting condition recorded"),
    "SkillsAssessmentRecorded": N_("Skills assessment recorded"),
    "PlanProposed": N_("Individual plan proposed"),
    "PlanApproved": N_("Individual plan approved"),
    "PlanRejected": N_("Individual plan sent back"),
    "MeasureStarted": N_("Measure started"),
    "MeasureProgressRecorded": N_("Measure progress recorded"),
    "MeasureCompleted": N_("Measure completed"),
    "MeasureCancelled": N_("Measure cancelled"),
    "HouseholdUpdated": N_("Household updated"),
    "PermitRenewed": N_("Residence permit renewed"),
    "CaseworkerReassigned": N_("Caseworker changed"),
    "PathwayExtended": N_("Pathway extended"),
    "PathwaySuspended": N_("Pathway suspended"),
    "PathwayResumed": N_("Pathway resumed"),
    "NoteAdded": N_("Note added"),
    "DocumentAttached": N_("Document attached"),
    "ExitRecorded": N_("Exit recorded"),
    "FollowUpRecorded": N_("Follow-up recorded"),
    "PathwayClosed": N_("Pathway closed"),
    "DeadlineReminderSent": N_("Deadline reminder sent"),
    "DeadlineEscalated": N_("Deadline escalated to the supervisor"),
    "PolicyApplied": N_("Deadline policy recorded"),
    "PaymentRequested": N_("Payment requested"),
    "PaymentApproved": N_("Payment approved"),
    "PaymentRejected": N_("Payment rejected"),
    "PayeeCorrected": N_("Payee corrected"),
    "PaymentPaid": N_("Payment made"),
    "PaymentReturned": N_("Payment returned by the bank"),
    "PrivacyNoticeGiven": N_("Privacy notice given"),
    "PartnerContactLinked": N_("Partner contact linked to a measure"),
    "PartnerContactUnlinked": N_("Partner contact unlinked from a measure"),
    "ConsentGiven": N_("Consent to share data given"),
    "ConsentWithdrawn": N_("Consent to share data withdrawn"),
    "PathwayReferred": N_("Referred to another organisation"),
    "ReferralAccepted": N_("Referral accepted"),
    "ReferralDeclined": N_("Referral declined"),
    "TransferRequested": N_("Transfer to another organisation requested"),
    "TransferAccepted": N_("Pathway transferred"),
    "TransferDeclined": N_("Transfer declined"),
    "GroupParticipationRecorded": N_("Took part in a group activity"),
    "FigureDisputed": N_("Partner's figure disputed"),
    "DisputeResolved": N_("Dispute resolved"),
    "AttendanceCorrected": N_("Month's hours corrected"),
    "AllowanceRecomputed": N_("Allowance recomputed from the corrected hours"),
}

EVENT_GROUPS: Mapping[str, str] = {
    "pathway": N_("Pathway and case management"),
    "conditions": N_("Starting condition, assessment, exit"),
    "plan": N_("Individual plan"),
    "measures": N_("Measures"),
    "notes": N_("Notes"),
    "deadlines": N_("Deadline reminders and escalations"),
    "payments": N_("Payments"),
    "consents": N_("Privacy and consents"),
}


PROGRESS_KINDS: Mapping[str, str] = {
    kind: label for spec in CATALOGUE.values() for kind, label in spec.labels.recorded.items()
}
"""Each step of a measure as the history shows it, as its module declares it."""

SUSPENSION_REASONS: Mapping[SuspensionReason, str] = {
    SuspensionReason.HOSPITAL_STAY: N_("Hospital stay"),
    SuspensionReason.DOCUMENT_RENEWAL_TRAVEL: N_("Travel to renew documents"),
    SuspensionReason.FAMILY_REASONS: N_("Family reasons"),
    SuspensionReason.UNREACHABLE: N_("Unreachable"),
    SuspensionReason.OTHER: N_("Other reason"),
}

EXIT_REASONS: Mapping[ExitReason, str] = {
    ExitReason.AUTONOMY: N_("Autonomy reached"),
    ExitReason.TRANSFERRED: N_("Transferred"),
    ExitReason.EXPIRED: N_("Pathway time ran out"),
    ExitReason.DROPPED_OUT: N_("Dropped out"),
    ExitReason.REVOKED: N_("Revoked"),
}

EMPLOYMENT: Mapping[EmploymentCondition, str] = {
    EmploymentCondition.EMPLOYED: N_("employed"),
    EmploymentCondition.UNEMPLOYED: N_("unemployed"),
    EmploymentCondition.INACTIVE: N_("inactive"),
}

HOUSING: Mapping[HousingSituation, str] = {
    HousingSituation.RECEPTION_CENTRE: N_("reception centre"),
    HousingSituation.PRIVATE_RENTAL: N_("private rental"),
    HousingSituation.COHOUSING: N_("cohousing"),
    HousingSituation.FAMILY_HOSTING: N_("hosted by a family"),
    HousingSituation.SOCIAL_HOUSING: N_("social housing"),
    HousingSituation.PRECARIOUS: N_("precarious housing"),
    HousingSituation.HOMELESS: N_("homeless"),
}

PAYMENT_KINDS = labels.PAYMENT_KINDS
"""As the pages name them everywhere (`web.pages.labels`)."""

LABELS: Mapping[type[StrEnum], Mapping[Any, str]] = {
    PaymentKind: PAYMENT_KINDS,
    WorkPackage: WORK_PACKAGES,
    SuspensionReason: SUSPENSION_REASONS,
    ExitReason: EXIT_REASONS,
    EmploymentCondition: EMPLOYMENT,
    HousingSituation: HOUSING,
}
"""The enums the timeline shows beside those of `web.pages.labels.LABELS`."""
