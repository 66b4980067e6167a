"""What the pages do with a posted form: its fields as one string each, the flash an
accepted command leaves for the next page, the htmx row of a list field ("add another"),
the codes a proposed plan's measures are given, and a refusal set beside the field it names.

The pathway page's command forms use all of it; the opening, partner and referred-work
pages take their fields, the flash and the rows from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from client.pathway import CommandRefused
from domain.state import PathwayState
from web.pages import form_input, forms, widgets
from web.pages.actions import gettext_for
from web.pages.command_labels import DONE, TITLES, refusal_message
from web.pages.commands import CommandForm
from web.pages.render import language_of, render
from web.problems import ProblemError

FLASH = "flash"
"""Session key of the message the next page shows once."""


def form_data(form: Any) -> dict[str, str]:
    """Posted fields as one string each (the last, when a name repeats)."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def pop_flash(request: Request) -> str | None:
    """The message left by the last accepted command, translated, shown once."""
    flash = request.session.pop(FLASH, None)
    if not isinstance(flash, str) or flash not in TITLES:
        return None
    gettext = gettext_for(request)
    return gettext(DONE) % {"action": gettext(TITLES[flash])}


def list_row_url(request: Request) -> str:
    """Where a form's list fetches its rows: this path, with only the form's `choice`."""
    query = {k: v for k, v in request.query_params.items() if k == "choice"}
    base = request.url.path
    return base + ("?choice=" + query["choice"] if query else "")


def row_fragment(
    request: Request,
    specs: tuple[forms.FieldSpec, ...],
    form_id: str,
    query: Mapping[str, str],
    row_url: str,
) -> Response:
    """The row of `query["list"]` at `query["index"]`, and the "add another" button after it."""
    list_name = query.get("list", "")
    spec = forms.find(specs, list_name)
    index = query.get("index", "")
    if spec is None or spec.kind != forms.Kind.LIST or not index.isdigit() or int(index) > 200:
        raise ProblemError("not_found", "no such list", status=404)
    row = widgets.row_widget(
        spec,
        list_name,
        int(index),
        gettext_for(request),
        form_id=form_id,
        language=language_of(request),
    )
    list_id = f"{form_id}--{list_name.replace('.', '--')}"
    return render(
        request,
        "form_row.html",
        row=row,
        list_id=list_id,
        list_name=list_name,
        list_label=gettext_for(request)(spec.label),
        next_index=int(index) + 1,
        row_url=row_url,
    )


def name_measures(document: dict[str, Any], state: PathwayState) -> None:
    """Give a planned measure left without a code one from its type: `training_course-2`."""
    taken = set(state.measures)
    measures = document.get("measures") or []
    taken |= {str(m["measure_id"]) for m in measures if isinstance(m, dict) and m.get("measure_id")}
    for measure in measures:
        if isinstance(measure, dict) and not measure.get("measure_id") and measure.get("kind"):
            number = 1
            while f"{measure['kind']}-{number}" in taken:
                number += 1
            measure["measure_id"] = f"{measure['kind']}-{number}"
            taken.add(measure["measure_id"])


def refusal_field(command: CommandForm, error: CommandRefused) -> dict[str, forms.Message]:
    """The refusal also beside the field it names, when the form has one by that name."""
    if not error.field or command.specs is None:
        return {}
    names = _names(command.specs)
    tail = error.field.split(".")[-1]
    match = next((n for n in names if n == error.field), None) or next(
        (n for n in names if n.split(".")[-1] == tail), None
    )
    return {match: forms.Message(refusal_message(error.code))} if match else {}


def _names(specs: tuple[forms.FieldSpec, ...], prefix: str = "") -> list[str]:
    found = []
    for spec in specs:
        name = form_input.join(prefix, spec.name)
        found.append(name)
        if spec.kind == forms.Kind.OBJECT:
            found.extend(_names(spec.children, name))
    return found
