"""The Postgres event store: the system of record, and the read models written with it.

Global positions are handed out in commit order: each append takes one transaction-level
advisory lock just before inserting its events and holds it until commit, so a reader
resuming `read_all` from the last position it saw can never miss an event that commits
later with a smaller position. The lock covers only the insert and the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg import sql
from psycopg.errors import UniqueViolation
from psycopg.rows import TupleRow, dict_row

from domain.projections import Obligation, PathwaySummary, ReadModelUpdate
from domain.records import EventRecord
from domain.values import Stage
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.base import (
    AppendResult,
    CommandIdConflict,
    ConcurrencyConflict,
    OpenObligation,
    OverdueObligation,
    check_append,
    check_page,
    check_read_models,
    require_aware,
    unique_across_streams,
)
from infra.eventstore.postgres_ledger import PostgresLedger, book_ledger, follow_outcomes
from infra.eventstore.postgres_notifications import (
    PostgresNotifications,
    write_notifications,
    write_withdrawals,
)
from infra.eventstore.postgres_statements import (
    EVENT_COLUMNS,
    SUMMARY_COLUMNS,
    ask_other_streams,
    event_from_row,
    insert_events,
    lock_appends,
    names_another_stream,
    stream_state,
    stream_version,
    where,
    write_read_models,
)


class PostgresEventStore(PostgresNotifications, PostgresLedger):
    """An `EventStore` on a psycopg pool whose database has been migrated.

    With a `sealer`, the personal fields of events (`infra.crypto.personal_fields`) are
    sealed with the pathway's data key before they are stored and opened when read, so the
    database holds them only as ciphertext and callers only ever see clear values. Every
    process of an installation passes one (docs/privacy.md); tests of the store's contract
    may leave it out.
    """

    def __init__(self, pool: Pool, sealer: FieldSealer | None = None) -> None:
        super().__init__(pool)
        self._sealer = sealer

    async def ping(self, timeout: float) -> None:
        """Answer within `timeout` seconds or raise: the readiness probe of `/readyz`.

        Raises:
            psycopg_pool.PoolTimeout: no connection could be had in time.
            psycopg.OperationalError: the database refused or dropped the connection.
        """
        async with self._pool.connection(timeout=timeout) as conn:
            await conn.execute("SELECT 1")

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        read_models: ReadModelUpdate | None = None,
    ) -> AppendResult:
        """See `EventStore.append`."""
        command_id = check_append(stream_id, expected_version, records, read_models)
        try:
            # Pipeline mode: the statements whose results nobody waits for go out together,
            # so an append is five round trips (BEGIN, the stream's state, the writes, the
            # pipeline's sync, COMMIT) instead of one per statement (eight or more).
            async with self._pool.connection() as conn, conn.transaction(), conn.pipeline():
                current, earlier = await stream_state(conn, stream_id, command_id)
                if earlier is not None:
                    return earlier
                if current != expected_version:
                    raise ConcurrencyConflict(stream_id, expected_version, current)
                if read_models is not None:
                    # Before the append lock: a booking may wait for a budget line's row.
                    await book_ledger(
                        conn, read_models.ledger, records[-1].recorded_at, self._sealer
                    )
                    await follow_outcomes(conn, read_models.ledger_outcomes)
                    await write_read_models(conn, read_models)
                    await write_notifications(conn, read_models.notifications, outbox=True)
                    await write_withdrawals(conn, read_models.withdrawals)
                sealed = await self._sealed(records)
                await lock_appends(conn)
                # Asked under the lock, so an append of the id to another stream has
                # committed; answered with the insert's flight, rolled back if it must be.
                unique = unique_across_streams(records)
                question = await ask_other_streams(conn, stream_id, command_id) if unique else None
                positions = await insert_events(conn, sealed)
                if question is not None and await names_another_stream(question):
                    raise CommandIdConflict(command_id)
        except UniqueViolation as error:
            if error.diag.constraint_name != "events_pkey":
                raise
            # Another writer appended at these versions after our checks: a retry of this
            # very command that overtook us, or a genuine second writer.
            async with self._pool.connection() as conn:
                current, earlier = await stream_state(conn, stream_id, command_id)
            if earlier is not None:
                return earlier
            raise ConcurrencyConflict(stream_id, expected_version, current) from None
        return AppendResult(
            stream_id=stream_id,
            first_version=records[0].version,
            last_version=records[-1].version,
            global_positions=tuple(positions),
            duplicate=False,
        )

    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]:
        """See `EventStore.read_stream`."""
        async with self._pool.connection() as conn:
            if known_at is None:
                cur = await conn.execute(
                    f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s ORDER BY version",
                    (stream_id,),
                )
            else:
                require_aware(known_at, "known_at")
                cur = await conn.execute(
                    f"SELECT {EVENT_COLUMNS} FROM events"
                    " WHERE stream_id = %s AND recorded_at <= %s ORDER BY version",
                    (stream_id, known_at),
                )
            return await self._opened(await cur.fetchall())

    async def first_records(self, stream_ids: Sequence[str]) -> dict[str, EventRecord]:
        """See `EventStore.first_records`."""
        if not stream_ids:
            return {}
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ANY(%s) AND version = 1",
                (list(stream_ids),),
            )
            return {r.stream_id: r for r in await self._opened(await cur.fetchall())}

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """See `EventStore.read_all`."""
        check_page(limit)
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events"
                " WHERE global_position > %s ORDER BY global_position LIMIT %s",
                (after_position, limit),
            )
            return await self._opened(await cur.fetchall())

    async def stream_version(self, stream_id: str) -> int:
        """See `EventStore.stream_version`."""
        async with self._pool.connection() as conn:
            return await stream_version(conn, stream_id)

    async def get_summary(self, pathway_id: str) -> PathwaySummary | None:
        """See `EventStore.get_summary`."""
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
        limit: int = 100,
        offset: int = 0,
    ) -> list[PathwaySummary]:
        """See `EventStore.list_summaries`."""
        check_page(limit, offset)
        # Only the filters given enter the query, so each shape gets its own good plan.
        conditions: list[sql.Composable] = []
        params: list[Any] = []
        for column, value in (
            ("organisation_id", organisation_id),
            ("caseworker_id", caseworker_id),
            ("stage", None if stage is None else stage.value),
        ):
            if value is not None:
                conditions.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
                params.append(value)
        query = sql.SQL(
            "SELECT {columns} FROM pathway_summaries{where}"
            " ORDER BY next_deadline ASC NULLS LAST, pathway_id LIMIT %s OFFSET %s"
        ).format(columns=sql.SQL(SUMMARY_COLUMNS), where=where(conditions))
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, [*params, limit, offset])
            rows = await cur.fetchall()
        return [PathwaySummary.model_validate(row) for row in rows]

    async def open_obligations(
        self,
        *,
        pathway_id: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[OpenObligation]:
        """See `EventStore.open_obligations`."""
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
        """See `EventStore.overdue_obligations`."""
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

    async def _sealed(self, records: Sequence[EventRecord]) -> Sequence[EventRecord]:
        if self._sealer is None:
            return records
        return [r.model_copy(update={"data": await self._sealer.seal(r)}) for r in records]

    async def _opened(self, rows: Sequence[TupleRow]) -> list[EventRecord]:
        return await open_records(self._sealer, [event_from_row(row) for row in rows])

    async def replace_read_models(self, update: ReadModelUpdate) -> None:
        """See `EventStore.replace_read_models`."""
        check_read_models(update)
        async with self._pool.connection() as conn, conn.transaction():
            await write_read_models(conn, update)
            await write_notifications(conn, update.notifications, outbox=False)
            await write_withdrawals(conn, update.withdrawals)


def _obligation(
    obligation_id: str, kind: str, due_at: datetime, measure_id: str | None
) -> Obligation:
    """An obligation from its columns (obligation_id, kind, due_at, measure_id), due in UTC."""
    return Obligation(
        obligation_id=obligation_id, kind=kind, due_at=due_at.astimezone(UTC), measure_id=measure_id
    )


async def open_records(sealer: FieldSealer | None, records: list[EventRecord]) -> list[EventRecord]:
    """The records with their sealed fields opened (as read without a sealer, if none)."""
    if sealer is None:
        return records
    return [await sealer.open_record(r) for r in records]
