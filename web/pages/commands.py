"""The command forms of a pathway: their titles, their fields given the state, their refusals.

Each command's fields come from its model (`web.pages.forms`); this module adds what only
the pathway knows: which measures a measure command may act on, which details, progress or
outcome model the chosen measure's kind takes, who a pathway can be reassigned to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from domain.affordances import PEOPLE_COMMANDS, attendance_measures
from domain.commands import ClosePathway, OpenPathway, ProposePlan, ReassignCaseworker
from domain.consents.rules import active
from domain.consents.state import ConsentState
from domain.errors import ERROR_CODES
from domain.figures.state import FigureStatus, PartnerFigure
from domain.measures import CATALOGUE, MEASURE_OF, REQUESTABLE, MeasureState, MeasureStatus
from domain.partner_links.rules import OPEN as LINKABLE
from domain.partners.links import linked_contacts
from domain.payments.rules import CORRECTABLE, REJECTABLE
from domain.payments.state import PaymentState, PaymentStatus
from domain.permissions import command_type
from domain.state import PathwayState
from web.i18n import N_
from web.pages import forms
from web.pages.form_labels import PROGRESS_KINDS
from web.pages.forms import FieldSpec, Kind

COMMAND_MODELS: Mapping[str, type[BaseModel]] = {command_type(c): c for c in PEOPLE_COMMANDS}

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

MEASURE_STATUSES: Mapping[str, tuple[MeasureStatus, ...]] = {
    "start_measure": (MeasureStatus.PLANNED,),
    "record_measure_progress": (MeasureStatus.ACTIVE,),
    "complete_measure": (MeasureStatus.ACTIVE,),
    "cancel_measure": (MeasureStatus.PLANNED, MeasureStatus.ACTIVE),
}
"""The measures each measure command may act on."""
PAYMENT_STATUSES: Mapping[str, frozenset[PaymentStatus]] = {
    "approve_payment": frozenset({PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_APPROVED}),
    "reject_payment": REJECTABLE,
    "correct_payee": CORRECTABLE,
}
"""The payments each payment command may act on (the rules say who may, when it is sent)."""


def payment_option(payment: PaymentState) -> str:
    """A payment as a select shows it: measure, kind, period, amount in euro."""
    amount = f"{payment.amount // 100}.{payment.amount % 100:02d} €"
    return f"{payment.measure_id} · {payment.kind} · {payment.period} · {amount}"


FIGURE_STATUSES: Mapping[str, frozenset[FigureStatus]] = {
    "dispute_figure": frozenset({FigureStatus.RECORDED, FigureStatus.ACCEPTED}),
    "resolve_dispute": frozenset({FigureStatus.DISPUTED}),
}
"""The partner figures each figure command may act on."""


def figure_option(figure: PartnerFigure) -> str:
    """A partner figure as a select shows it: its id, step, month and day."""
    month = f" · {figure.month}" if figure.month else ""
    return f"{figure.figure_id} · {figure.progress_kind}{month} · {figure.recorded_on}"


def consent_option(consent: ConsentState) -> str:
    """A consent as a select shows it: its id, purpose, recipients and day."""
    recipients = ", ".join(r.id for r in consent.recipients)
    return f"{consent.consent_id} · {consent.purpose} · {recipients} · {consent.given_on}"


CHOOSE_FIRST = frozenset({"start_measure", "record_measure_progress", "complete_measure"})
"""Commands whose fields depend on the measure (and progress kind) chosen first."""
PLAN_ROWS = 3
"""Empty rows of a new plan, so that it can be written without JavaScript."""


@dataclass(frozen=True)
class Choice:
    """A measure (and, for progress, what to record) that a measure form can be filled for."""

    value: str
    measure: MeasureState
    progress_kind: str | None = None


@dataclass
class CommandForm:
    """One command's form for one pathway: its fields, or the choice to make first."""

    type: str
    specs: tuple[FieldSpec, ...] | None
    """None while a measure has to be chosen."""
    choices: list[Choice] = field(default_factory=list)
    chosen: Choice | None = None
    initial: dict[str, str] = field(default_factory=dict)
    blank_rows: int = 1

    @property
    def title(self) -> str:
        return TITLES[self.type]


def choices(state: PathwayState, kind: str) -> list[Choice]:
    """What a measure command can be sent for now."""
    statuses = MEASURE_STATUSES.get(kind)
    if statuses is None:
        return []
    measures = state.measures_in(*statuses)
    if kind != "record_measure_progress":
        return [Choice(m.measure_id, m) for m in measures]
    return [
        Choice(f"{m.measure_id} {progress_kind}", m, progress_kind)
        for m in measures
        for progress_kind in progress_kinds(m)
    ]


def progress_kinds(measure: MeasureState) -> list[str]:
    return [p.model_fields["kind"].default for p in CATALOGUE[measure.kind].progress]


def choice_from(state: PathwayState, kind: str, data: Mapping[str, str]) -> Choice | None:
    """The choice a request names: `choice` (the chooser), or the posted form's fields."""
    value = data.get("choice")
    if value is None and "measure_id" in data:
        value = data["measure_id"]
        if kind == "record_measure_progress":
            value = f"{value} {data.get('progress.kind', '')}"
    return next((c for c in choices(state, kind) if c.value == value), None)


def command_form(
    state: PathwayState,
    kind: str,
    data: Mapping[str, str],
    caseworkers: Sequence[tuple[str, str]] = (),
    contacts: Sequence[tuple[str, str]] = (),
) -> CommandForm:
    """The form of command `kind` for this pathway, given what the request says.

    Args:
        caseworkers: (id, name) of the caseworkers a pathway may be reassigned to.
        contacts: (id, label) of the partner contacts of the pathway's organisation.
    """
    if kind in LINK_COMMANDS:
        return _link_form(state, kind, contacts)
    model = COMMAND_MODELS[kind]
    if kind in CHOOSE_FIRST:
        return _measure_form(state, kind, data, contacts)
    replace: dict[str, FieldSpec] = {}
    initial: dict[str, str] = {}
    if kind == "cancel_measure":
        options = tuple(
            (m.measure_id, m.measure_id) for m in state.measures_in(*MEASURE_STATUSES[kind])
        )
        replace["measure_id"] = FieldSpec("measure_id", Kind.CHOICE, N_("Measure"), options=options)
    if kind == "request_payment":
        payable = {MEASURE_OF[k] for k in REQUESTABLE}
        options = tuple(
            (m.measure_id, m.measure_id)
            for m in state.measures_in(MeasureStatus.ACTIVE)
            if m.kind in payable
        )
        replace["measure_id"] = FieldSpec("measure_id", Kind.CHOICE, N_("Measure"), options=options)
    if kind in PAYMENT_STATUSES:
        options = tuple(
            (p.payment_id, payment_option(p))
            for p in state.payments.values()
            if p.status in PAYMENT_STATUSES[kind]
        )
        replace["payment_id"] = FieldSpec("payment_id", Kind.CHOICE, N_("Payment"), options=options)
    if kind in FIGURE_STATUSES:
        options = tuple(
            (f.figure_id, figure_option(f))
            for f in state.figures.by_id.values()
            if f.status in FIGURE_STATUSES[kind]
        )
        replace["figure_id"] = FieldSpec("figure_id", Kind.CHOICE, N_("Figure"), options=options)
    if kind == "correct_attendance":
        options = tuple((i, i) for i in attendance_measures(state))
        replace["measure_id"] = FieldSpec("measure_id", Kind.CHOICE, N_("Measure"), options=options)
    if kind == "withdraw_consent":
        options = tuple((c.consent_id, consent_option(c)) for c in active(state.consents))
        replace["consent_id"] = FieldSpec("consent_id", Kind.CHOICE, N_("Consent"), options=options)
    if model is ReassignCaseworker:
        others = tuple((i, n) for i, n in caseworkers if i != state.caseworker_id)
        replace["caseworker_id"] = FieldSpec(
            "caseworker_id", Kind.CHOICE, N_("New caseworker"), options=others
        )
    if kind == "update_household":
        initial = forms.flatten({"household": state.household.model_dump(mode="json")})
    specs = forms.specs_for(model, replace=replace)
    if model is ClosePathway and state.follow_up is None:
        specs = tuple(
            dataclasses.replace(s, required=True) if s.name == "reason" else s for s in specs
        )
    rows = PLAN_ROWS if model is ProposePlan else 1
    return CommandForm(kind, specs, initial={**forms.defaults(specs), **initial}, blank_rows=rows)


LINK_COMMANDS = frozenset({"link_partner_contact", "unlink_partner_contact"})


def _link_form(state: PathwayState, kind: str, contacts: Sequence[tuple[str, str]]) -> CommandForm:
    """Link: an open measure and a contact of the organisation's partners. Unlink: a linked
    measure and contact. The contact as the registry knows it is the sender's to fill in."""
    if kind == "link_partner_contact":
        measures = [m.measure_id for m in state.measures_in(*LINKABLE)]
        people = tuple(contacts)
    else:
        measures = list(state.partner_links)
        linked = {c.contact_id for links in state.partner_links.values() for c in links}
        named = dict(contacts)
        people = tuple((c, named.get(c, c)) for c in sorted(linked))
    replace = {
        "measure_id": FieldSpec(
            "measure_id", Kind.CHOICE, N_("Measure"), options=tuple((m, m) for m in measures)
        ),
        "contact_id": FieldSpec("contact_id", Kind.CHOICE, N_("Partner contact"), options=people),
    }
    specs = forms.specs_for(COMMAND_MODELS[kind], replace=replace)
    return CommandForm(kind, specs, initial=forms.defaults(specs))


def _measure_form(
    state: PathwayState, kind: str, data: Mapping[str, str], contacts: Sequence[tuple[str, str]]
) -> CommandForm:
    options = choices(state, kind)
    chosen = choice_from(state, kind, data)
    if chosen is None:
        return CommandForm(kind, None, options)
    spec = CATALOGUE[chosen.measure.kind]
    measure_id = FieldSpec("measure_id", Kind.CONST, "", const=chosen.measure.measure_id)
    model = COMMAND_MODELS[kind]
    variant: type[BaseModel]
    if kind == "start_measure":
        variant, part = spec.details, "details"
    elif kind == "complete_measure":
        variant, part = spec.outcome, "outcome"
    else:
        part = "progress"
        variant = next(
            p for p in spec.progress if p.model_fields["kind"].default == chosen.progress_kind
        )
    specs = forms.specs_for(model, variants={part: variant}, replace={"measure_id": measure_id})
    linked = linked_contacts(state, chosen.measure.measure_id)
    if chosen.progress_kind in VERIFIED and linked:
        named = dict(contacts)
        people = tuple(
            (c.contact_id, named.get(c.contact_id, f"{c.partner_name} · {c.contact_role.value}"))
            for c in linked
        )
        verifier = FieldSpec(VERIFIER, Kind.CHOICE, N_("Verified by"), options=people)
        specs = with_verifier(specs, verifier)
    return CommandForm(kind, specs, options, chosen, initial=forms.defaults(specs))


VERIFIED = frozenset({"work_grant_attendance"})
"""Progress whose `verified_by` names who verified it: a linked contact when there is one."""
VERIFIER = "verified_by"


def with_verifier(specs: tuple[FieldSpec, ...], verifier: FieldSpec) -> tuple[FieldSpec, ...]:
    """The progress form with `verified_by` asked as `verifier` says (a choice of the linked
    contacts, or the partner's own contact as a constant) instead of typed by hand."""
    return tuple(
        dataclasses.replace(
            spec,
            children=tuple(verifier if c.name == VERIFIER else c for c in spec.children),
        )
        if spec.name == "progress"
        else spec
        for spec in specs
    )


def progress_label(kind: str) -> str:
    return PROGRESS_KINDS.get(kind, kind)


def opening_specs(caseworker: FieldSpec | None) -> tuple[FieldSpec, ...]:
    """The opening form: everything of `open_pathway` but what the server sets.

    Args:
        caseworker: the select of caseworkers; None when the reader opens for themself.
    """
    exclude = {"pathway_id", "policy", "organisation_id"}
    if caseworker is None:
        exclude.add("caseworker_id")
    replace = {"caseworker_id": caseworker} if caseworker is not None else None
    return forms.specs_for(OpenPathway, exclude=frozenset(exclude), replace=replace)


def refusal_message(code: str) -> str:
    return REFUSALS.get(code, UNKNOWN_REFUSAL)
