"""Ended sessions: a session cookie copied before sign-out, or before a password change,
must not work after it.

The session lives in a signed cookie, so ending it on one browser does not stop a copy
of the cookie; each session carries a random id, and signing out records that id as
revoked until the session would have expired anyway. A password change ends every session
of the account at once: each account has an epoch (0 until then), a session carries the
epoch of its sign-in, and ending the account's sessions moves the epoch on, so every
session signed in before is refused wherever its cookie is. Shared by every web process
and the CLI (`PostgresSessionRevocations`, tables `revoked_sessions` and
`account_session_epochs`); in memory for tests.
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
    async def epoch(self, account_id: str) -> int:
        """The epoch a session of the account signed in now carries."""

    @abc.abstractmethod
    async def end_sessions_of(self, account_id: str) -> int:
        """Refuse every session the account has now; the epoch of those signed in after."""

    @abc.abstractmethod
    async def is_revoked(self, session_id: str, account_id: str, epoch: int) -> bool:
        """Whether the session was signed out, or its account's sessions ended since its
        sign-in (`epoch` is the one it carries)."""


class InMemorySessionRevocations(SessionRevocations):
    def __init__(self) -> None:
        self._revoked: dict[str, datetime] = {}
        self._epochs: dict[str, int] = {}

    async def revoke(self, session_id: str, until: datetime) -> None:
        self._revoked[session_id] = until

    async def epoch(self, account_id: str) -> int:
        return self._epochs.get(account_id, 0)

    async def end_sessions_of(self, account_id: str) -> int:
        self._epochs[account_id] = self._epochs.get(account_id, 0) + 1
        return self._epochs[account_id]

    async def is_revoked(self, session_id: str, account_id: str, epoch: int) -> bool:
        return session_id in self._revoked or self._epochs.get(account_id, 0) > epoch


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

    async def epoch(self, account_id: str) -> int:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute(
                    "SELECT epoch FROM account_session_epochs WHERE account_id = %s",
                    (account_id,),
                )
            ).fetchone()
        return 0 if row is None else int(row[0])

    async def end_sessions_of(self, account_id: str) -> int:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute(
                    "INSERT INTO account_session_epochs (account_id, epoch) VALUES (%s, 1)"
                    " ON CONFLICT (account_id)"
                    " DO UPDATE SET epoch = account_session_epochs.epoch + 1 RETURNING epoch",
                    (account_id,),
                )
            ).fetchone()
        assert row is not None
        return int(row[0])

    async def is_revoked(self, session_id: str, account_id: str, epoch: int) -> bool:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute(
                    "SELECT EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = %s)"
                    " OR EXISTS (SELECT 1 FROM account_session_epochs"
                    " WHERE account_id = %s AND epoch > %s)",
                    (session_id, account_id, epoch),
                )
            ).fetchone()
        return row is not None and bool(row[0])
