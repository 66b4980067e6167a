"""The command forms of a pathway: their fields given the state, or the choice to make first.

Each command's fields come from its model (`web.pages.forms`); this module adds what only
the pathway knows: which measures a measure command may act on, which details, progress or
outcome model the chosen measure's kind takes, who a pathway can be reassigned to. What the
pages call each command and how they word its refusals is `web.pages.command_labels`'.
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
from domain.figures.state import FigureStatus, PartnerFigure
from domain.measures import CATALOGUE, MEASURE_OF, REQUESTABLE, MeasureState, MeasureStatus
from domain.partner_links.rules import OPEN as LINKABLE
from domain.partners.links import linked_contacts
from domain.payments.rules import CORRECTABLE, REJECTABLE
from domain.payments.state import PaymentState, PaymentStatus
from domain.permissions import command_type
from domain.state import PathwayState
from web.i18n import N_
from web.pages import form_input, forms
from web.pages.command_labels import TITLES
from web.pages.forms import FieldSpec, Kind

COMMAND_MODELS: Mapping[str, type[BaseModel]] = {command_type(c): c for c in PEOPLE_COMMANDS}

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
        initial = form_input.flatten({"household": state.household.model_dump(mode="json")})
    specs = forms.specs_for(model, replace=replace)
    if model is ClosePathway and state.follow_up is None:
        specs = tuple(
            dataclasses.replace(s, required=True) if s.name == "reason" else s for s in specs
        )
    rows = PLAN_ROWS if model is ProposePlan else 1
    return CommandForm(
        kind, specs, initial={**form_input.defaults(specs), **initial}, blank_rows=rows
    )


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
    return CommandForm(kind, specs, initial=form_input.defaults(specs))


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
    return CommandForm(kind, specs, options, chosen, initial=form_input.defaults(specs))


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
