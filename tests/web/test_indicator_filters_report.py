"""The dashboard's filters and breakdowns, and the printable funder report, on a fixed caseload.

Eight pathways, each opened on 2 March 2026 (tests/web/report_caseload.py; figures by
hand below):
- p-1 … p-5: Lecce, women, GN, refugees, born 1994 (25-34), baseline and skills assessment;
- p-6: Lecce, a man, NG, subsidiary protection, born 2005 (18-24), baseline and assessment;
- p-7: Nardò, a woman, GN, refugee, 25-34, baseline and assessment;
- p-8: Nardò, a man, GN, refugee, 25-34, opened only.
So skills_assessed is 7 in all: 6 women, 1 man; 1 aged 18-24; 6 GN; 1 with subsidiary
protection; 6 in Lecce (5 of them women), 1 in Nardò — a cell the report must suppress.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from openpyxl import load_workbook

from domain.indicators import CATALOGUE
from infra.db import open_pool
from infra.indicators.targets import load_grant
from tests.eventstore.conftest import PostgresCluster, postgres
from tests.web.indicator_figures import report_cell, shown
from tests.web.report_caseload import DAY, Site, caseload, event_count
from tests.web.staff import STAFF, staffed_accounts
from tests.web.test_pages import sign_in

__all__ = ["postgres"]

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_site(postgres: PostgresCluster) -> AsyncIterator[Site]:
    """The caseload, seeded once for the module in a database of its own, and one app (each
    costs most of a second of CPU): the pages only read it (the refusals check that
    nothing was written)."""
    name = await postgres.create_database()
    pool = await open_pool(postgres.uri(name), min_size=1, max_size=4)
    try:
        await caseload(pool)
        site = Site(pool, None)  # type: ignore[arg-type]
        site.accounts = await staffed_accounts()
        site.app = await site.make_app(site.accounts)
        yield site
    finally:
        await pool.close()
        await postgres.drop_database(name)


@pytest_asyncio.fixture(loop_scope="session")
async def site(shared_site: Site) -> Site:
    """The module's site with the staff's language Italian again (a test switches one)."""
    for person in STAFF:
        await shared_site.accounts.update_account(person, language="it")
    return shared_site


# --- dashboard filters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, "7"),
        ({"gender": "female"}, "6"),
        ({"gender": "male"}, "1"),
        ({"age_band": "18-24"}, "1"),
        ({"age_band": "25-34"}, "6"),
        ({"nationality": "gn"}, "6"),  # lower case is taken as the code
        ({"nationality": "NG"}, "1"),
        ({"protection_status": "subsidiary_protection"}, "1"),
        ({"gender": "female", "organisation": "org-nardo"}, "1"),
        ({"gender": "non_binary"}, "0"),
    ],
)
async def test_filters_change_the_figures(
    site: Site, filters: dict[str, str], expected: str
) -> None:
    async with site.browser() as cora:
        await sign_in(cora, "cora")
        page = await cora.get("/indicators", params={"as_of": DAY, **filters})
        assert page.status_code == 200, page.text
        assert shown(page, "skills_assessed") == expected


async def test_the_filters_stay_in_the_form_the_links_and_the_drill_down(site: Site) -> None:
    async with site.browser() as cora:
        await sign_in(cora, "cora")
        page = await cora.get("/indicators", params={"as_of": DAY, "gender": "male"})
        assert 'href="/indicators/skills_assessed?as_of=2026-04-01&amp;gender=male"' in page.text
        assert '<option value="male" selected>' in page.text
        # Female inactivity among men: no woman, nothing to divide.
        assert shown(page, "female_inactivity_baseline") == "–"
        drill = await cora.get(
            "/indicators/skills_assessed", params={"as_of": DAY, "gender": "male"}
        )
        assert drill.status_code == 200
        assert 'href="/pathways/p-6"' in drill.text
        assert 'href="/pathways/p-1"' not in drill.text and 'href="/pathways/p-7"' not in drill.text


async def test_a_work_package_filter_keeps_its_indicators_only(site: Site) -> None:
    async with site.browser() as aldo:
        await sign_in(aldo, "aldo")
        page = await aldo.get("/indicators", params={"work_package": "wp2_housing"})
        assert 'id="tile-cohousing"' in page.text
        assert 'id="tile-skills_assessed"' not in page.text
        assert 'id="tile-self_esteem_exit"' not in page.text
        general = await aldo.get("/indicators", params={"work_package": "general"})
        assert 'id="tile-self_esteem_exit"' in general.text
        assert 'id="tile-cohousing"' not in general.text
        as_csv = await aldo.get("/indicators.csv", params={"work_package": "wp2_housing"})
        ids = {r[0] for r in csv.reader(io.StringIO(as_csv.text)) if len(r) > 4}
        wp2 = {
            i.indicator_id
            for i in CATALOGUE
            if i.work_package and i.work_package.value == "wp2_housing"
        }
        assert ids - {"Indicatore"} == wp2


async def test_downloads_honour_the_filters_and_break_down_by_dimensions(site: Site) -> None:
    async with site.browser() as cora:
        await sign_in(cora, "cora")
        params = [("as_of", DAY), ("gender", "female"), ("by", "organisation")]
        as_csv = await cora.get("/indicators.csv", params=params)
        as_xlsx = await cora.get("/indicators.xlsx", params=params)
        assert as_csv.status_code == as_xlsx.status_code == 200
        two = await cora.get("/indicators.csv", params=[("by", "age_band"), ("by", "gender")])
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0][:2] == ["Organizzazione", "Indicatore"]
    skills = {r[0]: r[5] for r in rows[1:] if len(r) > 5 and r[1] == "skills_assessed"}
    assert skills == {"org-lecce": "5", "org-nardo": ""}, "Nardò's 1 woman is suppressed"
    assert any("Solo i percorsi con: Genere = female" in r[0] for r in rows if r)
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    from_xlsx = {
        (r[0], r[1]): r[5]
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[1] == "skills_assessed"
    }
    assert from_xlsx == {
        ("org-lecce", "skills_assessed"): 5,
        ("org-nardo", "skills_assessed"): None,
    }
    header = next(csv.reader(io.StringIO(two.text)))
    assert header[:3] == ["Fascia d'età", "Genere", "Indicatore"]
    cells = {
        (r[0], r[1]): r[6]
        for r in csv.reader(io.StringIO(two.text))
        if len(r) > 6 and r[2] == "skills_assessed"
    }
    assert cells[("25-34", "female")] == "6"
    assert cells[("18-24", "male")] == "", "one man aged 18-24: suppressed"


async def test_english_readers_get_english_headers(site: Site) -> None:
    async with site.browser() as cora:
        token = await sign_in(cora, "cora")
        await cora.post("/language", data={"language": "en", "next": "/", "csrf_token": token})
        as_csv = await cora.get("/indicators.csv", params={"by": "gender"})
    header = next(csv.reader(io.StringIO(as_csv.text)))
    assert header == [
        "Gender", "Indicator", "Work package", "Description",
        "Kind", "Value", "Numerator", "Denominator",
    ]  # fmt: skip
    assert "Beneficiaries with a skills assessment" in as_csv.text


BAD_FILTERS: list[Any] = [
    {"gender": "robot"},
    {"age_band": "30-40"},
    {"nationality": "Guinea"},
    {"protection_status": "tourist"},
    {"work_package": "wp9"},
    [("gender", "male"), ("gender", "female")],
    {"by": "shoe_size"},
]


async def test_bad_filters_are_refused_and_change_nothing(site: Site) -> None:
    before = await event_count(site.pool)
    async with site.browser() as cora:
        await sign_in(cora, "cora")
        for path in (
            "/indicators",
            "/indicators.csv",
            "/indicators.xlsx",
            "/indicators/skills_assessed",
        ):
            for params in BAD_FILTERS:
                page = await cora.get(path, params=params)
                assert page.status_code == 422, (path, params)
                assert "Un filtro ha un valore sconosciuto" in page.text
                assert "content-disposition" not in page.headers, "no file for a refusal"
        api = await cora.get(
            "/indicators.csv",
            params={"gender": "robot"},
            headers={"Accept": "application/problem+json"},
        )
        assert api.status_code == 422
    assert await event_count(site.pool) == before


# --- the funder report ------------------------------------------------------------------------


async def test_the_report_has_every_indicator_with_its_target_and_suppresses_small_cells(
    site: Site,
) -> None:
    async with site.browser() as cora:
        await sign_in(cora, "cora")
        dashboard = await cora.get("/indicators", params={"as_of": DAY})
        assert 'href="/indicators/report?as_of=2026-04-01"' in dashboard.text
        report = await cora.get("/indicators/report", params={"as_of": DAY})
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    page = report.text
    assert "size: A4" in page and "@media print" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    # Its inline stylesheet is allowed by this response's nonce only, nothing else inline.
    nonce = re.search(r'<style nonce="([^"]+)">', page)
    assert nonce is not None
    policy = report.headers["content-security-policy"]
    assert f"style-src 'self' 'nonce-{nonce.group(1)}'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "Rifugiato cittadino" in page and "FAMI" in page
    assert "1 apr 2026" in page
    for indicator in CATALOGUE:
        assert f'id="row-{indicator.indicator_id}"' in page
        assert f'id="method-{indicator.indicator_id}"' in page
    # The counting rules are in the report's language, like the rest of it.
    assert "<td>è registrato il bilancio di competenze</td>" in page
    assert "the skills assessment (bilancio di competenze) is recorded" not in page
    assert report_cell(page, "skills_assessed", "target") == "almeno 300"
    assert report_cell(page, "skills_assessed", "value") == "7"
    assert report_cell(page, "female_inactivity_exit", "target") == "al massimo 50,0%"
    assert report_cell(page, "female_inactivity_baseline", "value") == "100,0%"  # 6 of 6 women
    assert report_cell(page, "female_inactivity_baseline", "target") == "–"
    # By organisation: Lecce's 6 shown, Nardò's 1 suppressed — in the chart and its text.
    chart = re.search(r'id="breakdown-skills_assessed">(.*?)</figure>', page, re.DOTALL)
    assert chart is not None
    assert "Partner di Lecce 6" in chart.group(1) and "Partner di Nardò –" in chart.group(1)
    assert chart.group(1).count('fill="#1f5f8b"') == 1, "no bar for the suppressed cell"
    assert 'id="pair-female_inactivity_exit"' in page
    assert "meno di 5 persone" in page
    assert 'id="progress-wp1_work"' in page


async def test_a_supervisor_reports_on_their_organisation_only(site: Site) -> None:
    async with site.browser() as sara:
        await sign_in(sara, "sara")
        report = await sara.get("/indicators/report", params={"as_of": DAY})
        assert report.status_code == 200
        assert report_cell(report.text, "skills_assessed", "value") == "6"
        assert "Partner di Lecce" in report.text and "Partner di Nardò" not in report.text
        other = await sara.get("/indicators/report", params={"organisation": "org-nardo"})
        assert other.status_code == 404


@pytest.mark.parametrize("user", ["anna", "adele"])
async def test_the_report_is_refused_to_others(site: Site, user: str) -> None:
    async with site.browser() as browser:
        await sign_in(browser, user)
        assert (await browser.get("/indicators/report")).status_code == 403


async def test_a_bad_date_is_refused(site: Site) -> None:
    async with site.browser() as cora:
        await sign_in(cora, "cora")
        refused = await cora.get("/indicators/report", params={"as_of": "next week"})
        assert refused.status_code == 422
        assert "Non è una data" in refused.text


async def test_the_targets_file_sets_the_targets_and_the_project(
    site: Site, tmp_path: Path
) -> None:
    path = tmp_path / "grant.toml"
    path.write_text(
        '[project]\ntitle = "Progetto di prova"\nstart = 2026-01-01\nend = 2028-12-31\n\n'
        "[skills_assessed]\nvalue = 42\n",
        encoding="utf-8",
    )
    app = await site.make_app(grant=load_grant(path), targets_source=str(path))
    async with site.browser(app) as cora:
        await sign_in(cora, "cora")
        dashboard = await cora.get("/indicators", params={"as_of": DAY})
        report = await cora.get("/indicators/report", params={"as_of": DAY})
    tile = re.search(r'id="tile-skills_assessed">(.*?)</li>', dashboard.text, re.DOTALL)
    assert tile is not None and "/ 42" in tile.group(1)
    assert report_cell(report.text, "skills_assessed", "target") == "almeno 42"
    assert "Progetto di prova" in report.text
    assert "1 gen 2026 – 31 dic 2028" in report.text
    assert str(path) in report.text
