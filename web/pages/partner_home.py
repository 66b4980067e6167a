"""The pages of a partner account: its assignments, and one page per assignment.

Phone-first (a tutor at a workshop, a teacher in class). A partner sees only the measures
its contact is linked to (the `partner_links` read model, then the pathway's own links, so
a link ended a moment ago hides the measure at once), and of them only an `Assignment`
(`domain.partner_assignment`). Another pathway, or a measure not linked, does not
exist for it (404). Every pathway read is in the access log, with the partner as reader,
a form drawn again with its refusal too. What a partner records there, and as whom, is
`web.pages.partner_records` and `web.partner_actor`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from client.parsing import InvalidInput, build_envelope
from client.pathway import CommandRefused
from domain.commands import COMMAND_ADAPTER
from domain.evolution import fold
from domain.partner_assignment import Assignment, assignments
from domain.state import PathwayState
from domain.stream import stream_id_for
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from web.access import page_purpose, record_read
from web.dependencies import PartnersDep, PathwaysDep, SettingsDep, StoreDep
from web.outages import UNAVAILABLE, within
from web.pages import form_input, forms
from web.pages.actions import ActionView, Refusal, gettext_for, refusal_for
from web.pages.partner_records import (
    RECORD,
    own_records,
    partner_kinds,
    record_form,
    record_view,
    record_views,
)
from web.pages.posted_forms import FLASH, form_data, pop_flash
from web.pages.render import render
from web.pages.routing import PARTNER_HOME_PATH, PartnerPageAccount, page_router, see_other
from web.partner_actor import partner_actor
from web.problems import ProblemError


async def assignments_of(store: EventStore, account: Account) -> list[Assignment]:
    """Every measure the account's contact is linked to, by pathway."""
    assert account.contact_id is not None
    pathway_ids = dict.fromkeys(
        link.pathway_id for link in await store.partner_links.links_of_contact(account.contact_id)
    )
    found: list[Assignment] = []
    for pathway_id in pathway_ids:
        state = fold(await store.read_stream(stream_id_for(pathway_id)))
        found.extend(assignments(state, account.contact_id))
    return found


def build_partner_home_router() -> APIRouter:
    router = page_router()

    @router.get(PARTNER_HOME_PATH)
    async def partner_home(
        store: StoreDep, request: Request, account: PartnerPageAccount
    ) -> Response:
        """The partner's assignments: first name, pathway code, measure and its dates."""
        found = await assignments_of(store, account)
        pathway_ids = list(dict.fromkeys(a.pathway_id for a in found))
        if pathway_ids:
            purpose = page_purpose(request, account)
            await record_read(
                request, account, pathway_ids, "partner_assignments", purpose, Channel.PAGE
            )
        return render(request, "partner_home.html", assignments=found)

    @router.get(PARTNER_HOME_PATH + "/assignments/{pathway_id}/{measure_id}")
    async def partner_assignment(
        store: StoreDep,
        request: Request,
        pathway_id: str,
        measure_id: str,
        account: PartnerPageAccount,
    ) -> Response:
        """One assignment: the measure's schedule, the partner's forms and its records."""
        state, assignment = await assignment_of(store, account, pathway_id, measure_id)
        purpose = page_purpose(request, account)
        await record_read(
            request, account, pathway_id, "partner_assignment", purpose, Channel.PAGE, measure_id
        )
        assert account.contact_id is not None
        views = record_views(request, pathway_id, state, measure_id, account.contact_id)
        return assignment_page(request, state, assignment, account, views)

    @router.post(PARTNER_HOME_PATH + "/assignments/{pathway_id}/{measure_id}/records")
    async def partner_record(
        settings: SettingsDep,
        store: StoreDep,
        partners: PartnersDep,
        pathways: PathwaysDep,
        request: Request,
        pathway_id: str,
        measure_id: str,
        account: PartnerPageAccount,
    ) -> Response:
        """Record one step through the pathway's update, as the account's contact; 303 back
        when accepted, the page with the form and its refusal when not."""
        state, assignment = await assignment_of(store, account, pathway_id, measure_id)
        actor = await partner_actor(partners, account)
        data = form_data(await request.form())
        progress_kind = data.get("progress.kind", "")
        if progress_kind not in partner_kinds(state, measure_id):
            raise ProblemError("not_found", "no such form on this assignment", status=404)
        data["measure_id"] = measure_id  # the page's measure, whatever the form says
        command_id = data.get("command_id") or None
        assert account.contact_id is not None
        contact_id = account.contact_id
        command = record_form(state, measure_id, progress_kind, contact_id)
        assert command.specs is not None

        async def again(
            status: int,
            errors: dict[str, forms.Message] | None = None,
            refusal: Refusal | None = None,
        ) -> Response:
            purpose = page_purpose(request, account)
            await record_read(
                request,
                account,
                pathway_id,
                "partner_assignment",
                purpose,
                Channel.PAGE,
                measure_id,
            )
            failed = record_view(
                request,
                pathway_id,
                command,
                data=data,
                errors=errors,
                command_id=command_id,
                refusal=refusal,
            )
            views = [
                failed if view.form_id == failed.form_id else view
                for view in record_views(request, pathway_id, state, measure_id, contact_id)
            ]
            return assignment_page(request, state, assignment, account, views, status)

        document, renamed = form_input.document(command.specs, data)
        try:
            parsed = COMMAND_ADAPTER.validate_python({"type": RECORD, **document})
        except ValidationError as error:
            return await again(422, form_input.field_errors(error, skip=1, renamed=renamed))
        try:
            envelope = build_envelope(parsed, command_id=command_id or "", actor=actor)
        except InvalidInput:
            return await again(422, refusal=refusal_for(request, "invalid_command"))
        try:
            await within(
                pathways.send(pathway_id, envelope), settings.reply_timeout, envelope.command_id
            )
        except CommandRefused as error:
            return await again(422, refusal=refusal_for(request, error.code))
        except ProblemError as error:
            if error.code != UNAVAILABLE:
                raise
            return await again(503, refusal=refusal_for(request, UNAVAILABLE))
        request.session[FLASH] = RECORD
        return see_other(f"{PARTNER_HOME_PATH}/assignments/{pathway_id}/{measure_id}", request)

    return router


async def assignment_of(
    store: EventStore, account: Account, pathway_id: str, measure_id: str
) -> tuple[PathwayState, Assignment]:
    """The pathway's state and the assignment, if the account's contact is linked to the
    measure (the read model, then the pathway's own links); else `not_found` (404)."""
    assert account.contact_id is not None
    links = await store.partner_links.links_of_contact(account.contact_id)
    if not any((k.pathway_id, k.measure_id) == (pathway_id, measure_id) for k in links):
        raise ProblemError("not_found", "no such assignment", status=404)
    state = fold(await store.read_stream(stream_id_for(pathway_id)))
    assignment = next(
        (a for a in assignments(state, account.contact_id) if a.measure_id == measure_id),
        None,
    )
    if assignment is None:
        raise ProblemError("not_found", "no such assignment", status=404)
    return state, assignment


def assignment_page(
    request: Request,
    state: PathwayState,
    assignment: Assignment,
    account: Account,
    views: list[ActionView],
    status: int = 200,
) -> Response:
    """The assignment's page: its schedule, the record forms, what the contact recorded."""
    assert account.contact_id is not None
    return render(
        request,
        "partner_assignment.html",
        status_code=status,
        assignment=assignment,
        actions=views,
        records=own_records(gettext_for(request), state, assignment.measure_id, account.contact_id),
        flash=pop_flash(request),
    )
