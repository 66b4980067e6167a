"""The caseload in Postgres: the pathways' summaries and the obligations they owe, as read.

Queries apart from the writer (`infra.eventstore.postgres_caseload_writer`), which the
append runs in its transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row

from domain.projections import Obligation, PathwaySummary
from domain.values import ProtectionStatus, Stage
from infra.db import Pool
from infra.eventstore.base import check_page, require_aware
from infra.eventstore.postgres_statements import SUMMARY_COLUMNS, where
from infra.eventstore.queries import CaseloadSort, OpenObligation, OverdueObligation

_STAGE_ORDER = sql.SQL("array_position(ARRAY[{}]::text[], stage)").format(
    sql.SQL(", ").join(sql.Literal(stage.value) for stage in Stage)
)
_URGENCY = sql.SQL("next_deadline ASC NULLS LAST, pathway_id")
ORDER_BY: dict[CaseloadSort, sql.Composable] = {
    CaseloadSort.NEXT_DEADLINE: _URGENCY,
    CaseloadSort.OPENED: sql.SQL("opened_at, pathway_id"),
    CaseloadSort.OPENED_DESC: sql.SQL("opened_at DESC, pathway_id"),
    CaseloadSort.STAGE: sql.SQL("{}, {}").format(_STAGE_ORDER, _URGENCY),
}
"""Each order of the list in SQL, ending on the pathway id as the in-memory store's do."""


def _filters(
    organisation_id: str | None,
    caseworker_id: str | None,
    stage: Stage | None,
    measure_kind: str | None,
    protection_status: ProtectionStatus | None,
    overdue_at: datetime | None,
) -> tuple[list[sql.Composable], list[Any]]:
    """The list's conditions and their parameters: one filtered query for a page and its
    count. Only the filters given enter it, so each shape gets its own good plan."""
    if overdue_at is not None:
        require_aware(overdue_at, "overdue_at")
    conditions: list[sql.Composable] = []
    params: list[Any] = []
    for column, value in (
        ("organisation_id", organisation_id),
        ("caseworker_id", caseworker_id),
        ("stage", None if stage is None else stage.value),
        ("protection_status", None if protection_status is None else protection_status.value),
    ):
        if value is not None:
            conditions.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    if measure_kind is not None:
        # @> rather than = ANY, so the GIN index of migration 0019 serves it.
        conditions.append(sql.SQL("measure_kinds @> ARRAY[%s]::text[]"))
        params.append(measure_kind)
    if overdue_at is not None:
        # The earliest obligation is the next deadline: overdue_obligations' rule.
        conditions.append(sql.SQL("next_deadline <= %s AND NOT suspended"))
        params.append(overdue_at)
    return conditions, params


class PostgresCaseload:
    """`CaseloadQueries` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def get_summary(self, pathway_id: str) -> PathwaySummary | None:
        """See `CaseloadQueries.get_summary`."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM pathway_summaries WHERE pathway_id = %s",
                (pathway_id,),
            )
            row = await cur.fetchone()
        return None if row is None else PathwaySummary.model_validate(row)

    async def list_summaries(
        self,
        *,
        organisation_id: str | None = None,
        caseworker_id: str | None = None,
        stage: Stage | None = None,
        measure_kind: str | None = None,
        protection_status: ProtectionStatus | None = None,
        overdue_at: datetime | None = None,
        sort: CaseloadSort = CaseloadSort.NEXT_DEADLINE,
        limit: int = 100,
        offset: int = 0,
    ) -> list[PathwaySummary]:
        """See `CaseloadQueries.list_summaries`."""
        check_page(limit, offset)
        conditions, params = _filters(
            organisation_id, caseworker_id, stage, measure_kind, protection_status, overdue_at
        )
        query = sql.SQL(
            "SELECT {columns} FROM pathway_summaries{where} ORDER BY {order} LIMIT %s OFFSET %s"
        ).format(columns=sql.SQL(SUMMARY_COLUMNS), where=where(conditions), order=ORDER_BY[sort])
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, [*params, limit, offset])
            rows = await cur.fetchall()
        return [PathwaySummary.model_validate(row) for row in rows]

    async def count_summaries(
        self,
        *,
        organisation_id: str | None = None,
        caseworker_id: str | None = None,
        stage: Stage | None = None,
        measure_kind: str | None = None,
        protection_status: ProtectionStatus | None = None,
        overdue_at: datetime | None = None,
    ) -> int:
        """See `CaseloadQueries.count_summaries`."""
        conditions, params = _filters(
            organisation_id, caseworker_id, stage, measure_kind, protection_status, overdue_at
        )
        query = sql.SQL("SELECT count(*) FROM pathway_summaries{where}").format(
            where=where(conditions)
        )
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, params)
            found = await cur.fetchone()
        return int(found[0]) if found else 0

    async def open_obligations(
        self,
        *,
        pathway_id: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[OpenObligation]:
        """See `CaseloadQueries.open_obligations`."""
        check_page(limit)
        conditions: list[sql.Composable] = []
        params: list[Any] = []
        if pathway_id is not None:
            conditions.append(sql.SQL("pathway_id = %s"))
            params.append(pathway_id)
        if due_before is not None:
            require_aware(due_before, "due_before")
            conditions.append(sql.SQL("due_at < %s"))
            params.append(due_before)
        query = sql.SQL(
            "SELECT pathway_id, obligation_id, kind, due_at, measure_id"
            " FROM pathway_obligations{where}"
            " ORDER BY due_at, pathway_id, obligation_id LIMIT %s"
        ).format(where=where(conditions))
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, [*params, limit])
            rows = await cur.fetchall()
        return [
            OpenObligation(pathway_id=owner, obligation=_obligation(*columns))
            for owner, *columns in rows
        ]

    async def overdue_obligations(
        self,
        now: datetime,
        *,
        caseworker_id: str | None = None,
        organisation_id: str | None = None,
        limit: int = 100,
    ) -> list[OverdueObligation]:
        """See `CaseloadQueries.overdue_obligations`."""
        require_aware(now, "now")
        check_page(limit)
        conditions: list[sql.Composable] = [sql.SQL("o.due_at <= %s AND NOT s.suspended")]
        params: list[Any] = [now]
        for column, value in (
            ("caseworker_id", caseworker_id),
            ("organisation_id", organisation_id),
        ):
            if value is not None:
                conditions.append(sql.SQL("s.{} = %s").format(sql.Identifier(column)))
                params.append(value)
        query = sql.SQL(
            "SELECT o.pathway_id, s.organisation_id, s.caseworker_id,"
            " o.obligation_id, o.kind, o.due_at, o.measure_id"
            " FROM pathway_obligations o JOIN pathway_summaries s USING (pathway_id){where}"
            " ORDER BY o.due_at, o.pathway_id, o.obligation_id LIMIT %s"
        ).format(where=where(conditions))
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, [*params, limit])
            rows = await cur.fetchall()
        return [
            OverdueObligation(
                pathway_id=owner,
                organisation_id=organisation,
                caseworker_id=caseworker,
                obligation=_obligation(*columns),
            )
            for owner, organisation, caseworker, *columns in rows
        ]


def _obligation(
    obligation_id: str, kind: str, due_at: datetime, measure_id: str | None
) -> Obligation:
    """An obligation from its columns (obligation_id, kind, due_at, measure_id), due in UTC."""
    return Obligation(
        obligation_id=obligation_id, kind=kind, due_at=due_at.astimezone(UTC), measure_id=measure_id
    )
