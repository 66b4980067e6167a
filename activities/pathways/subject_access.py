"""Everything held about the person of one pathway, for their access request (GDPR art. 15).

The pathway's state folded from its events, every event with its personal fields opened,
its ledger rows and the notifications filed about it: one document, which
`pathways export-subject` writes as JSON and HTML and the subject-access page hands over as
JSON. Whoever asks records the read in the access log first (purpose `subject_access`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.evolution import fold
from domain.stream import stream_id_for
from infra.db import Pool
from infra.eventstore.base import EventStore


class SubjectAccessService:
    """The `infra.eventstore.subject_access.SubjectDocuments` of the root, over `pool`."""

    def __init__(self, events: EventStore, pool: Pool) -> None:
        self._events = events
        self._pool = pool

    async def document(self, pathway_id: str, now: datetime) -> dict[str, Any] | None:
        """The pathway's document; None when no pathway has been opened with this id."""
        records = await self._events.read_stream(stream_id_for(pathway_id))
        if not records:
            return None
        async with self._pool.connection() as conn:
            notifications = await _rows(
                conn,
                "SELECT notification_id, obligation_kind, recipient_role, recipient_id,"
                " escalation, due_at, created_at, read_at FROM inbox"
                " WHERE pathway_id = %s ORDER BY created_at",
                pathway_id,
            )
            ledger = await _rows(
                conn, "SELECT * FROM ledger WHERE pathway_id = %s ORDER BY entry_id", pathway_id
            )
        return {
            "pathway_id": pathway_id,
            "exported_at": now.isoformat(),
            "state": fold(records).model_dump(mode="json"),
            "events": [r.model_dump(mode="json") for r in records],
            "payments": ledger,
            "notifications": notifications,
        }


async def _rows(conn: Any, query: str, pathway_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(query, (pathway_id,))
    names = [column.name for column in cur.description]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)}
        for row in await cur.fetchall()
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
