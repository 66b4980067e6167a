"""The Postgres event store: the system of record, and the read models written with it.

Global positions are handed out in commit order: each append takes one transaction-level
advisory lock just before inserting its events and holds it until commit, so a reader
resuming `read_all` from the last position it saw can never miss an event that commits
later with a smaller position. The lock covers only the insert and the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg.errors import UniqueViolation
from psycopg.rows import TupleRow

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.base import (
    AppendResult,
    CommandIdConflict,
    ConcurrencyConflict,
    check_append,
    check_page,
    check_read_models,
    require_aware,
    unique_across_streams,
)
from infra.eventstore.postgres_as_of import DEFAULT_EVERY, PostgresAsOf
from infra.eventstore.postgres_budget import PostgresBudgetBook
from infra.eventstore.postgres_caseload import PostgresCaseload
from infra.eventstore.postgres_duplicates import PostgresDuplicateDecisions
from infra.eventstore.postgres_notifications import PostgresNotifications
from infra.eventstore.postgres_partner_links import PostgresPartnerLinks
from infra.eventstore.postgres_referral_inbox import PostgresReferralInbox
from infra.eventstore.postgres_search_index import PostgresSearchIndex
from infra.eventstore.postgres_statements import (
    EVENT_COLUMNS,
    ask_other_streams,
    event_from_row,
    insert_events,
    lock_appends,
    names_another_stream,
    stream_state,
    stream_version,
)
from infra.eventstore.postgres_writers import read_model_writers
from infra.eventstore.search_index import search_key_for


class PostgresEventStore:
    """An `EventRecorder` on a psycopg pool whose database has been migrated.

    Its read models' writers (`infra.eventstore.postgres_writers`) run in each append's
    transaction; their queries are the parts it carries, each a class of its own that
    needs only the pool: `caseload`, `notifications`, `budget`, `search_index`, `as_of`
    (an `EventStore`).

    With a `sealer`, the personal fields of events (`infra.crypto.personal_fields`) are
    sealed with the pathway's data key before they are stored and opened when read, so the
    database holds them only as ciphertext and callers only ever see clear values. Every
    process of an installation passes one (docs/privacy.md); tests of the store's contract
    may leave it out.
    """

    def __init__(
        self, pool: Pool, sealer: FieldSealer | None = None, *, as_of_every: int = DEFAULT_EVERY
    ) -> None:
        self._pool = pool
        self._sealer = sealer
        self._writers = read_model_writers(sealer)
        self.caseload = PostgresCaseload(pool)
        self.notifications = PostgresNotifications(pool)
        self.budget = PostgresBudgetBook(pool, sealer)
        self.partner_links = PostgresPartnerLinks(pool)
        self.referral_inbox = PostgresReferralInbox(pool, sealer)
        self.search_index = PostgresSearchIndex(pool, search_key_for(sealer))
        self.duplicates = PostgresDuplicateDecisions(pool)
        self.as_of = PostgresAsOf(pool, sealer, as_of_every)

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
        """See `EventRecorder.append`."""
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
                    for writer in self._writers:
                        await writer.on_append(conn, records, read_models)
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
        """See `EventRecorder.read_stream`."""
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
        """See `EventRecorder.first_records`."""
        if not stream_ids:
            return {}
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = ANY(%s) AND version = 1",
                (list(stream_ids),),
            )
            return {r.stream_id: r for r in await self._opened(await cur.fetchall())}

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """See `EventRecorder.read_all`."""
        check_page(limit)
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events"
                " WHERE global_position > %s ORDER BY global_position LIMIT %s",
                (after_position, limit),
            )
            return await self._opened(await cur.fetchall())

    async def stream_version(self, stream_id: str) -> int:
        """See `EventRecorder.stream_version`."""
        async with self._pool.connection() as conn:
            return await stream_version(conn, stream_id)

    async def _sealed(self, records: Sequence[EventRecord]) -> Sequence[EventRecord]:
        if self._sealer is None:
            return records
        return [r.model_copy(update={"data": await self._sealer.seal(r)}) for r in records]

    async def _opened(self, rows: Sequence[TupleRow]) -> list[EventRecord]:
        return await open_records(self._sealer, [event_from_row(row) for row in rows])

    async def replace_read_models(self, update: ReadModelUpdate) -> None:
        """See `EventRecorder.replace_read_models`."""
        check_read_models(update)
        async with self._pool.connection() as conn, conn.transaction():
            for writer in self._writers:
                await writer.on_rebuild(conn, update)


async def open_records(sealer: FieldSealer | None, records: list[EventRecord]) -> list[EventRecord]:
    """The records with their sealed fields opened (as read without a sealer, if none)."""
    if sealer is None:
        return records
    return [await sealer.open_record(r) for r in records]
