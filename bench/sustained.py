"""Sustained latency: the 1,000th command of a pathway against its first ones.

`pathways` pathways (20 in a full run) are opened and prepared as the throughput fleet's
are, then each is sent `commands` commands of the mix (`bench.mix`, 1,500 in a full run),
one after the other, all the pathways at once; each command's latency is kept by its index
in its pathway's stream. The figure is the p99 of the commands of the `late` window
(990–1,010) over the p99 of those of the `early` window (5–25), over every pathway: how much
slower a pathway answers after a thousand commands, across the continue-as-new its
workflow makes when Temporal suggests it (`workflows/pathway.py`). The target is a ratio of
at most 1.2; the continue-as-new counted (Temporal's visibility lists every run of a
workflow) and the history each pathway's current run holds at the end are reported beside.
Driving stops at `cap_seconds`; the commands then sent are reported.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from bench import history, mix
from bench.figures import percentiles, ratio
from bench.stack import BenchStack
from client.pathway import CommandRefused
from workflows.models import workflow_id_for

TARGET = 1.2
"""p99 of the late window over p99 of the early window, at most (issue 25)."""
PREFIX = "long"


async def measure(
    stack: BenchStack,
    pathways: int,
    commands: int,
    early: tuple[int, int],
    late: tuple[int, int],
    cap_seconds: float,
) -> dict[str, Any]:
    """Drive `pathways` pathways to `commands` commands each; the windows' p99 and ratio."""
    ids = [f"{PREFIX}-{i:03d}" for i in range(pathways)]
    started = time.perf_counter()
    for pathway_id in ids:
        await stack.pathways.open(mix.opening(pathway_id))
    await asyncio.gather(*(_prepare(stack, p) for p in ids))
    workflows = [workflow_id_for(p) for p in ids]
    # The stage changes of the preparation continue as new too; the drive's are counted.
    runs_before = [await history.runs(stack.client, w) for w in workflows]
    deadline = time.monotonic() + cap_seconds
    latencies: dict[int, list[float]] = {}
    errors: Counter[str] = Counter()
    sent: Counter[str] = Counter()

    async def drive(index: int, pathway_id: str) -> None:
        stream = mix.mixed(pathway_id, seed=10_000 + index)
        for n in range(commands):
            if time.monotonic() > deadline:
                return
            envelope = next(stream)
            began = time.perf_counter()
            try:
                await stack.pathways.send(pathway_id, envelope)
            except CommandRefused as refused:
                errors[refused.code] += 1
                continue
            except Exception as error:  # counted and reported, not hidden
                errors[type(error).__name__] += 1
                continue
            latencies.setdefault(n, []).append(time.perf_counter() - began)
            sent[pathway_id] += 1

    await asyncio.gather(*(drive(i, p) for i, p in enumerate(ids)))
    drive_seconds = time.perf_counter() - started
    runs = [
        await history.runs(stack.client, w) - before
        for w, before in zip(workflows, runs_before, strict=True)
    ]
    current = [await history.current_run(stack.client, w) for w in workflows]
    return summarise(
        latencies, early, late, runs, current, pathways, commands, sent, errors, drive_seconds
    )


async def _prepare(stack: BenchStack, pathway_id: str) -> None:
    for envelope in mix.preparation(pathway_id):
        await stack.pathways.send(pathway_id, envelope)


def window_ms(latencies: dict[int, list[float]], window: tuple[int, int]) -> dict[str, float]:
    """Percentiles (ms) of the commands whose index in their pathway is in `[from, to)`."""
    low, high = window
    values = [s for n in range(low, high) for s in latencies.get(n, [])]
    return {k: v if k == "n" else round(v * 1000, 1) for k, v in percentiles(values).items()}


def summarise(
    latencies: dict[int, list[float]],
    early: tuple[int, int],
    late: tuple[int, int],
    runs: list[int],  # each pathway's continue-as-new during the drive
    current: list[dict[str, Any]],
    pathways: int,
    commands: int,
    sent: Counter[str],
    errors: Counter[str],
    seconds: float,
) -> dict[str, Any]:
    """The figures of a drive (pure: the report and the reading are generated from them)."""
    early_ms, late_ms = window_ms(latencies, early), window_ms(latencies, late)
    p99 = ratio(late_ms.get("p99"), early_ms.get("p99"))
    events = sorted(c["events"] for c in current)
    return {
        "pathways": pathways,
        "commands_asked": commands,
        "commands_sent": sum(sent.values()),
        "fewest_commands": min((sent[c] for c in sent), default=0) if len(sent) == pathways else 0,
        "seconds": round(seconds, 1),
        "early_window": list(early),
        "late_window": list(late),
        "early_ms": early_ms,
        "late_ms": late_ms,
        "p99_ratio": p99,
        "target": TARGET,
        "met": p99 is not None and p99 <= TARGET,
        "continue_as_new": sum(runs),
        "continue_as_new_per_pathway": {"min": min(runs, default=0), "max": max(runs, default=0)},
        "current_run_events": {"min": events[0], "max": events[-1]} if events else {},
        "current_run_kb_max": round(max((c["bytes"] for c in current), default=0) / 1024, 1),
        "errors": dict(errors),
    }
