"""The reports' reads are planned for their parameters each time, never prepared.

A statement psycopg runs five times on a connection is prepared there, and PostgreSQL then
gives a prepared statement its generic plan, one for any day or organisation: on the
dashboard at scale that plan was twice as slow as the custom one (infra/indicators/
postgres_queries.py). On a pool of one connection, every read run well past both thresholds
leaves no prepared statement behind, where the same connection prepares a plain query.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from infra.db import Pool, open_pool
from infra.indicators.postgres_queries import PostgresIndicatorQueries

RUNS = 12
"""Past psycopg's prepare threshold (5) and PostgreSQL's custom-plan tries (5)."""

DAY = datetime(2026, 6, 30, 23, 59, tzinfo=UTC)


async def _prepared(pool: Pool) -> int:
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT count(*) FROM pg_prepared_statements", prepare=False)
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_every_report_read_leaves_no_prepared_statement(database: str) -> None:
    pool = await open_pool(database, min_size=1, max_size=1)
    try:
        queries = PostgresIndicatorQueries(pool)
        points = [DAY - timedelta(days=30 * n) for n in range(12)][::-1]
        for _ in range(RUNS):
            await queries.indicator_table(DAY)
            await queries.indicator_table(DAY, by=("organisation_id",), organisation_id="org-a")
            await queries.indicator_table(
                DAY, period=((DAY - timedelta(days=364)).date(), DAY.date())
            )
            await queries.trend(points)
            await queries.trend(points, by=("organisation_id",), filters={"gender": "female"})
            await queries.pathways_for("work_grant", DAY, {}, "org-a")
        assert await _prepared(pool) == 0
        async with pool.connection() as conn:  # the control: a plain read is prepared
            for _ in range(RUNS):
                await conn.execute("SELECT count(*) FROM indicator_facts")
        assert await _prepared(pool) == 1
    finally:
        await pool.close()
