"""`SignInThrottle` on PostgreSQL (`sign_in_throttle`, each key's row locked while it
changes), shared by every web process; the rules are in `infra.accounts.throttle`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from infra.accounts.throttle import (
    KeyState,
    SignInThrottle,
    ThrottlePolicy,
    after_failure,
    log_lockout,
    pair_key,
)
from infra.db import Pool


class PostgresSignInThrottle(SignInThrottle):
    def __init__(self, pool: Pool, policy: ThrottlePolicy | None = None) -> None:
        super().__init__(policy)
        self._pool = pool

    async def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute(
                    "SELECT max(locked_until) FROM sign_in_throttle"
                    " WHERE key = ANY(%s) AND locked_until > %s",
                    (list(keys), now),
                )
            ).fetchone()
        return None if row is None else row[0]

    async def failed(self, keys: Sequence[str], now: datetime) -> datetime | None:
        async with self._pool.connection() as conn, conn.transaction():
            for key in sorted(set(keys)):  # in one order: two processes never deadlock
                await conn.execute(
                    "INSERT INTO sign_in_throttle (key, failures, first_failed)"
                    " VALUES (%s, 0, %s) ON CONFLICT (key) DO NOTHING",
                    (key, now),
                )
                row = await (
                    await conn.execute(
                        "SELECT failures, first_failed, locked_until, lockouts"
                        " FROM sign_in_throttle WHERE key = %s FOR UPDATE",
                        (key,),
                    )
                ).fetchone()
                assert row is not None
                known = KeyState(*row) if row[0] or row[2] is not None or row[3] else None
                state = after_failure(known, key, now, self.policy)
                log_lockout(key, known, state)
                await conn.execute(
                    "UPDATE sign_in_throttle SET failures = %s, first_failed = %s,"
                    " locked_until = %s, lockouts = %s WHERE key = %s",
                    (state.failures, state.first_failed, state.locked_until, state.lockouts, key),
                )
        return await self.locked_until(keys, now)

    async def succeeded(self, account_id: str, address: str) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM sign_in_throttle WHERE key = %s", (pair_key(account_id, address),)
            )
