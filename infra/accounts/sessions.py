"""Signed-out sessions: a session cookie copied before sign-out must not work after it.

The session lives in a signed cookie, so ending it on one browser does not stop a copy
of the cookie; each session carries a random id, and signing out records that id as
revoked until the session would have expired anyway. Shared by every web process
(`PostgresSessionRevocations`, table `revoked_sessions`); in memory for tests.
"""

from __future__ import annotations

import abc
from datetime import datetime

from infra.db import Pool


class SessionRevocations(abc.ABC):
    @abc.abstractmethod
    async def revoke(self, session_id: str, until: datetime) -> None:
        """Refuse the session from now on; it may be forgotten after `until`."""

    @abc.abstractmethod
    async def is_revoked(self, session_id: str) -> bool: ...


class InMemorySessionRevocations(SessionRevocations):
    def __init__(self) -> None:
        self._revoked: dict[str, datetime] = {}

    async def revoke(self, session_id: str, until: datetime) -> None:
        self._revoked[session_id] = until

    async def is_revoked(self, session_id: str) -> bool:
        return session_id in self._revoked


class PostgresSessionRevocations(SessionRevocations):
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def revoke(self, session_id: str, until: datetime) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM revoked_sessions WHERE expires_at < now()"  # keep the table small
            )
            await conn.execute(
                "INSERT INTO revoked_sessions (session_id, expires_at) VALUES (%s, %s)"
                " ON CONFLICT (session_id) DO NOTHING",
                (session_id, until),
            )

    async def is_revoked(self, session_id: str) -> bool:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute(
                    "SELECT 1 FROM revoked_sessions WHERE session_id = %s", (session_id,)
                )
            ).fetchone()
        return row is not None
