"""`/temporal/…`: the Temporal UI server, reached through the app behind its sign-in.

The UI server runs with its public path `/temporal` (`--ui-public-path`, or a cluster's
`TEMPORAL_UI_PUBLIC_PATH`) on a loopback port; its codec endpoint is the app's own
`/codec`, so the UI's decode calls are same-origin and carry the session cookie with no
setting by hand. Anonymous visitors are sent to sign in (pages) or answered 401 (the UI's
`/temporal/api/` calls); the rest is `web.temporal_ui.access`. An admin's actions are in
the access log for each pathway they name, and in the log, before they are forwarded.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import structlog
from fastapi import APIRouter, Request
from fastapi.responses import Response

from infra.access_log.model import Channel
from infra.accounts.model import Account
from web import dependencies
from web.access import PURPOSE_HEADER, chosen_purpose, record_read
from web.auth import _bearer_account, _session_account
from web.pages.render import current_path
from web.pages.routing import problem_page, see_other, sign_in_url
from web.problems import UNAUTHENTICATED, ProblemError, problem_response
from web.temporal_ui.access import UiCall, admitted, pathways_named, scoped_params
from web.temporal_ui.forwarding import OutsidePath, checked_path, forward, request_headers
from web.temporal_ui.links import PREFIX

log = structlog.get_logger("pathways.web.temporal_ui")

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
TEMPORAL_UI_UNAVAILABLE = "temporal_ui_unavailable"
ACTION = "temporal_ui_action"
# The UI's history page long-polls for new events for up to a minute.
TIMEOUT = httpx.Timeout(75.0, connect=5.0)


def build_temporal_ui_router(
    upstream: str,
    namespace: str,
    session_cookie: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> APIRouter:
    """The proxy to the UI server at `upstream` (`http://127.0.0.1:<port>`).

    `transport` replaces the network (tests give an `httpx.MockTransport`).
    """
    client = httpx.AsyncClient(
        base_url=upstream.rstrip("/"), transport=transport, timeout=TIMEOUT, follow_redirects=False
    )
    router = APIRouter(include_in_schema=False, on_shutdown=[client.aclose])

    async def temporal_ui(request: Request) -> Response:
        call = UiCall(
            request.method,
            request.url.path.removeprefix(PREFIX) or "/",
            request.query_params.multi_items(),
        )
        try:
            return await _answer(request, call)
        except ProblemError as error:
            return _refusal(request, call, error)

    async def _answer(request: Request, call: UiCall) -> Response:
        try:
            raw = request.scope.get("raw_path") or request.url.path.encode()
            path = checked_path(raw.decode("latin-1"), PREFIX)
        except OutsidePath as err:
            raise ProblemError(err.code, str(err), status=400) from None
        account = await _account(request)
        if account is None:
            if call.is_api:
                raise ProblemError(UNAUTHENTICATED, "sign in first", status=401)
            return see_other(sign_in_url(current_path(request)), request)
        admitted(account, call)
        params = await scoped_params(
            account, call, namespace, dependencies.event_store(request).caseload
        )
        body = await request.body()
        if call.writes:
            await _record_action(request, account, call)
        url = path + (f"?{urlencode(params)}" if params else "")
        try:
            return await forward(
                client,
                call.method,
                url,
                request_headers(request.headers.items(), session_cookie),
                body,
                session_cookie,
                PREFIX,
            )
        except httpx.TransportError as err:
            log.warning("temporal_ui.unreachable", upstream=upstream, error=repr(err))
            raise ProblemError(
                TEMPORAL_UI_UNAVAILABLE, "the Temporal UI does not answer", status=502
            ) from None

    router.add_api_route(PREFIX, temporal_ui, methods=METHODS)
    router.add_api_route(PREFIX + "/{rest:path}", temporal_ui, methods=METHODS)
    return router


async def _account(request: Request) -> Account | None:
    header = request.headers.get("Authorization")
    if header is not None:
        return await _bearer_account(request, header)
    return await _session_account(request)


async def _record_action(request: Request, account: Account, call: UiCall) -> None:
    """An admin's action, in the access log of each pathway it names, before it is sent."""
    detail = f"{call.method} {call.path}"[:200]
    pathways = pathways_named(call)
    if pathways:
        purpose = chosen_purpose(account, request.headers.get(PURPOSE_HEADER))
        await record_read(request, account, pathways, ACTION, purpose, Channel.API, detail)
    log.info(
        "temporal_ui.action",
        account_id=account.id,
        role=account.role,
        method=call.method,
        path=call.path,
        pathways=pathways,
    )


def _refusal(request: Request, call: UiCall, error: ProblemError) -> Response:
    if call.is_api:
        return problem_response(error.code, error.detail, error.field, status=error.status)
    return problem_page(request, error)
