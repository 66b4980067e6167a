"""Bodies over the limit are refused with 413 `body_too_large` before they are parsed.

1 MiB for the API's JSON and the pages' forms; 6 MiB for the bank statement upload, whose
file may be 5 MB. A declared Content-Length over the limit is refused unread; a chunked
body without one is counted as it comes, and no chunk past the limit is pulled. Nothing is
recorded: the route never runs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio

from client.pathway import PathwayClient
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app

MIB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass
class Site:
    http: httpx.AsyncClient
    store: InMemoryEventStore


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[Site]:
    """The app on the in-memory store, with no Temporal: a route reached would fail loudly."""
    store = InMemoryEventStore()
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        store,
        await staffed_accounts(),
        web_settings(),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Site(http, store)


def too_large(reply: httpx.Response, limit: int) -> None:
    assert reply.status_code == 413, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = reply.json()
    assert problem["code"] == "body_too_large" and str(limit) in problem["detail"]
    assert reply.headers["x-content-type-options"] == "nosniff"  # still a Pathways answer


async def nothing_recorded(site: Site) -> None:
    assert await site.store.read_all(after_position=0, limit=10) == []


async def test_a_2_mib_opening_is_refused_before_it_is_parsed(site: Site) -> None:
    opening = {**OPEN, "pathway_id": "p-big", "command_id": "c-big", "padding": "x" * 2 * MIB}
    reply = await site.http.post("/api/v1/pathways", json=opening, headers=bearer("anna"))
    too_large(reply, MIB)
    await nothing_recorded(site)


async def test_a_chunked_body_is_cut_off_at_the_limit(site: Site) -> None:
    pulled = 0

    async def endless_json() -> AsyncIterator[bytes]:
        nonlocal pulled
        yield b'{"type": "add_note", "command_id": "c-chunked", "text": "'
        for _ in range(4 * MIB // CHUNK):
            pulled += 1
            yield b"x" * CHUNK
        yield b'"}'

    reply = await site.http.post(
        "/api/v1/pathways/p-any/commands",
        content=endless_json(),
        headers={**bearer("anna"), "Content-Type": "application/json"},
    )
    assert "content-length" not in reply.request.headers
    too_large(reply, MIB)
    assert pulled <= MIB // CHUNK + 1, f"{pulled} chunks read, past the limit"
    await nothing_recorded(site)


async def test_a_page_form_over_the_limit_is_refused(site: Site) -> None:
    reply = await site.http.post(
        "/pathways/p-any/commands",
        data={"type": "add_note", "text": "x" * (MIB + 1), "csrf_token": "t"},
    )
    too_large(reply, MIB)
    await nothing_recorded(site)


@pytest.mark.parametrize("size", [2 * MIB, 7 * MIB])
async def test_a_statement_upload_has_its_own_limit(site: Site, size: int) -> None:
    async with httpx.AsyncClient(transport=site.http._transport, base_url="http://t") as cora:
        token = await sign_in(cora, "cora")
        reply = await cora.post(
            "/payments/statements",
            data={"csrf_token": token, "organisation": "org-lecce"},
            files={"statement": ("march.csv", b"x,y\n" * (size // 4), "text/csv")},
        )
    if size > 6 * MIB:
        too_large(reply, 6 * MIB)
    else:
        # Past the middleware, read by the route: this app has no payments database.
        assert reply.status_code == 503, reply.text
    await nothing_recorded(site)


async def test_the_limit_is_the_settings(site: Site) -> None:
    small = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(max_body_bytes=100),
    )
    transport = httpx.ASGITransport(app=small)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        body = json.dumps({"type": "add_note", "command_id": "c", "text": "x" * 100})
        reply = await http.post(
            "/api/v1/pathways/p-any/commands",
            content=body,
            headers={**bearer("anna"), "Content-Type": "application/json"},
        )
    too_large(reply, 100)
