"""The trend's kept points (`infra.indicators.kept_points`): the totals of past instants are
read once, and a later trend is still `indicator_table` at each point after more events, a
late append recorded before them or a rebuild; in one organisation's scope nothing is kept
(the trend reads every row each time, and still equals the tables)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.indicators import dimensions
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import append_all, history, interleave, opening
from tests.indicators.strategies import caseloads
from tests.indicators.test_intervals import churning
from tests.indicators.test_projector import caseload, figure, reset
from tests.indicators.test_trend import CHURNING, around
from tests.scenarios import CASEWORKER, START

POINTS = [START + timedelta(days=d) for d in (-1, 1, 2, 4, 30)] + [
    datetime.now(START.tzinfo) + timedelta(days=30)
]
"""Month ends, say: three before the caseload's last event (day 3), kept; two after it and
one still to come, never kept (their figures grow with the next event)."""

SCOPES = [None, "org-lecce"]
"""All organisations (points kept), and one (nothing kept)."""


async def tables(
    queries: PostgresIndicatorQueries, points: list[datetime], organisation_id: str | None = None
) -> list[object]:
    return [await queries.indicator_table(p, organisation_id=organisation_id) for p in points]


@pytest.mark.parametrize("organisation_id", [None])
async def test_a_second_trend_reads_only_the_rows_after_its_kept_points(
    pool: Pool, organisation_id: str | None
) -> None:
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    first = await queries.trend(POINTS, organisation_id=organisation_id)
    assert first == await tables(queries, POINTS, organisation_id)
    # Behind the projection's back, every fact row now weighs 5: the rows of the kept points
    # (those before the last event recorded, on day 3) are not read again; the later points
    # read on from the last of them, only the rows opened or closed after it.
    async with pool.connection() as conn:
        await conn.execute("UPDATE indicator_facts SET weight = 5")
    second = await queries.trend(POINTS, organisation_id=organisation_id)
    assert second[:3] == first[:3] != (await tables(queries, POINTS, organisation_id))[:3]
    assert second[3:] != first[3:]
    # A breakdown is never kept (its dimensions are the latest whatever the instant).
    by_gender = await queries.trend(POINTS, by=("gender",), organisation_id=organisation_id)
    assert by_gender == [
        await queries.indicator_table(p, by=("gender",), organisation_id=organisation_id)
        for p in POINTS
    ]


@pytest.mark.parametrize("organisation_id", SCOPES)
async def test_an_append_recorded_before_a_kept_point_is_counted_at_the_next_read(
    pool: Pool, organisation_id: str | None
) -> None:
    await caseload(pool)
    projection = PostgresIndicatorProjection(pool)
    await projection.catch_up()
    queries = PostgresIndicatorQueries(pool)
    before = await queries.trend(POINTS, organisation_id=organisation_id)
    # A pathway whose events carry a recording time of day 1 (an append retried long after
    # its decision), appended and projected after the points were kept.
    late = history("p-late", [(opening("p-late", "org-lecce", "female"), CASEWORKER, 1, 0)])
    await append_all(PostgresEventStore(pool), late)
    await projection.catch_up()
    after = await queries.trend(POINTS, organisation_id=organisation_id)
    assert after == await tables(queries, POINTS, organisation_id)
    opened = [figure(t, "beneficiaries_reached").value for t in (before[2], after[2])]
    assert opened[1] == opened[0] + 1
    # Appended, not yet projected: the kept points are dropped, the facts read as they are.
    later = history("p-later", [(opening("p-later", "org-lecce", "male"), CASEWORKER, 1, 0)])
    await append_all(PostgresEventStore(pool), later)
    assert await queries.trend(POINTS, organisation_id=organisation_id) == after
    await projection.catch_up()
    again = await queries.trend(POINTS, organisation_id=organisation_id)
    assert again == await tables(queries, POINTS, organisation_id) != after


async def test_a_rebuild_drops_the_kept_points(pool: Pool) -> None:
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool, CHURNING)
    before = await queries.trend(POINTS)
    assert figure(before[2], "churn_version_parity").value == 0  # not a fact of the projection
    await PostgresIndicatorProjection(pool, facts_of=churning, dimensions_of=dimensions).rebuild()
    after = await queries.trend(POINTS)
    assert after == await tables(queries, POINTS)
    assert figure(after[2], "churn_version_parity").value > 0


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=caseloads, data=st.data())
async def test_a_trend_read_before_and_after_more_events_is_every_table(
    pool: Pool, steps: Any, data: st.DataObject
) -> None:
    """Random caseloads recorded in two halves, the trend read after each (kept points from
    the first read serve the second): each read equals the tables, in all and in one
    organisation."""
    await reset(pool)
    store = PostgresEventStore(pool)
    commands = interleave([history(f"p-{i:03d}", s) for i, s in enumerate(steps)])
    half = data.draw(st.integers(1, len(commands)))
    projection = PostgresIndicatorProjection(pool, facts_of=churning, dimensions_of=dimensions)
    queries = PostgresIndicatorQueries(pool, CHURNING)
    every = around([c[0].recorded_at for c in commands])
    points = sorted(set(data.draw(st.lists(st.sampled_from(every), min_size=1, max_size=12))))
    organisation = data.draw(st.sampled_from([None, "org-lecce", "org-bari"]))
    for part in (commands[:half], commands[half:]):
        await append_all(store, part)
        await projection.catch_up()
        trend = await queries.trend(points, organisation_id=organisation)
        assert trend == await tables(queries, points, organisation)
