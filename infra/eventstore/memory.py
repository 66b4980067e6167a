"""The in-memory event store: the Postgres store's twin for tests and demos.

It passes the same contract suite. Every method runs without awaiting, so on one event
loop each call is atomic, like a transaction. Data is stored as a JSON round trip, so
what cannot be stored in Postgres fails here too, and readers get copies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from domain.projections import Obligation, PathwaySummary, ReadModelUpdate
from domain.records import EventRecord
from domain.values import Stage
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
from infra.eventstore.memory_ledger import InMemoryLedger
from infra.eventstore.memory_notifications import InMemoryNotifications

_NO_DEADLINE = datetime.min.replace(tzinfo=UTC)


def _json_copy(data: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return copied


class InMemoryEventStore(InMemoryNotifications, InMemoryLedger):
    """An `EventStore` in dictionaries; nothing survives the process."""

    def __init__(self) -> None:
        InMemoryNotifications.__init__(self)
        InMemoryLedger.__init__(self)
        self._streams: dict[str, list[EventRecord]] = {}
        self._log: list[EventRecord] = []
        self._summaries: dict[str, PathwaySummary] = {}
        self._obligations: dict[str, tuple[Obligation, ...]] = {}

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        read_models: ReadModelUpdate | None = None,
    ) -> AppendResult:
        """See `EventStore.append`."""
        command_id = check_append(stream_id, expected_version, records, read_models)
        stream = self._streams.get(stream_id, [])
        earlier = [r for r in stream if r.command_id == command_id]
        if earlier:
            return _result(stream_id, earlier, duplicate=True)
        if len(stream) != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, len(stream))
        if unique_across_streams(records) and any(
            r.command_id == command_id and r.stream_id != stream_id for r in self._log
        ):
            raise CommandIdConflict(command_id)
        if read_models is not None:
            self._check_booking(read_models.ledger)

        # Build everything first: a failure (e.g. data that is not JSON) leaves no trace.
        position = len(self._log)
        stored: list[EventRecord] = []
        for record in records:
            position += 1
            stored.append(
                record.model_copy(
                    update={"data": _json_copy(record.data), "global_position": position}
                )
            )
        self._streams[stream_id] = [*stream, *stored]
        self._log.extend(stored)
        if read_models is not None:
            self._write_read_models(read_models)
            self._write_notifications(read_models.notifications, outbox=True)
            self._withdraw(read_models.withdrawals)
            self._book(read_models.ledger, records[-1].recorded_at)
            self._follow_outcomes(read_models.ledger_outcomes)
        return _result(stream_id, stored, duplicate=False)

    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]:
        """See `EventStore.read_stream`."""
        if known_at is not None:
            require_aware(known_at, "known_at")
        return [
            r.model_copy(deep=True)
            for r in self._streams.get(stream_id, [])
            if known_at is None or r.recorded_at <= known_at
        ]

    async def first_records(self, stream_ids: Sequence[str]) -> dict[str, EventRecord]:
        """See `EventStore.first_records`."""
        return {
            s: self._streams[s][0].model_copy(deep=True) for s in stream_ids if self._streams.get(s)
        }

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """See `EventStore.read_all`."""
        check_page(limit)
        # Positions are 1..n without gaps here, so the position is the index plus one.
        start = max(after_position, 0)
        return [r.model_copy(deep=True) for r in self._log[start : start + limit]]

    async def stream_version(self, stream_id: str) -> int:
        """See `EventStore.stream_version`."""
        return len(self._streams.get(stream_id, []))

    async def get_summary(self, pathway_id: str) -> PathwaySummary | None:
        """See `EventStore.get_summary`."""
        return self._summaries.get(pathway_id)

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
        rows = [
            s
            for s in self._summaries.values()
            if (organisation_id is None or s.organisation_id == organisation_id)
            and (caseworker_id is None or s.caseworker_id == caseworker_id)
            and (stage is None or s.stage == stage)
        ]
        rows.sort(key=_urgency)
        return rows[offset : offset + limit]

    async def open_obligations(
        self,
        *,
        pathway_id: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[OpenObligation]:
        """See `EventStore.open_obligations`."""
        check_page(limit)
        if due_before is not None:
            require_aware(due_before, "due_before")
        rows = [
            OpenObligation(pathway_id=owner, obligation=obligation)
            for owner, obligations in self._obligations.items()
            if pathway_id is None or owner == pathway_id
            for obligation in obligations
            if due_before is None or obligation.due_at < due_before
        ]
        rows.sort(key=lambda r: (r.obligation.due_at, r.pathway_id, r.obligation.obligation_id))
        return rows[:limit]

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
        rows = [
            OverdueObligation(
                pathway_id=row.pathway_id,
                organisation_id=row.organisation_id,
                caseworker_id=row.caseworker_id,
                obligation=obligation,
            )
            for row in self._summaries.values()
            if not row.suspended
            and (caseworker_id is None or row.caseworker_id == caseworker_id)
            and (organisation_id is None or row.organisation_id == organisation_id)
            for obligation in self._obligations.get(row.pathway_id, ())
            if obligation.due_at <= now
        ]
        rows.sort(key=lambda r: (r.obligation.due_at, r.pathway_id, r.obligation.obligation_id))
        return rows[:limit]

    async def replace_read_models(self, update: ReadModelUpdate) -> None:
        """See `EventStore.replace_read_models`."""
        check_read_models(update)
        self._write_read_models(update)
        self._write_notifications(update.notifications, outbox=False)
        self._withdraw(update.withdrawals)

    def _write_read_models(self, update: ReadModelUpdate) -> None:
        pathway_id = update.summary.pathway_id
        self._summaries[pathway_id] = update.summary
        self._obligations[pathway_id] = update.obligations


def _result(stream_id: str, records: list[EventRecord], *, duplicate: bool) -> AppendResult:
    return AppendResult(
        stream_id=stream_id,
        first_version=records[0].version,
        last_version=records[-1].version,
        global_positions=tuple(r.global_position or 0 for r in records),
        duplicate=duplicate,
    )


def _urgency(summary: PathwaySummary) -> tuple[bool, datetime, str]:
    """Sort key: earliest next deadline first, pathways without one last, then by id."""
    deadline = summary.next_deadline
    return (deadline is None, deadline or _NO_DEADLINE, summary.pathway_id)
