"""The indicator projection on PostgreSQL: events → `indicator_facts`, batch by batch.

The adapter the projector (`activities.indicators.projector`) drives: it projects one batch
after a tracked position, catches up, and rebuilds into shadow tables.

Each batch runs in ONE transaction: lock the projection's position row, read the events
after it, load the snapshots and open facts of the pathways they touch, apply them
(`intervals.project_batch`), write the intervals, snapshots, dimensions and the new
position, commit. A crash anywhere loses the whole batch and nothing else; the next run
starts again from the stored position, so a restart changes nothing. The row lock also keeps
two projectors (two `pathways up`, a rebuild) from projecting the same batch twice.

Why snapshots (`indicator_states`) rather than folding each stream up to the event: a batch
then costs one indexed read of the snapshots it touches and is independent of how long the
streams are; folding would re-read and re-evolve a pathway's whole history every time one
more event arrives (quadratic in the stream's length over its life). A snapshot is only a
cache of `fold`: a rebuild drops it with the facts.

A batch's reads and writes are `infra.indicators.postgres_projection_batch`'s; the tables,
their SQL and a rebuild's swap, `infra.indicators.postgres_projection_tables`'.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import structlog

from domain.indicators.intervals import DimensionsOf, FactsOf, pathway_of, project_batch
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres import open_records
from infra.eventstore.postgres_statements import EVENT_COLUMNS, event_from_row
from infra.indicators.postgres_projection_batch import (
    load_open_facts,
    load_states,
    lock_position,
    write_batch,
)
from infra.indicators.postgres_projection_tables import (
    KEEP_ERASED_AGE_BANDS,
    LIVE,
    Connection,
    ProjectionStatements,
    Tables,
    swap_in,
)

log = structlog.get_logger(__name__)

PROJECTION = "indicators"
BATCH_SIZE = 2000


class RebuildInProgress(Exception):
    """Another rebuild of the same projection holds its lock: this one changed nothing."""

    code = "rebuild_in_progress"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"another rebuild of {name!r} is running; it swaps its figures in when it ends"
        )
        self.name = name


class PostgresIndicatorProjection:
    """Projects the event store into `indicator_facts`, one batch per transaction."""

    def __init__(
        self,
        pool: Pool,
        *,
        facts_of: FactsOf | None = None,
        dimensions_of: DimensionsOf | None = None,
        batch_size: int = BATCH_SIZE,
        name: str = PROJECTION,
        sealer: FieldSealer | None = None,
    ) -> None:
        if facts_of is None or dimensions_of is None:
            from domain import indicators

            facts_of = facts_of or indicators.facts
            dimensions_of = dimensions_of or indicators.dimensions
        self._pool = pool
        self._facts_of, self._dimensions_of = facts_of, dimensions_of
        self._batch_size = batch_size
        self.name = name
        self._sealer = sealer
        """Opens the events' personal fields and seals the state snapshots, which hold
        them too (docs/privacy.md)."""

    async def position(self) -> int:
        """The global position of the last event projected (0: none)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT position FROM projection_positions WHERE name = %s", (self.name,)
            )
            row = await cur.fetchone()
        return 0 if row is None else int(row[0])

    async def run_once(self) -> int:
        """Project the next batch after the stored position; return how many events it had."""
        async with self._pool.connection() as conn, conn.transaction():
            return await self._next(conn, self.name, LIVE)

    async def catch_up(self) -> int:
        """Project batches until none is left; return how many events were projected."""
        total = 0
        while count := await self.run_once():
            total += count
        return total

    async def rebuild(self) -> int:
        """Replay every event from position 0 into shadow tables, then swap them in.

        Until the swap, reports read the live tables, whole; the swap is one transaction
        that holds the live position's lock (the running projector waits), projects the
        events recorded meanwhile into the shadow tables, replaces the live tables by them
        (with the live indexes' names) and moves the position. A rebuild that fails before
        the swap leaves the live figures as they were. Returns how many events it replayed.

        One rebuild at a time: a second one, while the first replays into the shadow tables
        it would drop, raises `RebuildInProgress` before it touches anything. The guard is a
        session advisory lock on a connection of its own, so a rebuild that dies releases it
        with its connection, and none is left "in progress" for ever.

        Raises:
            RebuildInProgress: another rebuild of this projection is running.
        """
        conninfo = self._pool.conninfo
        assert isinstance(conninfo, str), "the pools of infra.db are opened on a conninfo string"
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as guard:
            cur = await guard.execute(
                "SELECT pg_try_advisory_lock(hashtext(%s))", (f"rebuild:{self.name}",)
            )
            held = await cur.fetchone()
            if held is None or not held[0]:
                raise RebuildInProgress(self.name)
            try:
                return await self._rebuild()
            finally:
                # Released here, not by closing: the server ends the session a moment after
                # the client hangs up, and a rebuild asked at once after would find it held.
                await guard.execute(
                    "SELECT pg_advisory_unlock(hashtext(%s))", (f"rebuild:{self.name}",)
                )

    async def _rebuild(self) -> int:
        shadow, shadow_name = LIVE.shadow(), f"{self.name}:rebuild"
        async with self._pool.connection() as conn, conn.transaction():
            for live, copy in zip(LIVE.each(), shadow.each(), strict=True):
                await conn.execute(f"DROP TABLE IF EXISTS {copy}")
                await conn.execute(f"CREATE TABLE {copy} (LIKE {live} INCLUDING ALL)")
            await lock_position(conn, shadow_name)
            await conn.execute(
                "UPDATE projection_positions SET position = 0, updated_at = now() WHERE name = %s",
                (shadow_name,),
            )
        log.info("indicators.rebuild_started")
        total = 0
        while True:
            async with self._pool.connection() as conn, conn.transaction():
                count = await self._next(conn, shadow_name, shadow)
            if not count:
                break
            total += count
        async with self._pool.connection() as conn, conn.transaction():
            await lock_position(conn, self.name)
            while count := await self._next(conn, shadow_name, shadow):
                total += count
            await conn.execute(KEEP_ERASED_AGE_BANDS.format(shadow=shadow.dimensions))
            await swap_in(conn, shadow)
            await conn.execute(
                "UPDATE projection_positions SET position = r.position, updated_at = now()"
                " FROM projection_positions r WHERE projection_positions.name = %s"
                " AND r.name = %s",
                (self.name, shadow_name),
            )
            await conn.execute("DELETE FROM projection_positions WHERE name = %s", (shadow_name,))
        log.info("indicators.rebuild_swapped", events=total)
        return total

    async def _next(self, conn: Connection, name: str, tables: Tables) -> int:
        """Project the batch after `name`'s position into `tables`, in the caller's transaction."""
        statements = ProjectionStatements(tables)
        after = await lock_position(conn, name)
        cur = await conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events"
            " WHERE global_position > %s ORDER BY global_position LIMIT %s",
            (after, self._batch_size),
        )
        rows = await cur.fetchall()
        records = await open_records(self._sealer, [event_from_row(row) for row in rows])
        if not records:
            return 0
        pathways = sorted({p for r in records if (p := pathway_of(r.stream_id))})
        states = await load_states(conn, statements, pathways, self._sealer)
        open_facts = await load_open_facts(conn, statements, pathways)
        result = project_batch(records, states, open_facts, self._facts_of, self._dimensions_of)
        await write_batch(conn, statements, result, self._sealer)
        last = records[-1].global_position
        await conn.execute(
            "UPDATE projection_positions SET position = %s, updated_at = now() WHERE name = %s",
            (last, name),
        )
        log.debug("indicators.projected", events=len(records), position=last, name=name)
        return len(records)


async def projected_until(pool: Pool, name: str = PROJECTION) -> datetime | None:
    """When the projection last advanced (None: never); reports show it with their figures."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT updated_at FROM projection_positions WHERE name = %s", (name,)
        )
        row = await cur.fetchone()
    return None if row is None else row[0].astimezone(UTC)
