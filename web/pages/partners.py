"""`/partners`: partner organisations and their contacts, as pages.

A supervisor registers their organisation's partners, edits them, adds, edits and removes
contacts, the coordinator those of the organisation it chooses; caseworkers and auditors
read (the menu shows the page to those four roles). Everything goes through the partner registry
(`activities.partners.registry`), as the API and the CLI do: a refused form is shown again
with the error next to its field (422) and stores nothing; a partner outside the reader's scope is
"no such partner" (404), as an unknown one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from domain.partners.access import MANAGE
from domain.partners.errors import (
    CONTACT_LINKED,
    INVALID_CONTACT,
    INVALID_PARTNER,
    PARTNER_ORGANISATION_NOT_FOUND,
    PartnerError,
)
from domain.partners.model import ContactRole, PartnerKind
from infra.accounts.model import Account
from web.dependencies import AccountsDep, PartnerInviterDep, PartnersDep, SettingsDep
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError

PARTNERS_PATH = "/partners"
PARTNER_FIELDS = ("name", "kind", "organisation_id", "address", "city", "fiscal_code")
EDITABLE_PARTNER_FIELDS = ("name", "kind", "address", "city", "fiscal_code")
CONTACT_FIELDS = ("name", "role", "email", "phone")

FIELD_ERRORS: Mapping[tuple[str, str | None], str] = {
    (INVALID_PARTNER, "name"): N_("Enter a name of up to 200 characters."),
    (INVALID_PARTNER, "kind"): N_("Choose one of the kinds."),
    (INVALID_PARTNER, "address"): N_("Enter an address of up to 200 characters."),
    (INVALID_PARTNER, "city"): N_("Enter a town of up to 200 characters."),
    (INVALID_PARTNER, "fiscal_code"): N_(
        "Give a VAT number of 11 digits (IT may come first) or a fiscal code of 16 characters."
    ),
    (PARTNER_ORGANISATION_NOT_FOUND, "organisation_id"): N_(
        "Choose the organisation the partner works with."
    ),
    (INVALID_CONTACT, "name"): N_("Enter a name of up to 200 characters."),
    (INVALID_CONTACT, "role"): N_("Choose one of the roles."),
    (INVALID_CONTACT, "email"): N_("This is not an e-mail address."),
    (INVALID_CONTACT, "phone"): N_("Give a phone number of digits, spaces and a leading +."),
}
"""What the form says next to a field, by error code and field."""
FORM_ERROR = N_("The form could not be saved: check the fields.")
NO_EMAIL = N_("The contact has no e-mail address: add one before inviting (invalid_contact).")
CONTACT_LINKED_MESSAGE = N_(
    "The contact is still linked to a measure: the caseworker unlinks it first (contact_linked)."
)
CHANGE_LABELS: Mapping[str, str] = {
    "registered": N_("Registered"),
    "edited": N_("Details changed"),
    "contact_added": N_("Contact added"),
    "contact_edited": N_("Contact changed"),
    "contact_removed": N_("Contact removed"),
}


def _form_fields(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: value if isinstance(value := form.get(name), str) else "" for name in names}


def _refusal(error: PartnerError) -> ProblemError:
    """A refusal that is no form's fault, as the page of its code."""
    return ProblemError(error.code, error.detail, error.field)


def _field_error(error: PartnerError) -> dict[str, str]:
    message = FIELD_ERRORS.get((error.code, error.field))
    return {error.field: message} if message and error.field else {"form": FORM_ERROR}


def _may_manage(account: Account) -> bool:
    return account.role in MANAGE


def build_partners_router() -> APIRouter:
    router = page_router()

    async def list_page(
        request: Request,
        account: Account,
        partners: PartnersDep,
        accounts: AccountsDep,
        *,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        try:
            listed = await partners.list_partners(account)
        except PartnerError as err:
            raise _refusal(err) from None
        defaults: dict[str, Any] = {
            "partners": listed,
            "kinds": tuple(PartnerKind),
            "may_manage": _may_manage(account),
            "organisations": await accounts.list_organisations(),
            "form": {},
            "errors": {},
        }
        return render(request, "partners.html", status_code=status_code, **{**defaults, **context})

    async def detail_page(
        request: Request,
        account: Account,
        partners: PartnersDep,
        partner_id: str,
        *,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        try:
            partner = await partners.get(account, partner_id)
            changes = await partners.changes(account, partner_id)
        except PartnerError as err:
            raise _refusal(err) from None
        defaults: dict[str, Any] = {
            "partner": partner,
            "changes": changes,
            "roles": tuple(ContactRole),
            "change_labels": CHANGE_LABELS,
            "may_manage": _may_manage(account),
            "form": {},
            "errors": {},
            "invited": None,
            "invite_error": None,
            "kinds": tuple(PartnerKind),
            "partner_error": None,
            "contact_error": None,
        }
        return render(
            request,
            "partner.html",
            status_code=status_code,
            headers={"Cache-Control": "no-store"},
            **{**defaults, **context},
        )

    @router.get(PARTNERS_PATH)
    async def partners_list(
        request: Request, account: PageAccount, partners: PartnersDep, accounts: AccountsDep
    ) -> Response:
        """The partners the reader may see, and the form that registers one."""
        return await list_page(request, account, partners, accounts)

    @router.post(PARTNERS_PATH)
    async def register(
        request: Request, account: PageAccount, partners: PartnersDep, accounts: AccountsDep
    ) -> Response:
        fields = _form_fields(await request.form(), PARTNER_FIELDS)
        details = {k: v for k, v in fields.items() if k != "organisation_id"}
        try:
            partner = await partners.register(account, details, fields["organisation_id"])
        except PartnerError as err:
            if err.code not in (INVALID_PARTNER, PARTNER_ORGANISATION_NOT_FOUND):
                raise _refusal(err) from None
            return await list_page(
                request,
                account,
                partners,
                accounts,
                status_code=422,
                form=fields,
                errors=_field_error(err),
            )
        log.info("partner_registered", partner_id=partner.id, by=account.id)
        return see_other(f"{PARTNERS_PATH}/{partner.id}", request)

    @router.get(PARTNERS_PATH + "/{partner_id}")
    async def partner_detail(
        request: Request, account: PageAccount, partners: PartnersDep, partner_id: str
    ) -> Response:
        """A partner, its contacts, who changed it, and the form that adds a contact."""
        return await detail_page(request, account, partners, partner_id)

    @router.post(PARTNERS_PATH + "/{partner_id}/contacts")
    async def add_contact(
        request: Request, account: PageAccount, partners: PartnersDep, partner_id: str
    ) -> Response:
        fields = _form_fields(await request.form(), CONTACT_FIELDS)
        try:
            contact = await partners.add_contact(account, partner_id, fields)
        except PartnerError as err:
            if err.code != INVALID_CONTACT:
                raise _refusal(err) from None
            return await detail_page(
                request,
                account,
                partners,
                partner_id,
                status_code=422,
                form=fields,
                errors=_field_error(err),
            )
        log.info("partner_contact_added", partner_id=partner_id, contact_id=contact.id)
        return see_other(f"{PARTNERS_PATH}/{partner_id}#contacts", request)

    @router.post(PARTNERS_PATH + "/{partner_id}/edit")
    async def edit(
        request: Request, account: PageAccount, partners: PartnersDep, partner_id: str
    ) -> Response:
        """Change the partner's details, as registering checks them."""
        fields = _form_fields(await request.form(), EDITABLE_PARTNER_FIELDS)
        try:
            await partners.edit(account, partner_id, fields)
        except PartnerError as err:
            if err.code != INVALID_PARTNER:
                raise _refusal(err) from None
            message = _field_error(err)
            return await detail_page(
                request,
                account,
                partners,
                partner_id,
                status_code=422,
                partner_error=next(iter(message.values())),
            )
        log.info("partner_edited", partner_id=partner_id, by=account.id)
        return see_other(f"{PARTNERS_PATH}/{partner_id}", request)

    @router.post(PARTNERS_PATH + "/{partner_id}/contacts/{contact_id}")
    async def edit_contact(
        request: Request,
        account: PageAccount,
        partners: PartnersDep,
        partner_id: str,
        contact_id: str,
    ) -> Response:
        """Change a contact's details, as adding one checks them."""
        fields = _form_fields(await request.form(), CONTACT_FIELDS)
        try:
            await partners.edit_contact(account, partner_id, contact_id, fields)
        except PartnerError as err:
            if err.code != INVALID_CONTACT:
                raise _refusal(err) from None
            message = next(iter(_field_error(err).values()))
            return await detail_page(
                request,
                account,
                partners,
                partner_id,
                status_code=422,
                contact_error=(contact_id, message),
            )
        log.info("partner_contact_edited", partner_id=partner_id, contact_id=contact_id)
        return see_other(f"{PARTNERS_PATH}/{partner_id}#{contact_id}", request)

    @router.post(PARTNERS_PATH + "/{partner_id}/contacts/{contact_id}/remove")
    async def remove_contact(
        request: Request,
        account: PageAccount,
        partners: PartnersDep,
        partner_id: str,
        contact_id: str,
    ) -> Response:
        """Remove a contact; refused while it is linked to a measure (the page, 409)."""
        try:
            await partners.remove_contact(account, partner_id, contact_id)
        except PartnerError as err:
            if err.code != CONTACT_LINKED:
                raise _refusal(err) from None
            return await detail_page(
                request,
                account,
                partners,
                partner_id,
                status_code=409,
                contact_error=(contact_id, CONTACT_LINKED_MESSAGE),
            )
        log.info("partner_contact_removed", partner_id=partner_id, contact_id=contact_id)
        return see_other(f"{PARTNERS_PATH}/{partner_id}#contacts", request)

    @router.post(PARTNERS_PATH + "/{partner_id}/contacts/{contact_id}/invitation")
    async def invite(
        request: Request,
        account: PageAccount,
        partners: PartnersDep,
        inviter: PartnerInviterDep,
        settings: SettingsDep,
        partner_id: str,
        contact_id: str,
    ) -> Response:
        """Invite the contact to a partner account: the page again, with the link made."""
        try:
            made = await inviter.invite(account, contact_id, settings.auth_clock(), partner_id)
        except PartnerError as err:
            if err.code != INVALID_CONTACT:
                raise _refusal(err) from None
            return await detail_page(
                request,
                account,
                partners,
                partner_id,
                status_code=422,
                invite_error=(contact_id, NO_EMAIL),
            )
        log.info("partner_invited", contact_id=contact_id, account_id=made.account.id)
        return await detail_page(request, account, partners, partner_id, invited=made)

    return router
