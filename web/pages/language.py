"""The language switch: remembered in the session and, once signed in, on the account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.auth import CSRF_FAILED
from web.dependencies import AccountsDep
from web.i18n import SESSION_LANGUAGE, as_language
from web.pages.routing import (
    PublicPageAccount,
    form_csrf_ok,
    log,
    page_router,
    safe_next,
    see_other,
)
from web.problems import ProblemError


def build_language_router() -> APIRouter:
    router = page_router()

    @router.post("/language")
    async def choose(
        accounts: AccountsDep, request: Request, account: PublicPageAccount
    ) -> Response:
        """Switch to the form's `language` and go back to `next` (a local path)."""
        form = await request.form()
        # A signed-in session's CSRF was checked by the account dependency.
        if account is None and not form_csrf_ok(request, form):
            raise ProblemError(CSRF_FAILED, "the form is stale: reload the page", status=403)
        language = as_language(form.get("language"))
        if language is None:
            raise ProblemError("invalid_language", "choose it or en", status=400)
        request.session[SESSION_LANGUAGE] = language
        if account is not None and account.language != language:
            await accounts.update_account(account.id, language=language)
            log.info("language_changed", account_id=account.id, language=language)
        return see_other(safe_next(form.get("next")), request)

    return router
