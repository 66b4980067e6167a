"""The writer of the caseload read model: a pathway's summary row and its obligations.

Run by `PostgresEventStore` in the append's transaction, and by a rebuild; read by
`infra.eventstore.postgres_caseload`.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.eventstore.postgres_statements import SUMMARY_COLUMNS, Connection

_UPSERT_SUMMARY = f"""
INSERT INTO pathway_summaries ({SUMMARY_COLUMNS})
VALUES (%(pathway_id)s, %(organisation_id)s, %(caseworker_id)s, %(stage)s, %(suspended)s,
        %(version)s, %(opened_at)s, %(updated_at)s, %(next_deadline)s,
        %(measures_planned)s, %(measures_active)s, %(measures_completed)s,
        %(measure_kinds)s, %(protection_status)s)
ON CONFLICT (pathway_id) DO UPDATE SET
    organisation_id = EXCLUDED.organisation_id,
    caseworker_id = EXCLUDED.caseworker_id,
    stage = EXCLUDED.stage,
    suspended = EXCLUDED.suspended,
    version = EXCLUDED.version,
    opened_at = EXCLUDED.opened_at,
    updated_at = EXCLUDED.updated_at,
    next_deadline = EXCLUDED.next_deadline,
    measures_planned = EXCLUDED.measures_planned,
    measures_active = EXCLUDED.measures_active,
    measures_completed = EXCLUDED.measures_completed,
    measure_kinds = EXCLUDED.measure_kinds,
    protection_status = EXCLUDED.protection_status
"""
_INSERT_OBLIGATION = """
INSERT INTO pathway_obligations (pathway_id, obligation_id, kind, due_at, measure_id)
VALUES (%s, %s, %s, %s, %s)
"""


class CaseloadWriter:
    """Upserts the pathway's summary and replaces its obligations."""

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        await write_caseload(conn, update)

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        await write_caseload(conn, update)


async def write_caseload(conn: Connection, update: ReadModelUpdate) -> None:
    """Upsert the pathway's summary and replace its obligations."""
    summary = update.summary
    await conn.execute(
        _UPSERT_SUMMARY,
        {
            **dict(summary),
            "stage": summary.stage.value,
            "measure_kinds": list(summary.measure_kinds),
            "protection_status": summary.protection_status and summary.protection_status.value,
        },
    )
    await conn.execute(
        "DELETE FROM pathway_obligations WHERE pathway_id = %s", (summary.pathway_id,)
    )
    if update.obligations:
        async with conn.cursor() as cur:
            await cur.executemany(
                _INSERT_OBLIGATION,
                [
                    (summary.pathway_id, o.obligation_id, o.kind, o.due_at, o.measure_id)
                    for o in update.obligations
                ],
            )
