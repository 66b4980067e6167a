"""Who may do what, for every endpoint and every role, in and out of scope: one table.

The pathway under test belongs to anna's caseload in org-lecce. Each row of `MATRIX` is
one request; its expectations give the status each person gets. Outside someone's scope a
pathway does not exist (404, like an unknown id); a refusal records nothing (no event, no
access log entry) and is logged. A read of OWN's personal data that is answered is in the
access log, under the reader's name.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from structlog.testing import capture_logs

from domain.calendar import project_day
from domain.stream import stream_id_for
from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessQuery
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import STAFF, bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness

OWN = "p-matrix-anna"
"""The pathway every row is about: anna's, in org-lecce."""

EVERYONE = tuple(STAFF)


@dataclass(frozen=True)
class Row:
    """One request and the status each person gets; `listed` says who sees OWN in it."""

    name: str
    method: str
    path: str
    expect: dict[str, int]
    body: Callable[[str], dict[str, Any]] | None = None
    listed: frozenset[str] | None = None
    changes: bool = False
    """Whether a success records events on OWN (and a refusal must not)."""
    reads: bool = False
    """Whether a success shows OWN's personal data, so is recorded in the access log."""
    extra: dict[str, Any] = field(default_factory=dict)
    codes: frozenset[str] | None = None
    """The codes a 422 may carry (a refused id in the body), when the row says."""


def statuses(ok: int, **others: int) -> dict[str, int]:
    """`ok` for everyone, except the people named."""
    return {person: others.get(person, ok) for person in EVERYONE}


READERS = {"luca": 404, "paolo": 404, "marta": 404, "adele": 404}
"""Who may not read OWN: another caseworker, another organisation, the admin."""


def note(person: str) -> dict[str, Any]:
    return {"type": "add_note", "text": f"note by {person}", "command_id": f"n-{uuid.uuid4()}"}


def opening(person: str) -> dict[str, Any]:
    return {
        **OPEN,
        "pathway_id": f"p-open-{person}-{uuid.uuid4().hex[:6]}",
        "caseworker_id": "anna",
        "command_id": f"o-{uuid.uuid4()}",
    }


@dataclass(frozen=True)
class NamedId:
    """An id that a request body names, and what it names relative to the sender's scope."""

    route: str
    field: str
    value: str
    names: str


NAMED_IDS: tuple[NamedId, ...] = (
    # Whom a pathway is opened for: an active caseworker of its organisation, no one else.
    NamedId("open", "caseworker_id", "marta", "another organisation's caseworker"),
    NamedId("open", "caseworker_id", "aldo", "an auditor"),
    NamedId("open", "caseworker_id", "sara", "a supervisor"),
    NamedId("open", "caseworker_id", "nobody-at-all", "an id that names nobody"),
    # Where: an organisation of the sender's (the coordinator's: any that has caseworkers).
    NamedId("open", "organisation_id", "org-nardo", "another organisation"),
    NamedId("open", "organisation_id", "org-nowhere", "an organisation that does not exist"),
    # Whom OWN is given to.
    NamedId("reassign", "caseworker_id", "marta", "another organisation's caseworker"),
    NamedId("reassign", "caseworker_id", "aldo", "an auditor"),
    NamedId("reassign", "caseworker_id", "sara", "a supervisor"),
    NamedId("reassign", "caseworker_id", "nobody-at-all", "an id that names nobody"),
)
"""Ids in bodies outside the scope of everyone who may send the request. Each becomes a row
of the matrix: refused for everyone, 422 with a stable code (never 200, never a 5xx), and
nothing recorded. The ids in scope are the rows above (`open for anna in org-lecce`) and
tests/security/test_assignment.py (a reassignment that is taken)."""

REFUSED_IDS = frozenset(
    {"caseworker_not_eligible", "organisation_not_found", "not_assigned_caseworker"}
)


def named_id_row(named: NamedId) -> Row:
    """The matrix row for one id in a body."""
    if named.route == "open":

        def body(person: str) -> dict[str, Any]:
            return {**opening(person), named.field: named.value}

        return Row(
            f"open with {named.field} of {named.names}",
            "POST",
            "/api/v1/pathways",
            statuses(422, aldo=403, adele=403),
            body=body,
            codes=REFUSED_IDS,
        )

    def command(person: str) -> dict[str, Any]:
        return {
            "type": "reassign_caseworker",
            named.field: named.value,
            "command_id": f"r-{uuid.uuid4()}",
        }

    return Row(
        f"reassign OWN to {named.names}",
        "POST",
        f"/api/v1/pathways/{OWN}/commands",
        # Outside OWN's scope, the pathway is not there (404) before the body is looked at.
        statuses(422, **READERS, aldo=403),
        body=command,
        changes=True,
        codes=frozenset({"caseworker_not_eligible"}),
    )


def new_account(person: str) -> dict[str, Any]:
    return {
        "id": f"new-{person}-{uuid.uuid4().hex[:6]}",
        "display_name": "New Person",
        "role": "caseworker",
        "organisation_id": "org-lecce",
        "password": "a long enough pass phrase",
    }


TODAY = project_day(datetime.now(UTC)).isoformat()


def new_organisation(person: str) -> dict[str, Any]:
    return {"id": f"org-{person}-{uuid.uuid4().hex[:6]}", "name": "Nuovo partner"}


MATRIX: tuple[Row, ...] = (
    Row("state", "GET", f"/api/v1/pathways/{OWN}", statuses(200, **READERS), reads=True),
    Row(
        "state as of",
        "GET",
        f"/api/v1/pathways/{OWN}?as_of={TODAY}",
        statuses(200, **READERS),
        reads=True,
    ),
    Row(
        "state for an audit",
        "GET",
        f"/api/v1/pathways/{OWN}?purpose=audit",
        statuses(200, **READERS),
        reads=True,
    ),
    Row("history", "GET", f"/api/v1/pathways/{OWN}/history", statuses(200, **READERS), reads=True),
    Row("access log", "GET", "/api/v1/access-log", statuses(403, cora=200, aldo=200)),
    Row(
        "access log of OWN",
        "GET",
        f"/api/v1/access-log?pathway_id={OWN}",
        statuses(403, cora=200, aldo=200),
        reads=True,  # looking into OWN's access history is recorded against OWN
    ),
    Row(
        "command",
        "POST",
        f"/api/v1/pathways/{OWN}/commands",
        statuses(200, **READERS, aldo=403),
        body=note,
        changes=True,
    ),
    Row(
        "open for anna in org-lecce",
        "POST",
        "/api/v1/pathways",
        # luca may open in his organisation, but only for his own caseload (a domain rule).
        # paolo and marta work elsewhere: org-lecce is not among theirs (422, as if unknown).
        statuses(201, luca=422, paolo=422, marta=422, aldo=403, adele=403),
        body=opening,
    ),
    Row(
        "caseload",
        "GET",
        "/api/v1/pathways",
        statuses(200),
        listed=frozenset({"anna", "sara", "marco", "cora", "aldo"}),
    ),
    Row(
        "overdue obligations",
        "GET",
        "/api/v1/obligations/overdue",
        statuses(200),
        listed=frozenset({"anna", "sara", "marco", "cora", "aldo"}),
    ),
    Row("me", "GET", "/api/v1/me", statuses(200)),
    Row("users", "GET", "/api/v1/users", statuses(200)),
    Row("create user", "POST", "/api/v1/users", statuses(403, adele=201), body=new_account),
    Row("organisations", "GET", "/api/v1/organisations", statuses(200)),
    Row("inbox", "GET", "/api/v1/inbox", statuses(200)),
    Row("mark read", "POST", "/api/v1/inbox/no-such-notification/read", statuses(404)),
    Row(
        "create organisation",
        "POST",
        "/api/v1/organisations",
        statuses(403, adele=201),
        body=new_organisation,
    ),
    *(named_id_row(named) for named in NAMED_IDS),
)


@pytest.fixture(scope="module")
def access_log() -> InMemoryAccessLog:
    return InMemoryAccessLog()


@dataclass
class Site:
    """The module's server, store and worker, and one app on them for every row."""

    harness: Harness
    http: httpx.AsyncClient


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def site(served_harness: Harness, access_log: InMemoryAccessLog) -> AsyncIterator[Site]:
    """The app with OWN opened by anna; its clock ten years ahead, so OWN is overdue.

    One app for the module (building one costs most of a second of CPU): a row's refusals
    are checked against OWN's version and the access log before and after it, and the
    accounts a row creates have fresh ids.
    """
    later = datetime.now(UTC) + timedelta(days=3650)
    app = create_test_app(
        served_harness.pathways,
        served_harness.store,
        await staffed_accounts(),
        web_settings(clock=lambda: later),
        access_log=access_log,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        opened = await client.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": OWN, "command_id": "c-own"},
            headers=bearer("anna"),
        )
        assert opened.status_code == 201, opened.text
        yield Site(served_harness, client)


@pytest.mark.parametrize("row", MATRIX, ids=[row.name for row in MATRIX])
async def test_matrix(row: Row, site: Site, access_log: InMemoryAccessLog) -> None:
    http, store = site.http, site.harness.store
    seen: dict[str, int] = {}
    for person in EVERYONE:
        before = await store.stream_version(stream_id_for(OWN))
        logged_before = await access_log.search(AccessQuery(limit=500))
        body = row.body(person) if row.body else None
        with capture_logs() as logs:
            reply = await http.request(row.method, row.path, json=body, headers=bearer(person))
        seen[person] = reply.status_code
        after = await store.stream_version(stream_id_for(OWN))
        logged = await access_log.search(AccessQuery(limit=500))
        if reply.status_code >= 400:
            assert reply.headers["content-type"] == "application/problem+json", person
            assert after == before, f"{person}'s refused {row.name} recorded events"
            assert logged == logged_before, f"{person}'s refused {row.name} was access-logged"
        elif row.reads:
            new = logged[: len(logged) - len(logged_before)]
            assert [(e.account_id, e.pathway_id) for e in new] == [(person, OWN)], row.name
        if reply.status_code == 404 and OWN in row.path:
            # Out of scope reads the same as an unknown id, and the denial is logged.
            assert reply.json()["code"] == "pathway_not_found"
            assert any(e["event"] == "access_denied" and e["account_id"] == person for e in logs)
        if reply.status_code == 422 and row.codes is not None:
            assert reply.json()["code"] in row.codes, (person, reply.json())
        if row.changes and reply.status_code == 200:
            assert after > before
        if row.listed is not None:
            ids = {item["pathway_id"] for item in reply.json()}
            assert (OWN in ids) == (person in row.listed), f"{person} listing of {row.name}"
    assert seen == row.expect


@pytest.mark.parametrize("row", MATRIX, ids=[row.name for row in MATRIX])
async def test_nobody_signed_in_gets_401(row: Row, api_client_401: httpx.AsyncClient) -> None:
    body = row.body("nobody") if row.body else None
    reply = await api_client_401.request(row.method, row.path, json=body)
    assert reply.status_code == 401
    assert reply.json()["code"] == "unauthenticated"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api_client_401() -> AsyncIterator[httpx.AsyncClient]:
    """The app without any Temporal behind it: authentication comes first."""
    from client.pathway import PathwayClient
    from infra.eventstore.memory import InMemoryEventStore

    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def test_users_list_is_scoped(served_harness: Harness) -> None:
    """Who sees which accounts, on an app of its own (the matrix creates accounts)."""
    app = create_test_app(
        served_harness.pathways, served_harness.store, await staffed_accounts(), web_settings()
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        await users_are_scoped(http)


async def users_are_scoped(http: httpx.AsyncClient) -> None:
    def ids(reply: httpx.Response) -> set[str]:
        assert reply.status_code == 200, reply.text
        return {account["id"] for account in reply.json()}

    assert ids(await http.get("/api/v1/users", headers=bearer("anna"))) == {"anna"}
    lecce = {p for p, a in STAFF.items() if a.organisation_id == "org-lecce"}
    assert ids(await http.get("/api/v1/users", headers=bearer("sara"))) == lecce
    assert ids(await http.get("/api/v1/users", headers=bearer("cora"))) >= set(STAFF)
    reply = await http.get("/api/v1/me", headers=bearer("anna"))
    assert "password" not in reply.text and "hash" not in reply.text
