"""The pool factory: sizes from the settings, ready when returned."""

from __future__ import annotations

import pytest

from infra.config import Settings
from infra.db import open_pool


async def test_a_pool_from_settings_is_open_with_their_sizes(database: str) -> None:
    settings = Settings(database_url=database, db_pool_min_size=2, db_pool_max_size=3)

    pool = await open_pool(settings)
    try:
        stats = pool.get_stats()
        assert (pool.min_size, pool.max_size) == (2, 3)
        assert stats["pool_available"] == 2
        async with pool.connection() as conn:
            cur = await conn.execute("SELECT count(*) FROM schema_migrations")
            assert await cur.fetchone() is not None
    finally:
        await pool.close()


async def test_settings_without_a_database_url_are_refused() -> None:
    with pytest.raises(ValueError, match="PATHWAYS_DATABASE_URL"):
        await open_pool(Settings(database_url=None))
