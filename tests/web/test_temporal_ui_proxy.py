"""`/temporal/`: the Temporal UI behind the sign-in, against a stand-in UI server.

Who gets through, what a supervisor may name, which calls act, and the proxy's hygiene:
no hop-by-hop header and no credential of the app's reaches the UI server, its cookies
cannot touch the app's session, no path leaves `/temporal/`, and a UI server that does not
answer is a 502. The real UI server is in tests/browser/test_temporal_ui_in_chromium.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio

from client.pathway import PathwayClient
from domain.values import Role
from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessQuery
from infra.accounts.model import Account
from infra.accounts.store import InMemoryAccountStore
from infra.eventstore.memory import InMemoryEventStore
from tests.eventstore.builders import read_models, records, summary
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from web.problems import ProblemError
from web.temporal_ui.access import UiCall, admitted
from web.temporal_ui.forwarding import OutsidePath, checked_path, request_headers
from web.temporal_ui.links import PREFIX, temporal_link
from workers.services import TEMPORAL_UI_PATH

UPSTREAM = "http://127.0.0.1:8233"
OURS, THEIRS = "p-lecce", "p-nardo"
API = "/temporal/api/v1/namespaces/default"


@dataclass
class Ui:
    http: httpx.AsyncClient
    sent: list[httpx.Request] = field(default_factory=list)
    access_log: InMemoryAccessLog = field(default_factory=InMemoryAccessLog)


def answering(sent: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            200,
            headers=[
                ("Content-Type", "application/json"),
                ("Connection", "close, X-Upstream-Hop"),
                ("X-Upstream-Hop", "1"),
                ("Keep-Alive", "timeout=5"),
                ("Set-Cookie", "pathways_session=forged; Path=/"),
                ("Set-Cookie", "_csrf=abc; Path=/; Domain=evil.example; SameSite=Strict"),
            ],
            json={"executions": []},
        )

    return handle


ACCOUNTS: list[InMemoryAccountStore] = []


async def accounts() -> InMemoryAccountStore:
    """The staff, made once for the module: hashing their passwords is the slow part."""
    if not ACCOUNTS:
        ACCOUNTS.append(await staffed_accounts())
    return ACCOUNTS[0]


async def a_ui(handler: Callable[[httpx.Request], httpx.Response] | None = None) -> Ui:
    store = InMemoryEventStore()
    for pathway_id, organisation in ((OURS, "org-lecce"), (THEIRS, "org-nardo")):
        row = summary(pathway_id, 1, organisation_id=organisation, caseworker_id="anna")
        await store.append(
            pathway_id, 0, records(pathway_id, 0, f"c-{pathway_id}"), read_models(row)
        )
    sent: list[httpx.Request] = []
    access_log = InMemoryAccessLog()
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        store,
        await accounts(),
        web_settings(temporal_ui_upstream=UPSTREAM),
        access_log=access_log,
        temporal_ui_transport=httpx.MockTransport(handler or answering(sent)),
    )
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    return Ui(http, sent, access_log)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_ui() -> AsyncIterator[Ui]:
    ui = await a_ui()
    async with ui.http:
        yield ui


@pytest_asyncio.fixture(loop_scope="session")
async def ui(shared_ui: Ui) -> Ui:
    """The module's app (building one per test is most of a test's time), nothing sent yet."""
    shared_ui.sent.clear()
    return shared_ui


async def test_an_anonymous_visitor_is_sent_to_sign_in_and_the_api_answers_401(ui: Ui) -> None:
    page = await ui.http.get("/temporal/namespaces/default/workflows")
    assert page.status_code == 303
    assert (
        page.headers["location"] == "/sign-in?next=%2Ftemporal%2Fnamespaces%2Fdefault%2Fworkflows"
    )
    api = await ui.http.get(f"{API}/workflows/pathway-{OURS}")
    assert api.status_code == 401 and api.json()["code"] == "unauthenticated"
    assert ui.sent == []


@pytest.mark.parametrize("who", ["anna", "marta"])
async def test_a_caseworker_finds_no_ui(ui: Ui, who: str) -> None:
    page = await ui.http.get("/temporal/", headers=bearer(who))
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    api = await ui.http.get(f"{API}/workflows/pathway-{OURS}/history", headers=bearer(who))
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    assert ui.sent == []


@pytest.mark.parametrize("who", ["sara", "cora", "aldo", "adele"])
async def test_those_who_inspect_histories_get_through(ui: Ui, who: str) -> None:
    reply = await ui.http.get(f"{API}/workflows/pathway-{OURS}/history", headers=bearer(who))
    assert reply.status_code == 200, reply.text
    assert ui.sent[0].url.path == f"{API}/workflows/pathway-{OURS}/history"


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/workflows/pathway-{THEIRS}",  # another organisation's pathway
        f"{API}/workflows/pathway-{THEIRS}/runs/r-1/history",
        f"{API}/workflows/pathway-p-unknown",
        f"{API}/workflows/bulk-reassign-1",  # not a pathway's workflow
        f"{API}/workflows/pathway-{OURS}/history?execution.workflowId=pathway-{THEIRS}",
        "/temporal/namespaces/default/workflows/pathway-p-nardo/history",  # the UI's page
    ],
)
async def test_a_supervisor_asking_for_another_organisations_workflow_gets_404(
    ui: Ui, path: str
) -> None:
    reply = await ui.http.get(path, headers=bearer("sara"))
    assert reply.status_code == 404
    if "/api/" in path:
        assert reply.json()["code"] == "pathway_not_found"
    assert ui.sent == []
    coordinator = await ui.http.get(path, headers=bearer("cora"))
    assert coordinator.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/temporal/api/v1/namespaces/other/workflows",
        f"{API}/schedules",
        f"{API}/batch-operations",
        f"{API}/archived-workflows",
    ],
)
async def test_a_supervisor_finds_no_unfiltered_lists(ui: Ui, path: str) -> None:
    reply = await ui.http.get(path, headers=bearer("sara"))
    assert reply.status_code == 404 and ui.sent == []


@pytest.mark.parametrize(
    ("query", "sent"),
    [
        ("", "OrganisationId = 'org-lecce'"),
        (
            "WorkflowType = 'PathwayWorkflow' AND (ExecutionStatus = 'Running')",
            "OrganisationId = 'org-lecce' AND "
            "(WorkflowType = 'PathwayWorkflow' AND (ExecutionStatus = 'Running'))",
        ),
        ("WorkflowId = 'a(b'", "OrganisationId = 'org-lecce' AND (WorkflowId = 'a(b')"),
    ],
)
async def test_a_supervisors_lists_are_narrowed_to_their_organisation(
    ui: Ui, query: str, sent: str
) -> None:
    for list_path in (f"{API}/workflows", f"{API}/workflow-count"):
        reply = await ui.http.get(list_path, params={"query": query}, headers=bearer("sara"))
        assert reply.status_code == 200
        assert ui.sent[-1].url.params.get_list("query") == [sent]
    await ui.http.get(f"{API}/workflows", params={"query": query}, headers=bearer("cora"))
    assert ui.sent[-1].url.params.get("query", "") == query


@pytest.mark.parametrize(
    "query",
    [
        "WorkflowType = 'x') OR (WorkflowType = 'y'",
        "a = '(' ) OR ( b = ')'",  # parentheses balanced only if the literals are ignored
        "a = 'it''s' ) OR ( b = ''",  # a doubled quote continues the literal
        "a = 'x' -- )",
        "a = 'x' /* ) */",
        'a = "x\\" ) OR ("',
    ],
)
async def test_a_query_that_could_escape_the_filter_is_refused(ui: Ui, query: str) -> None:
    reply = await ui.http.get(f"{API}/workflows", params={"query": query}, headers=bearer("sara"))
    assert reply.status_code == 400, query
    assert reply.json()["code"] == "invalid_query" and reply.json()["field"] == "query"
    assert ui.sent == []


@pytest.mark.parametrize("who", ["sara", "cora", "aldo"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{API}/workflows/pathway-{OURS}/terminate"),
        ("POST", f"{API}/workflows/pathway-{OURS}/reset"),
        ("POST", f"{API}/workflows/pathway-{OURS}/signal/s"),
        ("POST", f"{API}/batch-operations/b-1"),
        ("DELETE", f"{API}/workflows/pathway-{OURS}"),
        ("PUT", f"{API}/workflows/new-one"),
    ],
)
async def test_only_an_admin_acts_through_the_ui(ui: Ui, who: str, method: str, path: str) -> None:
    reply = await ui.http.request(method, path, headers=bearer(who), json={})
    assert reply.status_code in (403, 404)  # 404: a supervisor naming what is not theirs
    assert ui.sent == []
    assert await ui.access_log.search(AccessQuery(account_id=who)) == []


async def test_an_admins_action_is_recorded_before_it_is_forwarded(ui: Ui) -> None:
    path = f"{API}/workflows/pathway-{OURS}/terminate"
    reply = await ui.http.post(path, headers=bearer("adele"), json={"reason": "stuck"})
    assert reply.status_code == 200
    (forwarded,) = ui.sent
    assert forwarded.method == "POST" and forwarded.content == b'{"reason":"stuck"}'
    (entry,) = await ui.access_log.search(AccessQuery(account_id="adele"))
    assert (entry.account_id, entry.pathway_id, entry.what) == ("adele", OURS, "temporal_ui_action")
    assert entry.detail == "POST /api/v1/namespaces/default/workflows/pathway-p-lecce/terminate"


async def test_no_hop_by_hop_header_nor_app_credential_reaches_the_ui_server(ui: Ui) -> None:
    reply = await ui.http.get(
        f"{API}/workflows",
        headers={
            **bearer("cora"),
            "Connection": "keep-alive, X-Hop",
            "X-Hop": "1",
            "Keep-Alive": "timeout=5",
            "TE": "trailers",
            "Proxy-Authorization": "Basic eA==",
            "Cookie": "pathways_session=secret-session; _csrf=abc",
            "X-CSRF-TOKEN": "abc",
        },
    )
    assert reply.status_code == 200
    (sent,) = ui.sent
    for name in ("x-hop", "keep-alive", "te", "proxy-authorization", "authorization"):
        assert name not in sent.headers, name
    assert sent.headers.get("connection") == "keep-alive"  # the proxy's own, not the client's
    assert sent.headers["cookie"] == "_csrf=abc"
    assert sent.headers["x-csrf-token"] == "abc"
    assert sent.headers["host"] == "127.0.0.1:8233"


async def test_the_ui_servers_cookies_cannot_touch_the_session(ui: Ui) -> None:
    reply = await ui.http.get(f"{API}/workflows", headers=bearer("cora"))
    assert reply.headers.get_list("set-cookie") == ["_csrf=abc; SameSite=Strict; Path=/temporal"]
    for name in ("keep-alive", "x-upstream-hop"):
        assert name not in reply.headers, name
    csp = reply.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "connect-src 'self'" in csp


@pytest.mark.parametrize(
    "raw",
    [
        b"/temporal/%2e%2e/api/v1/me",
        b"/temporal/api/%2E%2E/%2E%2E/sign-in",
        b"/temporal/..%2fapi",
        b"/temporal/a%5c..%5capi",
    ],
)
async def test_a_path_out_of_temporal_is_refused(ui: Ui, raw: bytes) -> None:
    url = httpx.URL("http://t/temporal/x").copy_with(raw_path=raw)
    reply = await ui.http.get(url, headers=bearer("cora"))
    assert reply.status_code in (400, 404), raw
    assert ui.sent == []


def test_checked_path_keeps_to_the_prefix() -> None:
    assert checked_path("/temporal/namespaces/default", PREFIX) == "/temporal/namespaces/default"
    for raw in ("/temporalx/a", "/temporal/./a", "/temporal/../a", "/other", "/temporal/%2E%2E"):
        with pytest.raises(OutsidePath):
            checked_path(raw, PREFIX)


def test_a_cookie_header_loses_only_the_session() -> None:
    kept = request_headers([("Cookie", "pathways_session=s")], "pathways_session")
    assert kept == []


@pytest.mark.parametrize("api", [True, False])
async def test_a_ui_server_that_does_not_answer_is_a_502(api: bool) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    ui = await a_ui(down)
    async with ui.http:
        path = f"{API}/workflows" if api else "/temporal/namespaces/default/workflows"
        reply = await ui.http.get(path, headers=bearer("cora"))
    assert reply.status_code == 502
    if api:
        assert reply.json()["code"] == "temporal_ui_unavailable"
    else:
        assert "L'interfaccia di Temporal non risponde" in reply.text


def test_the_link_goes_through_the_app_for_the_roles_that_may_use_it() -> None:
    settings = web_settings(temporal_ui_upstream=UPSTREAM, temporal_namespace="default")
    for role, link in (
        (Role.SUPERVISOR, f"/temporal/namespaces/default/workflows/pathway-{OURS}"),
        (Role.AUDITOR, f"/temporal/namespaces/default/workflows/pathway-{OURS}"),
        (Role.CASEWORKER, None),
    ):
        account = Account(id="x", display_name="X", role=role, organisation_id="org-lecce")
        assert temporal_link(settings, OURS, account) == link, role
    assert TEMPORAL_UI_PATH == PREFIX, "pathways up starts the UI where the app serves it"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.CASEWORKER])
def test_a_partner_or_a_caseworker_is_answered_as_if_there_were_no_ui(role: Role) -> None:
    account = Account(
        id="x",
        display_name="X",
        role=role,
        organisation_id=None if role == Role.PARTNER else "org-lecce",
        contact_id="c-1" if role == Role.PARTNER else None,
    )
    with pytest.raises(ProblemError) as refused:
        admitted(account, UiCall("GET", "/namespaces/default/workflows", []))
    assert (refused.value.status, refused.value.code) == (404, "not_found")
