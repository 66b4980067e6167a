"""Open pathways at scale: how fast they open, what they weigh, how they come back.

Pathways are opened as a caseworker opens them (update-with-start of `open_pathway`, the
shipped default policy), so each holds a pending timer to its first deadline. After a full
restart of PostgreSQL, Temporal and the worker, two figures say when the deadlines run
again:

- *resumed*: the time until every open pathway has been loaded by the worker again and
  answers (a `state` query to each: the worker's cache is empty after the restart, so each
  query replays that pathway's history). Timers themselves live in Temporal's database and
  are armed by the server as it loads them; a pathway whose timer fires needs exactly this
  replay before it can act.
- *canaries*: pathways opened just before the restart with ladders of seconds, most of
  whose steps fall due while everything is down: the time after the restart until every
  step has been recorded, and their lateness (to the commit, as in `bench.lateness`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench import mix
from bench.figures import percentiles
from bench.lateness import fast_policy, ladder_lateness
from bench.stack import BenchStack
from client.pathway import PathwayClient

CANARY_PREFIX = "canary-"


async def open_many(
    pathways: PathwayClient,
    prefix: str,
    first: int,
    count: int,
    cap_seconds: float,
    concurrency: int,
) -> tuple[list[str], float]:
    """Open pathways `prefix-<first>`… through `pathways` until `count` are open or the cap
    is reached."""
    deadline = time.monotonic() + cap_seconds
    indexes = iter(range(first, first + count))
    opened: list[str] = []
    started = time.perf_counter()

    async def opener() -> None:
        for index in indexes:
            if time.monotonic() > deadline:
                return
            pathway_id = f"{prefix}-{index:06d}"
            try:
                await pathways.open(mix.opening(pathway_id))
            except Exception:  # not counted as open; the shortfall shows in the report
                continue
            opened.append(pathway_id)

    await asyncio.gather(*(opener() for _ in range(concurrency)))
    return opened, time.perf_counter() - started


async def weights(stack: BenchStack) -> dict[str, Any]:
    """Worker RSS, PostgreSQL and Temporal database sizes, events and pathways stored."""
    async with stack.pool.connection() as conn:
        row = await (
            await conn.execute(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM pathway_summaries)"
            )
        ).fetchone()
    assert row is not None
    return {
        "events": int(row[0]),
        "pathways": int(row[1]),
        "worker_rss_mb": round(stack.worker_rss_bytes() / 2**20, 1),
        "postgres_mb": round(await stack.postgres_bytes() / 2**20, 1),
        "temporal_db_mb": round(stack.temporal_db_bytes() / 2**20, 1),
    }


async def restart_and_resume(
    stack: BenchStack,
    pathway_ids: list[str],
    canaries: int,
    cap_seconds: float,
    sweep_seconds: float,
) -> dict[str, Any]:
    """Restart everything; the time until every canary step is recorded (at most
    `cap_seconds`), then how many pathways the worker replays in `sweep_seconds`."""
    for index in range(canaries):
        policy = fast_policy(8)  # reminder at 3 s, escalations at 8 s and 13 s
        await stack.pathways.open(mix.opening(f"{CANARY_PREFIX}{index:04d}", policy))
    stop_seconds, start_seconds = await stack.restart()
    ready = time.perf_counter()
    # First what the deadlines see: Temporal fires the timers it kept, each firing replays
    # its pathway on demand. Then, in the time left, how fast the worker replays the rest.
    canary_deadline = time.monotonic() + cap_seconds
    canary_seconds: float | None = None
    while True:
        lateness = [c for _, c in await ladder_lateness(stack.pool, CANARY_PREFIX)]
        if len(lateness) >= 3 * canaries:
            canary_seconds = time.perf_counter() - ready
            break
        if time.monotonic() > canary_deadline:
            break
        await asyncio.sleep(0.5)
    sweep_started = time.perf_counter()
    deadline = time.monotonic() + sweep_seconds
    pending = iter(pathway_ids)
    resumed = 0
    failures: list[str] = []

    async def resumer() -> None:
        nonlocal resumed
        for pathway_id in pending:
            if time.monotonic() > deadline:
                return
            try:
                await stack.pathways.state(pathway_id)
                resumed += 1
            except Exception as error:  # counted: a pathway that does not answer is reported
                failures.append(f"{pathway_id}: {type(error).__name__}: {error}"[:200])

    await asyncio.gather(*(resumer() for _ in range(64)))
    resume_seconds = time.perf_counter() - sweep_started
    return {
        "stop_seconds": round(stop_seconds, 1),
        "start_seconds": round(start_seconds, 1),
        "pathways": len(pathway_ids),
        "resumed": resumed,
        "failed": len(failures),
        "failure_samples": failures[:3],
        "resume_all_seconds": round(resume_seconds, 1) if resumed == len(pathway_ids) else None,
        "resumed_per_second": round(resumed / resume_seconds, 1),
        "canaries": canaries,
        "canary_steps_recorded": len(lateness),
        "canary_all_recorded_seconds": None if canary_seconds is None else round(canary_seconds, 1),
        "canary_lateness_s": {k: round(v, 2) for k, v in percentiles(lateness).items()},
    }
