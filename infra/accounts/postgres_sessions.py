"""`SessionRevocations` on PostgreSQL (`revoked_sessions`, `account_session_epochs`), shared
by every web process and the CLI; what they mean is said in `infra.accounts.sessions`."""

from __future__ import annotations

from datetime import datetime

from infra.accounts.sessions import SessionRevocations
from infra.db import Pool


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
