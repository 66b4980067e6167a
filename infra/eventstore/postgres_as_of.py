"""As-of reads from the nearest snapshot (`domain.as_of_snapshots`), and the snapshots' table.

A read takes the latest snapshot of the stream that serves its instant and is of today's
state shape, folds the events after it recorded by the instant, and stores the snapshots
the fold passed (every `every` versions) for the next read: the table fills as as-of is
asked, and `rebuild` fills it for every stream at once. Whatever is wrong with a row (of
another shape, sealed for another place, its key destroyed, its state not its version) is
the same as no row: the fold starts further back, the answer does not change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ValidationError

from domain.as_of_snapshots import AsOfSnapshot, fold_from, serves
from domain.events import DeadlineEscalated, DeadlineReminderSent
from domain.records import EventRecord
from domain.state import PathwayState
from infra.crypto.data_keys import KeyUnavailable
from infra.crypto.sealing import FieldSealer, SealedFieldUnreadable
from infra.db import Pool
from infra.eventstore.as_of import AsOfView
from infra.eventstore.base import require_aware
from infra.eventstore.postgres_statements import EVENT_COLUMNS, Connection, event_from_row

PLACE = "as_of"
DEFAULT_EVERY = 100


def shape_of(model: type[BaseModel]) -> str:
    """A digest of the model's JSON schema: any change of its fields or their types changes it."""
    schema = json.dumps(model.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


SHAPE = shape_of(PathwayState)
"""Today's state shape: a snapshot of another (an older `PathwayState`) is ignored, never
read as today's."""

LADDER_TYPES = [DeadlineReminderSent.__name__, DeadlineEscalated.__name__]


class PostgresAsOf:
    """The `AsOfStates` of the Postgres event store, folded from the nearest snapshot."""

    def __init__(self, pool: Pool, sealer: FieldSealer | None, every: int = DEFAULT_EVERY) -> None:
        self._pool = pool
        self._sealer = sealer
        self.every = every

    async def view(self, stream_id: str, known_at: datetime) -> AsOfView | None:
        """See `AsOfStates.view`."""
        require_aware(known_at, "known_at")
        async with self._pool.connection() as conn:
            start = await self._nearest(conn, stream_id, known_at)
            after = 0 if start is None else start.version
            later = await self._records(
                conn,
                f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s AND version > %s"
                " AND recorded_at <= %s ORDER BY version",
                (stream_id, after, known_at),
            )
            if start is None and not later:
                return None
            ladder = []
            if start is not None:
                ladder = await self._records(
                    conn,
                    f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s"
                    " AND version <= %s AND type = ANY(%s) ORDER BY version",
                    (stream_id, after, LADDER_TYPES),
                )
            state, made = fold_from(start, later, known_at, self.every)
            await self._store(conn, stream_id, made)
        return AsOfView(state, ladder + later)

    async def rebuild(self) -> int:
        """Every stream's snapshots made again from its events; how many were written."""
        written = 0
        async with self._pool.connection() as conn:
            await conn.execute("DELETE FROM as_of_snapshots")
            if not self.every:
                return 0
            cur = await conn.execute("SELECT DISTINCT stream_id FROM events ORDER BY stream_id")
            for (stream_id,) in await cur.fetchall():
                records = await self._records(
                    conn,
                    f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s ORDER BY version",
                    (stream_id,),
                )
                if records:
                    last = max(r.recorded_at for r in records)
                    _, made = fold_from(None, records, last, self.every)
                    written += await self._store(conn, stream_id, made)
        return written

    async def _nearest(
        self, conn: Connection, stream_id: str, known_at: datetime
    ) -> AsOfSnapshot | None:
        if not self.every:
            return None
        cur = await conn.execute(
            "SELECT version, known_from, state FROM as_of_snapshots"
            " WHERE stream_id = %s AND shape = %s AND known_from <= %s"
            " ORDER BY version DESC LIMIT 1",
            (stream_id, SHAPE, known_at),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        version, known_from, text = row
        try:
            if self._sealer is not None:
                text = await self._sealer.open_snapshot(
                    stream_id, text, version=version, place=PLACE
                )
            state = PathwayState.model_validate_json(text)
        except (KeyUnavailable, SealedFieldUnreadable, ValidationError, ValueError):
            return None
        snapshot = AsOfSnapshot(version=version, known_from=known_from, state=state)
        return snapshot if serves(snapshot, known_at) else None

    async def _records(
        self, conn: Connection, query: str, params: tuple[object, ...]
    ) -> list[EventRecord]:
        records = [
            event_from_row(row) for row in await (await conn.execute(query, params)).fetchall()
        ]
        if self._sealer is None:
            return records
        return [await self._sealer.open_record(r) for r in records]

    async def _store(self, conn: Connection, stream_id: str, made: Sequence[AsOfSnapshot]) -> int:
        """Write the snapshots (replacing any row at their versions); none once erased."""
        rows = []
        for snapshot in made:
            text = snapshot.state.model_dump_json()
            if self._sealer is not None:
                try:
                    text = await self._sealer.seal_snapshot(
                        stream_id, text, version=snapshot.version, place=PLACE
                    )
                except KeyUnavailable:
                    return 0  # erased: its state is no longer kept anywhere sealed
            rows.append((stream_id, snapshot.version, snapshot.known_from, SHAPE, text))
        if rows:
            async with conn.transaction(), conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO as_of_snapshots (stream_id, version, known_from, shape, state)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (stream_id, version) DO UPDATE"
                    " SET known_from = EXCLUDED.known_from, shape = EXCLUDED.shape,"
                    " state = EXCLUDED.state",
                    rows,
                )
        return len(rows)
