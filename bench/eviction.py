"""A command to an evicted pathway: the replay of its current run, against bare.

For each length (100, 1,000 and 4,000 history events in a full run) `pathways` pathways are
opened, prepared and sent commands of the mix until their history holds at least that many
events over all their runs (Temporal's own counts: visibility's for the runs that continued
as new, `describe` for the current one); beside each, a bare workflow (`BareUpdate` on the
bare updates' queue) is sent as many no-op updates as bring its single run to the same
length. A pathway continues as new every `workflows.models.RUN_EVENTS` events (patch
`short-runs`), so its current run holds at most a few hundred of them however long its
history; a bare workflow never does. Then, `rounds` times: the worker process, which runs
both, is restarted (its cache empty: `BenchStack.restart_worker`), one command and one
update to short warm-up workflows take the first activation's costs (the sandbox's first
import), and one command to each pathway and one update to each bare workflow are timed,
one after the other: each is a replay of its current run from the first event. Reported
per length: the events the histories held and those of the current runs, p50 and p99 of
each side over the commands answered, those left unanswered (a replay past the workflow
task's timeout), and the ratio of the p99s; the target is a p99 under 1 s for a pathway of
1,000 events, every command answered. Driving stops at `cap_seconds`, and what was reached
is reported.

The part alone, on a stack of its own (the suite's sizes by default):

    python -m bench.eviction [--events 100,1000,4000] [--pathways 2] [--rounds 3]
        [--cap 240] [--force] [--out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from temporalio.service import RPCError

from bench import history, mix
from bench.arguments import bounded, rising_counts
from bench.bare_update import BareUpdate
from bench.conditions import RunConditions, exit_if_busy, load_average
from bench.figures import percentiles, ratio
from bench.sizes import FULL
from bench.stack import BenchStack
from domain.commands import CommandEnvelope
from workflows.models import workflow_id_for

T = TypeVar("T")

TARGET_MS = 1000.0
"""p99 of a command to an evicted pathway whose run holds 1,000 events, below (issue 25)."""
TARGET_EVENTS = 1000
EVENTS_PER_COMMAND = 12
"""More history events than a command adds (an update, its local activity, its tasks):
driving sends a share of what is left and looks again, so it overshoots by a few events."""
EVENTS_PER_UPDATE = 6


class Driven:
    """A pathway or a bare workflow with its own stream of the mix's commands."""

    def __init__(self, stack: BenchStack, workflow_id: str, bare: bool, seed: int) -> None:
        self.stack = stack
        self.workflow_id = workflow_id
        self.bare = bare
        self._stream: Iterator[CommandEnvelope] = mix.mixed(workflow_id, seed)

    async def send(self) -> None:
        envelope = next(self._stream)
        if self.bare:
            handle = self.stack.client.get_workflow_handle(self.workflow_id)
            await handle.execute_update("command", envelope, id=envelope.command_id)
        else:
            await self.stack.pathways.send(self.workflow_id, envelope)

    async def drive_to(self, events: int, deadline: float) -> int:
        """Send commands until the history holds `events`; the events it holds then."""
        per = EVENTS_PER_UPDATE if self.bare else EVENTS_PER_COMMAND
        while (held := await self.events()) < events and time.monotonic() < deadline:
            for _ in range(max(1, (events - held) // per)):
                await self.send()
        return held

    @property
    def temporal_id(self) -> str:
        return self.workflow_id if self.bare else workflow_id_for(self.workflow_id)

    async def events(self) -> int:
        """History events over all runs (a bare workflow has one)."""
        return (await self.held())[0]

    async def held(self) -> tuple[int, int]:
        """History events over all runs, and those of the current run: what a command after
        an eviction replays (the same for a bare workflow, which never continues as new)."""
        run = int((await history.current_run(self.stack.client, self.temporal_id))["events"])
        if self.bare:
            return run, run
        return run + await history.ended_runs_events(self.stack.client, self.temporal_id), run


async def start(stack: BenchStack, workflow_id: str, bare: bool, seed: int) -> Driven:
    """A new pathway, opened and prepared, or a new bare workflow."""
    if bare:
        await stack.client.start_workflow(
            BareUpdate.run, id=workflow_id, task_queue=stack.bare_queue
        )
    else:
        await stack.pathways.open(mix.opening(workflow_id))
        for envelope in mix.preparation(workflow_id):
            await stack.pathways.send(workflow_id, envelope)
    return Driven(stack, workflow_id, bare, seed)


async def measure(
    stack: BenchStack, lengths: tuple[int, ...], pathways: int, rounds: int, cap_seconds: float
) -> dict[str, Any]:
    """`rounds` evictions of the worker, one timed command to each workflow after each."""
    deadline = time.monotonic() + cap_seconds
    warm = [
        await start(stack, "evict-warm", False, 0),
        await start(stack, "bare-evict-warm", True, 0),
    ]
    driven: dict[int, list[Driven]] = {}
    for length in lengths:
        driven[length] = []
        for k in range(pathways):
            name = f"evict-{length}-{k}"
            driven[length] += [
                await start(stack, name, False, k),
                await start(stack, f"bare-{name}", True, k),
            ]
    # Every workflow driven at once, each one command after the other.
    await asyncio.gather(
        *(w.drive_to(length, deadline) for length, ws in driven.items() for w in ws)
    )
    timed: dict[int, dict[str, list[float]]] = by_side(lengths, list)
    held: dict[int, dict[str, list[int]]] = by_side(lengths, list)
    run_held: dict[int, dict[str, list[int]]] = by_side(lengths, list)
    unanswered: dict[int, dict[str, int]] = by_side(lengths, int)
    restarts = []
    for _ in range(rounds):
        restarts.append(await stack.restart_worker())
        for workflow in warm:
            await workflow.send()
        for length, workflows in driven.items():
            for workflow in workflows:
                side = "bare" if workflow.bare else "pathway"
                history_events, run_events = await workflow.held()
                held[length][side].append(history_events)
                run_held[length][side].append(run_events)
                try:
                    timed[length][side].append(await _seconds(workflow.send))
                except (RPCError, TimeoutError):
                    # No answer (a replay longer than the workflow task's timeout leaves the
                    # task failed and the update refused): counted, and the run goes on.
                    unanswered[length][side] += 1
    return summarise(timed, held, pathways, rounds, restarts, unanswered, run_held)


def by_side(lengths: tuple[int, ...], empty: Callable[[], T]) -> dict[int, dict[str, T]]:
    """A fresh `empty()` per length and side (pathway, bare)."""
    return {n: {"pathway": empty(), "bare": empty()} for n in lengths}


async def _seconds(call: Callable[[], Awaitable[None]]) -> float:
    began = time.perf_counter()
    await call()
    return time.perf_counter() - began


def summarise(
    timed: dict[int, dict[str, list[float]]],
    held: dict[int, dict[str, list[int]]],
    pathways: int,
    rounds: int,
    restarts: list[float],
    unanswered: dict[int, dict[str, int]] | None = None,
    run_held: dict[int, dict[str, list[int]]] | None = None,
) -> dict[str, Any]:
    """Per length: events held (all runs, and the current run's), each side's p50 and p99
    over the commands answered, those not answered, their ratio (pure). The target is not
    met if one at its length was not."""
    points = []
    for length, sides in timed.items():
        point: dict[str, Any] = {"events": length}
        for side, seconds in sides.items():
            figures = percentiles(seconds)
            events = held[length][side]
            in_run = (run_held or held).get(length, {}).get(side, [])
            point[side] = {
                "n": figures["n"],
                "unanswered": (unanswered or {}).get(length, {}).get(side, 0),
                "events_held": {"min": min(events), "max": max(events)} if events else {},
                "run_events_held": {"min": min(in_run), "max": max(in_run)} if in_run else {},
                **{
                    key: round(figures[key] * 1000, 1)
                    for key in ("median", "p99")
                    if key in figures
                },
            }
        point["p99_ratio"] = ratio(point["pathway"].get("p99"), point["bare"].get("p99"))
        points.append(point)
    at_target = next((p for p in points if p["events"] == TARGET_EVENTS), None)
    p99 = None if at_target is None else at_target["pathway"].get("p99")
    if at_target is not None and at_target["pathway"]["unanswered"]:
        p99 = float("inf")
    return {
        "pathways_per_length": pathways,
        "rounds": rounds,
        "worker_restart_s": [round(s, 1) for s in restarts],
        "points": points,
        "target_ms": TARGET_MS,
        "target_events": TARGET_EVENTS,
        "met": None if p99 is None else p99 < TARGET_MS,
    }


async def alone(
    lengths: tuple[int, ...], pathways: int, rounds: int, cap_seconds: float
) -> dict[str, Any]:
    """`measure` on a stack of its own, with the run's conditions."""
    conditions = RunConditions()
    stack = BenchStack(unsandboxed=False)
    try:
        await stack.start()
        figures = await measure(stack, lengths, pathways, rounds, cap_seconds)
    finally:
        await stack.close()
    return {**figures, "conditions": conditions.finish()}


def main(argv: list[str] | None = None) -> None:
    """Run the part as `argv` asks; bad arguments exit 2, a busy machine 3, before any work."""
    parser = argparse.ArgumentParser(description="A command to an evicted pathway, alone.")
    parser.add_argument("--events", type=rising_counts, default=FULL.evict_events)
    parser.add_argument("--pathways", type=bounded(int, 1, 20), default=FULL.evict_pathways)
    parser.add_argument("--rounds", type=bounded(int, 1, 20), default=FULL.evict_rounds)
    parser.add_argument("--cap", type=bounded(float, 10, 3600), default=FULL.evict_cap)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--force", action="store_true", help="run even above a load of 1.5")
    args = parser.parse_args(argv)
    exit_if_busy(parser, load_average(), args.force)
    figures = asyncio.run(alone(args.events, args.pathways, args.rounds, args.cap))
    text = json.dumps(figures, indent=2, default=str) + "\n"
    if args.out is not None:
        args.out.write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
