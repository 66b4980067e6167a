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
from datetime import UTC, datetime, timedelta
from typing import Annotated

import structlog
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.values import Role
from infra.accounts.model import Account
from web.dependencies import (
    account_service,
    account_store,
    session_revocations,
    web_settings,
)
from web.problems import UNAUTHENTICATED, ProblemError

NOT_FOUND = "not_found"

log = structlog.get_logger("pathways.web.auth")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
CSRF_FAILED = "csrf_failed"

SESSION_ACCOUNT = "account_id"
SESSION_CSRF = "csrf"
SESSION_SIGNED_IN = "signed_in_at"
SESSION_SEEN = "seen_at"
SESSION_ID = "sid"
SESSION_EPOCH = "epoch"
"""The account's session epoch at sign-in (`infra.accounts.sessions`); none: epoch 0."""

BEARER = HTTPBearer(
    scheme_name="bearer",
    bearerFormat="pwt_…",
    description="An API token (`pathways user token`): `Authorization: Bearer pwt_…`.",
    auto_error=False,
)
"""Publishes the API's security scheme, so that every operation that needs a signed-in
person says so in the OpenAPI; the header is read by `optional_account` itself, which
refuses an `Authorization` of another scheme where `HTTPBearer` would pass it over."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; pages put it in every form."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


async def start_session(request: Request, account: Account) -> None:
    """Sign `account` in on this browser: a fresh session (id, CSRF token) against fixation,
    of the account's current session epoch."""
    language = request.session.get("language")
    epoch = await session_revocations(request).epoch(account.id)
    now = web_settings(request).auth_clock().isoformat()
    request.session.clear()
    request.session[SESSION_ACCOUNT] = account.id
    request.session[SESSION_ID] = secrets.token_urlsafe(24)
    request.session[SESSION_EPOCH] = epoch
    request.session[SESSION_SIGNED_IN] = now
    request.session[SESSION_SEEN] = now
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    if language:
        request.session["language"] = language


def end_session(request: Request) -> None:
    request.session.clear()


async def sign_out(request: Request) -> None:
    """End the session here and refuse any copy of its cookie until it would have expired."""
    session_id = request.session.get(SESSION_ID)
    signed_in = _instant(request.session.get(SESSION_SIGNED_IN))
    end_session(request)
    if isinstance(session_id, str):
        settings = web_settings(request)
        start = signed_in or settings.auth_clock()
        await session_revocations(request).revoke(
            session_id, start + timedelta(hours=settings.session_hours)
        )


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


async def _live_session(request: Request, account_id: str) -> bool:
    """Whether the session is within its lifetime and idle time, not signed out, and not
    ended by a password change since its sign-in.

    Ends it when not: a session from before sign-in had ids, or a stale one, signs in again.
    """
    settings = web_settings(request)
    now = settings.auth_clock()
    signed_in = _instant(request.session.get(SESSION_SIGNED_IN))
    seen = _instant(request.session.get(SESSION_SEEN))
    session_id = request.session.get(SESSION_ID)
    epoch = request.session.get(SESSION_EPOCH, 0)
    reason = None
    if (
        signed_in is None
        or seen is None
        or not isinstance(session_id, str)
        or not isinstance(epoch, int)
        or isinstance(epoch, bool)
    ):
        reason = "incomplete"
    elif now - signed_in >= timedelta(hours=settings.session_hours):
        reason = "expired"
    elif now - seen >= timedelta(minutes=settings.session_idle_minutes):
        reason = "idle"
    elif await session_revocations(request).is_revoked(session_id, account_id, epoch):
        reason = "revoked"  # signed out, or ended by a password change
    if reason is not None:
        log.info("session_ended", reason=reason, account_id=request.session.get(SESSION_ACCOUNT))
        end_session(request)
        return False
    request.session[SESSION_SEEN] = now.isoformat()
    return True


async def _bearer_account(request: Request, header: str) -> Account:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(UNAUTHENTICATED, "use `Authorization: Bearer <token>`", status=401)
    account = await account_service(request).account_for_token(token.strip(), datetime.now(UTC))
    if account is None:
        log.warning("auth_refused", reason="bad_token", path=request.url.path)
        raise ProblemError(UNAUTHENTICATED, "the token is unknown, expired or revoked", status=401)
    return account


async def _session_account(request: Request) -> Account | None:
    account_id = request.session.get(SESSION_ACCOUNT)
    if not isinstance(account_id, str) or not await _live_session(request, account_id):
        return None
    account = await account_store(request).get_account(account_id)
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


async def optional_account(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Account | None:
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
    """The signed-in member of staff; 401 problem+json when there is none.

    Raises:
        ProblemError: `unauthenticated` (401); `not_found` (404) for a partner account, to
            which no staff route exists (its routes take `PartnerAccount`).
    """
    if account is None:
        raise ProblemError(UNAUTHENTICATED, "sign in, or send a bearer token", status=401)
    refuse_partner(account)
    return account


def refuse_partner(account: Account) -> None:
    """Answer a partner account on a staff route as if the route did not exist.

    Raises:
        ProblemError: `not_found` (404).
    """
    if account.role == Role.PARTNER:
        raise ProblemError(NOT_FOUND, "no such resource", status=404)


async def current_partner(
    account: Annotated[Account | None, Depends(optional_account)],
) -> Account:
    """The signed-in partner account; a member of staff finds no partner route (404)."""
    if account is None:
        raise ProblemError(UNAUTHENTICATED, "sign in, or send a bearer token", status=401)
    if account.role != Role.PARTNER or account.contact_id is None:
        raise ProblemError(NOT_FOUND, "no such resource", status=404)
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]
"""The signed-in member of staff, for a route's signature."""
PartnerAccount = Annotated[Account, Depends(current_partner)]
"""The signed-in partner account, for a partner route's signature."""
OptionalAccount = Annotated[Account | None, Depends(optional_account)]
"""The signed-in person or None, for pages that redirect to sign-in."""
