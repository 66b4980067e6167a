"""Data keys, one per pathway (and one for the system), wrapped by the master key in Postgres.

A key id is `<owner>/<version>`: the owner is the pathway id, or `@system` for payloads that
belong to no pathway (an `@` cannot begin a pathway id). Ciphertexts name their key id, so
reading needs no other context, and a destroyed key is reported as such.

Unwrapped keys are cached for `cache_seconds`: a key shredded by another process stops
working here within that time (the pathway is closed by then, so nothing new is written).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable

from psycopg import AsyncConnection
from psycopg.rows import TupleRow

from infra.crypto.data_keys import (
    KEY_DESTROYED,
    KEY_UNKNOWN,
    STREAM_PREFIX,
    SYSTEM_OWNER,
    DataKey,
    KeyUnavailable,
    key_id_for,
    owner_for_workflow,
    owner_of,
    parse_key_id,
)
from infra.crypto.master import KEY_BYTES, WRONG_MASTER_KEY, MasterKey, MasterKeyError
from infra.db import Pool, open_pool

_CREATE = """
INSERT INTO pathway_keys (pathway_id, version, wrapped, master_key_id)
VALUES (%s, 1, %s, %s) ON CONFLICT DO NOTHING
"""
_CURRENT = """
SELECT version, wrapped, destroyed_at FROM pathway_keys
WHERE pathway_id = %s ORDER BY version DESC LIMIT 1
"""
_ONE = "SELECT wrapped, destroyed_at FROM pathway_keys WHERE pathway_id = %s AND version = %s"


class Keyring:
    """Finds, makes and unwraps data keys; one per process, shared by its codecs and stores.

    Args:
        pool: the database's pool, or its conninfo (then a small pool is opened on first
            use, e.g. by a CLI command that may never need a key; `close` closes it).
        master: the master key, or what loads it when a key is first needed (so that a
            command on a database without sealed data needs none).
        cache_seconds: how long an unwrapped key is kept in memory.
    """

    def __init__(
        self,
        pool: Pool | str,
        master: MasterKey | Callable[[], MasterKey],
        *,
        cache_seconds: float = 60,
    ) -> None:
        self._pool = pool if not isinstance(pool, str) else None
        self._conninfo = pool if isinstance(pool, str) else None
        self._master_source = master
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, DataKey]] = {}
        self._current: dict[str, tuple[float, str]] = {}
        self._opening = asyncio.Lock()

    async def close(self) -> None:
        """Close the pool this keyring opened itself, if any."""
        if self._conninfo is not None and self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def current(self, owner: str) -> DataKey:
        """The key new data of `owner` is sealed with, made on first use.

        Raises:
            KeyUnavailable: `key_destroyed` when the owner's data was erased: nothing new
                may be written for it.
        """
        now = time.monotonic()
        cached = self._current.get(owner)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return await self.get(cached[1])
        pool = await self._pool_ready()
        async with pool.connection() as conn:
            row = await _fetch(conn, _CURRENT, (owner,))
            if row is None:
                version = 1
                key_id = key_id_for(owner, version)
                raw = secrets.token_bytes(KEY_BYTES)
                await conn.execute(
                    _CREATE, (owner, self._master.wrap(raw, key_id), self._master.key_id)
                )
                row = await _fetch(conn, _CURRENT, (owner,))
                assert row is not None
        version, wrapped, destroyed_at = row
        key_id = key_id_for(owner, version)
        if wrapped is None:
            raise KeyUnavailable(KEY_DESTROYED, key_id, destroyed_at)
        key = DataKey(key_id, self._unwrap(bytes(wrapped), key_id))
        self._cache[key_id] = (now, key)
        self._current[owner] = (now, key_id)
        return key

    async def get(self, key_id: str) -> DataKey:
        """The key `key_id`, to read what it sealed.

        Raises:
            KeyUnavailable: `key_destroyed` or `key_unknown`.
        """
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        owner, version = parse_key_id(key_id)
        pool = await self._pool_ready()
        async with pool.connection() as conn:
            row = await _fetch(conn, _ONE, (owner, version))
        if row is None:
            raise KeyUnavailable(KEY_UNKNOWN, key_id)
        wrapped, destroyed_at = row
        if wrapped is None:
            self._cache.pop(key_id, None)
            raise KeyUnavailable(KEY_DESTROYED, key_id, destroyed_at)
        key = DataKey(key_id, self._unwrap(bytes(wrapped), key_id))
        self._cache[key_id] = (now, key)
        return key

    def forget(self, owner: str) -> None:
        """Drop the owner's keys from the cache (after shredding them)."""
        self._current.pop(owner, None)
        for key_id in [k for k in self._cache if owner_of(k) == owner]:
            del self._cache[key_id]

    @property
    def _master(self) -> MasterKey:
        if not isinstance(self._master_source, MasterKey):
            self._master_source = self._master_source()
        return self._master_source

    def _unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        return self._master.unwrap(wrapped, key_id)

    async def _pool_ready(self) -> Pool:
        if self._pool is not None:
            return self._pool
        async with self._opening:
            if self._pool is None:
                assert self._conninfo is not None
                self._pool = await open_pool(self._conninfo, 1, 2)
        return self._pool


async def _fetch(
    conn: AsyncConnection[TupleRow], query: str, params: tuple[object, ...]
) -> TupleRow | None:
    cur = await conn.execute(query, params)
    return await cur.fetchone()


async def rotate_master(pool: Pool, old: MasterKey, new: MasterKey) -> int:
    """Rewrap every live data key from `old` to `new` in one transaction; how many.

    Raises:
        MasterKeyError: `wrong_master_key` when a key was not wrapped by `old` (nothing is
            changed), or `invalid_master_key` when `new` is `old`.
    """
    from infra.crypto.master import INVALID_MASTER_KEY

    if new.key_id == old.key_id:
        raise MasterKeyError(INVALID_MASTER_KEY, "the new master key is the old one")
    async with pool.connection() as conn, conn.transaction():
        cur = await conn.execute(
            "SELECT pathway_id, version, wrapped, master_key_id FROM pathway_keys"
            " WHERE wrapped IS NOT NULL ORDER BY pathway_id, version FOR UPDATE"
        )
        rows = await cur.fetchall()
        for owner, version, wrapped, master_key_id in rows:
            key_id = key_id_for(owner, version)
            if master_key_id != old.key_id:
                raise MasterKeyError(
                    WRONG_MASTER_KEY,
                    f"the data key {key_id} was wrapped by master key {master_key_id}, "
                    f"not by the old key given ({old.key_id})",
                )
            raw = old.unwrap(bytes(wrapped), key_id)
            await conn.execute(
                "UPDATE pathway_keys SET wrapped = %s, master_key_id = %s"
                " WHERE pathway_id = %s AND version = %s",
                (new.wrap(raw, key_id), new.key_id, owner, version),
            )
    return len(rows)


__all__ = [
    "KEY_DESTROYED",
    "KEY_UNKNOWN",
    "STREAM_PREFIX",
    "SYSTEM_OWNER",
    "DataKey",
    "KeyUnavailable",
    "Keyring",
    "key_id_for",
    "owner_for_workflow",
    "owner_of",
    "parse_key_id",
    "rotate_master",
]
