"""A lever measured: the DescribeWorkflowExecution the client made before every opening.

    python -m bench.describe_before_open [--rounds 5] [--seconds 10] [--warmup 5]
        [--clients 48] [--out FILE] [--force]

Until 7 December `PathwayClient.open` asked Temporal whether the pathway was closed before
its update-with-start; now it asks only after a failure. On one stack, in interleaved
rounds as the opening-rate part runs them (`bench.opening_rate.interleaved`), pathways are
opened as the client opens them now and, on the other side, with that describe first: the
code before the change, in the same process. Writes JSON to FILE (default: stdout, where
the stack's logs go too): each side's openings a second
(medians over the rounds) and the median of the rounds' ratios (now over before) with its
bootstrap interval (`bench.confidence`); a gain is shown only when the interval's lower
bound is above 1. Refuses to start above a 1-minute load of 1.5 unless `--force`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from pathlib import Path
from typing import Any

from bench import mix
from bench.arguments import bounded, write_json
from bench.conditions import RunConditions, exit_if_busy, load_average
from bench.confidence import verdict
from bench.figures import ratio
from bench.opening_rate import interleaved
from bench.stack import BenchStack


async def compare(clients: int, rounds: int, seconds: float, warmup: float) -> dict[str, Any]:
    conditions = RunConditions()
    stack = BenchStack(unsandboxed=False)
    try:
        await stack.start()

        async def now(pathway_id: str) -> object:
            return await stack.pathways.open(mix.opening(pathway_id))

        async def before(pathway_id: str) -> object:
            await stack.pathways._is_closed(pathway_id)  # the call made before every opening
            return await now(pathway_id)

        async def nothing(_clients: int) -> None:
            return None

        measured = await interleaved(
            (("describe_first", before), ("now", now)), nothing, clients, rounds, seconds, warmup
        )
    finally:
        await stack.stop()
    ratios = [ratio(r["now"]["per_second"], r["describe_first"]["per_second"]) for r in measured]
    return {
        "clients": clients,
        "round_seconds": seconds,
        "rounds": measured,
        "opened_per_second": {
            side: statistics.median(r[side]["per_second"] for r in measured)
            for side in ("describe_first", "now")
        },
        "ratios": ratios,
        "verdict": verdict(ratios, 1.0, "at_least"),
        "conditions": conditions.finish(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=bounded(int, 1, 50), default=5)
    parser.add_argument("--seconds", type=bounded(float, 0.5, 600), default=10.0)
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
