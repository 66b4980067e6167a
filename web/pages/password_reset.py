"""A forgotten password: ask for a link by e-mail, then choose a new password on its page.

The request form answers the same whether or not an account has the id or address given
(`PasswordResetter.request_reset` mails only when there is one), so it tells no one who has
an account. The link's page refuses a link unknown, used or expired alike
(`invitation_invalid`) and a weak password (`weak_password`, the link still usable); neither
changes anything. A reset ends the account's sessions and revokes its API tokens.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from infra.accounts.invitations import INVITATION_INVALID, PasswordResetter
from infra.accounts.model import Account
from infra.accounts.throttle import reset_keys
from web import dependencies
from web.dependencies import SettingsDep, ThrottleDep
from web.i18n import N_
from web.pages.one_time_link import LINK_REFUSALS, OneTimeLink, to_sign_in
from web.pages.render import render
from web.pages.routing import form_csrf_ok, log, page_router
from web.pages.sign_in import MAX_FIELD, client_address, retry_after
from web.problems import ProblemError

RESET_PATH = "/password-reset"
ASKED = N_(
    "If an account has this user id or address, a link to choose a new password has been"
    " sent to its e-mail address. It works once, within an hour."
)
LINK = OneTimeLink(
    path=RESET_PATH,
    prefix="reset",
    title=N_("Choose a new password"),
    button=N_("Set the new password"),
    ask_again=RESET_PATH,
)
REFUSALS = {
    "csrf_failed": LINK_REFUSALS["csrf_failed"],
    "incomplete_form": N_("Enter your user id or your e-mail address."),
    "too_many_requests": N_("Too many links asked for: try again later."),
}


def _resetter(request: Request) -> PasswordResetter:
    resetter = dependencies.password_resetter(request)
    if resetter is None:
        raise ProblemError("unavailable", "this web app resets no password", status=503)
    return resetter


def build_password_reset_router() -> APIRouter:
    router = page_router()

    @router.get(RESET_PATH)
    async def reset_request_form(request: Request) -> Response:
        """The form that asks for a link."""
        _resetter(request)
        return render(request, "password_reset.html", asked=False, error=None, code=None)

    @router.post(RESET_PATH)
    async def reset_request(
        settings: SettingsDep, throttle: ThrottleDep, request: Request
    ) -> Response:
        """Mail a link if there is an account to mail it to; say the same either way.

        Each request counts on the sign-in throttle (`reset_keys`: per name asked, per
        client), known name or not; past the limit the form answers 429, the same for all.
        """
        resetter = _resetter(request)
        form = await request.form()
        who = form.get("who")
        if not form_csrf_ok(request, form):
            code = "csrf_failed"
            return render(
                request,
                "password_reset.html",
                status_code=403,
                asked=False,
                error=REFUSALS[code],
                code=code,
            )
        if not isinstance(who, str) or not who.strip() or len(who) > MAX_FIELD:
            code = "incomplete_form"
            return render(
                request,
                "password_reset.html",
                status_code=400,
                asked=False,
                error=REFUSALS[code],
                code=code,
            )
        now = settings.auth_clock()
        keys = reset_keys(who, client_address(request))
        locked = await throttle.locked_until(keys, now)
        if locked is not None:
            code = "too_many_requests"
            log.warning("password_reset_throttled", address=client_address(request))
            return render(
                request,
                "password_reset.html",
                status_code=429,
                headers=retry_after(locked, now),
                asked=False,
                error=REFUSALS[code],
                code=code,
            )
        await throttle.failed(keys, now)
        await resetter.request_reset(who, now)
        return render(request, "password_reset.html", asked=True, error=None, code=None)

    @router.get(RESET_PATH + "/{token}")
    async def reset_form(settings: SettingsDep, request: Request, token: str) -> Response:
        """The form that sets the new password, for a link that still serves."""
        account_id = await _resetter(request).link_account(token, settings.auth_clock())
        if account_id is None:
            return LINK.page(request, token, None, INVITATION_INVALID, 404)
        return LINK.page(request, token, account_id, None, 200)

    @router.post(RESET_PATH + "/{token}")
    async def reset(settings: SettingsDep, request: Request, token: str) -> Response:
        """Set the new password; then on to the sign-in form."""
        resetter = _resetter(request)
        now = settings.auth_clock()
        account_id = await resetter.link_account(token, now)

        async def reset_to(password: str) -> Account:
            return await resetter.reset(token, password, now)

        account = await LINK.set_password(request, token, account_id, reset_to)
        if isinstance(account, Response):
            return account
        log.info("password_reset_done", account_id=account.id)
        return to_sign_in(request)

    return router
