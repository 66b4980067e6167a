"""`BodyLimit`: request bodies over a limit are refused with 413 before they are read.

An ASGI middleware, so it sees every request before any route parses it: the API's JSON,
the pages' forms and the statement upload, which has its own larger limit. A declared
`Content-Length` over the limit is refused without reading a byte; a body without one
(chunked) is counted as it streams in, and refused at the first chunk past the limit, so
no more of it is read. The refusal is `413 body_too_large` as problem+json.

Starlette has had such a middleware since 1.0, answering plain text; this one answers in
the API's problem format, takes a limit per path, and does not depend on Starlette's
version (the project allows FastAPI from 0.115).
"""

from __future__ import annotations

from collections.abc import Mapping

import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.problems import problem_response

log = structlog.get_logger("pathways.web.body_limit")

BODY_TOO_LARGE = "body_too_large"


class BodyTooLarge(Exception):
    """Raised to the app when it reads past the limit; the app's answer is replaced."""


class BodyLimit:
    """Refuses request bodies over `limit` bytes, or over `limits[path]` on those paths."""

    def __init__(self, app: ASGIApp, *, limit: int, limits: Mapping[str, int] | None = None):
        self.app = app
        self.limit = limit
        self.limits = dict(limits or {})

    def _limit_for(self, path: str) -> int:
        """The path's own limit; a key beginning with `*` is a suffix (`*/documents`)."""
        if path in self.limits:
            return self.limits[path]
        for key, limit in self.limits.items():
            if key.startswith("*") and path.endswith(key[1:]):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, limit, declared)
            return
        received = 0
        exceeded = started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def answered(message: Message) -> None:
            nonlocal started
            # Once past the limit, whatever the app makes of the error is not sent.
            if exceeded:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, answered)
        except Exception:
            # A route may wrap the error of a body it could not read: ours, if past the limit.
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(scope, receive, send, limit, received)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    if value is None or not value.isdigit():
        return None  # the server refuses a malformed one; a body without it is counted
    return int(value)


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int, size: int) -> None:
    log.warning("body_too_large", path=scope["path"], limit=limit, size_at_least=size)
    response = problem_response(
        BODY_TOO_LARGE, f"the request body may be at most {limit} bytes", status=413
    )
    await response(scope, receive, send)
