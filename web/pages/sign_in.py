"""Sign-in and sign-out: the session cookie the pages run on."""

from __future__ import annotations

import math
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infra.accounts.throttle import attempt_keys
from web.auth import sign_out as end_signed_in_session
from web.auth import start_session
from web.dependencies import AccountServiceDep, SettingsDep, ThrottleDep
from web.i18n import N_, SESSION_LANGUAGE
from web.pages.render import render
from web.pages.routing import (
    SIGN_IN_PATH,
    PublicPageAccount,
    form_csrf_ok,
    log,
    page_router,
    safe_next,
    see_other,
)

MAX_FIELD = 1024
"""Longer user ids or passwords are refused before hashing: argon2 is slow on purpose."""

FORM_INCOMPLETE = N_("Enter your user id and your password.")
WRONG_CREDENTIALS = N_("The user id or the password is not right, or the account is disabled.")
FORM_EXPIRED = N_("This form has expired. Please try again.")
TOO_MANY = N_("Too many failed attempts: signing in is paused for a while. Try again later.")
TOO_MANY_ATTEMPTS = "too_many_attempts"


def client_address(request: Request) -> str:
    """The address the throttle counts: the socket's peer, or the client a trusted proxy
    names (`web.proxies`); never what a client says of itself."""
    return request.client.host if request.client is not None else "unknown"


def retry_after(locked: datetime, now: datetime) -> dict[str, str]:
    """The `Retry-After` header of a lockout that ends at `locked`."""
    return {"Retry-After": str(max(1, math.ceil((locked - now).total_seconds())))}


def build_sign_in_router() -> APIRouter:
    router = page_router()

    @router.get(SIGN_IN_PATH)
    async def sign_in_form(request: Request, account: PublicPageAccount) -> Response:
        """The sign-in form; someone already signed in goes on to `next`."""
        next_path = safe_next(request.query_params.get("next"))
        if account is not None:
            return see_other(next_path, request)
        return render(request, "sign_in.html", next=next_path, error=None, user_id="", code=None)

    @router.post(SIGN_IN_PATH)
    async def sign_in_submit(
        service: AccountServiceDep, settings: SettingsDep, throttle: ThrottleDep, request: Request
    ) -> Response:
        """Check the password; on success a fresh session and a 303 to `next`."""
        form = await request.form()
        next_path = safe_next(form.get("next"))
        user_id, password = form.get("user_id"), form.get("password")
        shown_id = user_id.strip()[:MAX_FIELD] if isinstance(user_id, str) else ""

        def refused(
            error: str, status_code: int, code: str, headers: dict[str, str] | None = None
        ) -> Response:
            return render(
                request,
                "sign_in.html",
                status_code=status_code,
                headers=headers,
                next=next_path,
                error=error,
                user_id=shown_id,
                code=code,
            )

        if not form_csrf_ok(request, form):
            log.warning("sign_in_refused", reason="csrf", account_id=shown_id or None)
            return refused(FORM_EXPIRED, 403, "csrf_failed")
        if (
            not isinstance(user_id, str)
            or not isinstance(password, str)
            or not shown_id
            or not password
            or len(user_id) > MAX_FIELD
            or len(password) > MAX_FIELD
        ):
            log.info("sign_in_refused", reason="incomplete_form", account_id=shown_id or None)
            return refused(FORM_INCOMPLETE, 400, "incomplete_form")
        now = settings.auth_clock()
        address = client_address(request)
        keys = attempt_keys(shown_id, address)
        locked = await throttle.locked_until(keys, now)
        if locked is not None:
            # The password is not even looked at: a lockout stops guessing, right or wrong.
            log.warning(
                "sign_in_refused", reason=TOO_MANY_ATTEMPTS, account_id=shown_id, address=address
            )
            return refused(TOO_MANY, 429, TOO_MANY_ATTEMPTS, retry_after(locked, now))
        account = await service.sign_in(shown_id, password)
        if account is None:
            locked = await throttle.failed(keys, now)
            log.warning(
                "sign_in_failed", account_id=shown_id, address=address, locked=locked is not None
            )
            return refused(WRONG_CREDENTIALS, 401, "wrong_credentials")
        await throttle.succeeded(account.id, address)
        await start_session(request, account)
        log.info("signed_in", account_id=account.id, role=account.role.value)
        return see_other(next_path, request)

    @router.post("/sign-out")
    async def sign_out(request: Request, account: PublicPageAccount) -> Response:
        """End the session (CSRF checked by the account dependency); keep the language."""
        if account is not None:
            language = request.session.get(SESSION_LANGUAGE)
            await end_signed_in_session(request)
            if language is not None:
                request.session[SESSION_LANGUAGE] = language
            log.info("signed_out", account_id=account.id)
        return see_other(SIGN_IN_PATH, request)

    return router
