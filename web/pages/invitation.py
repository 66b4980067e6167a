"""The page of a partner's one-time link: choose a password, then sign in as the staff do.

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
from infra.accounts.model import Account, AccountError, check_password
from infra.accounts.store import AccountStore
from web.dependencies import AccountsDep, InvitationsDep, SettingsDep
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import SIGN_IN_PATH, form_csrf_ok, page_router, see_other

log = structlog.get_logger("pathways.invitations")

REFUSALS = {
    INVITATION_INVALID: N_("This link is unknown, already used or expired: ask for a new one."),
    "weak_password": N_("Choose a longer, less common password (at least 12 characters)."),
    "passwords_differ": N_("The two passwords differ."),
    "csrf_failed": N_("The form has expired: open the link again."),
}


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
            return _page(request, token, None, INVITATION_INVALID, 404)
        return _page(request, token, account_id, None, 200)

    @router.post("/invitations/{token}")
    async def invitation_submit(
        settings: SettingsDep,
        accounts: AccountsDep,
        invitations: InvitationsDep,
        request: Request,
        token: str,
    ) -> Response:
        """Set the password; then on to the sign-in form."""
        form = await request.form()
        password, again = form.get("password"), form.get("password_again")
        now = settings.auth_clock()
        account_id = await invitations.invitation_account(token_digest(token), now)
        if not form_csrf_ok(request, form):
            return _page(request, token, account_id, "csrf_failed", 403)
        if not isinstance(password, str) or password != again:
            return _page(request, token, account_id, "passwords_differ", 422)
        try:
            account = await accept_invitation(accounts, invitations, token, password, now)
        except AccountError as refused:
            status = 404 if refused.code == INVITATION_INVALID else 422
            return _page(request, token, account_id, refused.code, status)
        log.info("invitation_accepted", account_id=account.id)
        return see_other(SIGN_IN_PATH, request)

    return router


def _page(
    request: Request, token: str, account_id: str | None, code: str | None, status: int
) -> Response:
    return render(
        request,
        "invitation.html",
        status_code=status,
        token=token,
        account_id=account_id,
        code=code,
        error=REFUSALS.get(code or ""),
    )
