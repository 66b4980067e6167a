"""Opening rate: pathways opened a second against bare workflows started a second.

A pathway is opened as a caseworker opens it and as the growth part opens its thousands
(`PathwayClient.open`: update-with-start of `open_pathway`, answered once the opening is
decided and appended); the baseline starts bare workflows (`client.start_workflow` of
`BareUpdate`, on the task queue and worker process of the bare updates), at the same
concurrency, on the same servers. Rounds interleave the two sides as `bench.rounds` does
(the side going first alternating, after a warm-up of each), a window counts every opening
or start answered inside it (`bench.window`), and the verdict is the median of the rounds'
ratios with its bootstrap interval (`bench.confidence`), met when its lower bound is at
least 0.5.

The pathways opened here stay open (the growth part counts them among its own); the bare
workflows are terminated after each window, outside it, so that the worker neither works
off their first tasks in the next window nor keeps them in its cache through the parts
that follow.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from bench import mix
from bench.bare_update import BareUpdate
from bench.confidence import verdict
from bench.figures import percentiles, ratio
from bench.stack import BenchStack
from bench.window import Sent, answered_within

TARGET = 0.5
"""Pathways opened a second over bare workflows started a second, at least (issue 25)."""
PREFIX = "rate"
"""Pathway ids `rate-<n>`; the bare workflows' are `bare-rate-<n>`."""

Start = Callable[[str], Awaitable[object]]


async def window(
    start: Start, ids: itertools.count[int], clients: int, seconds: float
) -> dict[str, Any]:
    """`clients` loops calling `start` with fresh ids for `seconds`: what was answered in them."""
    answered: list[Sent] = []
    errors: Counter[str] = Counter()
    window_start = time.perf_counter()
    window_end = window_start + seconds

    async def client() -> None:
        while (now := time.perf_counter()) < window_end:
            try:
                await start(f"{PREFIX}-{next(ids):06d}")
            except Exception as error:  # counted and reported, not hidden
                errors[type(error).__name__] += 1
                await asyncio.sleep(0.01)
                continue
            answered.append(Sent(now, time.perf_counter()))

    await asyncio.gather(*(client() for _ in range(clients)))
    counted = answered_within(answered, window_start, window_end)
    figures = percentiles([s.latency for s in counted])
    return {
        "seconds": seconds,
        "started": len(counted),
        "per_second": round(len(counted) / seconds, 2),
        "latency_ms": {k: round(v * 1000, 1) for k, v in figures.items() if k != "n"},
        "errors": dict(errors),
    }


async def measure(
    stack: BenchStack, clients: int, rounds: int, seconds: float, warmup: float
) -> dict[str, Any]:
    """`rounds` interleaved rounds of `seconds` per side at `clients` concurrent starts."""

    async def open_pathway(pathway_id: str) -> object:
        return await stack.pathways.open(mix.opening(pathway_id))

    bare = BareStarts(stack)
    measured = await interleaved(
        (("bare", bare.start), ("pathway", open_pathway)),
        bare.terminate,
        clients,
        rounds,
        seconds,
        warmup,
    )
    return summarise(measured, clients, seconds, warmup)


class BareStarts:
    """Bare workflows started on the bare queue, terminated between windows (see module)."""

    def __init__(self, stack: BenchStack) -> None:
        self._stack = stack
        self._started: list[str] = []

    async def start(self, pathway_id: str) -> object:
        workflow_id = f"bare-{pathway_id}"
        handle = await self._stack.client.start_workflow(
            BareUpdate.run, id=workflow_id, task_queue=self._stack.bare_queue
        )
        self._started.append(workflow_id)
        return handle

    async def terminate(self, concurrency: int) -> None:
        await _terminate(self._stack, self._started, concurrency)
        self._started.clear()


async def interleaved(
    sides: tuple[tuple[str, Start], tuple[str, Start]],
    between: Callable[[int], Awaitable[None]],
    clients: int,
    rounds: int,
    seconds: float,
    warmup: float,
) -> list[dict[str, Any]]:
    """A warm-up window of each side, then `rounds` rounds of a window of each, the side
    going first alternating; `between(clients)` runs after every window, outside it."""
    ids = itertools.count()

    async def measured_window(start: Start, seconds: float) -> dict[str, Any]:
        figures = await window(start, ids, clients, seconds)
        # Between windows, out of them: the first tasks of the workflows just started, not
        # yet taken by the worker, would otherwise be worked off in the next window.
        await between(clients)
        return figures

    for _, start in sides:
        await measured_window(start, warmup)
    measured: list[dict[str, Any]] = []
    for index in range(rounds):
        order = sides if index % 2 == 0 else sides[::-1]
        measured.append({name: await measured_window(start, seconds) for name, start in order})
    return measured


def summarise(
    measured: list[dict[str, Any]], clients: int, seconds: float, warmup: float
) -> dict[str, Any]:
    """The verdict over rounds of `{"bare": window, "pathway": window}` (pure)."""
    ratios = [ratio(r["pathway"]["per_second"], r["bare"]["per_second"]) for r in measured]

    def median(side: str, key: str) -> float | None:
        values = [r[side][key] for r in measured]
        return round(statistics.median(values), 2) if values else None

    return {
        "clients": clients,
        "round_seconds": seconds,
        "warmup_seconds": warmup,
        "rounds": measured,
        "ratios": ratios,
        "opened_per_second": median("pathway", "per_second"),
        "bare_started_per_second": median("bare", "per_second"),
        "opened": sum(r["pathway"]["started"] for r in measured),
        "errors": sum(sum(r[side]["errors"].values()) for r in measured for side in r),
        "verdict": verdict(ratios, TARGET, "at_least"),
    }


async def _terminate(stack: BenchStack, workflow_ids: list[str], concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(workflow_id: str) -> None:
        async with gate:
            await stack.client.get_workflow_handle(workflow_id).terminate("bench: measured")

    await asyncio.gather(*(one(w) for w in workflow_ids), return_exceptions=True)
