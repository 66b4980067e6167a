"""The API publishes each command as its own schema, and answers OPTIONS and wrong methods.

A client (or a fuzzer) reads `/openapi.json` to learn what it may send: every command of
the domain's union is there, each with its own fields and the envelope's, generated from
the models the domain parses, so that whatever the published schemas allow is a command
`parse_command` accepts. Asking a path with a method it does not take names every method
it does take, on every route of the path, and changes nothing.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from client.parsing import InvalidInput, build_envelope, opening_document, parse_command
from client.pathway import PathwayClient
from domain.commands import Command
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import policy_beyond_schema
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app

COMMANDS = "/api/v1/pathways/{pathway_id}/commands"
OPEN = "/api/v1/pathways"
DOMAIN_TYPES = {
    model.model_fields["type"].default for model in typing.get_args(typing.get_args(Command)[0])
}


async def new_app() -> tuple[FastAPI, InMemoryEventStore]:
    store = InMemoryEventStore()
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        store,
        await staffed_accounts(),
        web_settings(),
    )
    return app, store


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def app() -> FastAPI:
    """One app for the module: building one costs most of a second of CPU, and its OpenAPI
    document (built once an app) as much again. The tests only read it."""
    return (await new_app())[0]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def http() -> AsyncIterator[tuple[httpx.AsyncClient, InMemoryEventStore]]:
    """An app for the module's requests, all refused: its store stays empty."""
    app, store = await new_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client, store


def body_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    content = document["paths"][path]["post"]["requestBody"]["content"]
    return resolve(document, content["application/json"]["schema"])


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_command_of_the_domain_is_published_with_its_envelope(app: FastAPI) -> None:
    document = app.openapi()
    union = body_schema(document, COMMANDS)
    assert union["discriminator"]["propertyName"] == "type"
    published = set(union["discriminator"]["mapping"])
    # Opening has its own route; a document is attached with its file (/documents), and
    # /commands refuses attach_document, whose event must name stored bytes.
    assert published == DOMAIN_TYPES - {"open_pathway", "attach_document"}
    for variant in union["oneOf"]:
        schema = resolve(document, variant)
        assert {"type", "command_id", "occurred_at"} <= set(schema["properties"])
        assert "command_id" in schema["required"], schema.get("title")


def test_the_opening_is_published_without_the_server_side_policy(app: FastAPI) -> None:
    document = app.openapi()
    opening = body_schema(document, OPEN)
    assert "policy" not in opening["properties"]
    assert {"type", "command_id", "occurred_at", "beneficiary"} <= set(opening["properties"])
    assert opening["properties"]["type"].get("const") == "open_pathway"


@pytest.fixture(scope="module")
def published() -> schemathesis.BaseSchema:
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        None,  # type: ignore[arg-type]  # the document needs no accounts
        web_settings(),
    )
    return schemathesis.openapi.from_dict(app.openapi())


# The same 60 bodies on every run (derandomize): a failure in make test is one anybody can
# run again; wider searches are for a run of its own (PATHWAYS_FUZZ_EXAMPLES, docs/web.md).
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_a_command_the_schema_allows_is_one_the_domain_parses(
    published: schemathesis.BaseSchema, data: st.DataObject
) -> None:
    operation = published[COMMANDS]["POST"]
    body = data.draw(operation.as_strategy()).body
    try:
        command = parse_command(body)
    except InvalidInput as refused:
        assert policy_beyond_schema(body["type"], refused.field, refused.message), refused
        return
    assert command.type == body["type"]
    build_envelope(
        command,
        command_id=body["command_id"],
        actor={"id": "anna", "role": "caseworker"},
        occurred_at=body.get("occurred_at"),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_an_opening_the_schema_allows_is_one_the_domain_parses(
    published: schemathesis.BaseSchema, data: st.DataObject
) -> None:
    operation = published[OPEN]["POST"]
    body = data.draw(operation.as_strategy()).body
    command = parse_command(opening_document(body, body.get("command_id")))
    assert command.type == "open_pathway"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/pathways", "GET, OPTIONS, POST"),
        ("/api/v1/pathways/p-1/commands", "OPTIONS, POST"),
        ("/api/v1/pathways/p-1", "GET, OPTIONS"),
        ("/sign-in", "GET, OPTIONS, POST"),  # a page
    ],
)
async def test_options_names_every_method_of_the_path(
    http: tuple[httpx.AsyncClient, InMemoryEventStore], path: str, allowed: str
) -> None:
    client, store = http
    reply = await client.options(path, headers=bearer("anna"))
    assert reply.status_code == 204, reply.text
    assert reply.headers["allow"] == allowed
    assert await store.read_all(after_position=0) == []


async def test_options_on_an_unknown_path_is_not_found(
    http: tuple[httpx.AsyncClient, InMemoryEventStore],
) -> None:
    client, _ = http
    reply = await client.options("/api/v1/no-such-thing")
    assert reply.status_code == 404
    assert reply.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/pathways", "GET, OPTIONS, POST"),
        ("PUT", "/api/v1/pathways/p-1/commands", "OPTIONS, POST"),
        ("PATCH", "/sign-in", "GET, OPTIONS, POST"),
    ],
)
async def test_a_wrong_method_is_refused_naming_every_allowed_one(
    http: tuple[httpx.AsyncClient, InMemoryEventStore], method: str, path: str, allowed: str
) -> None:
    client, store = http
    reply = await client.request(
        method, path, json={"type": "add_note", "text": "x"}, headers=bearer("anna")
    )
    assert reply.status_code == 405
    assert reply.headers["allow"] == allowed
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["code"] == "method_not_allowed"
    assert await store.read_all(after_position=0) == []


@pytest.mark.parametrize(
    ("wrong", "field"),
    [
        ({"type": "renew_permit", "permit_expires_on": 0}, "permit_expires_on"),
        ({"type": "update_household", "household": {"adults": "2"}}, "household.adults"),
    ],
)
def test_a_value_of_another_json_type_is_refused_not_coerced(
    wrong: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_command(wrong)
    assert (refused.value.code, refused.value.field) == ("invalid_command", field)


def test_a_whole_float_is_the_same_json_number() -> None:
    command = parse_command({"type": "update_household", "household": {"adults": 2.0}})
    assert command.model_dump()["household"]["adults"] == 2
