"""`/indicators`: the FAMI dashboard, its drill-down and downloads, on a projected database.

A small caseload (tests/indicators/caseloads.py) in the web tests' two organisations:
p-a in Lecce (a woman, baseline and skills assessment on 3 March), p-b in Lecce (a man,
opened only), p-c in Nardò (a woman, baseline, skills assessment recorded on 5 March,
back-dated). The events go through the indicator projector, as `pathways up` does.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from openpyxl import load_workbook

from client.pathway import PathwayClient
from domain.calendar import end_of_day
from domain.indicators import CATALOGUE
from infra.access_log.model import AccessQuery
from infra.accounts.store import InMemoryAccountStore
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.eventstore.conftest import PostgresCluster, database, postgres
from tests.indicators.caseloads import append_all, history, interleave, opening
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION, START
from tests.web.conftest import web_settings
from tests.web.staff import STAFF, staffed_accounts
from tests.web.test_i18n import catalog
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from web.pages.indicator_figures import month_ends
from web.reports.indicator_labels import INDICATOR_LABELS

__all__ = ["database", "postgres"]

pytestmark = pytest.mark.integration

NOW = START + timedelta(days=30)
BEFORE_ANY_ASSESSMENT = "2026-03-02"  # p-a is assessed on 3 March, p-c on 5 March
BETWEEN_ASSESSMENTS = "2026-03-04"


@dataclass
class Dashboard:
    app: FastAPI
    pool: Pool
    accounts: InMemoryAccountStore

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )


async def caseload(pool: Pool) -> None:
    lecce = [
        (opening("p-a", "org-lecce", "female"), CASEWORKER, 1, 0),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER, 1, 0),
        (ASSESSMENT, CASEWORKER, 24, 0),
    ]
    other = [(opening("p-b", "org-lecce", "male"), CASEWORKER, 2, 0)]
    nardo = [
        (opening("p-c", "org-nardo", "female"), CASEWORKER, 3, 0),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER, 1, 0),
        (ASSESSMENT, CASEWORKER, 72, 2),  # recorded on day 3, happened on day 1
    ]
    await append_all(
        PostgresEventStore(pool),
        interleave([history("p-a", lecce), history("p-b", other), history("p-c", nardo)]),
    )
    await PostgresIndicatorProjection(pool).catch_up()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_dashboard(postgres: PostgresCluster) -> AsyncIterator[Dashboard]:
    """The caseload, projected once for the module in a database of its own, and one app
    (each costs most of a second of CPU): the pages only read it."""
    pool = await open_pool(postgres.uri(await postgres.create_database()), min_size=1, max_size=4)
    await caseload(pool)
    accounts = await staffed_accounts()
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the dashboard sends none
        PostgresEventStore(pool),
        accounts,
        web_settings(clock=lambda: NOW),
        indicators=PostgresIndicatorQueries(pool),
    )
    try:
        yield Dashboard(app, pool, accounts)
    finally:
        await pool.close()


@pytest_asyncio.fixture(loop_scope="session")
async def dashboard(shared_dashboard: Dashboard) -> Dashboard:
    """The module's dashboard with the staff's language Italian again (a test switches one)."""
    for person in STAFF:
        await shared_dashboard.accounts.update_account(person, language="it")
    return shared_dashboard


def shown(page: httpx.Response, indicator_id: str) -> str:
    found = re.search(rf'id="value-{indicator_id}">([^<]*)<', page.text)
    assert found is not None, page.text
    return found.group(1)


async def test_the_coordinator_sees_every_indicator_in_italian_and_in_english(
    dashboard: Dashboard,
) -> None:
    async with dashboard.browser() as cora:
        token = await sign_in(cora, "cora")
        home = await cora.get("/")
        assert 'href="/indicators"' in home.text and "Indicatori" in home.text
        page = await cora.get("/indicators")
        assert page.status_code == 200, page.text
        assert shown(page, "skills_assessed") == "2"
        assert "Destinatari con bilancio di competenze" in page.text
        assert "Tasso di inattività femminile, all&#39;uscita" in page.text
        for indicator in CATALOGUE:
            assert f'href="/indicators/{indicator.indicator_id}?as_of=2026-04-01"' in page.text
        # Baseline beside exit: the exit tile carries both figures, the baseline no tile.
        assert 'id="tile-female_inactivity_exit"' in page.text
        assert 'id="tile-female_inactivity_baseline"' not in page.text
        assert shown(page, "female_inactivity_baseline") == "100,0%"  # 2 of 2 women
        assert "<polyline" in page.text and "<title" in page.text
        assert "<progress" in page.text

        switched = await cora.post(
            "/language", data={"language": "en", "next": "/indicators", "csrf_token": token}
        )
        assert switched.status_code == 303
        english = await cora.get("/indicators")
        assert "Beneficiaries with a skills assessment" in english.text
        assert shown(english, "female_inactivity_baseline") == "100.0%"
        assert shown(english, "skills_assessed") == "2"


async def test_a_date_before_a_change_shows_the_earlier_figure(dashboard: Dashboard) -> None:
    async with dashboard.browser() as aldo:
        await sign_in(aldo, "aldo")
        between = await aldo.get("/indicators", params={"as_of": BETWEEN_ASSESSMENTS})
        assert shown(between, "skills_assessed") == "1"
        before = await aldo.get("/indicators", params={"as_of": BEFORE_ANY_ASSESSMENT})
        assert shown(before, "skills_assessed") == "0"
        drill = await aldo.get("/indicators/skills_assessed", params={"as_of": BETWEEN_ASSESSMENTS})
        assert 'href="/pathways/p-a"' in drill.text and 'href="/pathways/p-c"' not in drill.text
        nardo = await aldo.get("/indicators", params={"organisation": "org-nardo"})
        assert shown(nardo, "skills_assessed") == "1"


@pytest.mark.parametrize(
    "path",
    [
        "/indicators",
        "/indicators/skills_assessed",
        "/indicators.csv",
        "/indicators.xlsx",
        "/indicators/report",
    ],
)
async def test_a_day_still_to_come_is_refused_and_nothing_is_read(
    dashboard: Dashboard, path: str
) -> None:
    """Figures "as known at" a future day would read as a forecast: 422, before any read."""
    tomorrow = (NOW.date() + timedelta(days=1)).isoformat()
    log = dashboard.app.state.access_log
    async with dashboard.browser() as aldo:
        await sign_in(aldo, "aldo")
        before = await log.search(AccessQuery(limit=500))
        reply = await aldo.get(path, params={"as_of": tomorrow})
        assert reply.status_code == 422, reply.text
        assert 'data-code="as_of_in_future"' in reply.text
        assert "Quel giorno deve ancora venire" in reply.text
        assert await log.search(AccessQuery(limit=500)) == before
        today = await aldo.get(path, params={"as_of": NOW.date().isoformat()})
        assert today.status_code == 200, today.text


async def test_the_date_picker_stops_at_today(dashboard: Dashboard) -> None:
    async with dashboard.browser() as aldo:
        await sign_in(aldo, "aldo")
        page = await aldo.get("/indicators", params={"as_of": BETWEEN_ASSESSMENTS})
        assert f'max="{NOW.date().isoformat()}"' in page.text


async def test_a_supervisor_sees_only_their_organisation(dashboard: Dashboard) -> None:
    async with dashboard.browser() as sara:
        await sign_in(sara, "sara")
        page = await sara.get("/indicators")
        assert page.status_code == 200
        assert shown(page, "skills_assessed") == "1"
        drill = await sara.get("/indicators/skills_assessed")
        assert drill.status_code == 200
        assert 'href="/pathways/p-a"' in drill.text
        assert 'href="/pathways/p-c"' not in drill.text
        rates = await sara.get("/indicators/female_inactivity_baseline")
        assert 'href="/pathways/p-a"' in rates.text and 'href="/pathways/p-c"' not in rates.text
        assert (await sara.get("/indicators", params={"as_of": "yesterday"})).status_code == 422
        other = await sara.get("/indicators", params={"organisation": "org-nardo"})
        assert other.status_code == 404
        assert (await sara.get("/indicators/no_such_indicator")).status_code == 404
    async with dashboard.browser() as cora:
        await sign_in(cora, "cora")
        everyone = await cora.get("/indicators/skills_assessed")
        assert 'href="/pathways/p-a"' in everyone.text
        assert 'href="/pathways/p-c"' in everyone.text


@pytest.mark.parametrize("user", ["anna", "adele"])
async def test_a_caseworker_or_admin_is_refused(dashboard: Dashboard, user: str) -> None:
    async with dashboard.browser() as browser:
        await sign_in(browser, user)
        home = await browser.get("/")
        assert 'href="/indicators"' not in home.text
        for path in ("/indicators", "/indicators/skills_assessed", "/indicators.csv"):
            refused = await browser.get(path)
            assert refused.status_code == 403, path
            assert "Il tuo ruolo non consente questa operazione." in refused.text


async def test_csv_and_xlsx_carry_the_same_numbers(dashboard: Dashboard) -> None:
    async with dashboard.browser() as cora:
        await sign_in(cora, "cora")
        as_csv = await cora.get("/indicators.csv", params={"as_of": "2026-04-01"})
        assert as_csv.status_code == 200
        assert as_csv.headers["content-type"].startswith("text/csv")
        as_xlsx = await cora.get("/indicators.xlsx", params={"as_of": "2026-04-01"})
        assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    from_xlsx = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    from_csv = list(csv.reader(io.StringIO(as_csv.text)))

    def trimmed(row: list[str]) -> list[str]:
        while row and row[-1] == "":
            row = row[:-1]
        return row

    assert [trimmed(r) for r in from_csv if r] == [trimmed(r) for r in from_xlsx if any(r)]
    assert from_csv[0][:3] == ["Indicatore", "Linea di attività", "Descrizione"]
    figures = {r[0]: r for r in from_csv[1:] if len(r) > 4}
    assert set(figures) == {i.indicator_id for i in CATALOGUE}
    assert figures["skills_assessed"][4] == "", "2 people are fewer than 5: suppressed"
    assert figures["skills_assessed"][2] == "Destinatari con bilancio di competenze"
    assert any("oscurati" in r[0] for r in from_csv if r)


async def test_without_the_indicator_database_the_page_says_so(dashboard: Dashboard) -> None:
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        PostgresEventStore(dashboard.pool),
        await staffed_accounts(),
        web_settings(clock=lambda: NOW),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as cora:
        await sign_in(cora, "cora")
        assert (await cora.get("/indicators")).status_code == 503


def test_every_indicator_has_an_italian_label() -> None:
    italian = catalog("it")
    assert set(INDICATOR_LABELS) == {i.indicator_id for i in CATALOGUE}
    for indicator in CATALOGUE:
        assert INDICATOR_LABELS[indicator.indicator_id] == indicator.label
        entry = italian.get(indicator.label)
        assert entry is not None and entry.string, indicator.indicator_id


def test_the_as_of_day_ends_in_italian_time_and_the_trend_has_twelve_months() -> None:
    end = end_of_day(date(2026, 7, 31))
    assert end.isoformat() == "2026-07-31T23:59:59.999999+02:00"
    days = month_ends(date(2026, 3, 15))
    assert len(days) == 12
    assert days[0] == date(2025, 4, 30) and days[-2] == date(2026, 2, 28)
    assert days[-1] == date(2026, 3, 15)
