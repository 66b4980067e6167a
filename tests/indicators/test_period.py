"""The period query equals its definition: the latest interval per pathway and fact among
those known at `as_of` that held during the period. A guard for any rewrite of `held_rows`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from domain.indicators import dimensions
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_fact_rows import held_rows
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import append_all, history, interleave
from tests.indicators.strategies import caseloads
from tests.indicators.test_intervals import churning
from tests.indicators.test_projector import caseload, reset
from tests.indicators.test_trend import CHURNING, around

# The period report's definition (one DISTINCT ON); a faster form must give the same rows.
DEFINITION = """
SELECT DISTINCT ON (pathway_id, fact) pathway_id, fact, weight, since, opened_by
FROM indicator_facts
WHERE fact = ANY(%(facts)s) AND since <= %(as_of)s AND occurred_since < %(end)s
  AND (until IS NULL OR until > %(as_of)s OR occurred_until > %(start)s)
ORDER BY pathway_id, fact, since DESC
"""


async def rows(pool: Pool, as_of: datetime, facts: list[str], period: tuple[date, date]) -> Any:
    source, params = held_rows(as_of, facts, period)
    async with pool.connection() as conn:
        cur = await conn.execute(sql.SQL("SELECT * FROM {} f").format(source), params)
        got = sorted(await cur.fetchall())
        cur = await conn.execute(DEFINITION, params)
        want = sorted(await cur.fetchall())
    return got, want


def days_of(records: Any) -> list[date]:
    days = sorted({r.occurred_at.date() for r in records})
    return [days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1)]


async def test_period_rows_equal_the_definition_with_a_backdated_event(pool: Pool) -> None:
    records = await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    facts = sorted({f for i in PostgresIndicatorQueries(pool)._catalogue for f in i.facts})
    days = days_of(records)
    for as_of in around([r.recorded_at for r in records]):
        for start in days:
            for end in (start, days[-1]):
                got, want = await rows(pool, as_of, facts, (start, end))
                assert got == want, (as_of, start, end)


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=caseloads, data=st.data())
async def test_period_table_equals_the_definition_on_random_caseloads(
    pool: Pool, steps: Any, data: st.DataObject
) -> None:
    await reset(pool)
    store = PostgresEventStore(pool)
    await append_all(store, interleave([history(f"p-{i:03d}", s) for i, s in enumerate(steps)]))
    await PostgresIndicatorProjection(pool, facts_of=churning, dimensions_of=dimensions).catch_up()
    records = await store.read_all(0, 10_000)
    facts = sorted({f for i in CHURNING for f in i.facts})
    days = days_of(records)
    for _ in range(6):
        as_of = data.draw(st.sampled_from(around([r.recorded_at for r in records])))
        start, end = sorted(data.draw(st.lists(st.sampled_from(days), min_size=2, max_size=2)))
        got, want = await rows(pool, as_of, facts, (start, end))
        assert got == want, (as_of, start, end)
    # And a period ending on the day of an edge, as the reports' UTC days cut it.
    edge = datetime.combine(days[1], time(), UTC)
    got, want = await rows(pool, edge, facts, (days[0], days[1]))
    assert got == want
