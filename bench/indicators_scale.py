"""Indicator dashboard at scale: 100,000 pathways, ~2,000,000 events, against a bare scan.

    .venv/bin/python -m bench.indicators_scale [--pathways 100000] [--events-per-pathway 20]

Starts its own embedded PostgreSQL (unix socket in a temporary directory, no TCP), migrates
it, and generates the data inside the server with generate_series (faster than COPY from
Python on 2 cores): the event rows (synthetic payloads, realistic size and indexes) and, since
replaying 2,000,000 events through `evolve` would take far longer than the generation, the
projection's rows directly: `indicator_dimensions` and `indicator_facts` with the catalogue's
fact ids, ~40% of the pathways holding each count fact, and a closed earlier interval for a
fifth of the facts (weight changes and reversals), spread over two years of recording time.

Then it times the dashboard query (`indicator_table(now, by=("organisation_id",))`), the same
as of a past date, unscoped and scoped to one organisation, a drill-down, and in the same
run the baseline `SELECT count(*) FROM indicator_facts`. Median of 5 runs each, after one
warm-up. Bounded in time; prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.indicators import CATALOGUE
from infra.db import open_pool
from infra.embedded import EmbeddedPostgres
from infra.indicators.queries import IndicatorQueries
from infra.migrate import migrate

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


async def timed(call: Callable[[], Awaitable[Any]], runs: int = 5) -> dict[str, float]:
    await call()  # warm-up: caches and plans
    seconds: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        seconds.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(seconds), 4), "max_s": round(max(seconds), 4)}


async def run(pathways: int, per_pathway: int) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="pwi", dir="/tmp"))
    postgres = EmbeddedPostgres(root / "pg")
    try:
        uri = await asyncio.to_thread(postgres.start)
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

        queries = IndicatorQueries(pool)
        past = NOW - timedelta(days=365)
        by_org = ("organisation_id",)
        measured = {
            "baseline_count_star": await timed(bare_count),
            "dashboard_now_by_organisation": await timed(
                lambda: queries.indicator_table(NOW, by=by_org)
            ),
            "dashboard_past_by_organisation": await timed(
                lambda: queries.indicator_table(past, by=by_org)
            ),
            "dashboard_now_total": await timed(lambda: queries.indicator_table(NOW)),
            "dashboard_now_by_gender_age_scoped": await timed(
                lambda: queries.indicator_table(
                    NOW, by=("gender", "age_band"), organisation_id="org-3"
                )
            ),
            "dashboard_period_2025_by_organisation": await timed(
                lambda: queries.indicator_table(
                    NOW, by=by_org, period=(past.date(), (past + timedelta(days=364)).date())
                )
            ),
            "drill_down_scoped": await timed(
                lambda: queries.pathways_for("work_grant", NOW, {}, "org-3")
            ),
        }
        base = measured["baseline_count_star"]["median_s"]
        for figures in measured.values():
            figures["ratio_to_baseline"] = round(figures["median_s"] / base, 2)
        await pool.close()
        return {"rows": counts, "generation_s": generation, "queries": measured}
    finally:
        await asyncio.to_thread(postgres.stop)
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pathways", type=int, default=100_000)
    parser.add_argument("--events-per-pathway", type=int, default=20)
    args = parser.parse_args()
    result = asyncio.run(run(args.pathways, args.events_per_pathway))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
