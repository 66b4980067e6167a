"""The pathway page and its commands: `/pathways/{id}`, `/pathways/{id}/commands/{type}`.

The page shows the pathway as folded from its events and, as forms, only the commands
`available_commands` offers the reader now. A form posts to its command's URL: accepted,
a 303 back with a flash; refused, the same form again with the reason, status 422.
A pathway outside the reader's scope is the same 404 as an unknown one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from client.parsing import InvalidInput, build_envelope
from client.pathway import NOT_FOUND, CommandRefused, PathwayClient
from domain.affordances import available_commands
from domain.closure import WayOut, closure_blockers
from domain.commands import COMMAND_ADAPTER
from domain.evolution import fold
from domain.follow_up import follow_up_opens_at
from domain.obligations import obligations
from domain.projections import PathwaySummary
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import stream_id_for
from domain.values import Role, Stage
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from infra.eventstore.base import EventRecorder, EventStore
from web.access import page_purpose, record_read
from web.dependencies import AccountsDep, PartnersDep, PathwaysDep, SettingsDep, StoreDep
from web.duplicates import notices, organisation_names
from web.i18n import N_
from web.outages import UNAVAILABLE, Unavailable, within
from web.pages import forms, widgets
from web.pages.actions import (
    ActionView,
    Refusal,
    action_view,
    gettext_for,
    refusal_for,
    state_actions,
)
from web.pages.commands import (
    COMMAND_MODELS,
    DONE,
    TITLES,
    CommandForm,
    command_form,
    progress_label,
    refusal_message,
)
from web.pages.describe import Describer
from web.pages.documents import may_attach, targets
from web.pages.labels import DOCUMENT_KINDS
from web.pages.partner_links import contact_choices, linked_names
from web.pages.people import people_named
from web.pages.purpose import purpose_choice
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router, safe_next, see_other
from web.problems import ProblemError
from web.scope import changeable, readable, transferred_away
from web.temporal_ui.links import temporal_link

ERASED_NOTICE = N_(
    "The personal data of this pathway were erased (at the beneficiary's request, or once"
    " retention ended): its events remain, for the record and the indicators, without them."
)
"""What the pathway and history pages say above an erased pathway (docs/privacy.md)."""

WAYS_OUT: Mapping[WayOut, str] = {
    WayOut.APPROVAL: N_("A supervisor approves it or rejects it."),
    WayOut.COORDINATOR: N_("The coordinator approves it or rejects it."),
    WayOut.PAYEE: N_("Correct the payee and approve it again, or reject it."),
    WayOut.BANK: N_(
        "Approved: it can no longer be rejected or cancelled. The bank pays it from a SEPA"
        " batch of the organisation's bank account (an administrator sets it in"
        " Administration, “Bank account”), made on the payments page, and the bank statement"
        " imported there settles it."
    ),
}
"""What settles a payment that keeps the pathway from closing (`domain.closure`)."""

FLASH = "flash"
"""Session key of the message the next page shows once."""
STAGE_TRACK = tuple(Stage)


@dataclass
class StageStep:
    stage: Stage
    state: str
    """`done`, `current` or `todo`."""


def stage_track(stage: Stage | None) -> list[StageStep]:
    """The stages in order, each marked done, current or still to come."""
    current = STAGE_TRACK.index(stage) if stage is not None else -1
    return [
        StageStep(s, "done" if i < current else "current" if i == current else "todo")
        for i, s in enumerate(STAGE_TRACK)
    ]


async def read_state(store: EventRecorder, pathway_id: str) -> PathwayState:
    """The pathway as recorded: its events folded."""
    return (await read_pathway(store, pathway_id))[0]


async def read_pathway(store: EventRecorder, pathway_id: str) -> tuple[PathwayState, bool]:
    """The pathway as recorded, and whether its personal data were erased (any of its
    events carries erased fields).

    Raises:
        ProblemError: `pathway_not_found` for a pathway with no events.
    """
    state, records = await read_records(store, pathway_id)
    return state, any(r.erased for r in records)


async def read_records(
    store: EventRecorder, pathway_id: str
) -> tuple[PathwayState, list[EventRecord]]:
    """The pathway as recorded, and its records.

    Raises:
        ProblemError: `pathway_not_found` for a pathway with no events.
    """
    records = await store.read_stream(stream_id_for(pathway_id))
    if not records:
        raise ProblemError("pathway_not_found", NOT_FOUND)
    return fold(records), records


@dataclass(frozen=True)
class CommandState:
    """The state a command's form is drawn from, and where it came from."""

    state: PathwayState
    records: list[EventRecord] | None = None
    """The pathway's records, when they were read: the client answers a retry from them."""
    answered: bool = True
    """False when the running workflow gave no answer in time (the record was read)."""


async def command_state(
    pathways: PathwayClient,
    store: EventRecorder,
    summary: PathwaySummary,
    timeout: float,
    command_id: str,
) -> CommandState:
    """The state to check a posted command's form against, read and folded at most once.

    A running pathway's workflow holds its state and answers it: the page folds nothing, so
    sending a command and showing the page it leads to fold the stream once. A closed
    pathway's record is read (its workflow is done, its keys maybe shredded), once: the
    client answers a retried command from the same records. The record too when the workflow
    does not answer in time, or no longer exists.
    """
    if summary.stage != Stage.CLOSED:
        try:
            state = await within(pathways.state(summary.pathway_id), timeout, command_id)
        except CommandRefused:
            pass  # no such workflow any more (closed long ago): its record says
        except Unavailable:
            return CommandState(*await read_records(store, summary.pathway_id), answered=False)
        else:
            return CommandState(state)
    return CommandState(*await read_records(store, summary.pathway_id))


async def caseworkers_for(accounts: AccountStore, state: PathwayState) -> list[tuple[str, str]]:
    """(id, name) of the active caseworkers of the pathway's organisation."""
    people = await accounts.list_accounts(state.organisation_id)
    return [(a.id, a.display_name) for a in people if a.role == Role.CASEWORKER and a.active]


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


async def duplicate_organisations(
    store: EventStore, account: Account, pathway_id: str, accounts: AccountStore
) -> list[str]:
    """The names of the organisations where the pathway has a possible duplicate: where to
    ask, and nothing of the other pathway (`web.duplicates`)."""
    found = await notices(store, account, pathway_id, await organisation_names(accounts))
    return sorted({n.organisation_name for n in found})


def build_pathway_router() -> APIRouter:
    router = page_router()

    @router.get("/pathways/{pathway_id}")
    async def pathway_page(
        settings: SettingsDep,
        accounts: AccountsDep,
        partners: PartnersDep,
        store: StoreDep,
        request: Request,
        pathway_id: str,
        account: PageAccount,
    ) -> Response:
        """The pathway: who, where it stands, what is due, and what the reader can do now.
        For the staff of an organisation that transferred it away: what that organisation
        recorded while it owned it, marked as transferred."""
        purpose = page_purpose(request, account)
        away = await transferred_away(store, account, pathway_id)
        if away is not None:
            await record_read(
                request, account, pathway_id, "pathway_transferred", purpose, Channel.PAGE
            )
            return render(
                request,
                "pathway_transferred.html",
                pathway_id=pathway_id,
                away=away,
            )
        await readable(store.caseload, account, pathway_id)
        state, erased = await read_pathway(store, pathway_id)
        await record_read(request, account, pathway_id, "pathway_page", purpose, Channel.PAGE)
        offered = available_commands(state, account.actor)
        caseworkers = (
            await caseworkers_for(accounts, state) if "reassign_caseworker" in offered else []
        )
        contacts = await contact_choices(partners, account, state, offered)
        actions = state_actions(request, pathway_id, state, offered, caseworkers, contacts=contacts)
        now = settings.clock()
        return render(
            request,
            "pathway.html",
            pathway_id=pathway_id,
            state=state,
            track=stage_track(state.stage),
            due=obligations(state),
            overdue=lambda o: o.due_at <= now,
            follow_up_opens=follow_up_opens_at(state) if state.follow_up is None else None,
            closure_blockers=closure_blockers(state),
            ways_out=WAYS_OUT,
            actions=actions,
            flash=pop_flash(request),
            describe=Describer(gettext_for(request), language_of(request)),
            progress_label=progress_label,
            access=purpose_choice(request, purpose),
            erased=erased,
            erased_notice=ERASED_NOTICE,
            temporal_link=temporal_link(settings, pathway_id, account),
            linked_names=await linked_names(partners, account, state),
            may_attach=may_attach(state, account.actor),
            document_targets=targets(state),
            document_kinds=DOCUMENT_KINDS,
            duplicate_at=await duplicate_organisations(store, account, pathway_id, accounts),
            people=await people_named(
                accounts, [state.caseworker_id] if state.caseworker_id else []
            ),
        )

    @router.get("/pathways/{pathway_id}/commands/{kind}")
    async def command_page(
        accounts: AccountsDep,
        partners: PartnersDep,
        store: StoreDep,
        request: Request,
        pathway_id: str,
        kind: str,
        account: PageAccount,
    ) -> Response:
        """One command's form on its own page (or, for htmx, just the form)."""
        purpose = page_purpose(request, account)
        state, offered = await _offered(store, account, pathway_id, kind)
        await record_read(request, account, pathway_id, "command_form", purpose, Channel.PAGE)
        data = dict(request.query_params)
        caseworkers = await caseworkers_for(accounts, state)
        contacts = await contact_choices(partners, account, state, [kind])
        command = command_form(state, kind, data, caseworkers, contacts)
        return_to = safe_next(data["return_to"]) if "return_to" in data else None
        view = action_view(request, pathway_id, command, return_to=return_to)
        return _command_page(request, pathway_id, state, view, offered)

    @router.get("/pathways/{pathway_id}/commands/{kind}/row")
    async def list_row(
        store: StoreDep, request: Request, pathway_id: str, kind: str, account: PageAccount
    ) -> Response:
        """htmx: an empty row for a list of the form ("add another"); nothing, to remove one."""
        state, _ = await _offered(store, account, pathway_id, kind)
        query = request.query_params
        if query.get("remove"):
            return HTMLResponse("")
        command = command_form(state, kind, dict(query))
        return row_fragment(request, command.specs or (), f"form-{kind}", query, _row_url(request))

    @router.post("/pathways/{pathway_id}/commands/{kind}")
    async def send(
        settings: SettingsDep,
        accounts: AccountsDep,
        partners: PartnersDep,
        store: StoreDep,
        pathways: PathwaysDep,
        request: Request,
        pathway_id: str,
        kind: str,
        account: PageAccount,
    ) -> Response:
        """Send the form's command; 303 back when accepted, the form again when not."""
        if kind not in COMMAND_MODELS:
            raise ProblemError("not_found", "no such command", status=404)
        summary = await changeable(store.caseload, account, pathway_id)
        data = form_data(await request.form())
        command_id = data.get("command_id") or None
        known = await command_state(
            pathways, store, summary, settings.reply_timeout, command_id or ""
        )
        state = known.state
        caseworkers = (
            await caseworkers_for(accounts, state) if kind == "reassign_caseworker" else []
        )
        contacts = await contact_choices(partners, account, state, [kind])
        command = command_form(state, kind, data, caseworkers, contacts)
        return_to = safe_next(data["return_to"]) if data.get("return_to") else None

        def again(
            status: int,
            errors: Mapping[str, forms.Message] | None = None,
            refusal: Refusal | None = None,
        ) -> Response:
            view = action_view(
                request,
                pathway_id,
                command,
                data=data,
                errors=errors,
                command_id=command_id,
                refusal=refusal,
                return_to=return_to,
            )
            offered = available_commands(state, account.actor)
            return _command_page(request, pathway_id, state, view, offered, status)

        if command.specs is None:
            return again(422)
        if "_add" in data or "_remove" in data:
            return again(200) if forms.edit_rows(data) else again(422)
        document, renamed = forms.document(command.specs, data)
        if kind == "propose_plan":
            _name_measures(document, state)
        try:
            parsed = COMMAND_ADAPTER.validate_python({"type": kind, **document})
        except ValidationError as error:
            return again(422, forms.field_errors(error, skip=1, renamed=renamed))
        try:
            envelope = build_envelope(parsed, command_id=command_id or "", actor=account.actor)
        except InvalidInput:
            return again(422, refusal=refusal_for(request, "invalid_command"))
        if not known.answered:
            # The workflow did not answer in time: nothing is sent, the form asks to resend.
            return again(503, refusal=refusal_for(request, UNAVAILABLE))
        try:
            await within(
                pathways.send(pathway_id, envelope, recorded=known.records),
                settings.reply_timeout,
                envelope.command_id,
            )
        except CommandRefused as error:
            errors = _refusal_field(command, error)
            return again(422, errors, refusal_for(request, error.code))
        except ProblemError as error:
            if error.code != UNAVAILABLE:
                raise
            return again(503, refusal=refusal_for(request, UNAVAILABLE))
        request.session[FLASH] = kind
        return see_other(return_to or f"/pathways/{pathway_id}", request)

    return router


def _row_url(request: Request) -> str:
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


def _name_measures(document: dict[str, Any], state: PathwayState) -> None:
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


def _refusal_field(command: CommandForm, error: CommandRefused) -> dict[str, forms.Message]:
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
        name = forms.join(prefix, spec.name)
        found.append(name)
        if spec.kind == forms.Kind.OBJECT:
            found.extend(_names(spec.children, name))
    return found


async def _offered(
    store: EventStore, account: Account, pathway_id: str, kind: str
) -> tuple[PathwayState, list[str]]:
    if kind not in COMMAND_MODELS:
        raise ProblemError("not_found", "no such command", status=404)
    await readable(store.caseload, account, pathway_id)
    state = await read_state(store, pathway_id)
    return state, available_commands(state, account.actor)


def _command_page(
    request: Request,
    pathway_id: str,
    state: PathwayState,
    view: ActionView,
    offered: list[str],
    status: int = 200,
) -> Response:
    if request.headers.get("HX-Request") == "true" and status == 200:
        return render(request, "action_body.html", a=view, pathway_id=pathway_id)
    return render(
        request,
        "command.html",
        status_code=status,
        a=view,
        pathway_id=pathway_id,
        state=state,
        available=view.type in offered,
    )
