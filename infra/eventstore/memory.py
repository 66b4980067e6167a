"""The in-memory event store: the Postgres store's twin for tests and demos.

It passes the same contract suite. Every method runs without awaiting, so on one event
loop each call is atomic, like a transaction. Data is stored as a JSON round trip, so
what cannot be stored in Postgres fails here too, and readers get copies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.eventstore.as_of import FullFoldAsOf
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
from infra.eventstore.duplicates import InMemoryDuplicateDecisions
from infra.eventstore.memory_caseload import InMemoryCaseload
from infra.eventstore.memory_ledger import InMemoryLedger
from infra.eventstore.memory_notifications import InMemoryNotifications
from infra.eventstore.partner_links import InMemoryPartnerLinks
from infra.eventstore.referral_inbox import InMemoryReferralInbox
from infra.eventstore.search_index import InMemorySearchIndex

_NO_DEADLINE = datetime.min.replace(tzinfo=UTC)


def _json_copy(data: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return copied


class InMemoryWriter(Protocol):
    """One read model of the in-memory store: its writer's three steps.

    An append checks with every writer before it writes anything (a refusal leaves no
    trace, as a rolled-back transaction does), then runs each `on_append`; a rebuild runs
    each `on_rebuild`. None awaits, so each runs whole, like the append's transaction.
    """

    def check(self, update: ReadModelUpdate) -> None:
        """Refuse an update this read model cannot take (raises `EventStoreError`)."""
        ...

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Write what the append's update holds for this read model."""
        ...

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """Write what a rebuild keeps of this read model."""
        ...


class InMemoryEventStore:
    """An `EventStore` in dictionaries; nothing survives the process.

    Each read model is one object that is both its writer and its queries (a twin for
    tests: the state is a dictionary, not a table), registered in `_writers`.
    """

    def __init__(self, *, notifications: InMemoryNotifications | None = None) -> None:
        """A new empty store; a test may give the notifications' read model (a slow one)."""
        self._streams: dict[str, list[EventRecord]] = {}
        self._log: list[EventRecord] = []
        self.caseload = InMemoryCaseload()
        self.notifications = notifications or InMemoryNotifications()
        self.budget = InMemoryLedger()
        self.partner_links = InMemoryPartnerLinks()
        self.referral_inbox = InMemoryReferralInbox()
        self.search_index = InMemorySearchIndex(self.caseload)
        self.duplicates = InMemoryDuplicateDecisions()
        self.as_of = FullFoldAsOf(self)
        self._writers: tuple[InMemoryWriter, ...] = (
            self.caseload,
            self.notifications,
            self.budget,
            self.partner_links,
            self.referral_inbox,
            self.search_index,
        )

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        read_models: ReadModelUpdate | None = None,
    ) -> AppendResult:
        """See `EventRecorder.append`."""
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
            for writer in self._writers:
                writer.check(read_models)

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
            for writer in self._writers:
                writer.on_append(stored, read_models)
        return _result(stream_id, stored, duplicate=False)

    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]:
        """See `EventRecorder.read_stream`."""
        if known_at is not None:
            require_aware(known_at, "known_at")
        return [
            r.model_copy(deep=True)
            for r in self._streams.get(stream_id, [])
            if known_at is None or r.recorded_at <= known_at
        ]

    async def first_records(self, stream_ids: Sequence[str]) -> dict[str, EventRecord]:
        """See `EventRecorder.first_records`."""
        return {
            s: self._streams[s][0].model_copy(deep=True) for s in stream_ids if self._streams.get(s)
        }

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """See `EventRecorder.read_all`."""
        check_page(limit)
        # Positions are 1..n without gaps here, so the position is the index plus one.
        start = max(after_position, 0)
        return [r.model_copy(deep=True) for r in self._log[start : start + limit]]

    async def stream_version(self, stream_id: str) -> int:
        """See `EventRecorder.stream_version`."""
        return len(self._streams.get(stream_id, []))

    async def replace_read_models(self, update: ReadModelUpdate) -> None:
        """See `EventRecorder.replace_read_models`."""
        check_read_models(update)
        for writer in self._writers:
            writer.on_rebuild(update)


def _result(stream_id: str, records: list[EventRecord], *, duplicate: bool) -> AppendResult:
    return AppendResult(
        stream_id=stream_id,
        first_version=records[0].version,
        last_version=records[-1].version,
        global_positions=tuple(r.global_position or 0 for r in records),
        duplicate=duplicate,
    )
