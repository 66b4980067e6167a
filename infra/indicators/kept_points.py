"""The totals of past instants, kept in process between trend reads (the dashboard's).

A trend's points are month ends. As known at a past instant `p`, a figure is fixed once
every event recorded by `p` is projected: a later event opens and closes facts at its own
recording time, after `p`. So the dashboard, which asks the same month ends again and again,
need not read every fact row each time: the queries keep the sums at each past point they
computed, and then read only the rows opened or closed after the latest kept point (range
scans of the `(fact, since)` and closed indexes) for the points after it.

A kept point stays good while
- no event appended after the projection position it was computed at carries a recording
  time at or before it (`recorded_at` is the writer's clock: an append retried long after
  its decision carries an older time): checked at each use against the events appended
  since the last check, one range scan of `global_position`;
- the facts table is the one it was read from: a rebuild swaps in new tables (a new oid).

Only the totals are kept, without a breakdown, a filter or an organisation: a breakdown and
a filter read the pathways' latest dimensions whatever the instant (`infra.indicators.
queries`), so their past values move when a dimension does, and an organisation's rows are a
join the range scans do not serve. An erasure destroys keys and leaves the facts as they are.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import TupleRow

Connection = AsyncConnection[TupleRow]

Sums = dict[tuple[str | None, ...], dict[str, tuple[int, int]]]
"""Per cell (the `by` dimensions' values), per fact: the sum of weights and of pathways."""

WATCH = """
SELECT 'indicator_facts'::regclass::oid::bigint,
       (SELECT position FROM projection_positions WHERE name = %(projection)s),
       (SELECT min(recorded_at) FROM events WHERE global_position > %(checked)s),
       (SELECT max(global_position) FROM events),
       LEAST((SELECT max(recorded_at) FROM events), now())
"""
"""In one snapshot (each an index lookup, but the third: a range scan of the events appended
since the last check): the facts table, the projection's position, the earliest recording
time among the events appended after `checked`, the last position appended, and the latest
recording time (or the clock, if earlier)."""


NOTHING = 2**63 - 1
"""The largest position (bigint): no event comes after it."""


@dataclass
class _Kept:
    sums: Sums
    checked_to: int
    """No event up to this position changes the sums (the events after it are checked)."""


@dataclass(frozen=True)
class Watch:
    """What a read saw before reading the facts: a point computed from them is kept with it."""

    relation: int
    projected: int | None
    """The projection's position (None: nothing projected yet, nothing is kept)."""
    settled: datetime | None
    """The latest recording time of an event (or the clock, if earlier): a later instant's
    figure still grows with the next event, and is not kept (None: no event)."""


class KeptPoints:
    """The totals at past instants, at most `size` of them (the least recently used go)."""

    def __init__(self, projection: str, size: int = 256) -> None:
        self._projection = projection
        self._size = size
        self._relation: int | None = None
        self._kept: OrderedDict[datetime, _Kept] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    async def watch(self, conn: Connection) -> Watch:
        """Drop the points an event appended since their last check (or a rebuild) may have
        changed; mark the others checked up to the last event appended."""
        checked = min((k.checked_to for k in self._kept.values()), default=None)
        cur = await conn.execute(
            WATCH,
            # Nothing kept: nothing to check (past the last position, an empty range).
            {"projection": self._projection, "checked": NOTHING if checked is None else checked},
            prepare=False,
        )
        row = await cur.fetchone()
        assert row is not None
        relation, projected, earliest_new, last, settled = row
        if relation != self._relation:
            self._kept.clear()
            self._relation = relation
        elif checked is not None:
            for instant in [i for i in self._kept if earliest_new and earliest_new <= i]:
                del self._kept[instant]
            for kept in self._kept.values():
                kept.checked_to = max(kept.checked_to, last or 0)
        return Watch(relation, projected, settled)

    def prefix(self, instants: Sequence[datetime]) -> list[Sums]:
        """The kept sums of the longest run of `instants` (sorted) from the first that are
        all kept: a trend reads from the last of them on."""
        found: list[Sums] = []
        for instant in instants:
            kept = self._kept.get(instant)
            if kept is None:
                break
            self._kept.move_to_end(instant)
            found.append(copy.deepcopy(kept.sums))
        return found

    def keep(self, watch: Watch, instant: datetime, sums: Sums) -> None:
        """Keep the sums at `instant`, read after `watch`, if it is before the latest event
        recorded (a later instant's figure still grows) and the facts table is the one
        watched."""
        if (
            watch.projected is None
            or watch.settled is None
            or instant >= watch.settled
            or watch.relation != self._relation
        ):
            return
        self._kept[instant] = _Kept(copy.deepcopy(sums), watch.projected)
        self._kept.move_to_end(instant)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)


__all__ = ["KeptPoints", "Sums", "Watch"]
