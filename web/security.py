"""Security headers on every response, and the API's docs page under the same policy.

The Content-Security-Policy allows scripts and styles from this site only: no inline
script, no inline style, no `eval` (htmx is configured without it in `base.html`), no
framing. `/docs` (Swagger UI, loaded from its CDN) is the one page with an inline script;
it carries a nonce made for that response. HSTS is sent when the site is served over HTTPS.
Responses other than static files are `Cache-Control: no-store`: pages and API answers hold
personal data, which no browser or proxy cache should keep.
"""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SWAGGER_CDN = "https://cdn.jsdelivr.net"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000; includeSubDomains"
STATIC_PREFIX = "/static/"


def report_csp(nonce: str) -> str:
    """The policy of the printable funder report: its one inline stylesheet by nonce.

    The report is one self-contained document (it is also written to a file by `pathways
    report --format html`), so its CSS is inline; everything else is as strict as `CSP`.
    """
    return CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")


TEMPORAL_UI_CSP = "; ".join(
    (
        "default-src 'self'",
        # The Temporal UI (a SvelteKit build we do not write) boots with inline script and
        # style, without a nonce; everything else is as strict as `CSP`.
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""The policy of the Temporal UI served under `/temporal/` (web/temporal_ui)."""


def docs_csp(nonce: str) -> str:
    """The policy of `/docs`: Swagger UI's files from its CDN, its one inline script by nonce."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {SWAGGER_CDN} 'nonce-{nonce}'",
            f"style-src 'self' {SWAGGER_CDN}",
            "img-src 'self' data: https://fastapi.tiangolo.com",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """ASGI middleware: the security headers, unless a route set its own policy."""

    def __init__(self, app: ASGIApp, *, strict_transport: bool) -> None:
        self.app = app
        self.strict_transport = strict_transport

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(STATIC_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = {
                    b"content-security-policy": CSP,
                    b"x-content-type-options": "nosniff",
                    b"referrer-policy": "no-referrer",
                    b"x-frame-options": "DENY",
                    b"permissions-policy": PERMISSIONS,
                    b"cross-origin-opener-policy": "same-origin",
                }
                if not static:
                    wanted[b"cache-control"] = "no-store"
                if self.strict_transport:
                    wanted[b"strict-transport-security"] = HSTS
                headers += [(k, v.encode()) for k, v in wanted.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def install_docs(app: FastAPI) -> None:
    """`/docs`: Swagger UI, its inline script allowed by a nonce of this response only."""

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} – API")
        html = bytes(page.body).decode().replace("<script>", f'<script nonce="{nonce}">')
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_csp(nonce)})
