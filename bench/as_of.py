"""As-of reads along the whole life of a long pathway, not only at its middle.

The pathway of `bench.reads` (one command a minute, its events written straight to the
store) is read as known at the instant each of its N events was recorded: one as-of read
(as the API and the CLI make it: from the nearest as-of snapshot, `store.as_of`) per event,
all N, in order, so the reads leave the snapshots behind them as the first readers would;
their percentiles say what any as-of costs. Then latency against the pathway's age: at 10
points of its life (10 %, 20 % … 100 % of its events, `age_points`) `runs` reads each,
beside the same rows fetched by a plain SELECT and the read before issue 25's snapshots
(every event up to the instant, folded: `full_fold`), measured in the same run, as a table.
The target (issue 25) is on the last row: p99 under 50 ms at 100 %.

`python -m bench.as_of` runs this part alone on a stack of its own (`--out` for the JSON).
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Any

from bench.figures import percentiles, ratio, sample
from bench.reads import LONG_PATHWAY
from bench.stack import BenchStack
from domain.evolution import fold
from domain.stream import stream_id_for
from infra.eventstore.postgres_statements import EVENT_COLUMNS

AGE_POINTS = 10
P99_TARGET_MS = 50.0


def age_points(events: int, points: int = AGE_POINTS) -> list[int]:
    """The event numbers (versions, from 1) at 1/`points`, 2/`points` … all of `events`."""
    if events < points or points < 1:
        raise ValueError(f"{events} events cannot give {points} points of age")
    return [math.ceil(events * share / points) for share in range(1, points + 1)]


async def recorded_instants(stack: BenchStack) -> list[datetime]:
    """When each event of the long pathway was recorded, by version."""
    async with stack.pool.connection() as conn:
        rows = await (
            await conn.execute(
                "SELECT recorded_at FROM events WHERE stream_id = %s ORDER BY version",
                (stream_id_for(LONG_PATHWAY),),
            )
        ).fetchall()
    return [row[0] for row in rows]


async def measure(stack: BenchStack, runs: int) -> dict[str, Any]:
    """As-of at every event of the long pathway, then the table against its age."""
    stream = stream_id_for(LONG_PATHWAY)
    instants = await recorded_instants(stack)
    select_as_of = (
        f"SELECT {EVENT_COLUMNS} FROM events"
        " WHERE stream_id = %s AND recorded_at <= %s ORDER BY version"
    )

    async def as_of(known_at: datetime) -> int:
        view = await stack.store.as_of.view(stream, known_at)
        return 0 if view is None else view.state.version

    async def full_fold(known_at: datetime) -> int:
        return fold(await stack.store.read_stream(stream, known_at=known_at)).version

    async def plain(known_at: datetime) -> int:
        async with stack.pool.connection() as conn:
            return len(await (await conn.execute(select_as_of, (stream, known_at))).fetchall())

    await as_of(instants[-1])  # warm-up: connections, plans
    every: list[float] = []
    for known_at in instants:
        started = time.perf_counter()
        await as_of(known_at)
        every.append(time.perf_counter() - started)
    table = []
    for version in age_points(len(instants)):
        known_at = instants[version - 1]
        measured = percentiles(await sample(lambda k=known_at: as_of(k), runs))
        base = percentiles(await sample(lambda k=known_at: plain(k), runs))
        full = percentiles(await sample(lambda k=known_at: full_fold(k), runs))
        table.append(
            {
                "share_of_life": round(version / len(instants), 2),
                "version": version,
                "events_folded": await as_of(known_at),
                "median_ms": _ms(measured["median"]),
                "p99_ms": _ms(measured["p99"]),
                "baseline_median_ms": _ms(base["median"]),
                "baseline_p99_ms": _ms(base["p99"]),
                "ratio_p99": ratio(measured["p99"], base["p99"]),
                "full_fold_median_ms": _ms(full["median"]),
                "full_fold_p99_ms": _ms(full["p99"]),
                "ratio_to_full_fold_p99": ratio(measured["p99"], full["p99"]),
            }
        )
    figures = percentiles(every)
    last = table[-1]["p99_ms"]
    return {
        "events": len(instants),
        "snapshot_every": stack.store.as_of.every,
        "every_event_ms": {k: _ms(v) if k != "n" else v for k, v in figures.items()},
        "runs_per_point": runs,
        "by_age": table,
        "p99_target_ms": P99_TARGET_MS,
        "meets_p99_target_at_end": last < P99_TARGET_MS,
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def _alone(events: int, runs: int) -> dict[str, Any]:
    from bench.reads import write_long_pathway

    stack = BenchStack()
    try:
        await stack.start()
        await write_long_pathway(stack, events)
        return await measure(stack, runs)
    finally:
        await stack.close()


def main(argv: list[str] | None = None) -> None:
    """This part alone: `python -m bench.as_of [--events 1000] [--runs 100] [--out F]`."""
    import argparse
    import asyncio
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description="As-of along a long pathway's life.")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    text = json.dumps(asyncio.run(_alone(args.events, args.runs)), indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
