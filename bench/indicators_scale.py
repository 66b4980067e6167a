"""Indicator dashboard at scale: 100,000 pathways, ~2,000,000 events, against a bare scan.

    .venv/bin/python -m bench.indicators_scale --pathways 100000 --generate-only  # once, kept
    .venv/bin/python -m bench.indicators_scale [--pathways 100000] [--events-per-pathway 20]
    .venv/bin/python -m bench.indicators_scale --pathways 50 --runs 1 --page-runs 1  # smoke

The data is generated once and kept as a dump (`bench.dashboard_dump`, keyed by the
generator's version); each run restores it into its own embedded PostgreSQL (unix socket in
a temporary directory, no TCP) and measures there. `--no-generate` fails (exit 4, `no_dump`)
rather than generate a missing dump inside a time cap. The data (events, and the
projection's rows made directly, with one pathway in twenty transferred to another
organisation, which a supervisor's scoped figures read) is `bench.indicator_data`'s.

Then it times, against the same run's baseline `SELECT count(*) FROM indicator_facts`:
`indicator_table` now and a year ago by organisation, unscoped and scoped to one
organisation, the period query (one year, by organisation), a drill-down, the dashboard's
12-point trend in one query (`trend` on new queries, nothing kept; and scoped to one
organisation), the same on queries that
keep their past points between runs (as a web app's do: infra/indicators/kept_points.py)
and, for comparison, as the 12 `indicator_table` calls it replaced, and the WHOLE dashboard
page: `GET /indicators` on the real FastAPI app (httpx
ASGI transport) for a signed-in coordinator, every query its handler runs. Median of
`--runs` runs each (5), after one warm-up. It also checks that the trend, kept or not and
scoped to one organisation, equals the 12 tables, and that the organisations' figures add up
to the whole's (none empty). Then the page `--page-runs` times cold (each on a PostgreSQL just
restarted) and as many warm. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.dashboard_dump import restore
from bench.dashboard_page import SUPERVISED, dashboard_app, page_runs_cold_and_warm, signed_in
from bench.indicator_data import (
    NOW,
    ORGANISATIONS,
    cached_dump,
    generate_beside,
    generate_dump,
    generate_into,
)
from domain.calendar import end_of_day
from domain.indicators.facts import OWNED_BY
from infra.config import Settings
from infra.db import open_pool
from infra.embedded import EmbeddedPostgres
from infra.indicators.postgres_projection import PROJECTION
from infra.indicators.queries import IndicatorQueries
from web.pages.indicator_figures import month_ends
from workers.composition import Stores

SCOPED = SUPERVISED
"""The organisation of the scoped figures (the supervisor's)."""


async def timed(call: Callable[[], Awaitable[Any]], runs: int = 5) -> dict[str, float]:
    await call()  # warm-up: caches and plans
    seconds: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        seconds.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(seconds), 4), "max_s": round(max(seconds), 4)}


async def run(
    pathways: int, per_pathway: int, runs: int = 5, page_runs: int = 20, generate: bool = True
) -> dict[str, Any]:
    """Restore the data from its dump (generated and dumped first when there is none and
    `generate`), then measure, on a PostgreSQL of its own, removed afterwards."""
    path = cached_dump(pathways, per_pathway)
    dumped: dict[str, Any] = {"path": str(path), "generated": not path.exists()}
    if not path.exists() and not generate:
        raise FileNotFoundError(
            f"no dump {path}: generate it first with python -m bench.indicators_scale "
            f"--pathways {pathways} --events-per-pathway {per_pathway} --generate-only"
        )
    root = Path(tempfile.mkdtemp(prefix="pwi", dir="/tmp"))
    postgres = EmbeddedPostgres(root / "pg")
    try:
        uri = await asyncio.to_thread(postgres.start)
        if not path.exists():
            dumped["generation_s"] = await generate_beside(postgres, pathways, per_pathway, path)
        started = time.perf_counter()
        await asyncio.to_thread(restore, uri, path)
        async with await psycopg.AsyncConnection.connect(uri, autocommit=True) as conn:
            await conn.execute("VACUUM ANALYZE")
        dumped["restore_s"] = round(time.perf_counter() - started, 1)
        result = await measure_queries(uri, runs)
        postgres, result["page"] = await page_runs_cold_and_warm(
            postgres, root, page_runs, ORGANISATIONS, NOW
        )
        return {**result, "dump": dumped}
    finally:
        await asyncio.to_thread(postgres.stop)
        shutil.rmtree(root, ignore_errors=True)


async def measure_on(uri: str, pathways: int, per_pathway: int, runs: int) -> dict[str, Any]:
    """Generate the data in the empty database at `uri` (migrated here), then measure."""
    generation = await generate_into(uri, pathways, per_pathway)
    return {**await measure_queries(uri, runs), "generation_s": generation}


PROJECTED_ALL = """
INSERT INTO projection_positions (name, position)
SELECT %s, coalesce(max(global_position), 0) FROM events
ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position
"""
"""The generated facts are the projection of every generated event: its position says so, as
the projector's would (the queries keep past points only behind the projection)."""


async def measure_queries(uri: str, runs: int) -> dict[str, Any]:
    """The queries and the page against `count(*)`, median of `runs` runs each."""
    pool = await open_pool(uri, 1, 2)
    async with pool.connection() as conn:
        await conn.execute(PROJECTED_ALL, (PROJECTION,))
        counts = {}
        for table in ("events", "indicator_facts", "indicator_dimensions"):
            cur = await conn.execute(f"SELECT count(*) FROM {table}")
            row = await cur.fetchone()
            assert row is not None
            counts[table] = row[0]
        cur = await conn.execute(
            "SELECT count(*) FROM indicator_facts WHERE fact LIKE %s", (f"{OWNED_BY}%",)
        )
        row = await cur.fetchone()
        assert row is not None
        counts["ownership_facts"] = row[0]

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

    app = await dashboard_app(pool, ORGANISATIONS, NOW)
    browser = await signed_in(app)
    supervisor = await signed_in(app, "sara")

    async def dashboard_page(browser: httpx.AsyncClient = browser) -> None:
        page = await browser.get("/indicators", params={"as_of": day.isoformat()})
        assert page.status_code == 200, page.text[:500]
        assert "<polyline" in page.text

    def measure(call: Callable[[], Awaitable[Any]]) -> Awaitable[dict[str, float]]:
        return timed(call, runs)

    measured = {
        "baseline_count_star": await measure(bare_count),
        "dashboard_page_coordinator": await measure(dashboard_page),
        "dashboard_page_supervisor": await measure(lambda: dashboard_page(supervisor)),
        # On new queries each time (nothing kept: the whole query), then on the ones kept
        # between runs, as a web app's are (infra/indicators/kept_points.py).
        "trend_12_points_one_query": await measure(
            lambda: Stores(Settings(), pool).indicators.trend(points)
        ),
        "trend_12_points_kept": await measure(lambda: queries.trend(points)),
        "trend_12_points_by_organisation": await measure(lambda: queries.trend(points, by=by_org)),
        "trend_12_points_scoped": await measure(
            lambda: queries.trend(points, organisation_id=SCOPED)
        ),
        "trend_as_12_tables_before": await measure(twelve_tables),
        "table_now_by_organisation": await measure(lambda: queries.indicator_table(NOW, by=by_org)),
        "table_past_by_organisation": await measure(
            lambda: queries.indicator_table(past, by=by_org)
        ),
        "table_now_total": await measure(lambda: queries.indicator_table(NOW)),
        "table_now_by_gender_age_scoped": await measure(
            lambda: queries.indicator_table(NOW, by=("gender", "age_band"), organisation_id=SCOPED)
        ),
        "period_one_year_by_organisation": await measure(
            lambda: queries.indicator_table(
                NOW, by=by_org, period=(past.date(), (past + timedelta(days=364)).date())
            )
        ),
        "drill_down_scoped": await measure(
            lambda: queries.pathways_for("work_grant", NOW, {}, SCOPED)
        ),
    }
    base = measured["baseline_count_star"]["median_s"]
    for figures in measured.values():
        figures["ratio_to_baseline"] = round(figures["median_s"] / base, 2)
    tables = await twelve_tables()
    checks = {
        "trend_equals_tables": await Stores(Settings(), pool).indicators.trend(points) == tables,
        "kept_trend_equals_tables": await queries.trend(points) == tables,
        "scoped_trend_equals_tables": await queries.trend(points, organisation_id=SCOPED)
        == [await queries.indicator_table(p, organisation_id=SCOPED) for p in points],
        "scoped_tables_add_up": await scoped_tables_add_up(queries, NOW),
    }
    await browser.aclose()
    await supervisor.aclose()
    await pool.close()
    return {
        "machine": machine(),
        "rows": counts,
        "runs": runs,
        "queries": measured,
        "checks": checks,
    }


async def scoped_tables_add_up(queries: IndicatorQueries, as_of: datetime) -> bool:
    """Whether every organisation's figures at `as_of` add up to the whole's, and are not
    empty: at that instant each pathway belongs to one organisation (a transferred one to the
    organisation it moved to), so each count is split among them, none lost, none twice."""
    whole = numerators(await queries.indicator_table(as_of))
    parts = [
        numerators(await queries.indicator_table(as_of, organisation_id=f"org-{n}"))
        for n in range(ORGANISATIONS)
    ]
    added = {key: sum(part.get(key, 0) for part in parts) for key in whole}
    return added == whole and all(any(part.values()) for part in parts)


def numerators(rows: Sequence[Any]) -> dict[str, int]:
    """Each indicator's numerator in a table without a breakdown."""
    return {row.indicator_id: row.numerator for row in rows}


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
    parser.add_argument("--page-runs", type=int, default=20, help="cold and warm page runs")
    making = parser.add_mutually_exclusive_group()
    making.add_argument(
        "--generate-only",
        action="store_true",
        help="make the dump, no more (nothing when it is cached already, unless --regenerate)",
    )
    making.add_argument(
        "--regenerate", action="store_true", help="with --generate-only: make it again"
    )
    making.add_argument("--no-generate", action="store_true", help="fail without a dump")
    args = parser.parse_args()
    from infra.config import Settings
    from infra.logging import configure_logging

    configure_logging(Settings(log_level="WARNING"))  # stderr: stdout is the JSON alone
    if args.generate_only:
        path = cached_dump(args.pathways, args.events_per_pathway)
        if path.exists() and not args.regenerate:  # keyed by the generator: still valid
            print(json.dumps({"dump": str(path), "generation_s": None}, indent=2))
            return
        seconds = asyncio.run(generate_dump(args.pathways, args.events_per_pathway, path))
        print(json.dumps({"dump": str(path), "generation_s": seconds}, indent=2))
        return
    try:
        result = asyncio.run(
            run(
                args.pathways,
                args.events_per_pathway,
                args.runs,
                args.page_runs,
                generate=not args.no_generate,
            )
        )
    except FileNotFoundError as missing:
        parser.exit(4, f"{parser.prog}: no_dump: {missing}\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
