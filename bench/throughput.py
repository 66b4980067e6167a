"""Command throughput: N clients in a closed loop, pathway commands against bare updates.

Each client owns one workflow and sends to it one command after the other, through the
real client path (`PathwayClient.send`, a Temporal update keyed by the command id, as the
API does); the baseline sends the same payloads as updates to `BareUpdate` workflows, whose
handler does nothing, on the same dev server. Latency is measured from the call to the
reply; a window counts the commands answered inside it (`bench.window`), none of the
warm-up's.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from bench import mix
from bench.bare_update import BareUpdate
from bench.figures import percentiles, ratio
from bench.profiling import CpuMeter
from bench.stack import BenchStack
from bench.window import Sent, answered_within
from client.pathway import CommandRefused, PathwayClient
from domain.commands import CommandEnvelope

Send = Callable[[int], Awaitable[object]]


class Fleet:
    """Active pathways and bare workflows, with each one's endless stream of commands."""

    def __init__(
        self, stack: BenchStack, prefix: str = "tp", pathways: PathwayClient | None = None
    ) -> None:
        self.stack = stack
        self.prefix = prefix
        self.pathways = pathways or stack.pathways
        """The client of the task queue whose worker runs these pathways."""
        self.pathway_ids: list[str] = []
        self.bare_ids: list[str] = []
        self._streams: dict[str, Iterator[CommandEnvelope]] = {}
        """Each pathway's commands, and the bare workflows' own (the same payloads)."""

    async def grow(self, count: int, concurrency: int = 32) -> float:
        """Bring the fleet to `count` active pathways and bare workflows; returns seconds."""
        started = time.perf_counter()
        new = [f"{self.prefix}-{i:05d}" for i in range(len(self.pathway_ids), count)]
        gate = asyncio.Semaphore(concurrency)

        async def prepare(pathway_id: str, index: int) -> None:
            async with gate:
                await self.pathways.open(mix.opening(pathway_id))
                for envelope in mix.preparation(pathway_id):
                    await self.pathways.send(pathway_id, envelope)
                await self.stack.client.start_workflow(
                    BareUpdate.run, id=f"bare-{pathway_id}", task_queue=self.stack.bare_queue
                )
            self._streams[pathway_id] = mix.mixed(pathway_id, seed=index)
            self._streams[f"bare-{pathway_id}"] = mix.mixed(pathway_id, seed=index)

        await asyncio.gather(*(prepare(p, len(self.pathway_ids) + i) for i, p in enumerate(new)))
        self.pathway_ids += new
        self.bare_ids += [f"bare-{p}" for p in new]
        return time.perf_counter() - started

    async def send_pathway(self, client: int) -> object:
        pathway_id = self.pathway_ids[client]
        return await self.pathways.send(pathway_id, next(self._streams[pathway_id]))

    async def send_bare(self, client: int) -> object:
        workflow_id = self.bare_ids[client]
        handle = self.stack.client.get_workflow_handle(workflow_id)
        envelope = next(self._streams[workflow_id])
        return await handle.execute_update(BareUpdate.command, envelope, id=envelope.command_id)


async def closed_loop(
    fleet: Fleet,
    send: Send,
    clients: int,
    seconds: float,
    warmup: float,
    stop: asyncio.Event | None = None,
    meter: CpuMeter | None = None,
) -> dict[str, Any]:
    """`clients` loops sending for `warmup + seconds` (or until `stop` is set, the window
    then ends there); figures of the measured window, with the CPU `meter` read over it.

    The window counts every command answered inside it, whenever it was sent, and the meter
    reads exactly the window, not until the last command in flight at its end has answered
    (`bench.window`).
    """
    if clients > len(fleet.pathway_ids):
        raise ValueError(f"{clients} clients need as many workflows; the fleet has fewer")
    answered: list[Sent] = []
    errors: Counter[str] = Counter()
    samples: dict[str, str] = {}
    """The first message of each kind of error, for the report."""
    window_start = time.perf_counter() + warmup
    window_end = window_start + seconds
    loop = asyncio.get_running_loop()
    stopped_at: list[float] = []

    async def client(index: int) -> None:
        while (now := time.perf_counter()) < window_end and not (stop and stop.is_set()):
            try:
                await send(index)
            except CommandRefused as refused:
                errors[refused.code] += 1
                await asyncio.sleep(0.01)
                continue
            except Exception as error:  # counted and reported, not hidden
                errors[type(error).__name__] += 1
                samples.setdefault(type(error).__name__, str(error)[:200])
                await asyncio.sleep(0.01)
                continue
            answered.append(Sent(now, time.perf_counter()))

    async def watch_stop() -> None:
        assert stop is not None
        await stop.wait()
        stopped_at.append(time.perf_counter())
        if meter is not None:
            meter.stop()

    watcher = asyncio.create_task(watch_stop()) if stop is not None else None
    timers = []
    if meter is not None:
        timers = [
            loop.call_later(warmup, meter.start),
            loop.call_later(warmup + seconds, meter.stop),
        ]
    await asyncio.gather(*(client(i) for i in range(clients)))
    for timer in timers:
        timer.cancel()
    if watcher is not None:
        watcher.cancel()
    end = min([window_end, *stopped_at])
    cpu = meter.spent() if meter is not None else None
    seconds = max(end - window_start, 1e-9)
    counted = answered_within(answered, window_start, end)
    figures = percentiles([s.latency for s in counted])
    return {
        "clients": clients,
        "seconds": round(seconds, 3),
        "commands": len(counted),
        "per_second": round(len(counted) / seconds, 1),
        "latency_ms": {k: round(v * 1000, 1) for k, v in figures.items() if k != "n"},
        "errors": dict(errors),
        **({"error_samples": samples} if samples else {}),
        **({"cpu_seconds": cpu} if cpu is not None else {}),
    }


def compare(pathway: dict[str, Any], bare: dict[str, Any]) -> dict[str, Any]:
    """The ratios the targets speak of: throughput ≥ 0.8 × bare, p99 ≤ 1.5 × bare p99."""
    ratios = {"per_second": ratio(pathway["per_second"], bare["per_second"])}
    for key in ("median", "p95", "p99"):
        ratios[key] = ratio(pathway["latency_ms"].get(key), bare["latency_ms"].get(key))
    return {
        "pathway": pathway,
        "bare": bare,
        "ratio": ratios,
        "meets_throughput_target": (ratios["per_second"] or 0) >= 0.8,
        "meets_p99_target": ratios["p99"] is not None and ratios["p99"] <= 1.5,
    }


async def measure(fleet: Fleet, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    """The bare baseline, then the pathways, at `clients` concurrent clients."""
    bare = await closed_loop(fleet, fleet.send_bare, clients, seconds, warmup)
    pathway = await closed_loop(fleet, fleet.send_pathway, clients, seconds, warmup)
    return compare(pathway, bare)
