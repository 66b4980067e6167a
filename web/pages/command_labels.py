"""What the pages say of a pathway's commands: each one's title, the note once it is done,
each refusal worded for a person, and the name of each kind of progress.

English msgids marked with `N_` for pybabel, translated when a page shows them. The forms
themselves, built from each command's model, are `web.pages.commands`'.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import ERROR_CODES
from web.i18n import N_
from web.pages.form_labels import PROGRESS_KINDS

TITLES: Mapping[str, str] = {
    "open_pathway": N_("Open a pathway"),
    "record_baseline": N_("Record the starting condition"),
    "record_skills_assessment": N_("Record the skills assessment"),
    "propose_plan": N_("Propose the individual plan"),
    "approve_plan": N_("Approve the plan"),
    "reject_plan": N_("Send the plan back"),
    "start_measure": N_("Start a measure"),
    "record_measure_progress": N_("Record progress of a measure"),
    "complete_measure": N_("Complete a measure"),
    "cancel_measure": N_("Cancel a measure"),
    "update_household": N_("Update the household"),
    "renew_permit": N_("Record a renewed permit"),
    "reassign_caseworker": N_("Reassign to another caseworker"),
    "extend_pathway": N_("Extend the pathway"),
    "suspend_pathway": N_("Suspend the pathway"),
    "resume_pathway": N_("Resume the pathway"),
    "add_note": N_("Add a note"),
    "attach_document": N_("Attach a document"),
    "record_exit": N_("Record the exit"),
    "record_follow_up": N_("Record the follow-up"),
    "close_pathway": N_("Close the pathway"),
    "request_payment": N_("Request a payment"),
    "approve_payment": N_("Approve a payment"),
    "reject_payment": N_("Reject a payment"),
    "correct_payee": N_("Correct the payee"),
    "link_partner_contact": N_("Link a partner contact to a measure"),
    "unlink_partner_contact": N_("Unlink a partner contact from a measure"),
    "record_privacy_notice": N_("Record the privacy notice given"),
    "give_consent": N_("Record a consent to share data"),
    "withdraw_consent": N_("Record a withdrawn consent"),
    "refer_pathway": N_("Refer to another organisation"),
    "transfer_pathway": N_("Transfer to another organisation"),
    "dispute_figure": N_("Dispute a partner's figure"),
    "resolve_dispute": N_("Accept a disputed figure"),
    "correct_attendance": N_("Correct a month's hours"),
}
"""What each form is called: the action, as a button or a heading says it."""

DONE = N_("Done: %(action)s.")

REFUSALS: Mapping[str, str] = {
    "domain_error": N_("The command breaks a rule of the pathway."),
    "invalid_command": N_("Some of the data is not valid."),
    "pathway_not_found": N_("There is no such pathway, or it is not in your caseload."),
    "pathway_already_open": N_("This pathway is already open."),
    "pathway_closed": N_("The pathway is closed and accepts nothing more."),
    "command_id_conflict": N_(
        "This form was already sent with other data, or by someone else: reload the page."
    ),
    "pathway_suspended": N_(
        "The pathway is suspended: only resuming, notes and exit are possible."
    ),
    "pathway_not_suspended": N_("The pathway is not suspended."),
    "wrong_stage": N_("This is not possible at the pathway's current stage."),
    "role_forbidden": N_("Your role does not allow this."),
    "not_assigned_caseworker": N_("The pathway belongs to another caseworker's caseload."),
    "caseworker_not_eligible": N_(
        "A pathway is given only to an active caseworker of its own organisation."
    ),
    "organisation_not_found": N_("There is no such organisation among yours."),
    "self_approval_forbidden": N_("Someone other than the proposer must decide on this."),
    "plan_not_approved": N_("Measures start once the plan is approved."),
    "no_pending_plan": N_("There is no proposed plan to decide on."),
    "plan_empty": N_("A plan needs at least one measure."),
    "measure_not_found": N_("There is no such measure in the plan."),
    "measure_already_exists": N_("A measure code is used twice, or is already in the plan."),
    "measure_not_plannable": N_("This type of measure cannot be planned."),
    "measure_status_invalid": N_("The measure is not in a state that allows this."),
    "measure_kind_mismatch": N_("These details belong to another type of measure."),
    "no_minor_in_household": N_("The household has no minors."),
    "minor_not_in_household": N_("The minor is not part of the household."),
    "rent_advance_too_high": N_("The amount is higher than the rules allow."),
    "rent_contract_missing": N_("A rent advance needs a registered rent contract."),
    "work_grant_duration_invalid": N_("A work grant lasts between two and twelve months."),
    "date_order_invalid": N_("A date is out of order: check the dates."),
    "date_out_of_range": N_("The date must lie between 1900 and 2199: check the year."),
    "fact_in_future": N_(
        "This says something has happened, on a day still to come: record it once it has."
    ),
    "outside_period": N_("The date lies outside the measure's period."),
    "step_out_of_order": N_("A previous step must be recorded first."),
    "already_recorded": N_("This has already been recorded."),
    "hours_exceeded": N_("More hours than the schedule allows."),
    "not_applicable": N_("This does not apply to this measure."),
    "not_approved": N_("This needs an approval first."),
    "licence_conversion_expired": N_("The time to convert a foreign licence has run out."),
    "pathway_not_expired": N_("The pathway has not reached its end date."),
    "occurred_in_future": N_("The date lies in the future."),
    "backdate_window_exceeded": N_("This is too far in the past to record now."),
    "follow_up_too_early": N_(
        "The follow-up is the check some months after the exit: it can be recorded once its"
        " window opens (the page says when)."
    ),
    "reason_required": N_("Give a reason."),
    "time_required": N_("Give the time too: the deadline is counted in hours from it."),
    "nothing_due": N_("Nothing is due."),
    "invalid_iban": N_("The IBAN is not valid: check it, a character may be mistyped."),
    "invalid_amount": N_("The amount must be more than zero and not above the largest payment."),
    "budget_exceeded": N_("The amount exceeds what remains of the individual budget."),
    "payment_cap_exceeded": N_("The amount exceeds the limit for this type of payment."),
    "payment_kind_mismatch": N_("This type of payment does not belong to this measure."),
    "allowance_follows_attendance": N_(
        "A work-grant allowance is requested by recording the month's attendance."
    ),
    "payment_already_requested": N_(
        "This payment is already requested for the same period: give another period."
    ),
    "payment_not_found": N_("There is no such payment on this pathway."),
    "payment_status_invalid": N_("The payment is not in a state that allows this."),
    "payee_missing": N_("Give the payee and IBAN first."),
    "payment_evidence_missing": N_(
        "Attach the evidence (invoice, receipt or rent contract) to this payment first."
    ),
    "document_target_not_found": N_("The measure, payment or event named is not on this pathway."),
    "supervisor_approval_required": N_("A supervisor approves this payment first."),
    "coordinator_approval_required": N_("This payment now awaits the coordinator's approval."),
    "payments_pending": N_("Some payments still await an approval, the bank or a payee."),
    "nothing_paid": N_("No payment has been made: cancel the measure instead."),
    "budget_line_exceeded": N_("The project's budget line for this payment is spent."),
    "budget_line_missing": N_("The project has no budget line for this payment."),
    "unavailable": N_("No answer in time. Submit the form again: it will not be recorded twice."),
    "forbidden": N_("Your role does not allow this."),
    "privacy_notice_missing": N_(
        "A consent is recorded after the privacy notice was given: record the notice first."
    ),
    "partner_contact_not_found": N_(
        "There is no such contact among the partners of the pathway's organisation."
    ),
    "partner_contact_already_linked": N_("This contact is already linked to the measure."),
    "partner_link_not_found": N_("This contact is not linked to the measure."),
    "consent_not_found": N_("There is no such consent on this pathway."),
    "consent_already_withdrawn": N_("This consent was already withdrawn."),
    "consent_required": N_("No consent in force lets the data go to that organisation."),
    "referral_not_found": N_("There is no such referral on this pathway."),
    "referral_answered": N_("This referral was already answered."),
    "referral_pending": N_("This is already referred to that organisation."),
    "transfer_pending": N_("A transfer already waits for its answer."),
    "transfer_not_found": N_("No transfer waits for an answer."),
    "group_participation_exists": N_("This participation in the activity is already recorded."),
    "group_activity_id_reused": N_("Another group activity was recorded under this id."),
    "partner_record_forbidden": N_("A partner does not record this."),
    "partner_not_linked": N_("You are not linked to this measure."),
    "attendance_by_tutor": N_(
        "The linked tutor records the month's hours: correct them with a reason instead."
    ),
    "figure_not_found": N_("There is no such figure on this pathway."),
    "figure_disputed": N_("The figure is disputed: resolve the dispute first."),
    "figure_not_disputed": N_("The figure is not disputed."),
    "allowance_in_ledger": N_(
        "The month's allowance is approved and in the ledger: its hours are no longer corrected."
    ),
}
"""A refusal code worded for a person; the code is shown beside it."""
UNKNOWN_REFUSAL = N_("The command could not be applied.")
assert set(REFUSALS) >= ERROR_CODES, "word every domain error code for the pages"


def refusal_message(code: str) -> str:
    return REFUSALS.get(code, UNKNOWN_REFUSAL)


def progress_label(kind: str) -> str:
    return PROGRESS_KINDS.get(kind, kind)
