"""`/pathways/new`: open a pathway, as the API does, from a form.

The organisation is the reader's own (for the coordinator, the chosen caseworker's); a
caseworker opens for their own caseload, a supervisor or the coordinator chooses the
caseworker; the deadline policy is the server's. The pathway id is derived from the
form's command id, so a form sent twice opens one pathway.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from client.parsing import InvalidInput, build_envelope, opening_document
from client.pathway import CommandRefused
from domain.commands import COMMAND_ADAPTER, OpenPathway
from domain.values import Role
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from web import dependencies
from web.dependencies import PathwaysDep, SettingsDep
from web.outages import UNAVAILABLE, within
from web.pages import form_input, forms, widgets
from web.pages.actions import Refusal, gettext_for, new_command_id, refusal_for
from web.pages.command_labels import TITLES
from web.pages.commands import opening_specs
from web.pages.form_labels import VALIDATION_MESSAGES, field_label
from web.pages.forms import FieldSpec, Kind
from web.pages.posted_forms import FLASH, form_data, row_fragment
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router, see_other
from web.problems import ProblemError
from web.scope import FORBIDDEN, may_open_in

NEW_PATH = "/pathways/new"
OPENERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
FORM_ID = "form-open_pathway"


async def eligible_caseworkers(accounts: AccountStore, account: Account) -> list[Account]:
    """Whom the reader may open a pathway for."""
    if account.role == Role.CASEWORKER:
        return [account]
    scope = None if account.role == Role.COORDINATOR else account.organisation_id
    people = await accounts.list_accounts(scope)
    return [a for a in people if a.role == Role.CASEWORKER and a.active]


async def organisation_names(accounts: AccountStore) -> dict[str, str]:
    return {o.id: o.name for o in await accounts.list_organisations()}


def caseworker_spec(
    account: Account, people: list[Account], names: Mapping[str, str]
) -> FieldSpec | None:
    """The caseworker select of a supervisor or the coordinator; none for a caseworker."""
    if account.role == Role.CASEWORKER:
        return None
    options = tuple(
        (
            p.id,
            p.display_name
            if account.role != Role.COORDINATOR
            else f"{p.display_name} · {names.get(p.organisation_id or '', p.organisation_id)}",
        )
        for p in people
    )
    label = field_label("OpenPathway", "caseworker_id")
    return FieldSpec("caseworker_id", Kind.CHOICE, label, options=options)


def build_opening_router() -> APIRouter:
    router = page_router()

    async def context(
        request: Request, account: Account
    ) -> tuple[tuple[FieldSpec, ...], list[Account], dict[str, str]]:
        if account.role not in OPENERS:
            raise ProblemError(FORBIDDEN, f"a {account.role} does not open pathways", status=403)
        accounts = dependencies.account_store(request)
        people = await eligible_caseworkers(accounts, account)
        names = await organisation_names(accounts)
        return opening_specs(caseworker_spec(account, people, names)), people, names

    def page(
        request: Request,
        account: Account,
        specs: tuple[FieldSpec, ...],
        names: Mapping[str, str],
        data: Mapping[str, str],
        *,
        command_id: str,
        errors: Mapping[str, forms.Message] | None = None,
        refusal: Refusal | None = None,
        status: int = 200,
    ) -> Response:
        form = widgets.widgets(
            specs,
            data,
            errors or {},
            gettext_for(request),
            form_id=FORM_ID,
            language=language_of(request),
        )
        return render(
            request,
            "new_pathway.html",
            status_code=status,
            form=form,
            command_id=command_id,
            refusal=refusal,
            organisation=names.get(account.organisation_id or "")
            if account.organisation_id
            else None,
            title=TITLES["open_pathway"],
            row_url=f"{NEW_PATH}/row",
        )

    @router.get(NEW_PATH)
    async def new_pathway(request: Request, account: PageAccount) -> Response:
        """The opening form."""
        specs, _, names = await context(request, account)
        return page(
            request, account, specs, names, form_input.defaults(specs), command_id=new_command_id()
        )

    @router.get(f"{NEW_PATH}/row")
    async def new_pathway_row(request: Request, account: PageAccount) -> Response:
        """htmx: an empty row (a minor of the household)."""
        specs, _, _ = await context(request, account)
        if request.query_params.get("remove"):
            return Response("", media_type="text/html")
        return row_fragment(request, specs, FORM_ID, request.query_params, f"{NEW_PATH}/row")

    @router.post(NEW_PATH)
    async def open_pathway(
        settings: SettingsDep, pathways: PathwaysDep, request: Request, account: PageAccount
    ) -> Response:
        """Open the pathway; 303 to its page, or the form again with what is wrong."""
        specs, people, names = await context(request, account)
        data = form_data(await request.form())
        command_id = data.get("command_id") or new_command_id()

        def again(
            status: int,
            errors: Mapping[str, forms.Message] | None = None,
            refusal: Refusal | None = None,
        ) -> Response:
            return page(
                request,
                account,
                specs,
                names,
                data,
                command_id=command_id,
                errors=errors,
                refusal=refusal,
                status=status,
            )

        if "_add" in data or "_remove" in data:
            return again(200 if form_input.edit_rows(data) else 422)
        document, renamed = form_input.document(specs, data)
        caseworker = (
            account
            if account.role == Role.CASEWORKER
            else next((p for p in people if p.id == document.get("caseworker_id")), None)
        )
        errors: dict[str, forms.Message] = {}
        if caseworker is None and document.get("caseworker_id"):
            errors["caseworker_id"] = forms.Message(VALIDATION_MESSAGES["enum"])
        if caseworker is not None:
            document["caseworker_id"] = caseworker.id
            document["organisation_id"] = caseworker.organisation_id or ""
        try:
            opening = opening_document({"type": "open_pathway", **document}, command_id)
            command = COMMAND_ADAPTER.validate_python(opening)
        except ValidationError as error:
            return again(422, {**form_input.field_errors(error, skip=1, renamed=renamed), **errors})
        except InvalidInput:
            return again(422, errors, refusal_for(request, "invalid_command"))
        if errors:
            return again(422, errors)
        assert isinstance(command, OpenPathway)
        if not may_open_in(account, command.organisation_id):
            return again(422, {"caseworker_id": forms.Message(VALIDATION_MESSAGES["enum"])})
        try:
            envelope = build_envelope(
                command.model_copy(update={"policy": settings.policy}),
                command_id=command_id,
                actor=account.actor,
            )
            await within(pathways.open(envelope), settings.reply_timeout, command_id)
        except InvalidInput:
            return again(422, refusal=refusal_for(request, "invalid_command"))
        except CommandRefused as error:
            return again(422, refusal=refusal_for(request, error.code))
        except ProblemError as error:
            if error.code != UNAVAILABLE:
                raise
            return again(503, refusal=refusal_for(request, UNAVAILABLE))
        request.session[FLASH] = "open_pathway"
        return see_other(f"/pathways/{command.pathway_id}", request)

    return router
