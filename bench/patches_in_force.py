"""A lever measured: a new run's patches in force from its input instead of asked.

    python -m bench.patches_in_force [--rounds 5] [--seconds 15] [--warmup 5]
        [--clients 48] [--out FILE] [--force]

Until 8 December every run of a pathway asked `workflow.patched` for each patch, which the
first time in a run records a marker and an upsert of the SDK's `TemporalChangeVersion`:
seven of each at the head of every opening and of every run after a continue-as-new. Now
an opening's input (`PathwayInput.opening`) names the patches in force and the run asks
none. On one stack, in interleaved rounds as the opening-rate part runs them
(`bench.opening_rate.interleaved`), pathways are opened as the client opens them now and,
on the other side, with the input of before (`AskingClient`: the same update-with-start,
its input naming no patch), the code before the change in the same worker. Per side:
openings a second (medians over the rounds), the patch markers and change-version upserts
in the history of one pathway each opened (seven and seven before, none now), and the
worker's RSS grown per pathway opened
(each round's window and the pause after it, every opening cached: the default cache
holds them all). The median of the rounds' ratios (now over before) with its bootstrap
interval (`bench.confidence`), for each figure. Writes JSON to FILE (default: stdout,
where the stack's logs go too). Refuses to start above a 1-minute load of 1.5 unless
`--force`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from bench import mix
from bench.arguments import bounded, write_json
from bench.conditions import RunConditions, exit_if_busy, load_average
from bench.confidence import verdict
from bench.figures import ratio
from bench.history import patch_events
from bench.opening_rate import Start, interleaved
from bench.stack import BenchStack
from client.pathway import PathwayClient
from domain.state import PathwayState
from workflows.models import PathwayInput, workflow_id_for
from workflows.names import PATHWAY

SIDES = ("asked", "in_force")
SETTLE_SECONDS = 2.0
"""Pause after each window before the worker's RSS is read: its last tasks completed."""


class AskingClient(PathwayClient):
    """The client before 8 December: its openings' input names no patch, so the new run
    asks `workflow.patched` for each (a marker and an upsert apiece)."""

    def _start(self, pathway_id: str) -> WithStartWorkflowOperation[Any, PathwayState]:
        return WithStartWorkflowOperation(
            PATHWAY,
            PathwayInput(pathway_id=pathway_id),
            id=workflow_id_for(pathway_id),
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            result_type=PathwayState,
        )


class Weighing:
    """Openings counted per side, and the worker's RSS read after each window: the growth
    between two readings belongs to the side whose openings the window made."""

    def __init__(self, stack: BenchStack) -> None:
        self._stack = stack
        self.opened: Counter[str] = Counter()
        self._last_rss = stack.worker_rss_bytes()
        self._last_opened: Counter[str] = Counter()
        self.kb_per_pathway: dict[str, list[float]] = {side: [] for side in SIDES}
        self.last: dict[str, str] = {}
        """The last pathway each side opened, whose history shows what the side stands for."""
        self._windows = 0
        """Windows ended so far; the first of each side is its warm-up (`interleaved`)."""

    def side(self, name: str, client: PathwayClient) -> Start:
        async def start(pathway_id: str) -> object:
            result = await client.open(mix.opening(pathway_id))
            self.opened[name] += 1
            self.last[name] = pathway_id
            return result

        return start

    async def after_window(self, _clients: int) -> None:
        await asyncio.sleep(SETTLE_SECONDS)
        rss = self._stack.worker_rss_bytes()
        grown = {side: self.opened[side] - self._last_opened[side] for side in SIDES}
        made = [side for side, count in grown.items() if count > 0]
        self._windows += 1
        if self._windows > len(SIDES) and len(made) == 1:
            (side,) = made
            self.kb_per_pathway[side].append(round((rss - self._last_rss) / 1024 / grown[side], 1))
        self._last_rss, self._last_opened = rss, Counter(self.opened)


async def compare(clients: int, rounds: int, seconds: float, warmup: float) -> dict[str, Any]:
    conditions = RunConditions()
    stack = BenchStack(unsandboxed=False)
    try:
        await stack.start()
        weighing = Weighing(stack)
        asking = AskingClient(stack.client, stack.queue, stack.store)
        measured = await interleaved(
            (
                ("asked", weighing.side("asked", asking)),
                ("in_force", weighing.side("in_force", stack.pathways)),
            ),
            weighing.after_window,
            clients,
            rounds,
            seconds,
            warmup,
        )
        shapes = {
            side: patch_events(
                await stack.client.get_workflow_handle(workflow_id_for(pathway_id)).fetch_history()
            )
            for side, pathway_id in weighing.last.items()
        }
    finally:
        await stack.stop()
    rate_ratios = [ratio(r["in_force"]["per_second"], r["asked"]["per_second"]) for r in measured]
    weights = weighing.kb_per_pathway
    weight_ratios = [
        ratio(now, before)
        for now, before in zip(weights["in_force"], weights["asked"], strict=False)
    ]
    return {
        "clients": clients,
        "round_seconds": seconds,
        "rounds": measured,
        "opened_per_second": {
            side: statistics.median(r[side]["per_second"] for r in measured) for side in SIDES
        },
        "rate_ratios": rate_ratios,
        "rate_verdict": verdict(rate_ratios, 1.0, "at_least"),
        "patch_markers_and_upserts_per_opening": shapes,
        "rss_kb_per_pathway": weights,
        "rss_kb_per_pathway_median": {
            side: statistics.median(kb) if kb else None for side, kb in weights.items()
        },
        "weight_ratios": weight_ratios,
        "weight_verdict": verdict(weight_ratios, 1.0, "at_most"),
        "conditions": conditions.finish(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=bounded(int, 1, 50), default=5)
    parser.add_argument("--seconds", type=bounded(float, 0.5, 600), default=15.0)
    parser.add_argument("--warmup", type=bounded(float, 0, 600), default=5.0)
    parser.add_argument("--clients", type=bounded(int, 1, 500), default=48)
    parser.add_argument("--out", type=Path, help="the JSON's file (default: stdout)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    exit_if_busy(parser, load_average(), args.force)
    result = asyncio.run(compare(args.clients, args.rounds, args.seconds, args.warmup))
    write_json(result, args.out)


if __name__ == "__main__":
    main()
