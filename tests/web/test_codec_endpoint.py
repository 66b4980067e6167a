"""`/codec`: the Temporal UI's remote codec, for the people allowed to read the pathway.

The module's tests share one server, database, keyring and app (`codec`): none changes what
another reads, and the access log's checks look only at the entries a request added.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from infra.access_log.base import AccessLog
from infra.access_log.model import AccessQuery, Channel
from infra.crypto.codec import PathwayCodec, encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.db import open_pool
from infra.eventstore.memory import InMemoryEventStore
from infra.migrate import migrate
from infra.search_attributes import register_search_attributes
from tests.conftest import new_database, venv_binary
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.journey import opening
from workers.worker import build_worker
from workflows.models import workflow_id_for

UI = "http://127.0.0.1:8233"


@dataclass
class Codec:
    http: httpx.AsyncClient
    sealed: dict[str, Any]
    """A request body: the payloads of the opening's update in history (sealed)."""
    access_log: AccessLog
    pathway_id: str


def as_json(payloads: Any) -> dict[str, Any]:
    return {
        "payloads": [
            {
                "metadata": {k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                "data": base64.b64encode(p.data).decode(),
            }
            for p in payloads
        ]
    }


@pytest.fixture(scope="module")
def codec_database(postgres_uri: str) -> Iterator[str]:
    """Conninfo of a new database for the module, dropped after it."""
    with new_database(postgres_uri, "test") as conninfo:
        yield conninfo


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def codec(codec_database: str) -> AsyncIterator[Codec]:
    """A time-skipping server whose payloads are sealed, a pathway opened on it, and the
    app's codec: one of each for the module (a server and an app cost a second of CPU)."""
    await migrate(codec_database)
    pool = await open_pool(codec_database, 1, 2)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        await register_search_attributes(env.client, env.client.namespace)
        keyring = Keyring(pool, MasterKey.generate())
        config = env.client.config()
        config["data_converter"] = encrypting_converter(keyring)
        client = Client(**config)
        store, queue = InMemoryEventStore(), f"tq-{uuid.uuid4().hex[:8]}"
        pathways = PathwayClient(client, queue, store)
        app = create_test_app(
            pathways,
            store,
            await staffed_accounts(),
            web_settings(temporal_ui_url=UI),
            codec=PathwayCodec(keyring),
        )
        pid = f"p-{uuid.uuid4().hex[:12]}"
        async with build_worker(client, store, queue):
            await pathways.open(opening(pid))  # anna's caseload, org-lecce
        history = await env.client.get_workflow_handle(workflow_id_for(pid)).fetch_history()
        (accepted,) = [
            e.workflow_execution_update_accepted_event_attributes
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        ]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Codec(
                http,
                as_json(accepted.accepted_request.input.args.payloads),
                app.state.access_log,
                pid,
            )
    finally:
        await env.shutdown()
        await pool.close()


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("anna", 200),  # her own caseload
        ("luca", 403),  # another caseworker's
        ("sara", 200),  # supervisor of the organisation
        ("paolo", 403),  # supervisor of another organisation
        ("cora", 200),  # the coordinator
        ("aldo", 403),  # auditors read no history here
        ("adele", 403),
    ],
)
async def test_decode_by_role(codec: Codec, person: str, status: int) -> None:
    query = AccessQuery(pathway_id=codec.pathway_id)
    before = await codec.access_log.search(query)
    reply = await codec.http.post(
        "/codec/decode", json=codec.sealed, headers={**bearer(person), "X-Namespace": "default"}
    )
    assert reply.status_code == status, reply.text
    logged = [e for e in await codec.access_log.search(query) if e not in before]
    if status == 200:
        data = base64.b64decode(reply.json()["payloads"][0]["data"])
        assert b"Amina" in data
        # A decoded history is a read of personal data: logged under the reader's name.
        assert [(e.account_id, e.what, e.channel) for e in logged] == [
            (person, "temporal_history", Channel.CODEC)
        ]
    else:
        assert b"Amina" not in reply.content
        assert logged == [], "a refused decode shows nothing and records nothing"


async def test_decode_without_a_session_or_token_is_refused(codec: Codec) -> None:
    reply = await codec.http.post("/codec/decode", json=codec.sealed)
    assert reply.status_code == 401
    bad = await codec.http.post("/codec/decode", json={"nope": 1}, headers=bearer("cora"))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_payloads"


async def test_the_ui_origin_may_read_answers_and_preflight(codec: Codec) -> None:
    preflight = await codec.http.options(
        "/codec/decode",
        headers={"Origin": UI, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == UI
    assert "X-Namespace" in preflight.headers["Access-Control-Allow-Headers"]
    other = await codec.http.post(
        "/codec/decode", json=codec.sealed, headers={**bearer("cora"), "Origin": "http://evil"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_only_the_coordinator_encodes(codec: Codec) -> None:
    body = {"payloads": [{"metadata": {}, "data": base64.b64encode(b"x").decode()}]}
    assert (
        await codec.http.post("/codec/encode", json=body, headers=bearer("sara"))
    ).status_code == 403
    reply = await codec.http.post("/codec/encode", json=body, headers=bearer("cora"))
    assert reply.status_code == 200
    (sealed,) = reply.json()["payloads"]
    assert base64.b64decode(sealed["metadata"]["encryption-key-id"]) == b"@system/1"
