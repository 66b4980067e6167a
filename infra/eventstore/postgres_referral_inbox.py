"""The referral inbox in PostgreSQL: its writer (run in the append's transaction) and its
queries, on the table of migration 0017. The first name is sealed with the pathway's key
when the store has a sealer, as the ledger's payee is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg.rows import dict_row

from domain.projections import ReadModelUpdate, ReferralView
from domain.records import EventRecord
from domain.referrals.state import ReferralStatus
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres_statements import Connection

_FIELDS = (
    "pathway_id, kind, referral_id, to_organisation, given_name, service, measure_kind,"
    " from_organisation, referred_by, referred_on, answer_by, effective_on, status,"
    " caseworker_id"
)
_INSERT = f"""
INSERT INTO referral_inbox (entry_key, {_FIELDS})
VALUES (%(entry_key)s, %(pathway_id)s, %(kind)s, %(referral_id)s, %(to_organisation)s,
        %(given_name)s, %(service)s, %(measure_kind)s, %(from_organisation)s,
        %(referred_by)s, %(referred_on)s, %(answer_by)s, %(effective_on)s, %(status)s,
        %(caseworker_id)s)
"""
_ORDER = f"ORDER BY status <> '{ReferralStatus.PENDING.value}', pathway_id, entry_key"


def _place(pathway_id: str, entry_key: str) -> str:
    return f"referral_inbox/{pathway_id}/{entry_key}/given_name"


class ReferralInboxWriter:
    """Replaces a pathway's referral rows when an append (or a rebuild) gives them."""

    def __init__(self, sealer: FieldSealer | None = None) -> None:
        self._sealer = sealer

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        await self._write(conn, update)

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        await self._write(conn, update)

    async def _write(self, conn: Connection, update: ReadModelUpdate) -> None:
        if update.referrals is None:
            return
        pathway_id = update.summary.pathway_id
        await conn.execute("DELETE FROM referral_inbox WHERE pathway_id = %s", (pathway_id,))
        if update.referrals:
            rows = [await self._params(view) for view in update.referrals]
            async with conn.cursor() as cur:
                await cur.executemany(_INSERT, rows)

    async def _params(self, view: ReferralView) -> dict[str, Any]:
        params = {**view.model_dump(mode="python"), "entry_key": view.key}
        params["status"] = view.status.value
        if self._sealer is not None:
            place = _place(view.pathway_id, view.key)
            params["given_name"] = await self._sealer.seal_column(
                view.pathway_id, place, view.given_name
            )
        return params


class PostgresReferralInbox:
    """`ReferralInboxQueries` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool, sealer: FieldSealer | None = None) -> None:
        self._pool = pool
        self._sealer = sealer

    async def addressed_to(self, organisation_id: str) -> list[ReferralView]:
        """See `ReferralInboxQueries.addressed_to`."""
        return await self._select("to_organisation = %s", organisation_id)

    async def accepted_for(self, caseworker_id: str) -> list[ReferralView]:
        """See `ReferralInboxQueries.accepted_for`."""
        accepted = ReferralStatus.ACCEPTED.value
        return await self._select(
            f"kind = 'referral' AND caseworker_id = %s AND status = '{accepted}'", caseworker_id
        )

    async def _select(self, condition: str, value: str) -> list[ReferralView]:
        query = f"SELECT entry_key, {_FIELDS} FROM referral_inbox WHERE {condition} {_ORDER}"
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, (value,))
            rows = await cur.fetchall()
        views = []
        for row in rows:
            key = row.pop("entry_key")
            if self._sealer is not None:
                place = _place(row["pathway_id"], key)
                row["given_name"] = await self._sealer.open_column(place, row["given_name"])
            views.append(ReferralView.model_validate(row))
        return views
