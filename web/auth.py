"""Who is asking: a bearer token (API clients) or a signed session cookie (the pages).

Routes depend on `CurrentAccount` (401 problem+json when nobody signed in) or on
`optional_account` (pages, which redirect to the sign-in form instead). A request that
authenticates with the session cookie and changes something must also carry the session's
CSRF token, in the `X-CSRF-Token` header or the `csrf_token` form field; bearer requests
need none (a browser never adds the Authorization header by itself).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import Depends, Request

from infra.accounts.model import Account
from infra.accounts.service import account_for_token
from infra.accounts.store import AccountStore
from web.problems import UNAUTHENTICATED, ProblemError

log = structlog.get_logger("pathways.web.auth")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
CSRF_FAILED = "csrf_failed"

SESSION_ACCOUNT = "account_id"
SESSION_CSRF = "csrf"
SESSION_SIGNED_IN = "signed_in_at"


def accounts_of(request: Request) -> AccountStore:
    store: AccountStore = request.app.state.accounts
    return store


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; pages put it in every form."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def start_session(request: Request, account: Account) -> None:
    """Sign `account` in on this browser: a fresh session (and CSRF token) against fixation."""
    language = request.session.get("language")
    request.session.clear()
    request.session[SESSION_ACCOUNT] = account.id
    request.session[SESSION_SIGNED_IN] = datetime.now(UTC).isoformat()
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    if language:
        request.session["language"] = language


def end_session(request: Request) -> None:
    request.session.clear()


async def _bearer_account(request: Request, header: str) -> Account:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(UNAUTHENTICATED, "use `Authorization: Bearer <token>`", status=401)
    account = await account_for_token(accounts_of(request), token.strip(), datetime.now(UTC))
    if account is None:
        log.warning("auth_refused", reason="bad_token", path=request.url.path)
        raise ProblemError(UNAUTHENTICATED, "the token is unknown, expired or revoked", status=401)
    return account


async def _session_account(request: Request) -> Account | None:
    account_id = request.session.get(SESSION_ACCOUNT)
    if not isinstance(account_id, str):
        return None
    account = await accounts_of(request).get_account(account_id)
    if account is None or not account.active:
        end_session(request)
        return None
    return account


async def _check_csrf(request: Request) -> None:
    expected = request.session.get(SESSION_CSRF)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not isinstance(expected, str) or given is None or not hmac.compare_digest(expected, given):
        log.warning("auth_refused", reason="csrf", path=request.url.path)
        raise ProblemError(CSRF_FAILED, "the form is stale: reload the page", status=403)


async def optional_account(request: Request) -> Account | None:
    """The signed-in account, or None; checks CSRF on session-authenticated changes.

    Raises:
        ProblemError: `unauthenticated` (401) for a bad bearer token; `csrf_failed` (403).
    """
    header = request.headers.get("Authorization")
    account: Account | None
    if header is not None:
        account = await _bearer_account(request, header)
    else:
        account = await _session_account(request)
        if account is not None and request.method not in SAFE_METHODS:
            await _check_csrf(request)
    if account is not None:
        structlog.contextvars.bind_contextvars(account_id=account.id)
    return account


async def current_account(
    account: Annotated[Account | None, Depends(optional_account)],
) -> Account:
    """The signed-in account; 401 problem+json when there is none."""
    if account is None:
        raise ProblemError(UNAUTHENTICATED, "sign in, or send a bearer token", status=401)
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
"""The signed-in person, for a route's signature."""
OptionalAccount = Annotated[Account | None, Depends(optional_account)]
"""The signed-in person or None, for pages that redirect to sign-in."""
