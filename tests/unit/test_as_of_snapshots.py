"""As-of snapshots are a cache: with them, without them or with wrong ones, as-of is the full fold.

A stream of the bench's command mix (decided and recorded as the workflow does) is read
as known at random instants, with random snapshot intervals, through a snapshot
table that keeps what each read made (as `infra.eventstore.postgres_as_of` does), with
wrong rows mixed in; every answer must be `fold(as_of(records, instant))`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import mix
from domain.as_of_snapshots import AsOfSnapshot, fold_from, serves
from domain.decider import decide
from domain.evolution import fold
from domain.records import EventRecord, as_of
from domain.state import PathwayState
from domain.stream import record_events, stream_id_for

PATHWAY = "asof-000001"
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


@cache
def recorded(events: int = 60) -> tuple[EventRecord, ...]:
    """A stream of `events` events, one command a minute."""
    stream_id = stream_id_for(PATHWAY)
    commands = iter([mix.opening(PATHWAY), *mix.preparation(PATHWAY)])
    stream = mix.mixed(PATHWAY, seed=3)
    state, now, records = PathwayState(), START, []
    while state.version < events:
        envelope = next(commands, None) or next(stream)
        now += timedelta(minutes=1)
        batch = record_events(stream_id, state.version, envelope, decide(state, envelope, now), now)
        state = fold(batch, state)
        records += batch
    return tuple(records[:events])


def read(
    table: dict[int, AsOfSnapshot], records: list[EventRecord], instant: datetime, every: int
) -> PathwayState:
    """One as-of read as the Postgres reader makes it: nearest serving row, fold, keep rows."""
    fit = [s for s in table.values() if s.known_from <= instant]
    start = max(fit, key=lambda s: s.version, default=None)
    if start is not None and not serves(start, instant):
        start = None
    after = 0 if start is None else start.version
    later = [r for r in records if r.version > after and r.recorded_at <= instant]
    state, made = fold_from(start, later, instant, every)
    table.update({s.version: s for s in made})
    return state


@cache
def prefix_states() -> tuple[PathwayState, ...]:
    """The state after each prefix of the stream: the full fold, once."""
    states = [PathwayState()]
    for record in recorded():
        states.append(fold([record], states[-1]))
    return tuple(states)


@settings(max_examples=50, deadline=None)
@given(
    length=st.integers(1, 60),
    every=st.integers(0, 12),
    picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
    wrong=st.booleans(),
)
def test_as_of_with_snapshots_is_as_of_by_the_full_fold(
    length: int, every: int, picks: list[int], wrong: bool
) -> None:
    # The events of one command share their recording instant: a cut keeps all or none.
    records = list(recorded()[:length])
    instants = sorted({r.recorded_at for r in records})
    table: dict[int, AsOfSnapshot] = {}
    if wrong:  # a row whose state is not its version's: ignored, not read
        table[1] = AsOfSnapshot(version=1, known_from=START, state=prefix_states()[length])
    for pick in picks:
        instant = instants[pick % len(instants)]
        expected = prefix_states()[len(as_of(records, instant))]
        assert read(table, records, instant, every) == expected
    assert all(v % every == 0 for v in table if not (wrong and v == 1))


def test_a_read_keeps_a_snapshot_every_n_events_and_the_next_folds_fewer() -> None:
    records = list(recorded())
    table: dict[int, AsOfSnapshot] = {}
    last = records[-1].recorded_at
    read(table, records, last, 25)
    assert sorted(table) == [25, 50]
    assert table[50].state == fold(records[:50])
    assert table[50].known_from == records[49].recorded_at
    state, made = fold_from(table[50], records[50:], last, 25)
    assert state == fold(records) and made == []


def test_a_snapshot_past_a_gap_is_not_made() -> None:
    records = list(recorded())
    # Version 7 (a note) recorded after the instant: 8 on is no longer a prefix's state.
    assert records[6].type == "NoteAdded"
    records[6] = records[6].model_copy(update={"recorded_at": records[-1].recorded_at})
    state, made = fold_from(None, records, records[-2].recorded_at, 2)
    assert [s.version for s in made] == [2, 4, 6]
    assert state == fold([r for r in records[:-1] if r.version != 7])


@pytest.mark.parametrize("every", [0, 1])
def test_a_snapshot_that_does_not_hold_together_does_not_serve(every: int) -> None:
    records = list(recorded())
    snapshot = AsOfSnapshot(version=10, known_from=START, state=fold(records[:9]))
    assert not serves(snapshot, records[-1].recorded_at)
    good = snapshot.model_copy(update={"state": fold(records[:10])})
    assert serves(good, records[-1].recorded_at) and not serves(good, START - timedelta(1))
    assert fold_from(good, records[10:], records[-1].recorded_at, every)[0] == fold(records)
