"""Fact intervals from events, in memory: whatever the batching, they are what folding says.

The reference is the definition itself: as known at T, a pathway holds exactly
`facts(fold(its events recorded by T))`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.evolution import fold
from domain.indicators import dimensions, facts
from domain.indicators.intervals import FactInterval, FactsOf, MemoryFacts, pathway_of
from domain.records import EventRecord, as_of
from domain.state import PathwayState
from infra.eventstore.memory import InMemoryEventStore
from tests.indicators.caseloads import Step, append_all, history, interleave
from tests.indicators.strategies import caseloads
from tests.scenarios import START


def churning(state: PathwayState) -> dict[str, int]:
    """Facts that change at almost every event (closing, reopening, changing weight), so that
    the property exercises closings that the real facts reach only rarely."""
    found = {"stage_" + str(getattr(state.stage, "value", state.stage)): 1}
    found["version_parity"] = 1 + state.version % 2
    if state.version % 3:
        found["not_third"] = 1
    return found | facts(state)


FACT_FUNCTIONS = {"real": facts, "churning": churning}


def truth(
    records: list[EventRecord], known_at: datetime, facts_of: FactsOf = facts
) -> set[tuple[str, str, int]]:
    held: set[tuple[str, str, int]] = set()
    streams: dict[str, list[EventRecord]] = {}
    for record in as_of(records, known_at):
        streams.setdefault(record.stream_id, []).append(record)
    for stream_id, stream in streams.items():
        pathway_id = pathway_of(stream_id)
        assert pathway_id is not None
        held |= {(pathway_id, f, w) for f, w in facts_of(fold(stream)).items()}
    return held


def instants(records: list[EventRecord]) -> list[datetime]:
    """Every recording instant, a moment before each, and one long after; the caseload's
    start when nothing was recorded (every opening drawn was refused)."""
    times = sorted({r.recorded_at for r in records})
    if not times:
        return [START]
    return [t - timedelta(microseconds=1) for t in times] + times + [times[-1] + timedelta(days=9)]


async def recorded(steps: tuple[list[Step], ...]) -> list[EventRecord]:
    store = InMemoryEventStore()
    await append_all(store, interleave([history(f"p-{i:03d}", s) for i, s in enumerate(steps)]))
    return await store.read_all(0, 10_000)


def project(records: list[EventRecord], cuts: list[int], facts_of: FactsOf = facts) -> MemoryFacts:
    memory = MemoryFacts(facts_of, dimensions)
    start = 0
    for cut in [*sorted(set(cuts)), len(records)]:
        if cut > start:
            memory.apply(records[start:cut])
            start = cut
    return memory


def rows(memory: MemoryFacts) -> set[FactInterval]:
    return set(memory.intervals)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(steps=caseloads, data=st.data())
@pytest.mark.parametrize("facts_name", list(FACT_FUNCTIONS))
async def test_any_batching_gives_the_facts_folding_gives_as_known_at_any_instant(
    facts_name: str, steps: tuple[list[Step], ...], data: st.DataObject
) -> None:
    facts_of = FACT_FUNCTIONS[facts_name]
    records = await recorded(steps)
    cuts = data.draw(st.lists(st.integers(0, len(records)), max_size=8))
    incremental = project(records, cuts, facts_of)
    rebuilt = project(records, [], facts_of)
    assert rows(incremental) == rows(rebuilt)
    assert incremental.dimensions == rebuilt.dimensions
    for instant in instants(records):
        assert incremental.held_at(instant) == truth(records, instant, facts_of)
    open_rows = [(r.pathway_id, r.fact) for r in incremental.intervals if r.until is None]
    assert len(open_rows) == len(set(open_rows)), "at most one open interval per fact"
    assert all(r.until is None or r.until > r.since for r in incremental.intervals)


def test_a_caseload_whose_every_opening_was_refused_holds_nothing() -> None:
    # The property above draws such caseloads now and then (an opening by someone who may
    # not open, or dated before its time): nothing recorded, nothing held.
    assert [project([], []).held_at(instant) for instant in instants([])] == [set()]


@settings(max_examples=20, deadline=None, database=None)
@given(steps=caseloads)
async def test_a_batch_read_again_changes_nothing(steps: tuple[list[Step], ...]) -> None:
    records = await recorded(steps)
    memory = project(records, [])
    before = rows(memory)
    memory.apply(records[len(records) // 2 :])
    assert rows(memory) == before
