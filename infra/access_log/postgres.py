"""The `AccessLog` on PostgreSQL: table `access_log`, where rows are never changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg.rows import dict_row

from infra.access_log.base import AccessLog
from infra.access_log.model import AccessEntry, AccessQuery
from infra.db import Pool

_COLUMNS = "entry_id, at, account_id, role, pathway_id, what, purpose, channel, detail"


class PostgresAccessLog(AccessLog):
    """An `AccessLog` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def _write(self, entries: Sequence[AccessEntry]) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            cursor = conn.cursor()
            await cursor.executemany(
                "INSERT INTO access_log"
                " (at, account_id, role, pathway_id, what, purpose, channel, detail)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        e.at,
                        e.account_id,
                        e.role.value,
                        e.pathway_id,
                        e.what,
                        e.purpose.value,
                        e.channel.value,
                        e.detail,
                    )
                    for e in entries
                ],
            )

    async def search(self, query: AccessQuery) -> list[AccessEntry]:
        params: dict[str, Any] = {
            "pathway": query.pathway_id,
            "account": query.account_id,
            "channel": None if query.channel is None else query.channel.value,
            "since": query.since,
            "until": query.until,
            "limit": query.limit,
            "offset": query.offset,
        }
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {_COLUMNS} FROM access_log"
                " WHERE (%(pathway)s::text IS NULL OR pathway_id = %(pathway)s)"
                " AND (%(account)s::text IS NULL OR account_id = %(account)s)"
                " AND (%(channel)s::text IS NULL OR channel = %(channel)s)"
                " AND (%(since)s::timestamptz IS NULL OR at >= %(since)s)"
                " AND (%(until)s::timestamptz IS NULL OR at < %(until)s)"
                " ORDER BY at DESC, entry_id DESC LIMIT %(limit)s OFFSET %(offset)s",
                params,
            )
            rows = await cursor.fetchall()
        return [AccessEntry.model_validate(row) for row in rows]
