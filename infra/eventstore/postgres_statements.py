"""The SQL of the Postgres event store, and the functions that run it on one connection.

Every statement is parameterised; the few composed with `psycopg.sql` join fixed fragments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from psycopg import AsyncConnection, AsyncCursor, sql
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from domain.records import EventRecord
from infra.eventstore.base import AppendResult

Connection = AsyncConnection[TupleRow]
Cursor = AsyncCursor[TupleRow]

APPEND_LOCK_KEY = 0x6576656E7473
"""Advisory lock serialising the inserts of appends (any constant; spells "events")."""

EVENT_COLUMNS = (
    "global_position, stream_id, version, type, schema_version, data, metadata,"
    " command_id, occurred_at, recorded_at"
)
SUMMARY_COLUMNS = (
    "pathway_id, organisation_id, caseworker_id, stage, suspended, version, opened_at,"
    " updated_at, next_deadline, measures_planned, measures_active, measures_completed,"
    " measure_kinds, protection_status"
)

_STREAM_STATE = """
SELECT
    (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = %(stream_id)s),
    ARRAY(SELECT version FROM events
          WHERE stream_id = %(stream_id)s AND command_id = %(command_id)s ORDER BY version),
    ARRAY(SELECT global_position FROM events
          WHERE stream_id = %(stream_id)s AND command_id = %(command_id)s ORDER BY version)
"""
_INSERT_EVENTS = """
INSERT INTO events (stream_id, version, type, schema_version, data, metadata, command_id,
                    occurred_at, recorded_at)
VALUES {rows}
RETURNING version, global_position
"""


async def stream_version(conn: Connection, stream_id: str) -> int:
    """The stream's last version, 0 when it has none."""
    cur = await conn.execute(
        "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = %s", (stream_id,)
    )
    row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def stream_state(
    conn: Connection, stream_id: str, command_id: str
) -> tuple[int, AppendResult | None]:
    """The stream's version and, if the command is already in it, that append's result.

    One statement, so both answers come from one snapshot: a concurrent retry that commits
    in between cannot make it look like a conflict.
    """
    cur = await conn.execute(_STREAM_STATE, {"stream_id": stream_id, "command_id": command_id})
    row = await cur.fetchone()
    assert row is not None
    current, versions, positions = row
    if not versions:
        return int(current), None
    return int(current), AppendResult(
        stream_id=stream_id,
        first_version=versions[0],
        last_version=versions[-1],
        global_positions=tuple(positions),
        duplicate=True,
    )


async def ask_other_streams(conn: Connection, stream_id: str, command_id: str) -> Cursor:
    """Ask whether `command_id` names events of a stream other than `stream_id`.

    In pipeline mode the question goes out with the writes that follow it; read its answer
    with `names_another_stream` after them, and no round trip is added.
    """
    return await conn.execute(
        "SELECT EXISTS (SELECT 1 FROM events WHERE command_id = %s AND stream_id <> %s)",
        (command_id, stream_id),
    )


async def names_another_stream(question: Cursor) -> bool:
    """The answer to `ask_other_streams`."""
    row = await question.fetchone()
    return bool(row and row[0])


async def lock_appends(conn: Connection) -> None:
    """Take the append lock until the end of the transaction.

    Taken just before the insert, so positions are handed out in commit order.
    """
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK_KEY,))


async def insert_events(conn: Connection, records: Sequence[EventRecord]) -> list[int]:
    """Insert the records in one statement (one round trip under the append lock)."""
    row_placeholder = sql.SQL("(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
    query = sql.SQL(_INSERT_EVENTS).format(
        rows=sql.SQL(", ").join([row_placeholder] * len(records))
    )
    params: list[Any] = []
    for r in records:
        metadata = {"actor": r.actor.model_dump(mode="json"), "command_id": r.command_id}
        if r.fingerprint is not None:
            metadata["fingerprint"] = r.fingerprint
        params += (
            r.stream_id,
            r.version,
            r.type,
            r.schema_version,
            Jsonb(r.data),
            Jsonb(metadata),
            r.command_id,
            r.occurred_at,
            r.recorded_at,
        )
    cur = await conn.execute(query, params)
    # Rows of a VALUES list are inserted in order; sort anyway rather than rely on RETURNING's.
    return [int(position) for _, position in sorted(await cur.fetchall())]


def event_from_row(row: TupleRow) -> EventRecord:
    """An `EventRecord` from a row of `EVENT_COLUMNS`, its instants in UTC."""
    (position, stream_id, version, type_, schema_version, data, metadata, command_id,
     occurred_at, recorded_at) = row  # fmt: skip
    return EventRecord.model_validate(
        {
            "stream_id": stream_id,
            "version": version,
            "type": type_,
            "schema_version": schema_version,
            "data": data,
            "actor": metadata["actor"],
            "command_id": command_id,
            "fingerprint": metadata.get("fingerprint"),
            "occurred_at": occurred_at.astimezone(UTC),
            "recorded_at": recorded_at.astimezone(UTC),
            "global_position": position,
        }
    )


def where(conditions: list[sql.Composable]) -> sql.Composable:
    """A WHERE clause joining the conditions with AND, or nothing when there are none."""
    if not conditions:
        return sql.SQL("")
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions)
