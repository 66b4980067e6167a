"""What the OpenAPI publishes is what the API does: a client (or an attacker with a fuzzer)
that sends only what the document allows is never refused as malformed, a parameter the
document forbids is refused with `invalid_command` and records nothing, every operation
says it needs a bearer token, and a command's reply links to its pathway.

Each failure here was found by Schemathesis with every check on
(`tests/web/test_schemathesis.py`): the document let `as_of` and `X-Purpose` be `null`,
sent as `as_of=` and `X-Purpose: null`, and let the access log's bounds be any text.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from infra.access_log.base import AccessLog
from infra.access_log.model import AccessQuery
from tests.security.test_typed_api import new_app
from tests.web.staff import bearer

STATE = "/api/v1/pathways/{pathway_id}"
HISTORY = "/api/v1/pathways/{pathway_id}/history"
SEARCH = "/api/v1/access-log"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def http() -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    """One app for the module (each costs most of a second of CPU, its OpenAPI document as
    much again): what a test sends is refused, and each checks that nothing was recorded."""
    app, _ = await new_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client, app


def parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    schema: dict[str, Any] = found["schema"]
    return schema


async def entries(app: FastAPI) -> int:
    log: AccessLog = app.state.access_log
    return len(await log.search(AccessQuery(limit=500)))


async def test_as_of_is_published_as_text_and_an_empty_one_is_refused(
    http: tuple[httpx.AsyncClient, FastAPI],
) -> None:
    client, app = http
    schema = parameter(app.openapi(), STATE, "as_of")
    # A format alone holds for any value but a string, null (sent as `as_of=`) included.
    assert schema["type"] == "string"
    reply = await client.get("/api/v1/pathways/p-1?as_of=", headers=bearer("aldo"))
    assert reply.status_code == 422
    assert (reply.json()["code"], reply.json()["field"]) == ("invalid_command", "as_of")
    assert await entries(app) == 0


@pytest.mark.parametrize("path", [STATE, HISTORY, SEARCH])
async def test_a_purpose_is_never_published_as_null(
    http: tuple[httpx.AsyncClient, FastAPI], path: str
) -> None:
    client, app = http
    document = app.openapi()
    for name in ("purpose", "X-Purpose"):
        assert parameter(document, path, name)["$ref"] == "#/components/schemas/Purpose"
    url = path.format(pathway_id="p-1")
    reply = await client.get(url, headers={**bearer("aldo"), "X-Purpose": "null"})
    assert reply.status_code == 422
    assert (reply.json()["code"], reply.json()["field"]) == ("invalid_command", "X-Purpose")
    assert await entries(app) == 0


@pytest.mark.parametrize("bound", ["since", "until"])
async def test_the_access_log_bounds_are_published_as_days_or_instants(
    http: tuple[httpx.AsyncClient, FastAPI], bound: str
) -> None:
    client, app = http
    schema = parameter(app.openapi(), SEARCH, bound)
    assert schema["type"] == "string"
    assert {"format": "date"} in schema["anyOf"] and {"format": "date-time"} in schema["anyOf"]
    reply = await client.get(f"{SEARCH}?{bound}=%3D%C3%85E", headers=bearer("aldo"))
    assert (reply.status_code, reply.json()["field"]) == (422, bound)
    # Empty is no bound, as the search form sends a blank field; the schema says so.
    assert {"maxLength": 0} in schema["anyOf"]
    assert (await client.get(f"{SEARCH}?{bound}=", headers=bearer("aldo"))).status_code == 200


@pytest.fixture(scope="module")
def served() -> schemathesis.BaseSchema:
    """The published document, its cases sent to the app in-process."""
    app, _ = asyncio.run(new_app())
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("path", [STATE, HISTORY, SEARCH])
def test_a_query_the_schema_allows_is_never_refused_as_malformed(
    served: schemathesis.BaseSchema, path: str
) -> None:
    """As an auditor, on an empty store: an unknown pathway or a day to come, never a
    malformed request (but for `purpose` and `X-Purpose` both given and different)."""
    operation = served[path]["GET"]

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def sent(case: schemathesis.Case) -> None:
        headers = {k: v for k, v in (case.headers or {}).items() if k != "Authorization"}
        purposes = {(case.query or {}).get("purpose"), headers.get("X-Purpose")}
        if None not in purposes and len(purposes) == 2:
            return  # refused, a rule between two parameters JSON Schema cannot state
        reply = case.call(headers={**headers, **bearer("aldo")})
        problem = reply.json() if reply.status_code >= 400 else {}
        assert problem.get("code") != "invalid_command", reply.text

    sent()


def test_every_operation_needs_a_bearer_token(
    served: schemathesis.BaseSchema,
) -> None:
    document = served.raw_schema
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"bearer": []}], f"{method.upper()} {path}"


@pytest.mark.parametrize("authorization", [None, "Basic YW5uYTpwdw==", "Bearer pwt_forged"])
async def test_without_a_valid_bearer_token_nothing_is_answered_or_changed(
    http: tuple[httpx.AsyncClient, FastAPI], authorization: str | None
) -> None:
    client, app = http
    headers = {} if authorization is None else {"Authorization": authorization}
    body = {"type": "add_note", "text": "x", "command_id": "c-1"}
    reply = await client.post("/api/v1/pathways/p-1/commands", json=body, headers=headers)
    assert (reply.status_code, reply.json()["code"]) == (401, "unauthenticated")
    assert await app.state.store.read_all(after_position=0) == []


@pytest.mark.parametrize(
    ("path", "status"), [("/api/v1/pathways", "201"), (f"{STATE}/commands", "200")]
)
def test_a_commands_reply_links_to_its_pathway(
    served: schemathesis.BaseSchema, path: str, status: str
) -> None:
    document = served.raw_schema
    links = document["paths"][path]["post"]["responses"][status]["links"]
    targets = {(link["operationRef"], str(link["parameters"])) for link in links.values()}
    by_id = str({"pathway_id": "$response.body#/pathway_id"})
    assert targets == {
        ("#/paths/~1api~1v1~1pathways~1{pathway_id}/get", by_id),
        ("#/paths/~1api~1v1~1pathways~1{pathway_id}~1history/get", by_id),
        ("#/paths/~1api~1v1~1pathways~1{pathway_id}~1commands/post", by_id),
    }
