"""Reads as the API serves them, against a plain indexed SELECT of the same rows.

- *state*: an active pathway's events read and folded (`GET /pathways/{id}`);
- *history*: every event of a pathway of 1,000 events, as history entries;
- *as-of*: the same pathway folded as known at the middle of its life;
- *caseload*: a caseworker's list of 500 summaries, most urgent first.

The baseline of each is the same rows fetched by the same SQL with psycopg and nothing
else (no parsing into records, no fold). The HTTP layer (auth, JSON) is left out of both.
The 1,000-event pathway is written straight to the event store (decided and recorded like
the workflow does, read models included), since reads never touch Temporal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bench import mix
from bench.figures import percentiles, ratio, sample
from bench.stack import BenchStack
from domain.decider import decide
from domain.evolution import fold
from domain.read_models import read_models
from domain.state import PathwayState
from domain.stream import record_events, stream_id_for
from infra.eventstore.postgres_statements import EVENT_COLUMNS
from web.api import HistoryEntry

LONG_PATHWAY = "long-000001"


async def write_long_pathway(stack: BenchStack, events: int) -> datetime:
    """A pathway of `events` events, one command a minute; returns its middle instant."""
    stream_id = stream_id_for(LONG_PATHWAY)
    state: PathwayState = fold([])
    now = datetime.now().astimezone() - timedelta(minutes=events + 10)
    commands = iter([mix.opening(LONG_PATHWAY), *mix.preparation(LONG_PATHWAY)])
    stream = mix.mixed(LONG_PATHWAY, seed=7)
    middle = now
    while state.version < events:
        envelope = next(commands, None) or next(stream)
        now += timedelta(minutes=1)
        records = record_events(
            stream_id, state.version, envelope, decide(state, envelope, now), now
        )
        after = fold(records, state)
        await stack.store.append(stream_id, state.version, records, read_models(after, records))
        state = after
        if state.version <= events // 2:
            middle = now
    return middle


async def measure(
    stack: BenchStack, active_pathway: str, middle: datetime, runs: int
) -> dict[str, Any]:
    store = stack.store
    long_stream = stream_id_for(LONG_PATHWAY)
    active_stream = stream_id_for(active_pathway)
    select_stream = f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s ORDER BY version"
    select_as_of = (
        f"SELECT {EVENT_COLUMNS} FROM events"
        " WHERE stream_id = %s AND recorded_at <= %s ORDER BY version"
    )
    select_caseload = (
        "SELECT * FROM pathway_summaries WHERE caseworker_id = %s"
        " ORDER BY next_deadline ASC NULLS LAST, pathway_id LIMIT 500"
    )

    async def raw(query: str, *params: object) -> int:
        async with stack.pool.connection() as conn:
            return len(await (await conn.execute(query, params)).fetchall())

    async def rows(baseline: Callable[[], Awaitable[int]]) -> int:
        return await baseline()

    async def state() -> None:
        fold(await store.read_stream(active_stream))

    async def history() -> None:
        records = await store.read_stream(long_stream)
        [HistoryEntry(**r.model_dump(), backdated=r.backdated) for r in records]

    async def as_of() -> None:
        fold(await store.read_stream(long_stream, known_at=middle))

    async def caseload() -> None:
        await store.caseload.list_summaries(caseworker_id="anna", limit=500)

    cases = {
        "pathway_state": (state, lambda: raw(select_stream, active_stream)),
        "history_1000_events": (history, lambda: raw(select_stream, long_stream)),
        "as_of_reconstruction": (as_of, lambda: raw(select_as_of, long_stream, middle)),
        "caseload_500": (caseload, lambda: raw(select_caseload, "anna")),
    }
    figures: dict[str, Any] = {}
    for name, (call, baseline) in cases.items():
        measured = percentiles(await sample(call, runs))
        base = percentiles(await sample(baseline, runs))
        figures[name] = {
            "rows": await rows(baseline),
            "median_ms": round(measured["median"] * 1000, 2),
            "p99_ms": round(measured["p99"] * 1000, 2),
            "baseline_median_ms": round(base["median"] * 1000, 2),
            "baseline_p99_ms": round(base["p99"] * 1000, 2),
            "ratio_median": ratio(measured["median"], base["median"]),
            "ratio_p99": ratio(measured["p99"], base["p99"]),
        }
    return figures
