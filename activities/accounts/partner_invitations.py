"""Inviting a partner contact to an account of its own, and accepting the invitation.

A supervisor (for their organisation's partners) or the coordinator invites a contact that
has an e-mail address: the contact gets a partner account bound to it (role `partner`, no
password yet) and a one-time link, sent by mail, where they set a password; then they sign
in as the staff do. Inviting again sends a new link (the old ones still expire on their
own). Every refusal has a stable code and stores nothing. The link is accepted on its page
(`web.pages.invitation`), the one place it can be.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.message import EmailMessage

from domain.partners.access import check_may_edit
from domain.partners.errors import INVALID_CONTACT, PartnerError
from domain.values import Role
from infra.accounts.credentials import new_token, token_digest
from infra.accounts.invitations import INVITATION_VALID_FOR, Invitation, InvitationStore
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from infra.partners.base import PartnerRegistry

INVITATION_PATH = "/invitations/"


Mail = Callable[[EmailMessage], Awaitable[bool]]
"""Sends one message; whether it left (the root's SMTP transport, or a test's outbox)."""


def partner_account_id(contact_id: str) -> str:
    """The id a contact's partner account signs in with: from its contact's, one per contact."""
    return f"partner-{contact_id.removeprefix('contact-')}"


async def invite_partner(
    accounts: AccountStore,
    partners: PartnerRegistry,
    invitations: InvitationStore,
    inviter: Account,
    contact_id: str,
    base_url: str,
    now: datetime,
    partner_id: str | None = None,
) -> Invitation:
    """Make (or find) the contact's partner account and a one-time link for it.

    Args:
        partner_id: the partner the contact must be of, when the request names one.

    Raises:
        PartnerError: `partner_not_found` (no such contact in the inviter's scope, or not
            of `partner_id`),
            `partner_forbidden` (a role that does not manage partners), `invalid_contact`
            (the contact has no e-mail address). Nothing is stored then.
    """
    linked = await partners.linked_contact(contact_id)
    if linked is None or partner_id not in (None, linked.partner_id):
        raise PartnerError("partner_not_found", f"no contact {contact_id!r}", "contact_id")
    check_may_edit(inviter.role, inviter.organisation_id, linked.organisation_id)
    partner = await partners.get(inviter, linked.partner_id)
    contact = next(c for c in partner.contacts if c.id == contact_id)
    if contact.email is None:
        raise PartnerError(INVALID_CONTACT, "the contact has no e-mail address", "email")
    account = await _account_of(accounts, contact_id, linked.organisation_id)
    if account is None:
        account = await accounts.create_account(
            Account(
                id=partner_account_id(contact_id),
                display_name=contact.name,
                role=Role.PARTNER,
                organisation_id=linked.organisation_id,
                email=contact.email,
                contact_id=contact_id,
            ),
            None,
        )
    token = new_token()
    expires_at = now + INVITATION_VALID_FOR
    await invitations.add_invitation(account.id, token_digest(token), now, expires_at)
    return Invitation(account, f"{base_url.rstrip('/')}{INVITATION_PATH}{token}", expires_at)


@dataclasses.dataclass(frozen=True)
class PartnerInvitations:
    """The inviter the pages and the API use (`infra.accounts.invitations.PartnerInviter`):
    `invite_partner`, then the link by mail when a way to send one is given."""

    accounts: AccountStore
    partners: PartnerRegistry
    invitations: InvitationStore
    base_url: str
    from_address: str
    mail: Mail | None = None

    async def invite(
        self, inviter: Account, contact_id: str, now: datetime, partner_id: str | None = None
    ) -> Invitation:
        invitation = await invite_partner(
            self.accounts,
            self.partners,
            self.invitations,
            inviter,
            contact_id,
            self.base_url,
            now,
            partner_id,
        )
        if self.mail is None:
            return invitation
        mailed = await self.mail(invitation_message(invitation, self.from_address))
        return dataclasses.replace(invitation, mailed=mailed)


async def _account_of(
    accounts: AccountStore, contact_id: str, organisation_id: str
) -> Account | None:
    for account in await accounts.list_accounts(organisation_id):
        if account.contact_id == contact_id:
            return account
    return None


def invitation_message(invitation: Invitation, from_address: str) -> EmailMessage:
    """The mail that carries the link, in Italian and English like the pages."""
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = invitation.account.email or ""
    message["Subject"] = "Pathways: il tuo accesso / your access"
    until = f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC"
    message.set_content(
        f"Buongiorno {invitation.account.display_name},\n\n"
        "sei stato invitato a seguire le misure a cui partecipi. Scegli una password qui"
        f" (il link vale una volta, fino al {until}):\n\n{invitation.link}\n\n"
        f"Your user id: {invitation.account.id}\n\n"
        "You are invited to follow the measures you take part in. Choose a password here"
        f" (the link works once, until {until}):\n\n{invitation.link}\n"
    )
    return message
