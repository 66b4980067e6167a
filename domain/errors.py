"""Domain errors: each a stable snake_case code that the API, the CLI and the pages show.

A rejected command raises one of these and produces no event. The code is the contract;
the message is for people and may change.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command that the rules refuse. Subclasses fix the `code`."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidCommand(DomainError):
    code = "invalid_command"


class PathwayNotFound(DomainError):
    code = "pathway_not_found"


class PathwayAlreadyOpen(DomainError):
    code = "pathway_already_open"


class PathwayClosed(DomainError):
    code = "pathway_closed"


class PathwaySuspended(DomainError):
    code = "pathway_suspended"


class PathwayNotSuspended(DomainError):
    code = "pathway_not_suspended"


class WrongStage(DomainError):
    code = "wrong_stage"


class RoleForbidden(DomainError):
    code = "role_forbidden"


class NotAssignedCaseworker(DomainError):
    code = "not_assigned_caseworker"


class CaseworkerNotEligible(DomainError):
    """The person named to hold a pathway is not an active caseworker of its organisation."""

    code = "caseworker_not_eligible"


class OrganisationNotFound(DomainError):
    """An organisation the sender cannot open pathways in (unknown, or outside their scope)."""

    code = "organisation_not_found"


class SelfApprovalForbidden(DomainError):
    code = "self_approval_forbidden"


class PlanNotApproved(DomainError):
    code = "plan_not_approved"


class NoPendingPlan(DomainError):
    code = "no_pending_plan"


class PlanEmpty(DomainError):
    code = "plan_empty"


class MeasureNotFound(DomainError):
    code = "measure_not_found"


class MeasureAlreadyExists(DomainError):
    code = "measure_already_exists"


class MeasureNotPlannable(DomainError):
    code = "measure_not_plannable"


class MeasureStatusInvalid(DomainError):
    code = "measure_status_invalid"


class MeasureKindMismatch(DomainError):
    code = "measure_kind_mismatch"


class NoMinorInHousehold(DomainError):
    code = "no_minor_in_household"


class MinorNotInHousehold(DomainError):
    code = "minor_not_in_household"


class RentAdvanceTooHigh(DomainError):
    code = "rent_advance_too_high"


class RentContractMissing(DomainError):
    code = "rent_contract_missing"


class WorkGrantDurationInvalid(DomainError):
    code = "work_grant_duration_invalid"


class DateOrderInvalid(DomainError):
    code = "date_order_invalid"


class DateOutOfRange(DomainError):
    """A date of the command lies outside 1900-01-01..2199-12-31 (`domain.calendar`)."""

    code = "date_out_of_range"


class FactInFuture(DomainError):
    """A date of something that happened lies after the day it is recorded (`domain.fact_dates`)."""

    code = "fact_in_future"


class OutsidePeriod(DomainError):
    code = "outside_period"


class StepOutOfOrder(DomainError):
    code = "step_out_of_order"


class AlreadyRecorded(DomainError):
    code = "already_recorded"


class HoursExceeded(DomainError):
    code = "hours_exceeded"


class NotApplicable(DomainError):
    code = "not_applicable"


class NotApproved(DomainError):
    code = "not_approved"


class LicenceConversionExpired(DomainError):
    code = "licence_conversion_expired"


class PathwayNotExpired(DomainError):
    code = "pathway_not_expired"


class OccurredInFuture(DomainError):
    code = "occurred_in_future"


class BackdateWindowExceeded(DomainError):
    code = "backdate_window_exceeded"


class FollowUpTooEarly(DomainError):
    """The follow-up comes before its window opens (`domain.follow_up`)."""

    code = "follow_up_too_early"


class ReasonRequired(DomainError):
    code = "reason_required"


class TimeRequired(DomainError):
    """A fact whose rule counts hours from it is given without its time of day."""

    code = "time_required"


class NothingDue(DomainError):
    code = "nothing_due"


class InvalidIban(DomainError):
    code = "invalid_iban"


class InvalidAmount(DomainError):
    code = "invalid_amount"


class BudgetExceeded(DomainError):
    code = "budget_exceeded"


class PaymentCapExceeded(DomainError):
    code = "payment_cap_exceeded"


class PaymentKindMismatch(DomainError):
    code = "payment_kind_mismatch"


class AllowanceFollowsAttendance(DomainError):
    code = "allowance_follows_attendance"


class PaymentAlreadyRequested(DomainError):
    code = "payment_already_requested"


class PaymentNotFound(DomainError):
    code = "payment_not_found"


class PaymentStatusInvalid(DomainError):
    code = "payment_status_invalid"


class PayeeMissing(DomainError):
    code = "payee_missing"


class PaymentEvidenceMissing(DomainError):
    """A payment of a kind that needs evidence (rent, furniture, utilities above the
    threshold) is approved only once a document is attached to it."""

    code = "payment_evidence_missing"


class DocumentTargetNotFound(DomainError):
    code = "document_target_not_found"


class SupervisorApprovalRequired(DomainError):
    code = "supervisor_approval_required"


class CoordinatorApprovalRequired(DomainError):
    code = "coordinator_approval_required"


class PaymentsPending(DomainError):
    code = "payments_pending"


class NothingPaid(DomainError):
    code = "nothing_paid"


class PartnerContactNotFound(DomainError):
    """A contact the partner registry does not hold for the pathway's organisation."""

    code = "partner_contact_not_found"


class PartnerContactAlreadyLinked(DomainError):
    code = "partner_contact_already_linked"


class PartnerLinkNotFound(DomainError):
    code = "partner_link_not_found"


class PrivacyNoticeMissing(DomainError):
    """A consent dated before any privacy notice was given (`domain.consents`)."""

    code = "privacy_notice_missing"


class ConsentNotFound(DomainError):
    code = "consent_not_found"


class ConsentAlreadyWithdrawn(DomainError):
    code = "consent_already_withdrawn"


class ConsentRequired(DomainError):
    """A referral or transfer that no consent in force allows (`domain.referrals`)."""

    code = "consent_required"


class ReferralNotFound(DomainError):
    code = "referral_not_found"


class ReferralAnswered(DomainError):
    """A referral accepted or declined already: it is answered once."""

    code = "referral_answered"


class ReferralPending(DomainError):
    """The same service (or measure) is referred to the same organisation already."""

    code = "referral_pending"


class TransferPending(DomainError):
    code = "transfer_pending"


class TransferNotFound(DomainError):
    code = "transfer_not_found"


class GroupParticipationExists(DomainError):
    """A pathway told twice of one group activity (under two command ids)."""

    code = "group_participation_exists"


class GroupActivityIdReused(DomainError):
    """A group activity submitted under the id of another one already recorded."""

    code = "group_activity_id_reused"


class PartnerRecordForbidden(DomainError):
    """A partner contact sent what partners do not record (`domain.partner_records.recording`)."""

    code = "partner_record_forbidden"


class PartnerNotLinked(DomainError):
    """A partner contact recorded on a measure it is not linked to."""

    code = "partner_not_linked"


class AttendanceByTutor(DomainError):
    """A work grant with a linked tutor takes its monthly hours from the tutor only."""

    code = "attendance_by_tutor"


class FigureNotFound(DomainError):
    code = "figure_not_found"


class FigureDisputed(DomainError):
    """The figure is disputed: resolve the dispute first."""

    code = "figure_disputed"


class FigureNotDisputed(DomainError):
    code = "figure_not_disputed"


class AllowanceInLedger(DomainError):
    """The month's allowance is approved and in the ledger: its hours are no longer corrected."""

    code = "allowance_in_ledger"


def _all_subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


ERROR_TYPES: tuple[type[DomainError], ...] = (DomainError, *_all_subclasses(DomainError))
ERROR_CODES: frozenset[str] = frozenset(e.code for e in ERROR_TYPES)
"""Every code a command can be refused with; the API documents and translates these."""
