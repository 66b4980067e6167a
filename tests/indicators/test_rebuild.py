"""`pathways projections rebuild`: into shadow tables, swapped in whole; never partial figures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from domain.indicators import dimensions, facts
from domain.state import PathwayState
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection, RebuildInProgress
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import append_all, history, opening
from tests.indicators.test_projector import caseload, memory_of, stored, stored_dimensions
from tests.scenarios import CASEWORKER, START

LIVE_INDEXES = {
    "indicator_facts": {
        "indicator_facts_open_idx",
        "indicator_facts_fact_idx",
        "indicator_facts_key_idx",
        "indicator_facts_closed_idx",
    },
    "indicator_dimensions": {
        "indicator_dimensions_pkey",
        "indicator_dimensions_organisation_idx",
    },
    "indicator_states": {"indicator_states_pkey"},
}


async def catalog(pool: Pool) -> tuple[dict[str, set[str]], list[str], list[str]]:
    """The indicator tables' index names, any table left over, and the position rows."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename LIKE 'indicator_%'"
        )
        indexes: dict[str, set[str]] = {}
        for table, index in await cur.fetchall():
            indexes.setdefault(table, set()).add(index)
        cur = await conn.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'indicator_%' ORDER BY 1"
        )
        tables = [t for (t,) in await cur.fetchall()]
        cur = await conn.execute("SELECT name FROM projection_positions ORDER BY name")
        positions = [n for (n,) in await cur.fetchall()]
    return indexes, tables, positions


def failing_after(calls: int) -> Any:
    """The real facts, until the `calls`-th pathway state: then the process "dies"."""
    seen = 0

    def facts_of(state: PathwayState) -> dict[str, int]:
        nonlocal seen
        seen += 1
        if seen > calls:
            raise RuntimeError("killed during the rebuild")
        return facts(state)

    return facts_of


async def test_a_rebuild_that_dies_midway_leaves_the_live_figures_whole(pool: Pool) -> None:
    records = await caseload(pool)
    live = PostgresIndicatorProjection(pool)
    await live.catch_up()
    queries = PostgresIndicatorQueries(pool)
    now = START + timedelta(days=30)
    before = await stored(pool), await stored_dimensions(pool)
    table = await queries.indicator_table(now, by=("organisation_id",))
    dying = PostgresIndicatorProjection(
        pool, facts_of=failing_after(6), dimensions_of=dimensions, batch_size=2
    )
    with pytest.raises(RuntimeError, match="killed"):
        await dying.rebuild()
    assert (await stored(pool), await stored_dimensions(pool)) == before
    assert await queries.indicator_table(now, by=("organisation_id",)) == table
    assert await live.position() == records[-1].global_position

    assert await PostgresIndicatorProjection(pool, batch_size=3).rebuild() == len(records)
    assert (await stored(pool), await stored_dimensions(pool)) == before
    assert await queries.indicator_table(now, by=("organisation_id",)) == table
    indexes, tables, positions = await catalog(pool)
    assert indexes == LIVE_INDEXES, "the swapped tables carry the migrations' index names"
    assert tables == sorted(LIVE_INDEXES), "no shadow table is left"
    assert positions == ["indicators"]


async def test_after_a_rebuild_the_projector_goes_on_from_the_swapped_position(
    pool: Pool,
) -> None:
    await caseload(pool)
    projector = PostgresIndicatorProjection(pool)
    await projector.catch_up()
    await projector.rebuild()
    await projector.rebuild()  # twice: the second one's shadow is made from swapped tables
    store = PostgresEventStore(pool)
    late = START + timedelta(days=10)
    await append_all(
        store, history("p-d", [(opening("p-d", "org-bari", "male"), CASEWORKER, 1, 0)], late)
    )
    assert await projector.catch_up() == 1
    records = await store.read_all(0, 100)
    assert await stored(pool) == set(memory_of(records).intervals)
    assert await stored_dimensions(pool) == memory_of(records).dimensions
    assert await projector.position() == records[-1].global_position


async def test_one_rebuild_at_a_time_and_the_second_changes_nothing(pool: Pool) -> None:
    records = await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    before = await stored(pool), await stored_dimensions(pool), await catalog(pool)

    async with await psycopg.AsyncConnection.connect(pool.conninfo, autocommit=True) as other:
        await other.execute("SELECT pg_advisory_lock(hashtext('rebuild:indicators'))")
        with pytest.raises(RebuildInProgress) as busy:
            await PostgresIndicatorProjection(pool).rebuild()
        assert busy.value.code == "rebuild_in_progress"
        assert (await stored(pool), await stored_dimensions(pool), await catalog(pool)) == before

    # Side by side: exactly one of the two replays and swaps, the other is refused.
    outcomes = await asyncio.gather(
        PostgresIndicatorProjection(pool, batch_size=2).rebuild(),
        PostgresIndicatorProjection(pool, batch_size=2).rebuild(),
        return_exceptions=True,
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["RebuildInProgress", "int"]
    assert [o for o in outcomes if isinstance(o, int)] == [len(records)]
    assert (await stored(pool), await stored_dimensions(pool), await catalog(pool)) == before

    # A rebuild that died released the lock with its connection.
    dying = PostgresIndicatorProjection(pool, facts_of=failing_after(2), dimensions_of=dimensions)
    with pytest.raises(RuntimeError, match="killed"):
        await dying.rebuild()
    assert await PostgresIndicatorProjection(pool).rebuild() == len(records)
