"""`/api/v1/indicators`: the catalogue, one indicator as known at a day with its breakdown,
its drill-down and the XLSX, on the dashboard's rules (`web.indicators`).

On the dashboard tests' projected caseload (`tests.web.test_indicators_page`): p-a and p-b
in Lecce, p-c in Nardò, p-a and p-c with a skills assessment.
"""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from domain.indicators import CATALOGUE
from infra.access_log.model import AccessQuery
from tests.eventstore.conftest import database, postgres
from tests.web.staff import bearer
from tests.web.test_indicators_page import (
    BETWEEN_ASSESSMENTS,
    Dashboard,
    dashboard,
    shared_dashboard,
)

__all__ = ["dashboard", "database", "postgres", "shared_dashboard"]

API = "/api/v1/indicators"


def refused(reply: httpx.Response, status: int, code: str) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["code"] == code, reply.text


async def test_indicators_in_scope_as_of_a_day_with_breakdown_drill_down_and_xlsx(
    dashboard: Dashboard,
) -> None:
    sara, cora = bearer("sara"), bearer("cora")
    async with dashboard.browser() as api:
        catalogue = await api.get(API, headers=bearer("aldo"))
        assert [i["indicator_id"] for i in catalogue.json()] == [i.indicator_id for i in CATALOGUE]
        for who in ("anna", "adele"):
            for path in (
                API,
                f"{API}/skills_assessed",
                f"{API}/skills_assessed/contributions",
                f"{API}.xlsx",
            ):
                refused(await api.get(path, headers=bearer(who)), 403, "forbidden")
        refused(await api.get(f"{API}/no_such", headers=cora), 404, "not_found")
        refused(
            await api.get(f"{API}/skills_assessed?organisation_id=org-nardo", headers=sara),
            404,
            "not_found",
        )
        refused(
            await api.get(f"{API}/skills_assessed?as_of=yesterday", headers=cora),
            422,
            "invalid_date",
        )
        refused(
            await api.get(f"{API}/skills_assessed?as_of=2999-01-01", headers=cora),
            422,
            "as_of_in_future",
        )
        refused(
            await api.get(f"{API}/skills_assessed?gender=other", headers=cora),
            422,
            "invalid_filter",
        )
        refused(
            await api.get(f"{API}/skills_assessed?by=shoe_size", headers=cora),
            422,
            "invalid_filter",
        )

        mine = await api.get(f"{API}/skills_assessed", headers=sara)
        assert mine.status_code == 200, mine.text
        assert mine.json()["value"] == 1 and mine.json()["organisation_id"] == "org-lecce"
        every = await api.get(f"{API}/skills_assessed", params={"by": "gender"}, headers=cora)
        assert every.json()["value"] == 2 and every.json()["by"] == ["gender"]
        cells = {c["dimensions"]["gender"]: c["value"] for c in every.json()["cells"]}
        assert cells == {"female": None, "male": 0}, "2 women are fewer than 5: suppressed"
        earlier = await api.get(
            f"{API}/skills_assessed", params={"as_of": BETWEEN_ASSESSMENTS}, headers=cora
        )
        assert earlier.json()["value"] == 1

        assert not await dashboard.app.state.access_log.search(AccessQuery(account_id="sara"))
        drill = await api.get(f"{API}/skills_assessed/contributions", headers=sara)
        assert drill.status_code == 200, drill.text
        assert [c["pathway_id"] for c in drill.json()["contributions"]] == ["p-a"]
        assert drill.json()["contributions"][0]["opened_by"] > 0
        xlsx = await api.get(f"{API}.xlsx", params={"as_of": "2026-04-01"}, headers=cora)
        assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    ids = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {i.indicator_id for i in CATALOGUE} <= ids
    logged = await dashboard.app.state.access_log.search(AccessQuery(account_id="sara"))
    assert [(e.what, e.pathway_id, e.channel) for e in logged] == [
        ("indicator_drill_down", "p-a", "api")
    ]
