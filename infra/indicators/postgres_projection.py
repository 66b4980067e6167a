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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import structlog
from psycopg import AsyncConnection
from psycopg.rows import TupleRow

from domain.indicators.intervals import (
    DIMENSION_COLUMNS,
    BatchResult,
    DimensionsOf,
    FactsOf,
    pathway_of,
    project_batch,
)
from domain.state import PathwayState
from domain.stream import stream_id_for
from infra.crypto.keyring import KEY_DESTROYED, KeyUnavailable
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres import open_records
from infra.eventstore.postgres_statements import EVENT_COLUMNS, event_from_row

log = structlog.get_logger(__name__)

Connection = AsyncConnection[TupleRow]

PROJECTION = "indicators"
BATCH_SIZE = 2000

_FACT_COLUMNS = (
    "pathway_id, fact, weight, since, until, occurred_since, occurred_until, opened_by, closed_by"
)
_DIMENSIONS = ", ".join(DIMENSION_COLUMNS)


class RebuildInProgress(Exception):
    """Another rebuild of the same projection holds its lock: this one changed nothing."""

    code = "rebuild_in_progress"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"another rebuild of {name!r} is running; it swaps its figures in when it ends"
        )
        self.name = name


@dataclass(frozen=True)
class Tables:
    """The three tables a projection writes: the live ones, or a rebuild's shadow copies."""

    facts: str = "indicator_facts"
    dimensions: str = "indicator_dimensions"
    states: str = "indicator_states"

    def shadow(self) -> Tables:
        return Tables(*(f"{t}_rebuild" for t in (self.facts, self.dimensions, self.states)))

    def each(self) -> tuple[str, str, str]:
        return (self.facts, self.dimensions, self.states)


LIVE = Tables()


@dataclass(frozen=True)
class _Statements:
    """The projector's SQL on one set of tables (names are ours, never user input)."""

    tables: Tables

    @property
    def open_facts(self) -> str:
        return (
            f"SELECT pathway_id, fact, weight FROM {self.tables.facts}"
            " WHERE until IS NULL AND pathway_id = ANY(%s)"
        )

    @property
    def drop_empty(self) -> str:
        # A close at or before the interval's start means it held at no instant: drop it.
        return f"""
DELETE FROM {self.tables.facts} f
USING unnest(%s::text[], %s::text[], %s::timestamptz[]) AS c(pathway_id, fact, until)
WHERE f.pathway_id = c.pathway_id AND f.fact = c.fact AND f.until IS NULL
  AND f.since >= c.until
"""

    @property
    def close(self) -> str:
        return f"""
UPDATE {self.tables.facts} f
SET until = c.until, occurred_until = c.occurred_until, closed_by = c.closed_by
FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::timestamptz[], %s::bigint[])
     AS c(pathway_id, fact, until, occurred_until, closed_by)
WHERE f.pathway_id = c.pathway_id AND f.fact = c.fact AND f.until IS NULL
"""

    @property
    def copy_facts(self) -> str:
        return f"COPY {self.tables.facts} ({_FACT_COLUMNS}) FROM STDIN"

    @property
    def load_states(self) -> str:
        return (
            f"SELECT pathway_id, state::text FROM {self.tables.states} WHERE pathway_id = ANY(%s)"
        )

    @property
    def upsert_states(self) -> str:
        return f"""
INSERT INTO {self.tables.states} (pathway_id, version, state)
SELECT p, v, s::jsonb FROM unnest(%s::text[], %s::int[], %s::text[]) AS u(p, v, s)
ON CONFLICT (pathway_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
"""

    @property
    def upsert_dimensions(self) -> str:
        return f"""
INSERT INTO {self.tables.dimensions} (pathway_id, {_DIMENSIONS})
SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
ON CONFLICT (pathway_id) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in DIMENSION_COLUMNS)}
"""

    @property
    def delete_dimensions(self) -> str:
        return f"DELETE FROM {self.tables.dimensions} WHERE pathway_id = ANY(%s)"


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
            await _lock_position(conn, shadow_name)
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
            await _lock_position(conn, self.name)
            while count := await self._next(conn, shadow_name, shadow):
                total += count
            await conn.execute(_KEEP_ERASED_AGE_BANDS.format(shadow=shadow.dimensions))
            await _swap(conn, shadow)
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
        statements = _Statements(tables)
        after = await _lock_position(conn, name)
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
        states = await _load_states(conn, statements, pathways, self._sealer)
        open_facts = await _load_open_facts(conn, statements, pathways)
        result = project_batch(records, states, open_facts, self._facts_of, self._dimensions_of)
        await _write(conn, statements, result, self._sealer)
        last = records[-1].global_position
        await conn.execute(
            "UPDATE projection_positions SET position = %s, updated_at = now() WHERE name = %s",
            (last, name),
        )
        log.debug("indicators.projected", events=len(records), position=last, name=name)
        return len(records)


_KEEP_ERASED_AGE_BANDS = (
    "UPDATE {shadow} AS s SET age_band = l.age_band FROM indicator_dimensions AS l"
    " WHERE s.pathway_id = l.pathway_id AND l.age_band IS NOT NULL AND EXISTS ("
    "SELECT 1 FROM pathway_keys k WHERE k.pathway_id = s.pathway_id"
    " AND k.destroyed_at IS NOT NULL)"
)
"""A crypto-shredded pathway's birth date reads as a placeholder, so a rebuild would put it
in the oldest age band: it keeps the band the live table computed while the date was known."""


async def _lock_position(conn: Connection, name: str) -> int:
    await conn.execute(
        "INSERT INTO projection_positions (name, position) VALUES (%s, 0)"
        " ON CONFLICT (name) DO NOTHING",
        (name,),
    )
    cur = await conn.execute(
        "SELECT position FROM projection_positions WHERE name = %s FOR UPDATE", (name,)
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def _swap(conn: Connection, shadow: Tables) -> None:
    """Replace the live tables by the shadow ones, each index renamed to its live name."""
    for live, copy in zip(LIVE.each(), shadow.each(), strict=True):
        names = {}
        for table in (live, copy):
            cur = await conn.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
                (table,),
            )
            names[table] = {_index_shape(d): n for n, d in await cur.fetchall()}
        assert names[live].keys() == names[copy].keys(), (live, names)
        await conn.execute(f"DROP TABLE {live}")
        await conn.execute(f"ALTER TABLE {copy} RENAME TO {live}")
        for shape, name in names[copy].items():
            await conn.execute(f"ALTER INDEX {name} RENAME TO {names[live][shape]}")


def _index_shape(definition: str) -> str:
    """An index definition without its name and table: what makes two copies the same."""
    head, _, tail = definition.partition(" USING ")
    return ("UNIQUE " if head.startswith("CREATE UNIQUE") else "") + tail


async def _load_states(
    conn: Connection,
    statements: _Statements,
    pathways: Sequence[str],
    sealer: FieldSealer | None,
) -> dict[str, PathwayState]:
    cur = await conn.execute(statements.load_states, (list(pathways),))
    states = {}
    for pathway_id, text in await cur.fetchall():
        if sealer is not None:
            text = await sealer.open_snapshot(stream_id_for(pathway_id), text)
        states[pathway_id] = PathwayState.model_validate_json(text)
    return states


async def _load_open_facts(
    conn: Connection, statements: _Statements, pathways: Sequence[str]
) -> dict[str, dict[str, int]]:
    cur = await conn.execute(statements.open_facts, (list(pathways),))
    held: dict[str, dict[str, int]] = {}
    for pathway_id, fact, weight in await cur.fetchall():
        held.setdefault(pathway_id, {})[fact] = weight
    return held


async def _write(
    conn: Connection, statements: _Statements, result: BatchResult, sealer: FieldSealer | None
) -> None:
    if result.closings:
        c = result.closings
        ids, facts = [x.pathway_id for x in c], [x.fact for x in c]
        untils = [x.until for x in c]
        await conn.execute(statements.drop_empty, (ids, facts, untils))
        await conn.execute(
            statements.close,
            (ids, facts, untils, [x.occurred_until for x in c], [x.closed_by for x in c]),
        )
    if result.inserts:
        async with conn.cursor() as cur, cur.copy(statements.copy_facts) as copy:
            for r in result.inserts:
                await copy.write_row(
                    (
                        r.pathway_id,
                        r.fact,
                        r.weight,
                        r.since,
                        r.until,
                        r.occurred_since,
                        r.occurred_until,
                        r.opened_by,
                        r.closed_by,
                    )
                )
    if result.states:
        ids = list(result.states)
        await conn.execute(
            statements.upsert_states,
            (
                ids,
                [result.states[p].version for p in ids],
                [await _snapshot(result.states[p], p, sealer) for p in ids],
            ),
        )
    known = [(p, v) for p, v in result.dimensions.items() if v is not None]
    if known:
        columns = list(zip(*(v for _, v in known), strict=True))
        await conn.execute(
            statements.upsert_dimensions, ([p for p, _ in known], *map(list, columns))
        )
    unknown = [p for p, v in result.dimensions.items() if v is None]
    if unknown:
        await conn.execute(statements.delete_dimensions, (unknown,))


async def _snapshot(state: PathwayState, pathway_id: str, sealer: FieldSealer | None) -> str:
    """The state as stored: JSON, sealed whole with the pathway's key when there is a sealer.

    A crypto-shredded pathway's state is kept in clear: it was folded from events whose
    personal fields read as erased, so it holds none, and no key is left to seal it with
    (a rebuild after an erasure would otherwise fail on it). `open_snapshot` reads it as
    it is.
    """
    text = state.model_dump_json()
    if sealer is None:
        return text
    try:
        return await sealer.seal_snapshot(stream_id_for(pathway_id), text)
    except KeyUnavailable as err:
        if err.code != KEY_DESTROYED:
            raise
        return text


async def projected_until(pool: Pool, name: str = PROJECTION) -> datetime | None:
    """When the projection last advanced (None: never); reports show it with their figures."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT updated_at FROM projection_positions WHERE name = %s", (name,)
        )
        row = await cur.fetchone()
    return None if row is None else row[0].astimezone(UTC)
