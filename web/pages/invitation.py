"""The page of a partner's one-time link: choose a password, then sign in as the staff do
(the form and its refusals are `web.pages.one_time_link`'s, shared with a password reset).

The one place an invitation is accepted (`activities.accounts.partner_invitations` makes
them). A link unknown, used or expired is refused alike (`invitation_invalid`); a weak
password is refused (`weak_password`) and leaves the link usable; neither changes anything.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from fastapi import APIRouter, Request, Response

from infra.accounts.credentials import hash_password, token_digest
from infra.accounts.invitations import INVITATION_INVALID, InvitationStore, invitation_invalid
from infra.accounts.model import Account, check_password
from infra.accounts.store import AccountStore
from web.dependencies import AccountsDep, InvitationsDep, SettingsDep
from web.i18n import N_
from web.pages.one_time_link import OneTimeLink, to_sign_in
from web.pages.routing import page_router

log = structlog.get_logger("pathways.invitations")

LINK = OneTimeLink(
    path="/invitations",
    prefix="invitation",
    title=N_("Choose your password"),
    button=N_("Set the password"),
)


async def accept_invitation(
    accounts: AccountStore,
    invitations: InvitationStore,
    token: str,
    password: str,
    now: datetime,
) -> Account:
    """Set the password of the account a link invites, and use the link up.

    Raises:
        AccountError: `invitation_invalid`, `weak_password`: nothing changes then.
    """
    digest = token_digest(token)
    account_id = await invitations.invitation_account(digest, now)
    if account_id is None:
        raise invitation_invalid()
    check_password(password, account_id)
    if await invitations.redeem(digest, now) is None:
        raise invitation_invalid()
    return await accounts.update_account(account_id, password_hash=hash_password(password))


def build_invitation_router() -> APIRouter:
    router = page_router()

    @router.get("/invitations/{token}")
    async def invitation_form(
        settings: SettingsDep, invitations: InvitationsDep, request: Request, token: str
    ) -> Response:
        """The form that sets the password, for a link that still serves."""
        account_id = await invitations.invitation_account(
            token_digest(token), settings.auth_clock()
        )
        if account_id is None:
            return LINK.page(request, token, None, INVITATION_INVALID, 404)
        return LINK.page(request, token, account_id, None, 200)

    @router.post("/invitations/{token}")
    async def invitation_submit(
        settings: SettingsDep,
        accounts: AccountsDep,
        invitations: InvitationsDep,
        request: Request,
        token: str,
    ) -> Response:
        """Set the password; then on to the sign-in form."""
        now = settings.auth_clock()
        account_id = await invitations.invitation_account(token_digest(token), now)

        async def accept(password: str) -> Account:
            return await accept_invitation(accounts, invitations, token, password, now)

        account = await LINK.set_password(request, token, account_id, accept)
        if isinstance(account, Response):
            return account
        log.info("invitation_accepted", account_id=account.id)
        return to_sign_in(request)

    return router
