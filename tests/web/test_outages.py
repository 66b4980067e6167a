"""Temporal or PostgreSQL out of reach: 503 problem+json with Retry-After, nothing half done."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool
from temporalio.service import RPCError, RPCStatusCode

from domain.stream import stream_id_for
from infra.eventstore.postgres import PostgresEventStore
from infra.server_process import free_port
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from web.outages import install_outage_handlers

PROBLEM = "application/problem+json"


def assert_unavailable(reply: httpx.Response) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.headers["content-type"] == PROBLEM
    assert reply.headers["retry-after"] == "5"
    assert reply.json()["code"] == "unavailable"


async def test_no_reply_in_time_is_503_and_the_same_command_id_later_applies_once(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    app = create_test_app(
        h.pathways, h.store, await staffed_accounts(), web_settings(reply_timeout=1)
    )
    transport = httpx.ASGITransport(app=app)
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        async with h.worker():
            opened = await http.post(
                "/api/v1/pathways",
                json={**OPEN, "pathway_id": pid, "command_id": f"c-{pid}"},
                headers=bearer("anna"),
            )
            assert opened.status_code == 201, opened.text
        note = {"type": "add_note", "text": "nobody is polling", "command_id": f"n-{pid}"}
        url = f"/api/v1/pathways/{pid}/commands"
        assert_unavailable(await http.post(url, json=note, headers=bearer("anna")))
        async with h.worker():
            retried = await http.post(url, json=note, headers=bearer("anna"))
            again = await http.post(url, json=note, headers=bearer("anna"))
    assert retried.status_code == 200, retried.text
    assert again.json() == retried.json()
    records = await h.store.read_stream(stream_id_for(pid))
    assert [r.type for r in records if r.command_id == note["command_id"]] == ["NoteAdded"]


async def test_an_unreachable_database_is_503(harness: Harness) -> None:
    conninfo = f"host=127.0.0.1 port={free_port()} dbname=nowhere user=nobody connect_timeout=1"
    pool = AsyncConnectionPool(conninfo, min_size=1, max_size=1, timeout=1, open=False)
    await pool.open(wait=False)
    try:
        store = PostgresEventStore(pool)  # type: ignore[arg-type]
        app = create_test_app(harness.pathways, store, await staffed_accounts(), web_settings())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            for path in ("/api/v1/pathways", "/api/v1/pathways/p-1", "/api/v1/obligations/overdue"):
                assert_unavailable(await http.get(path, headers=bearer("sara")))
    finally:
        await pool.close(timeout=1)


async def test_an_unreachable_temporal_is_503_and_records_nothing(harness: Harness) -> None:
    app = create_test_app(harness.pathways, harness.store, await staffed_accounts(), web_settings())
    transport = httpx.ASGITransport(app=app)
    await harness.env.shutdown()
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        reply = await http.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pid, "command_id": f"c-{pid}"},
            headers=bearer("anna"),
        )
    assert_unavailable(reply)
    assert await harness.store.stream_version(stream_id_for(pid)) == 0


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (RPCStatusCode.UNAVAILABLE, "cannot be reached"),
        (RPCStatusCode.RESOURCE_EXHAUSTED, "is overloaded"),
        (RPCStatusCode.DEADLINE_EXCEEDED, "resend it with the same command_id"),
        (RPCStatusCode.CANCELLED, "resend it with the same command_id"),
    ],
)
async def test_each_outage_of_temporal_says_what_to_do(status: RPCStatusCode, said: str) -> None:
    """A server that gave up waiting (an update interrupted three times) was reached: the
    answer says the command may be applied and how to learn its outcome, not that the
    service is down."""
    app = FastAPI()
    install_outage_handlers(app)

    @app.post("/command")
    async def command() -> None:
        raise RPCError("no", status, b"")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
        reply = await h.post("/command")
    assert_unavailable(reply)
    assert said in reply.json()["detail"]


async def test_a_temporal_error_that_is_no_outage_is_not_a_503() -> None:
    app = FastAPI()
    install_outage_handlers(app)

    @app.get("/state")
    async def state() -> None:
        raise RPCError("no such workflow", RPCStatusCode.NOT_FOUND, b"")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
        with pytest.raises(RPCError):
            await h.get("/state")
