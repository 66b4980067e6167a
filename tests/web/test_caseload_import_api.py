"""The caseload import over the API (`/api/v1/imports/caseload/...`, docs/import.md).

In process, no Temporal: who may start a dry run, and every file refused whole with its
code before anything starts (the dry run's start is replaced by a recorder that must stay
empty). On the dev server, once: a supervisor's dry run reports each problem by row and
column and creates nothing, another organisation's supervisor finds nothing, applying it
opens the valid row once, and applying again answers the same application.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from client.pathway import PathwayClient
from infra.eventstore.memory import InMemoryEventStore
from tests.imports.rows import cells, csv_of, xlsx_of
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from workers.worker import build_worker

__all__ = ["dev_harness"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DRY_RUNS = "/api/v1/imports/caseload"


@pytest_asyncio.fixture(loop_scope="session")
async def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []

    async def recorder(*args: Any) -> str:
        calls.append(args)
        raise AssertionError("a refused file must start nothing")

    monkeypatch.setattr("web.caseload_import_api.start_dry_run", recorder)
    return calls


@pytest_asyncio.fixture(loop_scope="session")
async def api() -> AsyncIterator[httpx.AsyncClient]:
    pathways = PathwayClient(None, "unused")  # type: ignore[arg-type]  # nothing may start
    app = create_test_app(
        pathways, InMemoryEventStore(), await staffed_accounts(), web_settings(import_max_rows=2)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def upload(data: bytes, name: str = "elenco.csv", media: str = "text/csv") -> dict[str, Any]:
    return {"file": (name, data, media)}


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (upload(b"%PDF-1.7\x00binary", "elenco.pdf", "application/pdf"), "not_a_spreadsheet"),
        (upload(b"nome;cognome\nAda;Obi\n"), "wrong_headers"),
        (upload(csv_of([cells(n) for n in range(1, 4)])), "too_many_rows"),
        (upload(b""), "empty_file"),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_and_nothing_starts(
    api: httpx.AsyncClient, started: list[Any], file: dict[str, Any], code: str
) -> None:
    reply = await api.post(
        DRY_RUNS, data={"organisation_id": "org-lecce"}, files=file, headers=bearer("sara")
    )
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["code"] == code
    assert started == []


@pytest.mark.parametrize(
    ("who", "organisation", "status", "code"),
    [
        ("anna", "org-lecce", 403, "forbidden"),  # a caseworker
        ("aldo", "org-lecce", 403, "forbidden"),  # the auditor
        ("paolo", "org-lecce", 404, "not_found"),  # another organisation's supervisor
        ("cora", "org-nowhere", 404, "not_found"),
    ],
)
async def test_only_a_supervisor_of_the_organisation_or_the_coordinator_imports(
    api: httpx.AsyncClient, started: list[Any], who: str, organisation: str, status: int, code: str
) -> None:
    reply = await api.post(
        DRY_RUNS,
        data={"organisation_id": organisation},
        files=upload(csv_of([cells(1)])),
        headers=bearer(who),
    )
    assert (reply.status_code, reply.json()["code"]) == (status, code), reply.text
    assert started == []


async def test_a_missing_file_or_organisation_is_refused(
    api: httpx.AsyncClient, started: list[Any]
) -> None:
    no_file = await api.post(
        DRY_RUNS, data={"organisation_id": "org-lecce"}, headers=bearer("sara")
    )
    no_org = await api.post(DRY_RUNS, files=upload(csv_of([cells(1)])), headers=bearer("sara"))
    for reply in (no_file, no_org):
        assert reply.status_code == 422 and reply.json()["code"] == "invalid_command"
    assert started == []


@pytest.mark.integration
async def test_a_supervisor_checks_then_applies_a_file_over_the_api(dev_harness: Harness) -> None:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    transport = httpx.ASGITransport(app=app)
    rows = [cells(1), cells(2, birth_date="31/02/1990"), cells(3, document_number="ab 000001")]
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        checked = await http.post(
            DRY_RUNS,
            data={"organisation_id": "org-lecce"},
            files=upload(xlsx_of(rows), "elenco.xlsx", XLSX),
            headers=bearer("sara"),
        )
        assert checked.status_code == 202, checked.text
        report = await until_done(http, checked.json()["operation_id"])
        assert (report["dry_run"], report["rows"], report["would_open"]) == (True, 3, 1)
        assert [(p["row"], p["column"], p["code"]) for p in report["problems"]] == [
            (3, "birth_date", "invalid_date"),
            (4, "document_number", "duplicate_in_file"),
        ]
        assert await h.store.caseload.list_summaries(organisation_id="org-lecce") == []
        path = f"/api/v1/imports/caseload/{report['operation_id']}"
        for who in ("paolo", "anna"):
            hidden = await http.get(path, headers=bearer(who))
            assert hidden.status_code in (403, 404) and "invalid_date" not in hidden.text
            refused = await http.post(path + "/apply", headers=bearer(who))
            assert refused.status_code in (403, 404)
        applied = await http.post(path + "/apply", headers=bearer("sara"))
        assert applied.status_code == 202, applied.text
        progress = await until_done(http, applied.json()["operation_id"])
        assert (progress["dry_run"], progress["opened"], progress["refused"]) == (False, 1, 0)
        again = await http.post(path + "/apply", headers=bearer("sara"))
        assert again.json()["operation_id"] == applied.json()["operation_id"]
        (opened,) = await h.store.caseload.list_summaries(organisation_id="org-lecce")
        assert opened.pathway_id.startswith("imp-")


async def until_done(http: httpx.AsyncClient, operation_id: str) -> dict[str, Any]:
    """The import's report once done; the dev server's worker needs a moment."""
    for _ in range(100):
        reply = await http.get(f"/api/v1/imports/caseload/{operation_id}", headers=bearer("sara"))
        assert reply.status_code == 200, reply.text
        if reply.json()["stage"] in ("done", "refused"):
            return dict(reply.json())
    raise AssertionError(f"{operation_id} is not done")
