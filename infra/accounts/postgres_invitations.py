"""The `InvitationStore` on PostgreSQL (the table `account_invitations` of migration 0016)."""

from __future__ import annotations

from datetime import datetime

from psycopg.errors import ForeignKeyViolation

from infra.accounts.model import AccountError
from infra.db import Pool


class PostgresInvitations:
    """Links by digest; `redeem` is one UPDATE, so a link serves once under any race."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def add_invitation(
        self, account_id: str, digest: str, created_at: datetime, expires_at: datetime
    ) -> None:
        try:
            async with self._pool.connection() as conn:
                await conn.execute(
                    "INSERT INTO account_invitations (digest, account_id, created_at, expires_at)"
                    " VALUES (%s, %s, %s, %s)",
                    (digest, account_id, created_at, expires_at),
                )
        except ForeignKeyViolation:
            raise AccountError("account_not_found", f"no account {account_id}", "id") from None

    async def redeem(self, digest: str, now: datetime) -> str | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE account_invitations SET used_at = %(now)s WHERE digest = %(digest)s"
                " AND used_at IS NULL AND expires_at > %(now)s RETURNING account_id",
                {"digest": digest, "now": now},
            )
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def invitation_account(self, digest: str, now: datetime) -> str | None:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT account_id FROM account_invitations WHERE digest = %(digest)s"
                " AND used_at IS NULL AND expires_at > %(now)s",
                {"digest": digest, "now": now},
            )
            row = await cursor.fetchone()
        return None if row is None else str(row[0])
