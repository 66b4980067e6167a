"""What a partner records on its assignment's page: the forms, and what it recorded.

The forms are the staff's own form of `record_measure_progress` (`web.pages.commands`),
one per step the measure lets a partner record (its SPEC's `partner_records`), posted to
the assignment's page instead of the pathway's. Each drawn form carries a fresh command id
and a refused one keeps it, so sending it twice records once. What the partner's contact
recorded on the measure is listed with where its dispute stands (`domain.figures`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import Request

from domain.figures.state import FigureStatus, PartnerFigure
from domain.measures import CATALOGUE, MeasureStatus
from domain.state import PathwayState
from web.i18n import N_
from web.pages import form_input
from web.pages.actions import ActionView, Refusal, action_view
from web.pages.command_labels import progress_label
from web.pages.commands import (
    VERIFIED,
    VERIFIER,
    CommandForm,
    command_form,
    progress_kinds,
    with_verifier,
)
from web.pages.forms import FieldSpec, Kind, Message

RECORD = "record_measure_progress"

FIGURE_STATUSES: Mapping[FigureStatus, str] = {
    FigureStatus.RECORDED: N_("recorded"),
    FigureStatus.DISPUTED: N_("disputed by the caseworker"),
    FigureStatus.ACCEPTED: N_("disputed, then accepted"),
    FigureStatus.CORRECTED: N_("corrected by the caseworker"),
}
"""Where a partner's figure stands, in the partner's words."""


def records_url(pathway_id: str, measure_id: str) -> str:
    """Where the assignment's record forms post."""
    return f"/partner/assignments/{pathway_id}/{measure_id}/records"


def partner_kinds(state: PathwayState, measure_id: str) -> list[str]:
    """The steps a partner records on the measure, in the measure's order; none unless active."""
    measure = state.measures.get(measure_id)
    if measure is None or measure.status != MeasureStatus.ACTIVE:
        return []
    allowed = CATALOGUE[measure.kind].partner_records
    return [kind for kind in progress_kinds(measure) if kind in allowed]


def record_form(
    state: PathwayState, measure_id: str, progress_kind: str, contact_id: str
) -> CommandForm:
    """The staff's progress form of one step of the measure; what the step says was
    verified (`verified_by`) is the partner's own contact, never typed."""
    form = command_form(state, RECORD, {"choice": f"{measure_id} {progress_kind}"})
    if progress_kind not in VERIFIED or form.specs is None:
        return form
    verifier = FieldSpec(VERIFIER, Kind.CONST, "", const=contact_id)
    specs = with_verifier(form.specs, verifier)
    return dataclasses.replace(form, specs=specs, initial=form_input.defaults(specs))


def record_view(
    request: Request,
    pathway_id: str,
    command: CommandForm,
    *,
    data: Mapping[str, str] | None = None,
    errors: Mapping[str, Message] | None = None,
    command_id: str | None = None,
    refusal: Refusal | None = None,
) -> ActionView:
    """One record form as the assignment's page draws it: posted there, no other measure."""
    assert command.chosen is not None and command.chosen.progress_kind is not None
    view = action_view(
        request,
        pathway_id,
        dataclasses.replace(command, choices=[]),
        data=data,
        errors=errors,
        command_id=command_id,
        refusal=refusal,
        id_suffix=f"-{command.chosen.progress_kind}",
    )
    return dataclasses.replace(view, url=records_url(pathway_id, command.chosen.measure.measure_id))


def record_views(
    request: Request, pathway_id: str, state: PathwayState, measure_id: str, contact_id: str
) -> list[ActionView]:
    """A fresh form for each step the partner records on the measure."""
    return [
        record_view(request, pathway_id, record_form(state, measure_id, kind, contact_id))
        for kind in partner_kinds(state, measure_id)
    ]


@dataclass(frozen=True)
class OwnRecord:
    """One step the partner's contact recorded, as its page lists it."""

    step: str
    month: str | None
    recorded_on: str
    status: str
    disputed: bool


def own_records(
    gettext: Callable[[str], str], state: PathwayState, measure_id: str, contact_id: str
) -> list[OwnRecord]:
    """What the contact recorded on the measure, oldest first, in the reader's words."""
    return [
        own_record(gettext, f)
        for f in state.figures.by_id.values()
        if f.measure_id == measure_id and f.contact_id == contact_id
    ]


def own_record(gettext: Callable[[str], str], figure: PartnerFigure) -> OwnRecord:
    return OwnRecord(
        step=gettext(progress_label(figure.progress_kind)),
        month=figure.month,
        recorded_on=figure.recorded_on.isoformat(),
        status=gettext(FIGURE_STATUSES[figure.status]),
        disputed=figure.status == FigureStatus.DISPUTED,
    )
