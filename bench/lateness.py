"""Escalation lateness under command load: many ladders due at the same instants.

Each of N pathways is opened with a policy of seconds whose baseline falls due at one
common instant T for all of them (the span is computed at each opening), so the reminder
(T − 5 s), the supervisor's escalation (T) and the coordinator's (T + 5 s) fall due for N
pathways at once. Meanwhile clients keep sending the command mix to other pathways. The
figure is recorded_at − scheduled_at of every ladder event; the baseline, in the same run,
is N bare timers (`BareTimer`) sleeping to the same three instants.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import datetime, timedelta
from typing import Any

from bench import mix
from bench.bare_timer import BareTimer
from bench.escalation_lateness import fast_policy, ladder_lateness
from bench.figures import percentiles, ratio
from bench.stack import BenchStack
from bench.throughput import Fleet, closed_loop

OFFSETS = (-5, 0, 5)
"""The ladder of `fast_policy`: seconds from the due instant."""


async def measure(
    stack: BenchStack,
    fleet: Fleet,
    pathways: int,
    clients: int,
    cap_seconds: float,
    lead_seconds: float = 12,
    opens_per_second: float = 40,
    concurrency: int = 48,
) -> dict[str, Any]:
    """Open `pathways` ladders due together, under load from `clients`; bounded by the cap.

    `opens_per_second` is what the stack managed so far: the common due instant leaves
    time to open them all before the first rung, with a margin for the load.
    """
    due_in = lead_seconds + pathways / (0.7 * opens_per_second)
    deadline = time.monotonic() + max(cap_seconds, due_in + 45)
    due_at = datetime.now().astimezone() + timedelta(seconds=due_in)
    gate = asyncio.Semaphore(concurrency)

    async def open_one(index: int) -> None:
        async with gate:
            seconds = math.ceil((due_at - datetime.now().astimezone()).total_seconds())
            pathway_id = f"late-{index:05d}"
            await stack.pathways.open(mix.opening(pathway_id, fast_policy(max(seconds, 6))))
            fire_at = due_at + timedelta(seconds=OFFSETS[index % len(OFFSETS)])
            await stack.client.start_workflow(
                BareTimer.run, fire_at, id=f"bare-timer-{index}", task_queue=stack.bare_queue
            )

    stop_load = asyncio.Event()
    load = asyncio.create_task(
        closed_loop(fleet, fleet.send_pathway, clients, cap_seconds, warmup=0, stop=stop_load)
    )
    started = time.perf_counter()
    await asyncio.gather(*(open_one(i) for i in range(pathways)))
    open_seconds = time.perf_counter() - started
    lateness: list[float] = []
    while time.monotonic() < deadline:
        lateness = await ladder_lateness(stack.pool)
        if len(lateness) >= len(OFFSETS) * pathways:
            break
        await asyncio.sleep(1)
    stop_load.set()
    load_figures = await load
    bare = await asyncio.gather(
        *(stack.client.get_workflow_handle(f"bare-timer-{i}").result() for i in range(pathways))
    )
    ladder_figures = percentiles(lateness)
    bare_figures = percentiles([float(b) for b in bare])
    return {
        "pathways": pathways,
        "load": load_figures,
        "open_seconds": round(open_seconds, 1),
        "due_after_seconds": round(due_in, 1),
        "steps_expected": len(OFFSETS) * pathways,
        "steps_recorded": len(lateness),
        "ladder_lateness_s": _rounded(ladder_figures),
        "bare_timer_lateness_s": _rounded(bare_figures),
        "ratio_median": ratio(ladder_figures.get("median"), bare_figures.get("median")),
        "ratio_p99": ratio(ladder_figures.get("p99"), bare_figures.get("p99")),
    }


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in figures.items()}
