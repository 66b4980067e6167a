"""As-of snapshots in PostgreSQL: sealed with the pathway's key, a cache that never changes an
answer (wrong rows, rows of another shape), rebuilt on demand, unreadable once erased."""

from __future__ import annotations

import itertools

import pytest

from domain.evolution import fold
from domain.read_models import read_models
from domain.records import EventRecord, as_of
from domain.state import PathwayState
from domain.stream import stream_id_for
from domain.values import Stage
from infra.crypto.data_keys import KeyUnavailable
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.eventstore.postgres_as_of import PLACE, SHAPE, shape_of
from tests.unit.test_as_of_snapshots import PATHWAY, recorded

STREAM = stream_id_for(PATHWAY)


async def written(store: PostgresEventStore, records: list[EventRecord]) -> None:
    """The records appended one command at a time, with their read models."""
    done: list[EventRecord] = []
    for _, batch in itertools.groupby(records, key=lambda r: r.command_id):
        events = list(batch)
        await store.append(STREAM, len(done), events, read_models(fold(done + events), events))
        done += events


async def rows(pool: Pool) -> dict[int, tuple[str, str]]:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT version, shape, state FROM as_of_snapshots WHERE stream_id = %s", (STREAM,)
        )
        return {v: (shape, state) for v, shape, state in await cur.fetchall()}


async def test_snapshots_are_sealed_a_cache_and_unreadable_once_erased(
    pool: Pool, keyring: Keyring
) -> None:
    records = list(recorded(30))
    store = PostgresEventStore(pool, FieldSealer(keyring), as_of_every=5)
    await written(store, records)
    name = records[0].data["beneficiary"]["family_name"]

    def full(instant_of: int) -> tuple[object, object]:
        instant = records[instant_of - 1].recorded_at
        return instant, fold(as_of(records, instant))

    instant, expected = full(17)
    view = await store.as_of.view(STREAM, instant)
    assert view is not None and view.state == expected
    stored = await rows(pool)
    assert sorted(stored) == [5, 10, 15]
    assert all('"$sealed"' in state and name not in state for _, state in stored.values())

    # From the snapshot at 15: the same answer, ladders and all, as the API gives it.
    instant, expected = full(29)
    view = await store.as_of.view(STREAM, instant)
    assert view is not None and view.state == expected
    assert sorted(await rows(pool)) == [5, 10, 15, 20, 25]

    # Wrong rows never change an answer: a tampered state, a state of another shape.
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE as_of_snapshots SET state = (SELECT state FROM as_of_snapshots"
            " WHERE version = 20) WHERE version = 25"
        )
        await conn.execute("UPDATE as_of_snapshots SET shape = 'older' WHERE version = 20")
    view = await store.as_of.view(STREAM, instant)
    assert view is not None and view.state == expected
    assert await store.as_of.view(STREAM, records[0].recorded_at.replace(year=2020)) is None

    assert await store.as_of.rebuild() == 6
    assert {shape for shape, _ in (await rows(pool)).values()} != {"older"}

    # Erased: the key destroyed, no snapshot opens and none is written; the fold answers.
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = now() WHERE pathway_id = %s",
            (PATHWAY,),
        )
        await conn.execute("DELETE FROM as_of_snapshots WHERE version > 20")
    sealer = FieldSealer(keyring)
    _, state20 = (await rows(pool))[20]
    with pytest.raises(KeyUnavailable):
        await sealer.open_snapshot(STREAM, state20, version=20, place=PLACE)
    last = records[-1].recorded_at
    view = await store.as_of.view(STREAM, last)
    assert view is not None
    assert view.state == fold(await store.read_stream(STREAM)) and view.state.version == 30
    assert sorted(await rows(pool)) == [5, 10, 15, 20]


def test_a_change_of_the_states_shape_changes_the_snapshots_shape() -> None:
    class Grown(PathwayState):
        more: int = 0

    class Retyped(PathwayState):
        stage: Stage | int | None = None  # type: ignore[assignment]

    assert shape_of(PathwayState) == SHAPE
    assert len({SHAPE, shape_of(Grown), shape_of(Retyped)}) == 3
