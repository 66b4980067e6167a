"""The page of a one-time link that sets a password: a partner's invitation and a password
reset are the same form, the same refusals and the same way on to the sign-in form.

`OneTimeLink` holds what differs between the two (the path, the title, the button, whether
a new link can be asked for); `set_password` checks the form (its CSRF token, the two
passwords alike) and hands the password to the capability's own step, whose refusal
(`invitation_invalid`, `weak_password`) is drawn on the same page and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request, Response

from infra.accounts.invitations import INVITATION_INVALID
from infra.accounts.model import Account, AccountError
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import SIGN_IN_PATH, form_csrf_ok, see_other
from web.pages.sign_in import MAX_FIELD

LINK_REFUSALS = {
    INVITATION_INVALID: N_("This link is unknown, already used or expired: ask for a new one."),
    "weak_password": N_("Choose a longer, less common password (at least 12 characters)."),
    "passwords_differ": N_("The two passwords differ."),
    "csrf_failed": N_("The form has expired: open the link again."),
}
"""What the page says of each refusal, by code."""


@dataclass(frozen=True)
class OneTimeLink:
    """One kind of link: where its form posts, what the page is titled, what to press."""

    path: str
    """The links' path, the token appended (`/invitations`)."""
    prefix: str
    """The page's element ids (`invitation-error`)."""
    title: str
    button: str
    ask_again: str | None = None
    """Where a new link is asked for, offered when this one no longer serves."""

    def page(
        self, request: Request, token: str, account_id: str | None, code: str | None, status: int
    ) -> Response:
        """The form for the account `account_id` (None: the link no longer serves), with
        the refusal `code` if any."""
        return render(
            request,
            "one_time_link.html",
            status_code=status,
            link=self,
            token=token,
            account_id=account_id,
            code=code,
            error=LINK_REFUSALS.get(code or ""),
        )

    async def set_password(
        self,
        request: Request,
        token: str,
        account_id: str | None,
        apply: Callable[[str], Awaitable[Account]],
    ) -> Account | Response:
        """The account `apply` set the form's password of, or the page that refuses it."""
        form = await request.form()
        password, again = form.get("password"), form.get("password_again")
        if not form_csrf_ok(request, form):
            return self.page(request, token, account_id, "csrf_failed", 403)
        if not isinstance(password, str) or password != again or len(password) > MAX_FIELD:
            return self.page(request, token, account_id, "passwords_differ", 422)
        try:
            return await apply(password)
        except AccountError as refused:
            status = 404 if refused.code == INVITATION_INVALID else 422
            return self.page(request, token, account_id, refused.code, status)


def to_sign_in(request: Request) -> Response:
    """Once the password is set: on to the sign-in form."""
    return see_other(SIGN_IN_PATH, request)
