"""Forwarding one request to the Temporal UI server and streaming its answer back.

Header hygiene both ways: hop-by-hop headers (RFC 9110 §7.6.1, and those a `Connection`
header names) are never forwarded; the app's own credentials (its session cookie, a bearer
token) never reach the UI server, and a `Set-Cookie` of the UI server may not set the app's
session cookie or name a domain. Paths that could step out of `/temporal/` (a `.` or `..`
segment, an encoded slash, backslash or dot) are refused before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence

import httpx
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse

from web.security import TEMPORAL_UI_CSP

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
NOT_FORWARDED = frozenset({"host", "authorization", "content-length", "x-purpose"})
"""Set by the client library (host, length) or the app's own (its bearer token)."""
INVALID_PATH = "invalid_path"
_ESCAPING = re.compile(r"%2f|%5c|%2e|%00|\\", re.IGNORECASE)


class OutsidePath(ValueError):
    """A path that could leave the proxied prefix."""

    code = INVALID_PATH


def checked_path(raw_path: str, prefix: str) -> str:
    """`raw_path` (as sent, still percent-encoded) if it stays under `prefix`.

    Raises:
        OutsidePath: it is not under `prefix`, or has a dot segment or an encoded
            slash, backslash, dot or NUL.
    """
    if not (raw_path == prefix or raw_path.startswith(prefix + "/")):
        raise OutsidePath(f"{raw_path!r} is not under {prefix}/")
    segments = raw_path.split("/")
    if _ESCAPING.search(raw_path) or any(s in (".", "..") for s in segments):
        raise OutsidePath("the path has a dot segment or an encoded separator")
    return raw_path


def _dropped(headers: Iterable[tuple[str, str]]) -> frozenset[str]:
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return HOP_BY_HOP | named


def request_headers(
    headers: Sequence[tuple[str, str]], session_cookie: str
) -> list[tuple[str, str]]:
    """The headers sent to the UI server: no hop-by-hop, no app credentials."""
    dropped = _dropped(headers) | NOT_FORWARDED
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        lower = name.lower()
        if lower in dropped:
            continue
        if lower == "cookie":
            value = _without_cookie(value, session_cookie)
            if not value:
                continue
        kept.append((name, value))
    return kept


def _without_cookie(header: str, name: str) -> str:
    pairs = [p.strip() for p in header.split(";")]
    return "; ".join(p for p in pairs if p and p.split("=", 1)[0].strip() != name)


def response_headers(
    headers: Sequence[tuple[str, str]], session_cookie: str, prefix: str
) -> list[tuple[str, str]]:
    """The UI server's headers as passed on: no hop-by-hop, no cookie of the app's, and the
    UI's own Content-Security-Policy unless it sent one."""
    dropped = _dropped(headers)
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        lower = name.lower()
        if lower in dropped:
            continue
        if lower == "set-cookie":
            cookie = _safe_set_cookie(value, session_cookie, prefix)
            if cookie is None:
                continue
            value = cookie
        kept.append((name, value))
    if not any(name.lower() == "content-security-policy" for name, _ in kept):
        kept.append(("Content-Security-Policy", TEMPORAL_UI_CSP))
    return kept


def _safe_set_cookie(value: str, session_cookie: str, prefix: str) -> str | None:
    """The cookie without a `Domain`, its `Path` within `prefix` (the UI's CSRF cookie is
    no business of the rest of the app); None when it would touch the app's session."""
    name = value.split("=", 1)[0].strip()
    if not name or name.lower() == session_cookie.lower():
        return None
    kept = [value.split(";", 1)[0].strip()]
    for attribute in value.split(";")[1:]:
        key = attribute.strip().partition("=")[0]
        if key.lower() in ("domain", "path"):
            continue
        kept.append(attribute.strip())
    kept.append(f"Path={prefix}")
    return "; ".join(kept)


async def forward(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    session_cookie: str,
    prefix: str,
) -> StreamingResponse:
    """Send the request and stream the answer back as it comes.

    Raises:
        httpx.TransportError: the UI server could not be reached or broke off.
    """
    upstream = await client.send(
        client.build_request(method, url, headers=headers, content=body or None), stream=True
    )
    return _streamed(upstream, session_cookie, prefix)


def _streamed(upstream: httpx.Response, session_cookie: str, prefix: str) -> StreamingResponse:
    # A transport that read the answer already (httpx.MockTransport) has it in memory.
    body = upstream.aiter_raw() if not upstream.is_stream_consumed else _once(upstream.content)
    response = StreamingResponse(
        body,
        status_code=upstream.status_code,
        background=BackgroundTask(upstream.aclose),
    )
    # Repeated headers (Set-Cookie) are kept apart: set on the raw list, not a dict.
    response.raw_headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in response_headers(upstream.headers.multi_items(), session_cookie, prefix)
    ]
    return response


async def _once(content: bytes) -> AsyncIterator[bytes]:
    yield content
