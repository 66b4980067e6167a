"""`/api/v1/partners`: partner organisations and their contacts.

Supervisors register and edit their organisation's partners, the coordinator those of the
organisation it names; caseworkers read their organisation's, auditors every one; admins
none. The rules are the partner registry's (`activities.partners.registry`, named by the
`infra.partners.base` protocol), as for the pages and the CLI. A body of the wrong shape is
`invalid_command`, like every body of the API; details that break a partner's rules are
`invalid_partner` or `invalid_contact` with the field; a partner outside the caller's scope is
`partner_not_found` (404), as an unknown one.

The same roles edit a contact (`PUT .../contacts/{contact_id}`) and remove one
(`DELETE`): refused while it is linked to a measure (`contact_linked`, 409); its partner
account is deactivated.

A supervisor (for their organisation's partners) or the coordinator invites a contact with
an e-mail address to a partner account (`POST .../contacts/{contact_id}/invitation`), by the
rules and codes of `pathways partner invite` (`infra.accounts.invitations.PartnerInviter`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, status
from pydantic import BaseModel, Field

from domain.partners.model import Contact, Partner, PartnerChange
from web.auth import CurrentAccount
from web.dependencies import PartnerInviterDep, PartnersDep, SettingsDep
from web.problems import PROBLEM_RESPONSES

KINDS = "host_company, training_provider, host_family, school, association or other_service"
ROLES = "tutor, teacher, host_parent, referent or other"


class PartnerBody(BaseModel):
    """A partner's details as sent; the registry checks them (`invalid_partner`)."""

    name: str
    kind: str = Field(description=KINDS)
    address: str | None = None
    city: str | None = None
    fiscal_code: str | None = Field(
        default=None, description="VAT number (11 digits, optionally IT) or fiscal code"
    )


class NewPartnerBody(PartnerBody):
    """A partner to register; the coordinator names the managing organisation."""

    organisation_id: str | None = Field(
        default=None, description="Required of the coordinator; a supervisor's is their own"
    )


class ContactBody(BaseModel):
    """A contact as sent; the registry checks it (`invalid_contact`)."""

    name: str
    role: str = Field(description=ROLES)
    email: str | None = None
    phone: str | None = None


class PartnerView(Partner):
    """A partner with its contacts and who changed it, oldest first."""

    changes: tuple[PartnerChange, ...] = ()


class InvitationView(BaseModel):
    """An invitation made: whose account, the one-time link, until when, whether it was mailed.

    The link is shown to the inviter as `pathways partner invite` prints it, to give by hand
    when the mail does not leave; only its digest is stored."""

    account_id: str
    email: str | None
    link: str
    expires_at: datetime
    mailed: bool


def build_partners_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/partners", responses=PROBLEM_RESPONSES, tags=["partners"])

    @router.get("", response_model=list[Partner], summary="The partners you may read")
    async def list_partners(account: CurrentAccount, partners: PartnersDep) -> list[Partner]:
        """By organisation and name, without their contacts."""
        return await partners.list_partners(account)

    @router.post(
        "",
        response_model=Partner,
        status_code=status.HTTP_201_CREATED,
        summary="Register a partner (supervisor, coordinator)",
    )
    async def register(
        account: CurrentAccount, body: Annotated[NewPartnerBody, Body()], partners: PartnersDep
    ) -> Partner:
        details = body.model_dump(exclude={"organisation_id"})
        return await partners.register(account, details, body.organisation_id)

    @router.get("/{partner_id}", response_model=PartnerView, summary="A partner and its contacts")
    async def show(account: CurrentAccount, partner_id: str, partners: PartnersDep) -> PartnerView:
        partner = await partners.get(account, partner_id)
        changes = await partners.changes(account, partner_id)
        return PartnerView(**partner.model_dump(), changes=tuple(changes))

    @router.put("/{partner_id}", response_model=Partner, summary="Replace a partner's details")
    async def edit(
        account: CurrentAccount,
        partner_id: str,
        body: Annotated[PartnerBody, Body()],
        partners: PartnersDep,
    ) -> Partner:
        return await partners.edit(account, partner_id, body.model_dump())

    @router.post(
        "/{partner_id}/contacts",
        response_model=Contact,
        status_code=status.HTTP_201_CREATED,
        summary="Add a contact to a partner",
    )
    async def add_contact(
        account: CurrentAccount,
        partner_id: str,
        body: Annotated[ContactBody, Body()],
        partners: PartnersDep,
    ) -> Contact:
        return await partners.add_contact(account, partner_id, body.model_dump())

    @router.put(
        "/{partner_id}/contacts/{contact_id}",
        response_model=Contact,
        summary="Replace a contact's details",
    )
    async def edit_contact(
        account: CurrentAccount,
        partner_id: str,
        contact_id: str,
        body: Annotated[ContactBody, Body()],
        partners: PartnersDep,
    ) -> Contact:
        """As adding one checks it; a removed contact is `contact_not_found` (404)."""
        return await partners.edit_contact(account, partner_id, contact_id, body.model_dump())

    @router.delete(
        "/{partner_id}/contacts/{contact_id}",
        response_model=Contact,
        summary="Remove a contact (its partner account is deactivated)",
    )
    async def remove_contact(
        account: CurrentAccount, partner_id: str, contact_id: str, partners: PartnersDep
    ) -> Contact:
        """Refused with `contact_linked` (409) while it is linked to a measure."""
        return await partners.remove_contact(account, partner_id, contact_id)

    @router.post(
        "/{partner_id}/contacts/{contact_id}/invitation",
        response_model=InvitationView,
        status_code=status.HTTP_201_CREATED,
        summary="Invite a contact to a partner account",
    )
    async def invite(
        account: CurrentAccount,
        partner_id: str,
        contact_id: str,
        inviter: PartnerInviterDep,
        settings: SettingsDep,
    ) -> InvitationView:
        made = await inviter.invite(account, contact_id, settings.auth_clock(), partner_id)
        return InvitationView(
            account_id=made.account.id,
            email=made.account.email,
            link=made.link,
            expires_at=made.expires_at,
            mailed=made.mailed,
        )

    return router
