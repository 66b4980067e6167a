"""The open loop's runner with a stand-in for the commands: every arrival is sent once, a
workflow takes one command at a time, refusals and failures are counted, not hidden.

In memory and over a schedule of milliseconds; no latency is asserted.
"""

from __future__ import annotations

import asyncio

from bench.open_loop import open_loop
from client.pathway import CommandRefused


async def test_each_arrival_goes_to_an_idle_workflow_and_is_counted_once() -> None:
    busy: set[int] = set()
    sent: list[int] = []

    async def send(index: int) -> None:
        assert index not in busy, "two commands at once to one workflow"
        busy.add(index)
        await asyncio.sleep(0.002)
        busy.discard(index)
        sent.append(index)

    offsets = [0.0001 * i for i in range(1, 41)]
    run = await open_loop(send, offsets, workflows=3)
    assert len(sent) == 40 and set(sent) <= {0, 1, 2}
    assert run["commands"] == 40 and run["errors"] == {}
    assert set(run["latency_ms"]) == {"median", "p95", "p99", "max"}


async def test_refusals_and_failures_are_counted_and_free_their_workflow() -> None:
    calls = 0

    async def send(index: int) -> None:
        nonlocal calls
        calls += 1
        if calls % 3 == 0:
            raise CommandRefused("concurrency_conflict", "refused")
        if calls % 3 == 1:
            raise TimeoutError("no answer")

    run = await open_loop(send, [0.0001 * i for i in range(1, 10)], workflows=1)
    assert calls == 9
    assert run["errors"] == {"TimeoutError": 3, "concurrency_conflict": 3}
    assert run["commands"] == 3
