"""Migrations: found as package data, applied once, safe when processes start together."""

from __future__ import annotations

import asyncio

import psycopg

from infra.migrate import available_migrations, migrate


def test_migrations_ship_in_order() -> None:
    names = [m.name for m in available_migrations()]

    assert names[:2] == ["0001_event_store", "0002_read_models"]
    assert names == sorted(names)


async def _ledger(uri: str) -> list[tuple[int, str]]:
    async with await psycopg.AsyncConnection.connect(uri) as conn:
        cur = await conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        return [(int(v), str(n)) for v, n in await cur.fetchall()]


async def test_migrating_twice_applies_nothing_the_second_time(empty_database: str) -> None:
    everything = [m.name for m in available_migrations()]

    first = await migrate(empty_database)
    second = await migrate(empty_database)

    assert first == everything
    assert second == []
    assert [name for _, name in await _ledger(empty_database)] == everything


async def test_concurrent_migrations_apply_each_file_once(empty_database: str) -> None:
    everything = [m.name for m in available_migrations()]

    runs = await asyncio.gather(*(migrate(empty_database) for _ in range(4)))

    applied = [name for run in runs for name in run]
    assert sorted(applied) == everything
    assert [name for _, name in await _ledger(empty_database)] == everything
    async with await psycopg.AsyncConnection.connect(empty_database) as conn:
        cur = await conn.execute(
            "SELECT count(*) FROM events, pathway_summaries, pathway_obligations"
        )
        assert await cur.fetchone() == (0,)
