"""As-of states: a pathway as known at an instant, the one way every as-of reader asks.

The API's and the CLI's as-of answers ask the store's `as_of` part. The Postgres store's
(`infra.eventstore.postgres_as_of`) folds from the nearest as-of snapshot; the in-memory
store's folds the whole stream, which is the answer the snapshots must give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.as_of_snapshots import fold_from
from domain.records import EventRecord
from domain.state import PathwayState


@dataclass(frozen=True)
class AsOfView:
    """A stream as known at an instant: its state, and the records open obligations need.

    `records` hold at least every event folded since the snapshot the state started from
    and, before it, the deadline ladder's steps: all that
    `domain.obligation_ladders.open_obligations` reads.
    """

    state: PathwayState
    records: list[EventRecord]


class AsOfStates(Protocol):
    """As-of reads of the event store's streams."""

    async def view(self, stream_id: str, known_at: datetime) -> AsOfView | None:
        """The stream as known at `known_at`; None when none of its events was recorded by then."""
        ...


class StreamReader(Protocol):
    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]: ...


class FullFoldAsOf:
    """As-of by folding every event recorded by the instant (no snapshots)."""

    def __init__(self, store: StreamReader) -> None:
        self._store = store

    async def view(self, stream_id: str, known_at: datetime) -> AsOfView | None:
        """See `AsOfStates.view`."""
        records = await self._store.read_stream(stream_id, known_at=known_at)
        if not records:
            return None
        state, _ = fold_from(None, records, known_at, 0)
        return AsOfView(state, records)
