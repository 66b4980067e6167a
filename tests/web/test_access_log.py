"""Every read of a pathway's personal data is in the access log, and only such reads.

Who read (account, role), when, which pathway and what of it, why (the purpose asked for,
else the role's), through what (page, API). A refused read records nothing; a read whose
entry cannot be written is refused (503) rather than answered unlogged. The module's tests
share one server, worker, app and log; each reads a pathway opened for it alone.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest_asyncio
from fastapi import FastAPI
from psycopg.conninfo import make_conninfo

from domain.calendar import project_day
from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessEntry, AccessQuery
from infra.access_log.postgres import PostgresAccessLog
from infra.db import open_pool
from tests.eventstore.conftest import database, postgres
from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness

__all__ = ["database", "postgres"]

TODAY = project_day(datetime.now(UTC)).isoformat()
"""The latest day an "as of" may ask for."""

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Logged:
    http: httpx.AsyncClient
    log: InMemoryAccessLog
    pathway_id: str

    async def entries(self) -> list[AccessEntry]:
        return await self.log.search(AccessQuery(limit=500))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def logged_app(served_harness: Harness) -> tuple[FastAPI, InMemoryAccessLog]:
    """One app and in-memory access log for the module, on its server and worker: building
    an app costs most of a second of CPU, a server and worker about as much."""
    log = InMemoryAccessLog()
    app = create_test_app(
        served_harness.pathways,
        served_harness.store,
        await staffed_accounts(),
        web_settings(),
        access_log=log,
    )
    return app, log


@pytest_asyncio.fixture(loop_scope="session")
async def logged(logged_app: tuple[FastAPI, InMemoryAccessLog]) -> AsyncIterator[Logged]:
    """The module's app with its access log at hand, a client of the test's own (its own
    cookies) and one pathway of anna's opened for the test."""
    app, log = logged_app
    pathway_id = f"p-log-{uuid.uuid4().hex[:8]}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        opened = await http.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=bearer("anna"),
        )
        assert opened.status_code == 201, opened.text
        yield Logged(http, log, pathway_id)


async def sign_in(http: httpx.AsyncClient, user_id: str) -> None:
    form = await http.get("/sign-in")
    token = CSRF_INPUT.search(form.text)
    assert token is not None
    reply = await http.post(
        "/sign-in",
        data={"user_id": user_id, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert reply.status_code == 303, reply.text


def who_what_why(entries: list[AccessEntry]) -> list[tuple[str, str, str, str, str]]:
    return [(e.account_id, e.role, e.what, e.purpose, e.channel) for e in entries]


async def test_api_reads_are_recorded_with_the_roles_purpose_by_default(logged: Logged) -> None:
    pid = logged.pathway_id
    assert (await logged.http.get(f"/api/v1/pathways/{pid}", headers=bearer("anna"))).is_success
    history = await logged.http.get(f"/api/v1/pathways/{pid}/history", headers=bearer("sara"))
    assert history.is_success

    newest, first = (await logged.entries())[:2]
    assert who_what_why([first, newest]) == [
        ("anna", "caseworker", "pathway_state", "case_management", "api"),
        ("sara", "supervisor", "pathway_history", "supervision", "api"),
    ]
    assert first.pathway_id == newest.pathway_id == pid


async def test_the_purpose_comes_from_the_query_or_the_header(logged: Logged) -> None:
    pid = logged.pathway_id
    url = f"/api/v1/pathways/{pid}"
    by_query = await logged.http.get(
        url, params={"purpose": "subject_access", "as_of": TODAY}, headers=bearer("cora")
    )
    by_header = await logged.http.get(url, headers={**bearer("cora"), "X-Purpose": "support"})
    assert by_query.is_success and by_header.is_success

    newest, before = (await logged.entries())[:2]
    assert (before.purpose, newest.purpose) == ("subject_access", "support")
    assert before.detail is not None and before.detail.startswith(f"as_of={TODAY}")


async def test_refused_reads_record_nothing(logged: Logged) -> None:
    pid = logged.pathway_id
    before = await logged.entries()
    refusals = [
        (f"/api/v1/pathways/{pid}", {}, "luca", 404),  # another caseworker's pathway
        (f"/api/v1/pathways/{pid}/history", {}, "paolo", 404),  # another organisation
        (f"/api/v1/pathways/{pid}", {}, "adele", 404),  # the admin reads no pathway
        ("/api/v1/pathways/p-unknown", {}, "cora", 404),
        (f"/api/v1/pathways/{pid}", {"purpose": "curiosity"}, "anna", 422),
        (f"/api/v1/pathways/{pid}", {"as_of": "2000-01-01"}, "anna", 404),  # not known then
        (f"/api/v1/pathways/{pid}", {"as_of": "2100-01-01"}, "anna", 422),  # not known yet
        (f"/api/v1/pathways/{pid}/history", {"purpose": "audit"}, None, 401),
    ]
    for path, params, person, status in refusals:
        headers = bearer(person) if person else {}
        reply = await logged.http.get(path, params=params, headers=headers)
        assert reply.status_code == status, (path, person, reply.text)
        assert reply.json()["code"] in {
            "pathway_not_found",
            "invalid_command",
            "as_of_in_future",
            "unauthenticated",
        }
    both = await logged.http.get(
        f"/api/v1/pathways/{pid}",
        params={"purpose": "audit"},
        headers={**bearer("aldo"), "X-Purpose": "support"},
    )
    assert both.status_code == 422 and both.json()["field"] == "purpose"

    assert await logged.entries() == before


async def test_pages_record_their_reads_and_offer_the_purpose(logged: Logged) -> None:
    pid = logged.pathway_id
    await sign_in(logged.http, "sara")
    page = await logged.http.get(f"/pathways/{pid}")
    assert page.status_code == 200
    assert 'name="purpose"' in page.text
    assert '<option value="supervision" selected>' in page.text
    history = await logged.http.get(
        f"/pathways/{pid}/history", params={"purpose": "audit", "as_of": TODAY}
    )
    assert history.status_code == 200
    # The note's form keeps the page's other parameters.
    assert f'<input type="hidden" name="as_of" value="{TODAY}">' in history.text
    refused = await logged.http.get(f"/pathways/{pid}", params={"purpose": "curiosity"})
    assert refused.status_code == 422

    newest, first = (await logged.entries())[:2]
    assert who_what_why([first, newest]) == [
        ("sara", "supervisor", "pathway_page", "supervision", "page"),
        ("sara", "supervisor", "history_page", "audit", "page"),
    ]
    assert newest.detail == f"as_of={TODAY}"
    await logged.http.post("/sign-out", data={"csrf_token": _csrf(history.text)})


async def test_the_approval_queue_records_each_pathway_it_shows(logged: Logged) -> None:
    pid = logged.pathway_id
    later = (project_day(datetime.now(UTC)) + timedelta(days=90)).isoformat()
    for command in (
        {"type": "record_baseline", "condition": CONDITION},
        ASSESSMENT,
        {
            "type": "propose_plan",
            "measures": [{"measure_id": "it", "kind": "training_course", "target_date": later}],
        },
    ):
        sent = await logged.http.post(
            f"/api/v1/pathways/{pid}/commands",
            json={**command, "command_id": f"c-{uuid.uuid4().hex[:8]}"},
            headers=bearer("anna"),
        )
        assert sent.status_code == 200, sent.text
    await sign_in(logged.http, "sara")
    queue = await logged.http.get("/approvals")
    assert queue.status_code == 200 and OPEN["beneficiary"]["given_name"] in queue.text

    (newest,) = (await logged.entries())[:1]
    assert (newest.account_id, newest.pathway_id, newest.what) == ("sara", pid, "approvals_page")
    await logged.http.post("/sign-out", data={"csrf_token": _csrf(queue.text)})


async def test_auditors_and_the_coordinator_search_the_log(logged: Logged) -> None:
    pid = logged.pathway_id
    await logged.http.get(f"/api/v1/pathways/{pid}", headers=bearer("anna"))
    found = await logged.http.get(
        "/api/v1/access-log",
        params={"pathway_id": pid, "account_id": "anna", "channel": "api"},
        headers=bearer("aldo"),
    )
    assert found.status_code == 200, found.text
    entries = found.json()
    assert entries and {(e["account_id"], e["pathway_id"]) for e in entries} == {("anna", pid)}
    # The auditor's own look into this pathway's access history is recorded too.
    (newest,) = (await logged.entries())[:1]
    assert (newest.account_id, newest.what, newest.purpose) == ("aldo", "access_log", "audit")

    nothing = await logged.http.get(
        "/api/v1/access-log", params={"since": "2100-01-01"}, headers=bearer("cora")
    )
    assert nothing.status_code == 200 and nothing.json() == []


async def test_others_may_not_search_and_bad_filters_are_refused(logged: Logged) -> None:
    before = await logged.entries()
    for person in ("anna", "sara", "adele"):
        reply = await logged.http.get(
            "/api/v1/access-log", params={"pathway_id": logged.pathway_id}, headers=bearer(person)
        )
        assert reply.status_code == 403 and reply.json()["code"] == "forbidden"
    for params in ({"since": "yesterday"}, {"until": "9999-12-31"}, {"channel": "fax"}):
        reply = await logged.http.get("/api/v1/access-log", params=params, headers=bearer("aldo"))
        assert reply.status_code == 422, params
        assert reply.json()["code"] == "invalid_command"
    assert await logged.entries() == before


async def test_the_access_log_page(logged: Logged) -> None:
    pid = logged.pathway_id
    await logged.http.get(f"/api/v1/pathways/{pid}", headers=bearer("anna"))
    await sign_in(logged.http, "aldo")
    page = await logged.http.get("/access-log", params={"pathway": pid, "channel": "api"})
    assert page.status_code == 200
    assert "Anna" in page.text and "pathway_state" in page.text
    bad = await logged.http.get("/access-log", params={"from": "someday"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    await logged.http.post("/sign-out", data={"csrf_token": _csrf(page.text)})
    await sign_in(logged.http, "anna")
    before = await logged.entries()
    refused = await logged.http.get("/access-log", params={"pathway": pid})
    assert refused.status_code == 403
    assert await logged.entries() == before
    await logged.http.post("/sign-out", data={"csrf_token": _csrf(refused.text)})


async def test_a_read_that_cannot_be_logged_is_refused(
    served_harness: Harness, database: str
) -> None:
    """The access log on PostgreSQL, its table locked: every read answers 503, none shows."""
    pool = await open_pool(make_conninfo(database, options="-c lock_timeout=200ms"), 1, 2)
    app = create_test_app(
        served_harness.pathways,
        served_harness.store,
        await staffed_accounts(),
        web_settings(),
        access_log=PostgresAccessLog(pool),
    )
    pathway_id = f"p-lock-{uuid.uuid4().hex[:8]}"
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            opened = await http.post(
                "/api/v1/pathways",
                json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
                headers=bearer("anna"),
            )
            assert opened.status_code == 201, opened.text
            async with (
                await psycopg.AsyncConnection.connect(database, autocommit=True) as conn,
                conn.transaction(),
            ):
                await conn.execute("LOCK TABLE access_log IN ACCESS EXCLUSIVE MODE")
                for path in (
                    f"/api/v1/pathways/{pathway_id}",
                    f"/api/v1/pathways/{pathway_id}/history",
                ):
                    reply = await http.get(path, headers=bearer("anna"))
                    assert reply.status_code == 503, reply.text
                    assert reply.json()["code"] == "unavailable"
                    assert reply.headers["retry-after"] == "5"
                    assert "given_name" not in reply.text
                await sign_in(http, "anna")
                page = await http.get(f"/pathways/{pathway_id}")
                assert page.status_code == 503
                assert OPEN["beneficiary"]["family_name"] not in page.text
            # Once the log can be written again, the read is answered, and recorded.
            assert (
                await http.get(f"/api/v1/pathways/{pathway_id}", headers=bearer("anna"))
            ).is_success
        assert len(await PostgresAccessLog(pool).search(AccessQuery())) == 1
    finally:
        await pool.close()


def _csrf(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found is not None
    return found.group(1)
