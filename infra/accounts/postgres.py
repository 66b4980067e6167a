"""The `AccountStore` on PostgreSQL (tables of migration 0004)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg.errors import ForeignKeyViolation, UniqueViolation
from psycopg.rows import dict_row

from infra.accounts.model import Account, AccountError, Language, Organisation
from infra.db import Pool

_ACCOUNT_COLUMNS = (
    "account_id, display_name, role, organisation_id, email, language, active, created_at,"
    " contact_id"
)


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["account_id"],
        display_name=row["display_name"],
        role=row["role"],
        organisation_id=row["organisation_id"],
        email=row["email"],
        language=row["language"],
        active=row["active"],
        created_at=row["created_at"],
        contact_id=row["contact_id"],
    )


class PostgresAccountStore:
    """An `AccountStore` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def create_organisation(self, organisation: Organisation) -> None:
        try:
            async with self._pool.connection() as conn:
                await conn.execute(
                    "INSERT INTO organisations (organisation_id, name) VALUES (%s, %s)",
                    (organisation.id, organisation.name),
                )
        except UniqueViolation:
            raise AccountError("organisation_exists", f"{organisation.id} exists", "id") from None

    async def list_organisations(self) -> list[Organisation]:
        async with self._pool.connection() as conn:
            rows = await (
                await conn.execute("SELECT organisation_id, name FROM organisations ORDER BY 1")
            ).fetchall()
        return [Organisation(id=row[0], name=row[1]) for row in rows]

    async def create_account(self, account: Account, password_hash: str | None) -> Account:
        try:
            async with self._pool.connection() as conn:
                cursor = conn.cursor(row_factory=dict_row)
                await cursor.execute(
                    "INSERT INTO accounts (account_id, display_name, role, organisation_id,"
                    " email, language, active, password_hash, contact_id)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    f" RETURNING {_ACCOUNT_COLUMNS}",
                    (
                        account.id,
                        account.display_name,
                        account.role.value,
                        account.organisation_id,
                        account.email,
                        account.language,
                        account.active,
                        password_hash,
                        account.contact_id,
                    ),
                )
                row = await cursor.fetchone()
        except UniqueViolation:
            raise AccountError("account_exists", f"{account.id} exists", "id") from None
        except ForeignKeyViolation:
            raise AccountError(
                "organisation_not_found",
                f"no organisation {account.organisation_id}",
                "organisation_id",
            ) from None
        assert row is not None
        return _account(row)

    async def get_account(self, account_id: str) -> Account | None:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE account_id = %s", (account_id,)
            )
            row = await cursor.fetchone()
        return None if row is None else _account(row)

    async def list_accounts(self, organisation_id: str | None = None) -> list[Account]:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {_ACCOUNT_COLUMNS} FROM accounts"
                " WHERE %(org)s::text IS NULL OR organisation_id = %(org)s ORDER BY account_id",
                {"org": organisation_id},
            )
            rows = await cursor.fetchall()
        return [_account(row) for row in rows]

    async def password_hash(self, account_id: str) -> str | None:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute(
                    "SELECT password_hash FROM accounts WHERE account_id = %s", (account_id,)
                )
            ).fetchone()
        return None if row is None else row[0]

    async def update_account(
        self,
        account_id: str,
        *,
        password_hash: str | None = None,
        language: Language | None = None,
        active: bool | None = None,
    ) -> Account:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                "UPDATE accounts SET password_hash = coalesce(%s, password_hash),"
                " language = coalesce(%s, language), active = coalesce(%s, active),"
                f" updated_at = now() WHERE account_id = %s RETURNING {_ACCOUNT_COLUMNS}",
                (password_hash, language, active, account_id),
            )
            row = await cursor.fetchone()
        if row is None:
            raise AccountError("account_not_found", f"no account {account_id}", "id")
        return _account(row)

    async def add_token(
        self, account_id: str, digest: str, label: str, expires_at: datetime | None
    ) -> None:
        try:
            async with self._pool.connection() as conn:
                await conn.execute(
                    "INSERT INTO api_tokens (digest, account_id, label, expires_at)"
                    " VALUES (%s, %s, %s, %s)",
                    (digest, account_id, label, expires_at),
                )
        except ForeignKeyViolation:
            raise AccountError("account_not_found", f"no account {account_id}", "id") from None

    async def account_for_token(self, digest: str, now: datetime) -> Account | None:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {', '.join('a.' + c for c in _ACCOUNT_COLUMNS.split(', '))}"
                " FROM api_tokens t JOIN accounts a USING (account_id)"
                " WHERE t.digest = %s AND t.revoked_at IS NULL AND a.active"
                " AND (t.expires_at IS NULL OR t.expires_at > %s)",
                (digest, now),
            )
            row = await cursor.fetchone()
        return None if row is None else _account(row)

    async def revoke_tokens(self, account_id: str) -> int:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE api_tokens SET revoked_at = now()"
                " WHERE account_id = %s AND revoked_at IS NULL",
                (account_id,),
            )
            return cursor.rowcount
