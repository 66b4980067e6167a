"""`/healthz` answers while the process lives; `/readyz` names the dependency that is down."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.db import open_pool
from infra.embedded import EmbeddedPostgres
from infra.eventstore.postgres import PostgresEventStore
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness


@pytest.fixture
def own_postgres() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL of this test's own, so that stopping it disturbs no other test."""
    root = Path(tempfile.mkdtemp(prefix="pwh", dir="/tmp"))
    server = EmbeddedPostgres(root / "pg")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


RECOVERY_SECONDS = 30.0
"""How long a restarted database may take to make `/readyz` answer 200 again: the pool
reconnects in the background with a backoff (a second or two; more on a loaded machine),
and a prober asks again after the `Retry-After` it was given. A guard, not a speed check."""


async def ready_again(http: httpx.AsyncClient, within: float) -> httpx.Response:
    """`/readyz` asked as a prober does, until it answers 200 or `within` seconds pass."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        answer = await http.get("/readyz")
        if answer.status_code == 200 or asyncio.get_running_loop().time() > deadline:
            return answer
        await asyncio.sleep(0.25)


async def test_both_probes_answer_when_temporal_is_reachable(harness: Harness) -> None:
    app = create_test_app(harness.pathways, harness.store, await staffed_accounts(), web_settings())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
        alive, ready = await h.get("/healthz"), await h.get("/readyz")
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "checks": {"temporal": "ok"}}


async def test_temporal_down_readyz_names_it_and_healthz_stays_up(harness: Harness) -> None:
    app = create_test_app(harness.pathways, harness.store, await staffed_accounts(), web_settings())
    await harness.env.shutdown()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
        alive, ready = await h.get("/healthz"), await h.get("/readyz")
    assert alive.status_code == 200
    assert ready.status_code == 503, ready.text
    assert ready.headers["retry-after"] == "5"
    body = ready.json()
    assert body["status"] == "unavailable"
    assert body["missing"] == ["temporal"]
    assert body["checks"]["temporal"] != "ok"


async def test_postgres_stopped_readyz_names_it_and_recovers_when_it_is_back(
    harness: Harness, own_postgres: EmbeddedPostgres
) -> None:
    uri = await asyncio.to_thread(own_postgres.start)
    pool = await open_pool(uri, 1, 2, timeout=10)
    try:
        store = PostgresEventStore(pool)
        app = create_test_app(harness.pathways, store, await staffed_accounts(), web_settings())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            ready = await http.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"temporal": "ok", "postgres": "ok"}

            await asyncio.to_thread(own_postgres.stop)
            down = await http.get("/readyz")
            alive = await http.get("/healthz")
            assert down.status_code == 503, down.text
            assert down.json()["missing"] == ["postgres"]
            assert down.json()["checks"]["temporal"] == "ok"
            assert alive.status_code == 200

            await asyncio.to_thread(own_postgres.start)
            back = await ready_again(http, within=RECOVERY_SECONDS)
            assert back.status_code == 200, back.text
    finally:
        await pool.close(timeout=1)
