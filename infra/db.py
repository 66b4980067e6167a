"""The psycopg connection pool. Nothing connects at import time: callers open the pool."""

from __future__ import annotations

from typing import TypeAlias

from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from infra.config import Settings

Pool: TypeAlias = AsyncConnectionPool[AsyncConnection[TupleRow]]
"""The pool every Postgres adapter takes: default connections, autocommit."""


async def open_pool(
    settings_or_conninfo: Settings | str,
    min_size: int | None = None,
    max_size: int | None = None,
    *,
    timeout: float = 30.0,
) -> Pool:
    """Open a pool and wait until its first `min_size` connections are ready.

    Sizes default to the settings' pool sizes (or 1 and 4 with a bare conninfo). Connections
    are in autocommit mode: writers open an explicit `conn.transaction()`. Each connection is
    checked on checkout, so a restarted database costs a reconnect, not a failed request.

    Raises:
        ValueError: the settings carry no database URL.
        psycopg_pool.PoolTimeout: the database did not answer within `timeout` seconds.
    """
    if isinstance(settings_or_conninfo, Settings):
        if settings_or_conninfo.database_url is None:
            raise ValueError("PATHWAYS_DATABASE_URL is not set")
        conninfo = settings_or_conninfo.database_url
        min_size = settings_or_conninfo.db_pool_min_size if min_size is None else min_size
        max_size = settings_or_conninfo.db_pool_max_size if max_size is None else max_size
    else:
        conninfo = settings_or_conninfo
    min_size = 1 if min_size is None else min_size
    max_size = max(min_size, 4) if max_size is None else max_size

    pool: Pool = AsyncConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True},
        check=AsyncConnectionPool.check_connection,
        open=False,
        name="pathways",
    )
    try:
        await pool.open(wait=True, timeout=timeout)
    except BaseException:
        await pool.close()
        raise
    return pool
