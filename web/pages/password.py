"""Changing one's own password: the current one, the new one twice, and whether to stay
signed in elsewhere (by default not: the change ends every other session and revokes the
API tokens, as `pathways user passwd` does; `activities.accounts.service.change_password`).

A wrong current password counts as a failed sign-in from this address, so a stolen session
cannot guess its way to the password faster than the sign-in form allows.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infra.accounts.model import AccountError
from infra.accounts.throttle import attempt_keys
from web.auth import start_session
from web.dependencies import AccountServiceDep, SettingsDep, ThrottleDep
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.pages.sign_in import (
    MAX_FIELD,
    TOO_MANY,
    TOO_MANY_ATTEMPTS,
    client_address,
    retry_after,
)

PASSWORD_PATH = "/account/password"
CHANGED = "password_changed"

FORM_INCOMPLETE = N_("Enter your current password, and the new one twice.")
WRONG_PASSWORD = N_("The current password is not right.")
MISMATCH = N_("The two new passwords differ.")
WEAK_PASSWORD = N_(
    "The new password is too weak: use at least 12 varied characters, not your user id"
    " nor a common password."
)
CHANGED_ENDED = N_(
    "Your password has been changed. Your other sessions have ended and your API tokens"
    " have been revoked."
)
CHANGED_KEPT = N_("Your password has been changed.")


def build_password_router() -> APIRouter:
    router = page_router()

    @router.get(PASSWORD_PATH)
    async def password_form(request: Request, account: PageAccount) -> Response:
        """The form; after a change, what it did."""
        done = request.query_params.get("changed")
        notice = {"ended": CHANGED_ENDED, "kept": CHANGED_KEPT}.get(done or "")
        return render(request, "password.html", error=None, code=None, notice=notice)

    @router.post(PASSWORD_PATH)
    async def password_submit(
        service: AccountServiceDep,
        settings: SettingsDep,
        throttle: ThrottleDep,
        request: Request,
        account: PageAccount,
    ) -> Response:
        """Check and change (CSRF checked by the account dependency); a 303 back on success."""
        form = await request.form()
        current, new, again = (
            form.get(name) for name in ("current_password", "new_password", "new_password_again")
        )
        keep_sessions = form.get("keep_sessions") == "on"

        def refused(
            error: str, status_code: int, code: str, headers: dict[str, str] | None = None
        ) -> Response:
            log.info("password_change_refused", reason=code, account_id=account.id)
            return render(
                request,
                "password.html",
                status_code=status_code,
                headers=headers,
                error=error,
                code=code,
                notice=None,
            )

        if not (
            isinstance(current, str)
            and isinstance(new, str)
            and isinstance(again, str)
            and current
            and new
            and max(len(current), len(new), len(again)) <= MAX_FIELD
        ):
            return refused(FORM_INCOMPLETE, 400, "incomplete_form")
        now = settings.auth_clock()
        address = client_address(request)
        keys = attempt_keys(account.id, address)
        locked = await throttle.locked_until(keys, now)
        if locked is not None:
            log.warning(
                "sign_in_refused", reason=TOO_MANY_ATTEMPTS, account_id=account.id, address=address
            )
            return refused(TOO_MANY, 429, TOO_MANY_ATTEMPTS, retry_after(locked, now))
        if new != again:
            return refused(MISMATCH, 400, "password_mismatch")
        try:
            changed = await service.change_password(
                account.id,
                new,
                current_password=current,
                keep_sessions=keep_sessions,
            )
        except AccountError as err:
            if err.code == "wrong_password":
                await throttle.failed(keys, now)
                return refused(WRONG_PASSWORD, 403, err.code)
            if err.code == "weak_password":
                return refused(WEAK_PASSWORD, 400, err.code)
            raise
        await throttle.succeeded(account.id, address)
        if changed.sessions_ended:
            await start_session(request, changed.account)  # this browser carries on
        log.info(
            "password_changed",
            account_id=account.id,
            sessions_ended=changed.sessions_ended,
            tokens_revoked=changed.tokens_revoked,
        )
        done = "ended" if changed.sessions_ended else "kept"
        return see_other(f"{PASSWORD_PATH}?changed={done}", request)

    return router
