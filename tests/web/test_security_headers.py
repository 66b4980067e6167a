"""Security headers on every answer; the pages need no inline script or style to work."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from importlib import resources

import httpx
import pytest
import pytest_asyncio

from client.pathway import PathwayClient
from infra.eventstore.memory import InMemoryEventStore
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app

PATHS = (
    "/sign-in",  # a page
    "/",  # a redirect to sign in
    "/api/v1/me",  # the API
    "/api/v1/pathways/p-none",  # a refusal
    "/no-such-page",  # Starlette's 404
    "/static/pathways.css",
    "/openapi.json",
)


async def client(**settings: object) -> httpx.AsyncClient:
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(**settings),
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """One app with the shipped settings for the module's tests: they only read, and
    building an app costs most of a second of CPU (the HSTS test builds its own)."""
    async with await client() as shared:
        yield shared


@pytest.mark.parametrize("path", PATHS)
async def test_every_answer_carries_the_security_headers(
    http: httpx.AsyncClient, path: str
) -> None:
    reply = await http.get(path, headers=bearer("anna"))
    headers = reply.headers
    csp = headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers
    if not path.startswith("/static/"):
        assert headers["cache-control"] == "no-store"


async def test_hsts_when_served_over_https() -> None:
    async with await client(strict_transport=True) as http:
        reply = await http.get("/sign-in")
    assert reply.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_the_api_docs_allow_their_one_inline_script_by_nonce(http: httpx.AsyncClient) -> None:
    first = await http.get("/docs")
    second = await http.get("/docs")
    assert first.status_code == 200
    nonce = re.search(r'<script nonce="([^"]+)">', first.text)
    assert nonce is not None
    assert f"'nonce-{nonce.group(1)}'" in first.headers["content-security-policy"]
    assert nonce.group(1) not in second.text  # a new one each time
    assert "<script>" not in first.text


def test_no_template_has_inline_script_style_or_event_handler() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    forbidden = (
        inline_script,
        # The funder report is one self-contained printable file: its stylesheet carries
        # the nonce of the response's own policy (tests/web/test_indicator_filters_report.py).
        re.compile(r"<style\b(?![^>]*\bnonce=)", re.I),
        re.compile(r"\sstyle\s*=", re.I),
        re.compile(r"\son[a-z]+\s*=", re.I),
        re.compile(r"javascript:", re.I),
        re.compile(r"hx-on", re.I),
    )
    templates = resources.files("web").joinpath("templates")
    found = []
    for entry in templates.iterdir():
        text = entry.read_text(encoding="utf-8")
        found += [f"{entry.name}: {p.pattern}" for p in forbidden if p.search(text)]
    assert found == []


def test_htmx_is_told_not_to_inject_styles_or_eval() -> None:
    base = resources.files("web").joinpath("templates", "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
