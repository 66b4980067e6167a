"""Latency open loop: commands arrive at Poisson times at a set rate, whatever the replies.

In a closed loop at saturation p99 is only the inverse of throughput (every client waits
for its previous reply). Here the arrivals are fixed in advance, at a share of the bare
baseline's measured capacity, and the bare updates and the pathway commands get the same
schedule. Latency runs from the scheduled arrival, not from the send: a command that waited
for a free workflow counts that wait (no coordinated omission). Each workflow takes one
command at a time, as a case worker's pathway does.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from typing import Any

from bench.figures import percentiles, ratio
from bench.throughput import Fleet, Send
from client.pathway import CommandRefused

P99_TARGET = 1.5


def poisson_schedule(rate: float, count: int, seed: int = 0) -> list[float]:
    """`count` arrival offsets in seconds from the start, exponential gaps of mean 1/`rate`."""
    if rate <= 0:
        raise ValueError(f"an arrival rate is positive, not {rate}")
    draw = random.Random(seed)
    offsets: list[float] = []
    at = 0.0
    for _ in range(count):
        at += draw.expovariate(rate)
        offsets.append(at)
    return offsets


async def open_loop(send: Send, offsets: list[float], workflows: int) -> dict[str, Any]:
    """Send one command at each of `offsets` to an idle one of `workflows` workflows."""
    idle: asyncio.Queue[int] = asyncio.Queue()
    for index in range(workflows):
        idle.put_nowait(index)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    begin = time.perf_counter()

    async def arrival(at: float) -> None:
        index = await idle.get()
        try:
            await send(index)
        except CommandRefused as refused:
            errors[refused.code] += 1
            return
        except Exception as error:  # counted and reported, not hidden
            errors[type(error).__name__] += 1
            return
        finally:
            idle.put_nowait(index)
        latencies.append(time.perf_counter() - begin - at)

    arrivals = []
    for at in offsets:
        delay = begin + at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        arrivals.append(asyncio.create_task(arrival(at)))
    await asyncio.gather(*arrivals)
    seconds = time.perf_counter() - begin
    figures = percentiles(latencies)
    return {
        "commands": len(latencies),
        "offered_per_second": round(len(offsets) / offsets[-1], 2) if offsets else None,
        "answered_per_second": round(len(latencies) / seconds, 2),
        "latency_ms": {k: round(v * 1000, 1) for k, v in figures.items() if k != "n"},
        "errors": dict(errors),
    }


async def measure(
    fleet: Fleet, capacity: float, shares: tuple[float, ...], commands: int, seed: int = 0
) -> dict[str, Any]:
    """At each share of `capacity` (bare updates/s), the bare updates then the pathway
    commands on the same schedule; p50/p95/p99 and the p99 ratio against its target."""
    points = []
    for share in shares:
        rate = share * capacity
        offsets = poisson_schedule(rate, commands, seed)
        workflows = len(fleet.pathway_ids)
        bare = await open_loop(fleet.send_bare, offsets, workflows)
        pathway = await open_loop(fleet.send_pathway, offsets, workflows)
        ratios = {
            key: ratio(pathway["latency_ms"].get(key), bare["latency_ms"].get(key))
            for key in ("median", "p95", "p99")
        }
        points.append(
            {
                "share_of_capacity": share,
                "rate_per_second": round(rate, 2),
                "bare": bare,
                "pathway": pathway,
                "ratio": ratios,
                "p99_target": P99_TARGET,
                "meets_p99_target": ratios["p99"] is not None and ratios["p99"] <= P99_TARGET,
            }
        )
    return {"capacity_per_second": capacity, "commands_per_point": commands, "points": points}
