"""What only the Postgres store can show: its columns, its transaction, its race handling."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import psycopg
import pytest
from psycopg.types.json import Jsonb

from infra.db import Pool
from infra.eventstore.base import ConcurrencyConflict
from infra.eventstore.postgres import PostgresEventStore
from infra.eventstore.postgres_statements import APPEND_LOCK_KEY
from tests.eventstore.builders import T0, obligation, read_models, records, summary

P1 = "pw-0001"


async def test_columns_hold_the_writers_times_and_the_metadata(
    postgres_store: PostgresEventStore, database: str
) -> None:
    long_ago = datetime.fromisoformat("2020-01-02T03:04:05.123456+00:00")
    [record] = records(P1, 0, "c-1", recorded_at=long_ago)

    await postgres_store.append(P1, 0, [record], None)

    async with await psycopg.AsyncConnection.connect(database) as conn:
        cur = await conn.execute(
            "SELECT recorded_at, occurred_at, command_id, metadata, type, schema_version"
            " FROM events WHERE stream_id = %s",
            (P1,),
        )
        row = await cur.fetchone()
    assert row == (
        long_ago,
        long_ago - timedelta(hours=1),
        "c-1",
        {"actor": {"id": "cw-1", "role": "caseworker"}, "command_id": "c-1"},
        "PathwayOpened",
        1,
    )


async def test_a_failure_after_the_events_are_inserted_rolls_back_everything(
    postgres_store: PostgresEventStore, database: str
) -> None:
    # A trigger that fails the statement inserting the events: by then the summary and the
    # obligations have been written in the same transaction.
    async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
        await conn.execute(
            """
            CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused'; END $$;
            CREATE TRIGGER refuse AFTER INSERT ON events
            FOR EACH ROW WHEN (NEW.version = 2) EXECUTE FUNCTION refuse_event();
            """
        )
    models = read_models(summary(P1, 2), obligation("baseline", T0))

    with pytest.raises(psycopg.errors.RaiseException):
        await postgres_store.append(P1, 0, records(P1, 0, "c-1", 2), models)

    assert await postgres_store.read_all() == []
    assert await postgres_store.caseload.get_summary(P1) is None
    assert await postgres_store.caseload.open_obligations() == []


async def _hold_uncommitted_events(database: str, command_id: str) -> psycopg.AsyncConnection:
    """Another writer that has inserted versions 1–2 of P1 and not committed yet."""
    conn = await psycopg.AsyncConnection.connect(database)
    for record in records(P1, 0, command_id, 2):
        await conn.execute(
            "INSERT INTO events (stream_id, version, type, schema_version, data, metadata,"
            " command_id, occurred_at, recorded_at)"
            " VALUES (%s, %s, %s, 1, '{}', %s, %s, %s, %s)",
            (
                P1,
                record.version,
                record.type,
                Jsonb({"actor": {"id": "cw-9", "role": "caseworker"}, "command_id": command_id}),
                command_id,
                record.occurred_at,
                record.recorded_at,
            ),
        )
    return conn


@pytest.mark.parametrize(
    ("other_command", "outcome"),
    [("c-1", "duplicate"), ("c-other", "conflict")],
)
async def test_losing_the_insert_race_is_told_apart(
    postgres_store: PostgresEventStore, database: str, other_command: str, outcome: str
) -> None:
    """Our checks pass, then a writer that got there first commits: retry or conflict."""
    other = await _hold_uncommitted_events(database, other_command)
    try:
        ours = asyncio.create_task(
            postgres_store.append(P1, 0, records(P1, 0, "c-1", 2), read_models(summary(P1, 2)))
        )
        await asyncio.sleep(0.3)  # our insert is now waiting on the other's primary keys
        assert not ours.done()
        await other.commit()

        if outcome == "duplicate":
            result = await ours
            assert result.duplicate is True
            assert (result.first_version, result.last_version) == (1, 2)
        else:
            with pytest.raises(ConcurrencyConflict):
                await ours
    finally:
        await other.close()
    # The loser's read models were rolled back with its events.
    assert await postgres_store.caseload.get_summary(P1) is None
    assert len(await postgres_store.read_all()) == 2


async def test_an_append_takes_its_positions_only_once_it_holds_the_append_lock(
    pool: Pool,
) -> None:
    """So positions are handed out in commit order and `read_all` readers skip nothing."""
    store = PostgresEventStore(pool)
    async with pool.connection() as in_flight, in_flight.transaction():
        # Hold the lock the way an append that has inserted but not yet committed holds it.
        await in_flight.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK_KEY,))
        blocked = asyncio.create_task(store.append(P1, 0, records(P1, 0, "c-1"), None))
        await asyncio.sleep(0.2)
        assert not blocked.done()
        assert await store.read_all() == []
    await blocked
    assert len(await store.read_all()) == 1
