"""The pathway page and its commands: `/pathways/{id}`, `/pathways/{id}/commands/{type}`.

The page shows the pathway as folded from its events and, as forms, only the commands
`available_commands` offers the reader now. A form posts to its command's URL: accepted,
a 303 back with a flash; refused, the same form again with the reason, status 422.
A pathway outside the reader's scope is the same 404 as an unknown one.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from client.parsing import InvalidInput, build_envelope
from client.pathway import CommandRefused
from domain.affordances import available_commands
from domain.closure import closure_blockers
from domain.commands import COMMAND_ADAPTER
from domain.follow_up import follow_up_opens_at
from domain.obligations import obligations
from domain.state import PathwayState
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from web.access import page_purpose, record_read
from web.dependencies import AccountsDep, PartnersDep, PathwaysDep, SettingsDep, StoreDep
from web.outages import UNAVAILABLE, within
from web.pages import form_input, forms
from web.pages.actions import (
    ActionView,
    Refusal,
    action_view,
    gettext_for,
    refusal_for,
    state_actions,
)
from web.pages.command_labels import progress_label
from web.pages.commands import COMMAND_MODELS, command_form
from web.pages.describe import Describer
from web.pages.documents import may_attach, targets
from web.pages.labels import DOCUMENT_KINDS
from web.pages.partner_links import contact_choices, linked_names
from web.pages.pathway_reads import (
    caseworkers_for,
    command_state,
    duplicate_organisations,
    read_pathway,
    read_state,
)
from web.pages.pathway_view import ERASED_NOTICE, WAYS_OUT, stage_track
from web.pages.people import people_named
from web.pages.posted_forms import (
    FLASH,
    form_data,
    list_row_url,
    name_measures,
    pop_flash,
    refusal_field,
    row_fragment,
)
from web.pages.purpose import purpose_choice
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router, safe_next, see_other
from web.problems import ProblemError
from web.scope import changeable, readable, transferred_away
from web.temporal_ui.links import temporal_link


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
        return row_fragment(
            request, command.specs or (), f"form-{kind}", query, list_row_url(request)
        )

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
            return again(200) if form_input.edit_rows(data) else again(422)
        document, renamed = form_input.document(command.specs, data)
        if kind == "propose_plan":
            name_measures(document, state)
        try:
            parsed = COMMAND_ADAPTER.validate_python({"type": kind, **document})
        except ValidationError as error:
            return again(422, form_input.field_errors(error, skip=1, renamed=renamed))
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
            errors = refusal_field(command, error)
            return again(422, errors, refusal_for(request, error.code))
        except ProblemError as error:
            if error.code != UNAVAILABLE:
                raise
            return again(503, refusal=refusal_for(request, UNAVAILABLE))
        request.session[FLASH] = kind
        return see_other(return_to or f"/pathways/{pathway_id}", request)

    return router


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
