"""An organisation's rows are read in one of two ways (`infra.indicators.postgres_fact_rows`):
every fact row scanned and joined to its ownership (`OWNED`), or, for an organisation of few
pathways, each of its pathways' rows looked up by key (`OWNED_LOOKED_UP`). Both give the same
figures, a transferred pathway counting for each organisation over its own time; which one a
read takes follows the organisation's share of the rows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infra.indicators.postgres_queries as postgres_queries
from domain.indicators import dimensions
from domain.indicators.facts import owned_by
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_fact_rows import ROWS_PER_LOOKUP, looked_up
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import append_all, history, interleave
from tests.indicators.strategies import ORGANISATIONS, caseloads
from tests.indicators.test_intervals import churning
from tests.indicators.test_projector import figure, reset
from tests.indicators.test_trend import CHURNING, around
from tests.scenarios import START

FORMS = ["scanned", "looked up"]

DAY = [START + timedelta(days=d) for d in range(5)]


@contextlib.contextmanager
def read(form: str) -> Iterator[None]:
    """Every organisation's rows read the way `form` names, whatever its share."""
    with mock.patch.object(postgres_queries, "looked_up", lambda *_: form == "looked up"):
        yield


async def facts_of_p_x(pool: Pool, *rows: tuple[str, datetime, datetime | None]) -> None:
    """The projection's rows of one pathway, p-x, as `(fact, since, until)`."""
    async with pool.connection() as conn:
        for fact, since, until in rows:
            await conn.execute(
                "INSERT INTO indicator_facts (pathway_id, fact, weight, since, until,"
                " occurred_since, occurred_until, opened_by, closed_by)"
                " VALUES ('p-x', %s, 1, %s, %s, %s, %s, 1, %s)",
                (fact, since, until, since, until, None if until is None else 2),
            )


@pytest.mark.parametrize("form", FORMS)
async def test_a_transferred_pathway_counts_for_each_organisation_over_its_own_time(
    pool: Pool, form: str
) -> None:
    """p-x is assessed on day 0, belongs to Lecce, and from day 2 to Bari."""
    assessed, transfer = "skills_assessed", DAY[2]
    await reset(pool)
    await facts_of_p_x(
        pool,
        (assessed, DAY[0], None),
        (owned_by("org-lecce"), DAY[0], transfer),
        (owned_by("org-bari"), transfer, None),
    )
    queries = PostgresIndicatorQueries(pool)
    points = [DAY[1], DAY[3], DAY[4]]
    whole_period = (DAY[0].date(), DAY[4].date())
    with read(form):
        for organisation, counted in (("org-lecce", [1, 0, 0]), ("org-bari", [0, 1, 1])):
            tables = [
                await queries.indicator_table(p, organisation_id=organisation) for p in points
            ]
            assert [figure(t, assessed).value for t in tables] == counted, organisation
            trend = await queries.trend(points, organisation_id=organisation)
            assert trend == tables, organisation
            # Over a period it held in each organisation's time, it counts for both.
            period = await queries.indicator_table(
                DAY[4], organisation_id=organisation, period=whole_period
            )
            assert figure(period, assessed).value == 1, organisation
        # Before its first owner, and in an organisation that never owned it: nothing.
        assert (
            figure(await queries.indicator_table(DAY[0] - timedelta(hours=1)), assessed).value == 0
        )
        nowhere = await queries.indicator_table(DAY[3], organisation_id="org-nardo")
        assert figure(nowhere, assessed).value == 0


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=caseloads, data=st.data())
async def test_both_reads_give_the_same_figures_on_random_caseloads_with_transfers(
    pool: Pool, steps: Any, data: st.DataObject
) -> None:
    await reset(pool)
    store = PostgresEventStore(pool)
    await append_all(store, interleave([history(f"p-{i:03d}", s) for i, s in enumerate(steps)]))
    await PostgresIndicatorProjection(pool, facts_of=churning, dimensions_of=dimensions).catch_up()
    every = around([r.recorded_at for r in await store.read_all(0, 10_000)])
    # Some pathways move to the other organisation at an instant of their life.
    for index in data.draw(st.sets(st.integers(0, len(steps) - 1))):
        await transfer(pool, f"p-{index:03d}", data.draw(st.sampled_from(every)))
    points = data.draw(st.lists(st.sampled_from(every), min_size=1, max_size=6))
    by = data.draw(st.sampled_from([(), ("gender",)]))
    day = data.draw(st.sampled_from(every))
    period = (day.date() - timedelta(days=1), day.date())
    queries = PostgresIndicatorQueries(pool, CHURNING)
    for organisation in ORGANISATIONS:
        figures: dict[str, Any] = {}
        for form in FORMS:
            with read(form):
                figures[form] = (
                    await queries.trend(points, by=by, organisation_id=organisation),
                    [
                        await queries.indicator_table(p, by=by, organisation_id=organisation)
                        for p in points
                    ],
                    await queries.indicator_table(
                        day, by=by, organisation_id=organisation, period=period
                    ),
                )
        assert figures["looked up"] == figures["scanned"], organisation
        assert figures["scanned"][0] == figures["scanned"][1], organisation


async def transfer(pool: Pool, pathway_id: str, at: datetime) -> None:
    """The projection's rows of `pathway_id` moved to the other organisation at `at`: its
    current ownership row closed then, the other's opened (if it was open at `at`)."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "UPDATE indicator_facts SET until = %s, occurred_until = %s, closed_by = opened_by"
            " WHERE pathway_id = %s AND fact LIKE 'organisation:%%' AND until IS NULL"
            " AND since < %s RETURNING fact",
            (at, at, pathway_id, at),
        )
        moved = await cur.fetchone()
        if moved is None:
            return
        (other,) = [owned_by(o) for o in ORGANISATIONS if owned_by(o) != moved[0]]
        await conn.execute(
            "INSERT INTO indicator_facts (pathway_id, fact, weight, since, until,"
            " occurred_since, occurred_until, opened_by, closed_by)"
            " VALUES (%s, %s, 1, %s, NULL, %s, NULL, 1, NULL)",
            (pathway_id, other, at, at),
        )


def test_an_organisation_is_looked_up_when_it_owns_few_of_the_rows() -> None:
    every = 1_000 * ROWS_PER_LOOKUP
    assert looked_up(999, every)
    assert not looked_up(1_000, every)
    assert not looked_up(0, -1)  # never analysed: the planner's scan


async def test_the_read_follows_the_organisations_share_of_the_rows(pool: Pool) -> None:
    await reset(pool)
    # 300 pathways of ten rows each (an ownership row and nine facts): Bari owns one of them,
    # Lecce the others. 1 × ROWS_PER_LOOKUP is under 3,000 rows, 299 × it is not.
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO indicator_facts"
            " (pathway_id, fact, weight, since, occurred_since, opened_by)"
            " SELECT 'p-' || p, CASE WHEN f = 0 THEN 'organisation:' ||"
            " CASE WHEN p = 0 THEN 'org-bari' ELSE 'org-lecce' END ELSE 'fact-' || f END,"
            " 1, %s, %s, p FROM generate_series(0, 299) p, generate_series(0, 9) f",
            (DAY[0], DAY[0]),
        )
        await conn.execute("ANALYZE indicator_facts")
    queries = PostgresIndicatorQueries(pool)
    assert await queries._looked_up("org-bari")
    assert not await queries._looked_up("org-lecce")
    assert not await queries._looked_up(None)
