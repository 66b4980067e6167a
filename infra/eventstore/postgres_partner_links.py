"""The partner links read model in PostgreSQL: its writer (run in the append's transaction)
and its queries, on the table of migration 0016."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg.rows import dict_row

from domain.projections import PartnerLink, ReadModelUpdate
from domain.records import EventRecord
from infra.db import Pool
from infra.eventstore.postgres_statements import Connection

_COLUMNS = "pathway_id, organisation_id, measure_id, measure_kind, contact_id, partner_id"
_INSERT = f"""
INSERT INTO partner_links ({_COLUMNS})
VALUES (%(pathway_id)s, %(organisation_id)s, %(measure_id)s, %(measure_kind)s,
        %(contact_id)s, %(partner_id)s)
"""


class PartnerLinkWriter:
    """Replaces a pathway's links when an append (or a rebuild) gives them."""

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        await _write(conn, update)

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        await _write(conn, update)


async def _write(conn: Connection, update: ReadModelUpdate) -> None:
    if update.partner_links is None:
        return
    pathway_id = update.summary.pathway_id
    await conn.execute("DELETE FROM partner_links WHERE pathway_id = %s", (pathway_id,))
    if update.partner_links:
        async with conn.cursor() as cur:
            await cur.executemany(_INSERT, [dict(link) for link in update.partner_links])


class PostgresPartnerLinks:
    """`PartnerLinkQueries` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def links_of_contact(self, contact_id: str) -> list[PartnerLink]:
        """See `PartnerLinkQueries.links_of_contact`."""
        return await self._select("contact_id = %s ORDER BY pathway_id, measure_id", contact_id)

    async def links_of_pathway(self, pathway_id: str) -> list[PartnerLink]:
        """See `PartnerLinkQueries.links_of_pathway`."""
        return await self._select("pathway_id = %s ORDER BY measure_id, contact_id", pathway_id)

    async def _select(self, condition: str, value: str) -> list[PartnerLink]:
        query = f"SELECT {_COLUMNS} FROM partner_links WHERE {condition}"
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, (value,))
            rows = await cur.fetchall()
        return [PartnerLink.model_validate(row) for row in rows]
