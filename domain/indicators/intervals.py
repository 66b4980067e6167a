"""From events to fact intervals, without I/O: the core the projector stores.

For each event of a pathway the facts of the state before and after it are compared; a fact
that appears opens an interval at the event's recorded_at (and occurred_at, its business
time), one that disappears closes its interval, one whose weight changes does both. Facts
depend only on the state (`domain.indicators.facts`), so intervals replayed from position 0
are the ones the incremental path wrote, whatever the batch boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from domain.evolution import evolve
from domain.records import EventRecord
from domain.state import PathwayState, initial_state

STREAM_PREFIX = "pathway-"

DIMENSION_COLUMNS = ("organisation_id", "gender", "age_band", "nationality", "protection_status")
"""The disaggregation dimensions, in `domain.indicators.Dimensions` field order."""

FactsOf = Callable[[PathwayState], dict[str, int]]
DimensionsOf = Callable[[PathwayState], Any]
"""`domain.indicators.dimensions`: a `Dimensions` (fields as DIMENSION_COLUMNS) or None."""


class _HasPosition(Protocol):
    @property
    def global_position(self) -> int | None: ...


@dataclass(frozen=True)
class FactInterval:
    """One row of `indicator_facts`: a pathway held `fact` with `weight` during an interval."""

    pathway_id: str
    fact: str
    weight: int
    since: datetime
    occurred_since: datetime
    opened_by: int
    until: datetime | None = None
    occurred_until: datetime | None = None
    closed_by: int | None = None

    def held_at(self, known_at: datetime) -> bool:
        """Whether the fact held as known at `known_at` (recording time)."""
        return self.since <= known_at and (self.until is None or self.until > known_at)


@dataclass(frozen=True)
class Closing:
    """An open interval stored earlier that an event of this batch closes."""

    pathway_id: str
    fact: str
    until: datetime
    occurred_until: datetime
    closed_by: int


@dataclass
class BatchResult:
    """What one batch changes: intervals to insert, stored ones to close, snapshots."""

    inserts: list[FactInterval] = field(default_factory=list)
    closings: list[Closing] = field(default_factory=list)
    states: dict[str, PathwayState] = field(default_factory=dict)
    dimensions: dict[str, tuple[str | None, ...] | None] = field(default_factory=dict)


def pathway_of(stream_id: str) -> str | None:
    """The pathway id of a pathway stream; None for any other stream."""
    if not stream_id.startswith(STREAM_PREFIX):
        return None
    return stream_id.removeprefix(STREAM_PREFIX)


def dimension_values(dimensions: Any) -> tuple[str | None, ...] | None:
    """A `Dimensions` as column values (enums by their value), or None."""
    if dimensions is None:
        return None
    values: list[str | None] = []
    for name in DIMENSION_COLUMNS:
        value = getattr(dimensions, name)
        values.append(None if value is None else str(getattr(value, "value", value)))
    return tuple(values)


def project_batch(
    records: Iterable[EventRecord],
    states: Mapping[str, PathwayState],
    open_facts: Mapping[str, Mapping[str, int]],
    facts_of: FactsOf,
    dimensions_of: DimensionsOf,
) -> BatchResult:
    """Apply a batch of events (in global order) to the pathways' snapshots and open facts.

    Args:
        records: the batch, each with its global position.
        states: snapshot of each pathway the batch touches (absent: not seen yet).
        open_facts: the stored open facts of those pathways, fact → weight.
        facts_of: `domain.indicators.facts`.
        dimensions_of: `domain.indicators.dimensions`.

    Events already in a snapshot (version not above it) are skipped, so a batch read again
    changes nothing. Intervals opened and closed within the batch are inserted whole; one
    opened and closed at the same recording instant (several events of one command) held at
    no instant and is left out.
    """
    result = BatchResult()
    current: dict[str, dict[str, int]] = {}
    pending: dict[tuple[str, str], FactInterval] = {}
    for record in records:
        pathway_id = pathway_of(record.stream_id)
        if pathway_id is None:
            continue
        state = result.states.get(pathway_id) or states.get(pathway_id) or initial_state()
        if record.version <= state.version:
            continue
        held = current.setdefault(pathway_id, dict(open_facts.get(pathway_id, {})))
        state = evolve(state, record)
        result.states[pathway_id] = state
        after = facts_of(state)
        position = _position(record)
        for fact in sorted(held.keys() | after.keys()):
            weight = after.get(fact)
            if held.get(fact) == weight:
                continue
            if fact in held:
                _close(result, pending, pathway_id, fact, record, position)
                del held[fact]
            if weight is not None:
                held[fact] = weight
                pending[(pathway_id, fact)] = FactInterval(
                    pathway_id=pathway_id,
                    fact=fact,
                    weight=weight,
                    since=record.recorded_at,
                    occurred_since=record.occurred_at,
                    opened_by=position,
                )
    result.inserts.extend(pending.values())
    for pathway_id, state in result.states.items():
        result.dimensions[pathway_id] = dimension_values(dimensions_of(state))
    return result


def _close(
    result: BatchResult,
    pending: dict[tuple[str, str], FactInterval],
    pathway_id: str,
    fact: str,
    record: EventRecord,
    position: int,
) -> None:
    opened = pending.pop((pathway_id, fact), None)
    if opened is None:
        result.closings.append(
            Closing(pathway_id, fact, record.recorded_at, record.occurred_at, position)
        )
    elif record.recorded_at > opened.since:
        result.inserts.append(
            replace(
                opened,
                until=record.recorded_at,
                occurred_until=record.occurred_at,
                closed_by=position,
            )
        )


def _position(record: _HasPosition) -> int:
    if record.global_position is None:
        raise ValueError("the projector reads recorded events: each has a global position")
    return record.global_position


class MemoryFacts:
    """Fact intervals kept in memory: the projector's storage, without a database.

    Used by tests as the reference, and to check that any batching gives the same rows.
    """

    def __init__(self, facts_of: FactsOf, dimensions_of: DimensionsOf) -> None:
        self._facts_of, self._dimensions_of = facts_of, dimensions_of
        self.position = 0
        self.intervals: list[FactInterval] = []
        self.states: dict[str, PathwayState] = {}
        self.dimensions: dict[str, tuple[str | None, ...]] = {}

    def apply(self, records: list[EventRecord]) -> None:
        """Project one batch, as the Postgres projector does in one transaction."""
        touched = {p for r in records if (p := pathway_of(r.stream_id)) is not None}
        open_facts: dict[str, dict[str, int]] = {}
        for row in self.intervals:
            if row.until is None and row.pathway_id in touched:
                open_facts.setdefault(row.pathway_id, {})[row.fact] = row.weight
        result = project_batch(
            records, self.states, open_facts, self._facts_of, self._dimensions_of
        )
        closing = {(c.pathway_id, c.fact): c for c in result.closings}
        kept: list[FactInterval] = []
        for row in self.intervals:
            c = closing.get((row.pathway_id, row.fact)) if row.until is None else None
            if c is None:
                kept.append(row)
            elif c.until > row.since:
                kept.append(
                    replace(
                        row, until=c.until, occurred_until=c.occurred_until, closed_by=c.closed_by
                    )
                )
        self.intervals = kept + result.inserts
        self.states.update(result.states)
        for pathway_id, values in result.dimensions.items():
            if values is None:
                self.dimensions.pop(pathway_id, None)
            else:
                self.dimensions[pathway_id] = values
        if records:
            self.position = _position(records[-1])

    def held_at(self, known_at: datetime) -> set[tuple[str, str, int]]:
        """(pathway, fact, weight) holding as known at `known_at`."""
        return {(r.pathway_id, r.fact, r.weight) for r in self.intervals if r.held_at(known_at)}
