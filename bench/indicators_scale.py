"""Indicator dashboard at scale: 100,000 pathways, ~2,000,000 events, against a bare scan.

    .venv/bin/python -m bench.indicators_scale [--pathways 100000] [--events-per-pathway 20]
    .venv/bin/python -m bench.indicators_scale --pathways 2000 --runs 1   # smoke, seconds

Starts its own embedded PostgreSQL (unix socket in a temporary directory, no TCP), migrates
it, and generates the data inside the server with generate_series (faster than COPY from
Python on 2 cores): the event rows (synthetic payloads, realistic size and indexes) and, since
replaying 2,000,000 events through `evolve` would take far longer than the generation, the
projection's rows directly: `indicator_dimensions` and `indicator_facts` with the catalogue's
fact ids, ~40% of the pathways holding each count fact, and a closed earlier interval for a
fifth of the facts (weight changes and reversals), spread over two years of recording time.

Then it times, against the same run's baseline `SELECT count(*) FROM indicator_facts`:
`indicator_table` now and a year ago by organisation, unscoped and scoped to one
organisation, the period query (one year, by organisation), a drill-down, the dashboard's
12-point trend in one query (`trend`) and, for comparison, as the 12 `indicator_table` calls
it replaced, and the WHOLE dashboard page: `GET /indicators` on the real FastAPI app (httpx
ASGI transport) for a signed-in coordinator, every query its handler runs. Median of
`--runs` runs each (5), after one warm-up. It also checks that the trend equals the 12
tables. Bounded in time; prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from client.pathway import PathwayClient
from domain.calendar import end_of_day
from domain.indicators import CATALOGUE
from domain.values import Role
from infra.accounts.credentials import hash_password
from infra.accounts.model import Account, Organisation
from infra.accounts.store import InMemoryAccountStore
from infra.config import Settings
from infra.db import open_pool
from infra.embedded import EmbeddedPostgres
from infra.migrate import migrate
from infra.policy_file import load_policy
from web.app import create_app
from web.pages.indicators import month_ends
from web.settings import WebSettings
from workers.composition import Stores, account_service, partner_inviter

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SPAN_DAYS = 730
ORGANISATIONS = 12

_EVENTS = """
INSERT INTO events (stream_id, version, type, schema_version, data, metadata, command_id,
                    occurred_at, recorded_at)
SELECT 'pathway-p' || lpad(p::text, 6, '0'), v,
       (ARRAY['PathwayOpened','BaselineRecorded','SkillsAssessmentRecorded','PlanProposed',
              'PlanApproved','MeasureStarted','MeasureProgressRecorded','MeasureCompleted',
              'PaymentRequested','PaymentApproved','PaymentPaid','NoteAdded'])
           [1 + (v * 7 + p) %% 12],
       1,
       jsonb_build_object('measure_id', 'm' || (v %% 5), 'note', repeat('x', 40 + (p + v) %% 60)),
       '{"actor": {"id": "anna", "role": "caseworker"}}'::jsonb,
       'c-' || p || '-' || v,
       %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
           + (v || ' hours')::interval,
       %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
           + (v || ' hours')::interval
FROM generate_series(1, %(pathways)s) AS p, generate_series(1, %(per)s) AS v
ORDER BY p, v
"""
_DIMENSIONS = """
INSERT INTO indicator_dimensions
SELECT 'p' || lpad(p::text, 6, '0'), 'org-' || (p %% %(orgs)s),
       (ARRAY['female','male','other'])[1 + (p * 31 %% 100 > 45)::int + (p %% 97 = 0)::int],
       (ARRAY['0-17','18-24','25-34','35-44','45-54','55+'])[1 + p * 13 %% 6],
       (ARRAY['AF','NG','GN','SY','UA','PK','BD','ML','CI','SN'])[1 + p * 17 %% 10],
       (ARRAY['refugee','subsidiary','special','asylum_seeker'])[1 + p * 11 %% 4]
FROM generate_series(1, %(pathways)s) AS p
"""
# One open row per (pathway, fact) when the pathway holds it; a fifth also has an earlier,
# closed interval with another weight.
_FACTS = """
WITH held AS (
    SELECT p, f.fact, f.i,
           %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
               + ((f.i * 37 + p) %% 90 || ' days')::interval AS since
    FROM generate_series(1, %(pathways)s) AS p,
         unnest(%(facts)s::text[]) WITH ORDINALITY AS f(fact, i)
    WHERE (p * 2654435761 + f.i * 40503) %% 100 < 40
)
INSERT INTO indicator_facts (pathway_id, fact, weight, since, until, occurred_since,
                             occurred_until, opened_by, closed_by)
SELECT 'p' || lpad(p::text, 6, '0'), fact, 1 + (p + i) %% 3, since, NULL, since, NULL,
       p * 20 + i %% 20, NULL
FROM held
UNION ALL
SELECT 'p' || lpad(p::text, 6, '0'), fact, 1, since - interval '30 days', since,
       since - interval '32 days', since, p * 20 + i %% 20 - 1, p * 20 + i %% 20
FROM held WHERE (p + i) %% 5 = 0
"""


PASSWORD = "bench horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def timed(call: Callable[[], Awaitable[Any]], runs: int = 5) -> dict[str, float]:
    await call()  # warm-up: caches and plans
    seconds: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        seconds.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(seconds), 4), "max_s": round(max(seconds), 4)}


async def signed_in_coordinator(app: Any) -> httpx.AsyncClient:
    """An HTTP client on the app, signed in through the form as the coordinator."""
    browser = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    form = await browser.get("/sign-in", params={"next": "/"})
    found = _CSRF.search(form.text)
    assert found is not None, form.text
    reply = await browser.post(
        "/sign-in",
        data={"user_id": "cora", "password": PASSWORD, "next": "/", "csrf_token": found[1]},
    )
    assert reply.status_code == 303, reply.text
    return browser


async def dashboard_app(pool: Any) -> Any:
    """The real web app on the bench's database, with the organisations and a coordinator."""
    accounts = InMemoryAccountStore()
    for n in range(ORGANISATIONS):
        await accounts.create_organisation(Organisation(id=f"org-{n}", name=f"Partner {n}"))
    coordinator = Account(id="cora", display_name="Cora", role=Role.COORDINATOR)
    await accounts.create_account(coordinator, hash_password(PASSWORD))
    settings = WebSettings(
        policy=load_policy(None), session_secret="bench secret " * 4, clock=lambda: NOW
    )
    # The generated events are not sealed and the dashboard opens none: no master key needed.
    stores = Stores(Settings(), pool)
    return create_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the dashboard sends no commands
        stores.events,
        accounts,
        settings,
        indicators=stores.indicators,
        partners=stores.partners,
        account_service=account_service,
        partner_inviter=partner_inviter(Settings()),
    )


async def run(pathways: int, per_pathway: int, runs: int = 5) -> dict[str, Any]:
    """Generate and measure on a PostgreSQL of its own, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="pwi", dir="/tmp"))
    postgres = EmbeddedPostgres(root / "pg")
    try:
        uri = await asyncio.to_thread(postgres.start)
        return await measure_on(uri, pathways, per_pathway, runs)
    finally:
        await asyncio.to_thread(postgres.stop)
        shutil.rmtree(root, ignore_errors=True)


async def measure_on(uri: str, pathways: int, per_pathway: int, runs: int) -> dict[str, Any]:
    """Generate the data in the empty database at `uri` (migrated here), then measure."""
    await migrate(uri)
    pool = await open_pool(uri, 1, 2)
    facts = sorted({f for i in CATALOGUE for f in i.facts})
    params = {
        "start": NOW - timedelta(days=SPAN_DAYS),
        "span": SPAN_DAYS - 120,
        "pathways": pathways,
        "per": per_pathway,
        "orgs": ORGANISATIONS,
        "facts": facts,
    }
    generation: dict[str, float] = {}
    async with pool.connection() as conn:
        for name, statement in (
            ("events", _EVENTS),
            ("dimensions", _DIMENSIONS),
            ("facts", _FACTS),
        ):
            started = time.perf_counter()
            await conn.execute(statement, params)
            generation[name] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")
        generation["vacuum_analyze"] = round(time.perf_counter() - started, 1)
        counts = {}
        for table in ("events", "indicator_facts", "indicator_dimensions"):
            cur = await conn.execute(f"SELECT count(*) FROM {table}")
            row = await cur.fetchone()
            assert row is not None
            counts[table] = row[0]

    async def bare_count() -> None:
        async with pool.connection() as conn:
            await conn.execute("SELECT count(*) FROM indicator_facts")

    queries = Stores(Settings(), pool).indicators
    past = NOW - timedelta(days=365)
    by_org = ("organisation_id",)
    day = NOW.date()
    points = [end_of_day(d) for d in month_ends(day)]

    async def twelve_tables() -> list[Any]:
        return [await queries.indicator_table(p) for p in points]

    app = await dashboard_app(pool)
    browser = await signed_in_coordinator(app)

    async def dashboard_page() -> None:
        page = await browser.get("/indicators", params={"as_of": day.isoformat()})
        assert page.status_code == 200, page.text[:500]
        assert "<polyline" in page.text

    def measure(call: Callable[[], Awaitable[Any]]) -> Awaitable[dict[str, float]]:
        return timed(call, runs)

    measured = {
        "baseline_count_star": await measure(bare_count),
        "dashboard_page_coordinator": await measure(dashboard_page),
        "trend_12_points_one_query": await measure(lambda: queries.trend(points)),
        "trend_12_points_by_organisation": await measure(lambda: queries.trend(points, by=by_org)),
        "trend_as_12_tables_before": await measure(twelve_tables),
        "table_now_by_organisation": await measure(lambda: queries.indicator_table(NOW, by=by_org)),
        "table_past_by_organisation": await measure(
            lambda: queries.indicator_table(past, by=by_org)
        ),
        "table_now_total": await measure(lambda: queries.indicator_table(NOW)),
        "table_now_by_gender_age_scoped": await measure(
            lambda: queries.indicator_table(NOW, by=("gender", "age_band"), organisation_id="org-3")
        ),
        "period_one_year_by_organisation": await measure(
            lambda: queries.indicator_table(
                NOW, by=by_org, period=(past.date(), (past + timedelta(days=364)).date())
            )
        ),
        "drill_down_scoped": await measure(
            lambda: queries.pathways_for("work_grant", NOW, {}, "org-3")
        ),
    }
    base = measured["baseline_count_star"]["median_s"]
    for figures in measured.values():
        figures["ratio_to_baseline"] = round(figures["median_s"] / base, 2)
    checks = {"trend_equals_tables": await queries.trend(points) == await twelve_tables()}
    await browser.aclose()
    await pool.close()
    return {
        "machine": machine(),
        "rows": counts,
        "generation_s": generation,
        "runs": runs,
        "queries": measured,
        "checks": checks,
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pathways", type=int, default=100_000)
    parser.add_argument("--events-per-pathway", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (median)")
    args = parser.parse_args()
    from infra.config import Settings
    from infra.logging import configure_logging

    configure_logging(Settings(log_level="WARNING"))  # stderr: stdout is the JSON alone
    result = asyncio.run(run(args.pathways, args.events_per_pathway, args.runs))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
