"""As-of snapshots: a pathway's state after its first events, so that an as-of read folds
only the events after the nearest one instead of the whole stream.

A snapshot is a cache, never a record: the answer with one is the answer of the full fold
(`tests/unit/test_as_of_snapshots.py` checks it over random streams). As-of cuts by
*recording* time, and a stream's recording times need not grow with its versions, so a
snapshot of versions 1…v says when the last of them was recorded (`known_from`): it serves
only an instant at or after that, when every one of its events was already known.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import AwareDatetime, Field

from domain.evolution import evolve
from domain.records import EventRecord
from domain.state import PathwayState
from domain.values import Frozen


class AsOfSnapshot(Frozen):
    """The state after events 1…`version` of a stream, all known by `known_from`."""

    version: int = Field(ge=1)
    known_from: AwareDatetime
    """The latest recording time of events 1…`version`."""
    state: PathwayState


def serves(snapshot: AsOfSnapshot, instant: datetime) -> bool:
    """Whether the snapshot is the state of a prefix known at `instant`, and holds together."""
    return snapshot.known_from <= instant and snapshot.state.version == snapshot.version


def fold_from(
    start: AsOfSnapshot | None,
    later: Sequence[EventRecord],
    instant: datetime,
    every: int,
) -> tuple[PathwayState, list[AsOfSnapshot]]:
    """The state known at `instant`, and the snapshots the fold passed on its way.

    Args:
        start: a snapshot that `serves` the instant, or None to fold from the empty state.
        later: the stream's records after `start`, in version order (those recorded after
            `instant` are skipped).
        instant: the recording time the read is cut at.
        every: a snapshot at each version that is a multiple of it (0: none).

    A snapshot is made only while the versions folded follow each other: past an event
    recorded after `instant`, the state is no longer the state of a prefix.
    """
    state = start.state if start is not None else PathwayState()
    known_from = start.known_from if start is not None else None
    prefix = True
    made: list[AsOfSnapshot] = []
    for record in later:
        if record.recorded_at > instant:
            prefix = False
            continue
        prefix = prefix and record.version == state.version + 1
        state = evolve(state, record)
        if not prefix:
            continue
        known_from = max(known_from or record.recorded_at, record.recorded_at)
        if every and record.version % every == 0:
            made.append(AsOfSnapshot(version=record.version, known_from=known_from, state=state))
    return state, made
