"""An action on a pathway as a page shows it: a command form, or the choice of a measure.

Shared by the pathway page, each command's own page and the approval queue. Every drawn
form gets a fresh `command_id`; a form sent back with a refusal keeps the one it had, so
sending it twice is answered once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from fastapi import Request

from domain.state import PathwayState
from web.i18n import translations
from web.pages import widgets
from web.pages.command_labels import TITLES, progress_label, refusal_message
from web.pages.commands import Choice, CommandForm, command_form
from web.pages.forms import Message
from web.pages.labels import MEASURE_KINDS, measure_name
from web.pages.render import language_of


@dataclass
class Refusal:
    """Why the pathway refused a command: a sentence in the reader's words and the code."""

    message: str
    code: str


@dataclass
class ActionView:
    type: str
    title: str
    url: str
    """The command's own page (GET) and where its form posts (POST)."""
    command_id: str
    form: widgets.Form | None
    """None while a measure has to be chosen."""
    choices: list[tuple[str, str]] = field(default_factory=list)
    chosen: str | None = None
    subject: str | None = None
    """The measure (and progress kind) the form is for, in words."""
    refusal: Refusal | None = None
    return_to: str | None = None
    form_id: str = ""
    """Unique on the page: `form-<type>`, with the pathway id where several pathways show."""

    @property
    def row_url(self) -> str:
        query = {"choice": self.chosen} if self.chosen else {}
        return f"{self.url}/row" + (f"?{urlencode(query)}" if query else "")


def gettext_for(request: Request) -> Callable[[str], str]:
    return translations(language_of(request)).gettext


def refusal_for(request: Request, code: str) -> Refusal:
    """A refusal code in the reader's words."""
    return Refusal(gettext_for(request)(refusal_message(code)), code)


def new_command_id() -> str:
    return f"web-{uuid.uuid4()}"


def action_view(
    request: Request,
    pathway_id: str,
    command: CommandForm,
    *,
    data: Mapping[str, str] | None = None,
    errors: Mapping[str, Message] | None = None,
    command_id: str | None = None,
    refusal: Refusal | None = None,
    return_to: str | None = None,
    id_suffix: str = "",
) -> ActionView:
    """The view of one command's form, filled with `data` (else its initial values)."""
    gettext = gettext_for(request)
    language = language_of(request)
    url = f"/pathways/{pathway_id}/commands/{command.type}"
    view = ActionView(
        type=command.type,
        title=gettext(TITLES[command.type]),
        url=url,
        command_id=command_id or new_command_id(),
        form=None,
        choices=[(c.value, choice_label(gettext, c)) for c in command.choices],
        refusal=refusal,
        return_to=return_to,
        form_id=f"form-{command.type}{id_suffix}",
    )
    if command.chosen is not None:
        view.chosen = command.chosen.value
        view.subject = choice_label(gettext, command.chosen)
    if command.specs is not None:
        view.form = widgets.widgets(
            command.specs,
            command.initial if data is None else data,
            errors or {},
            gettext,
            form_id=view.form_id,
            language=language,
            blank_rows=command.blank_rows,
        )
    return view


def choice_label(gettext: Callable[[str], str], choice: Choice) -> str:
    """A measure as a chooser lists it: its name, notes (and what progress to record)."""
    measure = choice.measure
    text = measure_name(gettext, measure.measure_id)
    if text == measure.measure_id:
        text = f"{measure.measure_id} · {gettext(MEASURE_KINDS[measure.kind])}"
    if measure.description:
        text += f" ({measure.description})"
    if choice.progress_kind is not None:
        text += f" · {gettext(progress_label(choice.progress_kind))}"
    return text


def state_actions(
    request: Request,
    pathway_id: str,
    state: PathwayState,
    offered: list[str],
    caseworkers: list[tuple[str, str]],
    return_to: str | None = None,
    contacts: list[tuple[str, str]] | None = None,
) -> list[ActionView]:
    """A fresh form for each offered command; `contacts` (id, label) for the link forms."""
    return [
        action_view(
            request,
            pathway_id,
            command_form(state, kind, {}, caseworkers, contacts or ()),
            return_to=return_to,
            id_suffix="" if return_to is None else f"-{pathway_id}",
        )
        for kind in offered
    ]
