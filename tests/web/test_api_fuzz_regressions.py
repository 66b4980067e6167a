"""What fuzzing the live API found (tests/web/test_schemathesis.py), one test per finding.

Several only showed on PostgreSQL, which takes neither NUL characters nor numbers beyond
a bigint: those run on PostgreSQL stores.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio

from domain.stream import stream_id_for
from infra.accounts.postgres import PostgresAccountStore
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate
from tests.scenarios import OPEN
from tests.web.conftest import Api, web_settings
from tests.web.staff import add_staff, bearer
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from web.api import MAX_OFFSET

PROBLEM = "application/problem+json"
ANNA, CORA, ADELE = bearer("anna"), bearer("cora"), bearer("adele")


def assert_invalid(reply: httpx.Response, field: str | None) -> None:
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == PROBLEM
    assert reply.json()["code"] == "invalid_command"
    assert reply.json()["field"] == field


@dataclass
class PostgresApi:
    http: httpx.AsyncClient
    store: PostgresEventStore
    accounts: PostgresAccountStore


@pytest_asyncio.fixture(loop_scope="session")
async def pg_api(harness: Harness, fresh_database: str) -> AsyncIterator[PostgresApi]:
    """The app on PostgreSQL stores (events and accounts), commands to the harness."""
    await migrate(fresh_database)
    pool = await open_pool(fresh_database, min_size=1, max_size=2)
    try:
        store, accounts = PostgresEventStore(pool), PostgresAccountStore(pool)
        await add_staff(accounts)
        app = create_test_app(harness.pathways, store, accounts, web_settings())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield PostgresApi(http, store, accounts)
    finally:
        await pool.close()


async def test_problem_documents_are_documented_with_their_schema(api: Api) -> None:
    """The problem+json answers had an empty schema: nothing about them was checked."""
    paths = (await api.http.get("/openapi.json")).json()["paths"]
    problems = [
        response["content"][PROBLEM]
        for path, operations in paths.items()
        if path.startswith("/api/v1/")
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status >= "400"
    ]
    assert problems
    assert all(p == {"schema": {"$ref": "#/components/schemas/Problem"}} for p in problems)


async def test_as_of_a_date_at_the_end_of_the_calendar_is_refused_not_a_crash(api: Api) -> None:
    """The end of 9999-12-31 is beyond what a datetime holds: it was an OverflowError, 500.
    It is now refused before that, as a day still to come."""
    reply = await api.http.get("/api/v1/pathways/p-1", params={"as_of": "9999-12-31"}, headers=ANNA)
    assert reply.status_code == 422
    assert (reply.json()["code"], reply.json()["field"]) == ("as_of_in_future", "as_of")


async def test_an_offset_beyond_a_bigint_is_refused_not_a_crash(pg_api: PostgresApi) -> None:
    """PostgreSQL's OFFSET takes a bigint: one more was `NumericValueOutOfRange`, 500."""
    reply = await pg_api.http.get(
        "/api/v1/pathways", params={"offset": MAX_OFFSET + 1}, headers=CORA
    )
    assert_invalid(reply, "offset")
    last = await pg_api.http.get("/api/v1/pathways", params={"offset": MAX_OFFSET}, headers=CORA)
    assert last.status_code == 200 and last.json() == []


async def test_ids_are_identifiers_so_a_nul_is_refused_not_a_crash(pg_api: PostgresApi) -> None:
    """PostgreSQL takes no NUL in text: a pathway id or a filter with one was a 500."""
    for path in ("/api/v1/pathways/p%00", "/api/v1/pathways/p%00/history"):
        assert_invalid(await pg_api.http.get(path, headers=CORA), "pathway_id")
    note = {"type": "add_note", "text": "hello", "command_id": "c-nul-id"}
    reply = await pg_api.http.post("/api/v1/pathways/p%00/commands", json=note, headers=CORA)
    assert_invalid(reply, "pathway_id")
    for path in ("/api/v1/pathways", "/api/v1/obligations/overdue"):
        for name in ("organisation_id", "caseworker_id"):
            reply = await pg_api.http.get(path, params={name: "org\x00"}, headers=CORA)
            assert_invalid(reply, name)


async def test_text_postgresql_cannot_store_is_refused_and_changes_nothing(
    pg_api: PostgresApi,
) -> None:
    """An organisation or account whose name holds a NUL was a 500 from the account store."""
    organisations = await pg_api.accounts.list_organisations()
    accounts = await pg_api.accounts.list_accounts()
    reply = await pg_api.http.post(
        "/api/v1/organisations", json={"id": "org-nul", "name": "Nul\x00"}, headers=ADELE
    )
    assert_invalid(reply, None)
    person = {"id": "u-nul", "display_name": "Nul\x00", "role": "auditor"}
    assert_invalid(await pg_api.http.post("/api/v1/users", json=person, headers=ADELE), None)
    assert await pg_api.accounts.list_organisations() == organisations
    assert await pg_api.accounts.list_accounts() == accounts


async def test_a_nul_in_a_command_is_refused_before_it_reaches_the_pathway(api: Api) -> None:
    """On PostgreSQL the event could never be appended: the append retried for good, the
    request answered 503 after the reply timeout and the pathway waited on it forever."""
    pid = f"p-{uuid.uuid4().hex[:12]}"
    opening: dict[str, Any] = {**OPEN, "pathway_id": pid, "command_id": f"c-{pid}"}
    nul_name = {**opening, "beneficiary": {**OPEN["beneficiary"], "given_name": "A\x00"}}
    reply = await api.http.post("/api/v1/pathways", json=nul_name, headers=ANNA)
    assert_invalid(reply, "beneficiary.given_name")
    assert await api.harness.store.stream_version(stream_id_for(pid)) == 0

    assert (await api.http.post("/api/v1/pathways", json=opening, headers=ANNA)).status_code == 201
    note = {"type": "add_note", "text": "a\x00b", "command_id": f"n-{pid}"}
    reply = await api.http.post(f"/api/v1/pathways/{pid}/commands", json=note, headers=ANNA)
    assert_invalid(reply, "text")
    assert await api.harness.store.stream_version(stream_id_for(pid)) == 1


async def test_an_opening_with_a_permit_to_the_end_of_the_calendar_is_refused_not_stuck(
    api: Api,
) -> None:
    """Bug 7: `permit_expires_on: 9999-12-31` overflowed computing the renewal deadline
    (domain/obligations.end_of) and failed the workflow task: the pathway was stuck. Every
    date of a command now lies in 1900..2199, or the command is refused by its field."""
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    opening = {**OPEN, "pathway_id": pathway_id}
    reply = await api.http.post(
        "/api/v1/pathways",
        json={**opening, "permit_expires_on": "9999-12-31", "command_id": "c-bug7-a"},
        headers=ANNA,
    )
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == PROBLEM
    assert (reply.json()["code"], reply.json()["field"]) == (
        "date_out_of_range",
        "permit_expires_on",
    )
    assert await api.harness.store.stream_version(stream_id_for(pathway_id)) == 0

    opened = await api.http.post(
        "/api/v1/pathways", json={**opening, "command_id": "c-bug7-b"}, headers=ANNA
    )
    assert opened.status_code == 201, opened.text
    renewal = {"type": "renew_permit", "permit_expires_on": "9999-12-31", "command_id": "c-7c"}
    reply = await api.http.post(
        f"/api/v1/pathways/{pathway_id}/commands", json=renewal, headers=ANNA
    )
    assert reply.status_code == 422, reply.text
    assert (reply.json()["code"], reply.json()["field"]) == (
        "date_out_of_range",
        "permit_expires_on",
    )
    assert await api.harness.store.stream_version(stream_id_for(pathway_id)) == 1
    answered = await api.http.post(
        f"/api/v1/pathways/{pathway_id}/commands",
        json={"type": "add_note", "text": "still answering", "command_id": "c-bug7-d"},
        headers=ANNA,
    )
    assert answered.status_code in (200, 201), answered.text
