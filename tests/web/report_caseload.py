"""The fixed caseload that the dashboard's filters and the funder report are tested on
(tests/web/test_indicator_filters_report.py), and the site that serves it.

Eight pathways, each opened on 2 March 2026 and read on 1 April (`DAY`); that module's
docstring lists them and the figures they make. `caseload` records them in a PostgreSQL
database and projects the indicators; `Site` builds the app that reads them; `event_count`
is how a test sees that a refused request wrote nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from client.pathway import PathwayClient
from infra.accounts.store import InMemoryAccountStore
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import Step, append_all, history, interleave
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION, OPEN, START
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web_app import create_test_app

NOW = START + timedelta(days=30)
DAY = "2026-04-01"


def opened(
    pathway_id: str,
    organisation: str,
    gender: str,
    *,
    nationality: str = "GN",
    birth_date: str = "1994-05-17",
    protection: str = "refugee",
) -> dict[str, Any]:
    beneficiary = {
        **OPEN["beneficiary"],
        "gender": gender,
        "nationality": nationality,
        "birth_date": birth_date,
    }
    return {
        **OPEN,
        "pathway_id": pathway_id,
        "organisation_id": organisation,
        "beneficiary": beneficiary,
        "protection_status": protection,
    }


def assessed(opening: dict[str, Any]) -> list[Step]:
    return [
        (opening, CASEWORKER, 1, 0),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER, 1, 0),
        (ASSESSMENT, CASEWORKER, 2, 0),
    ]


async def caseload(pool: Pool) -> None:
    histories = [
        history(f"p-{n}", assessed(opened(f"p-{n}", "org-lecce", "female"))) for n in range(1, 6)
    ]
    histories.append(
        history(
            "p-6",
            assessed(
                opened(
                    "p-6",
                    "org-lecce",
                    "male",
                    nationality="NG",
                    birth_date="2005-01-01",
                    protection="subsidiary_protection",
                )
            ),
        )
    )
    histories.append(history("p-7", assessed(opened("p-7", "org-nardo", "female"))))
    histories.append(history("p-8", [(opened("p-8", "org-nardo", "male"), CASEWORKER, 1, 0)]))
    await append_all(PostgresEventStore(pool), interleave(histories))
    await PostgresIndicatorProjection(pool).catch_up()


@dataclass
class Site:
    pool: Pool
    app: FastAPI
    accounts: InMemoryAccountStore = field(default_factory=InMemoryAccountStore)

    def browser(self, app: FastAPI | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app or self.app), base_url="http://testserver"
        )

    async def make_app(
        self, accounts: InMemoryAccountStore | None = None, **settings: Any
    ) -> FastAPI:
        return create_test_app(
            PathwayClient(None, "unused"),  # type: ignore[arg-type]  # these pages send no commands
            PostgresEventStore(self.pool),
            accounts or await staffed_accounts(),
            web_settings(clock=lambda: NOW, **settings),
            indicators=PostgresIndicatorQueries(self.pool),
        )


async def event_count(pool: Pool) -> int:
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT count(*) FROM events")
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])
