"""`/admin`: organisations and accounts, for the admin role only; `/team` for supervisors.

Accounts are created through `activities.accounts.service.create_account`, the same rules as
`pathways user create` and the API: a refused form shows the error next to its field and
stores nothing. A new API token is shown once, on the answer to the form that issued it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from domain.values import Role
from infra.accounts.model import SCOPED_ROLES, Account, AccountError, Organisation
from web import dependencies
from web.dependencies import AccountsDep, AccountServiceDep, SettingsDep
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError
from web.scope import FORBIDDEN

ADMIN_PATH = "/admin"
TEAM_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR})
ACCOUNT_FIELDS = ("id", "display_name", "role", "organisation_id", "email", "language")
PEOPLE_ROLES = tuple(role for role in Role if role not in (Role.SYSTEM, Role.PARTNER))
"""The roles the admin gives staff accounts; a partner's account is its contact's, invited."""

FIELD_ERRORS: Mapping[tuple[str, str | None], str] = {
    ("invalid_account", "id"): N_(
        "Use up to 64 letters, digits and . _ : @ -, starting with a letter or a digit."
    ),
    ("invalid_account", "display_name"): N_("Enter a name of up to 120 characters."),
    ("invalid_account", "role"): N_("Choose one of the roles."),
    ("invalid_account", "organisation_id"): N_(
        "Caseworkers and supervisors belong to an organisation: choose one."
    ),
    ("invalid_account", "email"): N_("This is not an e-mail address."),
    ("invalid_account", "language"): N_("Choose Italian or English."),
    ("weak_password", "password"): N_("Use at least 12 varied characters, and not the user id."),
    ("account_exists", "id"): N_("An account with this id already exists."),
    ("organisation_not_found", "organisation_id"): N_("There is no such organisation."),
    ("invalid_organisation", "id"): N_(
        "Use up to 64 letters, digits and . _ : @ -, starting with a letter or a digit."
    ),
    ("invalid_organisation", "name"): N_("Enter a name of up to 200 characters."),
    ("organisation_exists", "id"): N_("An organisation with this id already exists."),
}
"""What the form says next to a field, by error code and field."""
FORM_ERROR = N_("The form could not be saved: check the fields.")
SELF_DEACTIVATION = N_("You cannot deactivate your own account.")


def _admin(account: Account) -> None:
    if account.role != Role.ADMIN:
        log.warning("access_denied", account_id=account.id, action="admin")
        raise ProblemError(FORBIDDEN, "only an admin manages accounts", status=403)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _page(request: Request, *, status_code: int = 200, **context: Any) -> Response:
    accounts = dependencies.account_store(request)
    defaults: dict[str, Any] = {
        "organisations": await accounts.list_organisations(),
        "people": await accounts.list_accounts(),
        "roles": PEOPLE_ROLES,
        "organisation_form": {},
        "organisation_errors": {},
        "account_form": {"language": "it"},
        "account_errors": {},
        "message": None,
        "new_token": None,
    }
    return render(
        request,
        "admin.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        **{**defaults, **context},
    )


def _field_error(error: AccountError, fields: Mapping[str, str]) -> tuple[str, str]:
    """The form field an account error belongs to, and what to say there."""
    field = error.field
    if field is None and error.code == "invalid_account":
        # The only whole-account rule: a caseworker or supervisor needs an organisation.
        scoped = fields.get("role") in {r.value for r in SCOPED_ROLES}
        field = "organisation_id" if scoped and not fields.get("organisation_id") else None
    message = FIELD_ERRORS.get((error.code, field), FORM_ERROR)
    return field or "form", message


def build_admin_router() -> APIRouter:
    router = page_router()

    @router.get(ADMIN_PATH)
    async def admin(request: Request, account: PageAccount) -> Response:
        """Organisations and accounts, with the forms that add them."""
        _admin(account)
        return await _page(request)

    @router.post(ADMIN_PATH + "/organisations")
    async def add_organisation(
        accounts: AccountsDep, request: Request, account: PageAccount
    ) -> Response:
        _admin(account)
        form = await request.form()
        fields = {"id": _text(form, "id"), "name": _text(form, "name")}
        try:
            organisation = Organisation.model_validate(fields)
            await accounts.create_organisation(organisation)
        except ValidationError as err:
            field = str(err.errors(include_url=False)[0]["loc"][0])
            message = FIELD_ERRORS[("invalid_organisation", field)]
            return await _page(
                request,
                status_code=422,
                organisation_form=fields,
                organisation_errors={field: message},
            )
        except AccountError as err:
            field, message = _field_error(err, fields)
            return await _page(
                request,
                status_code=409 if err.code == "organisation_exists" else 422,
                organisation_form=fields,
                organisation_errors={field: message},
            )
        log.info("organisation_created", organisation_id=organisation.id, by=account.id)
        return see_other(ADMIN_PATH + "#organisations", request)

    @router.post(ADMIN_PATH + "/accounts")
    async def add_account(
        service: AccountServiceDep, request: Request, account: PageAccount
    ) -> Response:
        _admin(account)
        form = await request.form()
        fields = {name: _text(form, name) for name in ACCOUNT_FIELDS}
        password = form.get("password")
        given: dict[str, object] = {k: v for k, v in fields.items() if v}
        try:
            created = await service.create_account(
                given,
                password if isinstance(password, str) and password else None,
            )
        except AccountError as err:
            field, message = _field_error(err, fields)
            return await _page(
                request,
                status_code=409 if err.code == "account_exists" else 422,
                account_form=fields,
                account_errors={field: message},
            )
        log.info("account_created", new_account_id=created.id, role=created.role, by=account.id)
        return see_other(ADMIN_PATH + "#accounts", request)

    @router.post(ADMIN_PATH + "/accounts/{account_id}/deactivate")
    async def deactivate_account(
        service: AccountServiceDep, request: Request, account_id: str, account: PageAccount
    ) -> Response:
        """Stop the account from signing in and revoke its API tokens."""
        _admin(account)
        if account_id == account.id:
            return await _page(request, status_code=422, message=SELF_DEACTIVATION)
        try:
            revoked = await service.deactivate(account_id)
        except AccountError:
            raise ProblemError("account_not_found", "no such account") from None
        log.info("account_deactivated", target=account_id, tokens_revoked=revoked, by=account.id)
        return see_other(ADMIN_PATH + "#accounts", request)

    @router.post(ADMIN_PATH + "/accounts/{account_id}/token")
    async def new_token(
        service: AccountServiceDep,
        settings: SettingsDep,
        request: Request,
        account_id: str,
        account: PageAccount,
    ) -> Response:
        """A new API token for the account, shown on this answer only."""
        _admin(account)
        try:
            token = await service.issue_token(
                account_id,
                f"issued by {account.id}",
                settings.clock(),
            )
        except AccountError as err:
            if err.code == "account_not_found":
                raise ProblemError("account_not_found", "no such account") from None
            return await _page(request, status_code=422, message=FORM_ERROR)
        log.info("token_issued", target=account_id, by=account.id)
        return await _page(request, new_token={"account_id": account_id, "token": token})

    @router.get("/team")
    async def team(accounts: AccountsDep, request: Request, account: PageAccount) -> Response:
        """The people of my organisation (a supervisor), or of the project; read only."""
        if account.role not in TEAM_ROLES:
            raise ProblemError(FORBIDDEN, "only supervisors see their team", status=403)
        organisation = account.organisation_id if account.role == Role.SUPERVISOR else None
        people = await accounts.list_accounts(organisation)
        names = {o.id: o.name for o in await accounts.list_organisations()}
        return render(request, "team.html", people=people, organisation_names=names)

    return router
