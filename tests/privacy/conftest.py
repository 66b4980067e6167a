"""Privacy tests: a fresh migrated database each, a keyring on it under a new master key."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate


@pytest.fixture
async def pool(fresh_database: str) -> AsyncIterator[Pool]:
    await migrate(fresh_database)
    opened = await open_pool(fresh_database, min_size=1, max_size=4)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def master() -> MasterKey:
    return MasterKey.generate()


@pytest.fixture
def keyring(pool: Pool, master: MasterKey) -> Keyring:
    return Keyring(pool, master, cache_seconds=0)


@pytest.fixture
def sealed_store(pool: Pool, keyring: Keyring) -> PostgresEventStore:
    return PostgresEventStore(pool, FieldSealer(keyring))
