"""Worker variants against the shipped worker, on one stack, in interleaved rounds.

    python -m bench.variants [--rounds 5] [--seconds 30] [--warmup 10] [--clients 50]
        [--out FILE] [--force] NAME=VAR=VALUE[,VAR=VALUE...] ...

Each variant is a worker process of its own, started with the environment variables given
over the stack's (a setting, `PATHWAYS_WORKER_SANDBOX=false`; or another checkout of the
code, `PYTHONPATH=/path/to/it`), with its own pathways. Every round measures the shipped
worker and each variant for `--seconds`, closed loop, the same command mix as the suite's
throughput part, after a warm-up of each; the order turns every round. Interleaving spreads
the machine's drift over all of them, which the figures of two separate runs cannot do.
Windows count the commands answered inside them, and the CPU is read over the same window
(`bench.window`). Reported per variant, medians over the rounds: commands per second, p99
latency, and the CPU its worker and the Temporal server spent per command, each with its
ratio to the shipped worker; and the median of the rounds' own ratios of commands per
second, with its bootstrap interval (`bench.confidence`): a difference is shown only when
the interval leaves out 1. Refuses to start above a 1-minute load of 1.5 unless `--force`.

It is how a lever is judged before it is kept (docs/benchmarking.md; the levers tried so far
are in bench/runs/2026-12-04-reading.md). A profile says where the CPU goes; only this says
what a change gives.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench import throughput
from bench.arguments import bounded
from bench.conditions import RunConditions, exit_if_busy, load_average
from bench.confidence import verdict
from bench.figures import ratio
from bench.stack import BenchStack
from client.pathway import PathwayClient

SHIPPED = "shipped"


@dataclass(frozen=True)
class Variant:
    name: str
    env: dict[str, str]


def variant(text: str) -> Variant:
    """A variant from `NAME=VAR=VALUE[,VAR=VALUE...]` (argparse's type)."""
    name, _, assignments = text.partition("=")
    env: dict[str, str] = {}
    for assignment in assignments.split(","):
        var, equals, value = assignment.partition("=")
        if not var or not equals or not var.replace("_", "").isalnum():
            raise argparse.ArgumentTypeError(f"not NAME=VAR=VALUE[,VAR=VALUE...]: {text!r}")
        env[var] = value
    if not name.replace("-", "").replace("_", "").isalnum() or name == SHIPPED:
        raise argparse.ArgumentTypeError(f"a variant needs a name of its own: {text!r}")
    return Variant(name, env)


async def compare(
    variants: list[Variant], rounds: int, seconds: float, clients: int, warmup: float
) -> dict[str, Any]:
    stack = BenchStack(unsandboxed=False)  # only the shipped worker and the variants'
    try:
        await stack.start()
        assert stack.worker_pid is not None
        fleets = {SHIPPED: throughput.Fleet(stack, "tva")}
        pids = {SHIPPED: stack.worker_pid}
        for index, v in enumerate(variants):
            queue = f"{stack.queue}-v{index}"
            pids[v.name] = await stack.add_worker(queue, v.env)
            client = PathwayClient(stack.client, queue, stack.store)
            fleets[v.name] = throughput.Fleet(stack, f"tv{index}", client)
        for fleet in fleets.values():
            await fleet.grow(clients)
        for fleet in fleets.values():
            await throughput.closed_loop(fleet, fleet.send_pathway, clients, warmup, 0)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in fleets}
        for index in range(rounds):
            # The order turns every round, so that no worker always goes first.
            names = list(fleets) if index % 2 == 0 else list(fleets)[::-1]
            for name in names:
                runs[name].append(
                    await _measured(stack, fleets[name], pids[name], clients, seconds)
                )
    finally:
        await stack.close()
    medians = {name: _medians(r) for name, r in runs.items()}
    base = medians[SHIPPED]
    return {
        "rounds": rounds,
        "seconds": seconds,
        "warmup_seconds": warmup,
        "clients": clients,
        "variants": {v.name: v.env for v in variants},
        "medians": {
            name: {**m, **{f"{k}_ratio": _ratio(m[k], base[k]) for k in m}}
            for name, m in medians.items()
        },
        "per_second_ratio": {
            name: _against_shipped(runs[name], runs[SHIPPED]) for name in runs if name != SHIPPED
        },
        "runs": runs,
    }


def _against_shipped(runs: list[dict[str, Any]], shipped: list[dict[str, Any]]) -> dict[str, Any]:
    """Each round's commands/s over the shipped worker's in the same round: the median, its
    bootstrap interval, and whether that interval leaves out 1 (a difference is shown)."""
    ratios = [ratio(r["per_second"], s["per_second"]) for r, s in zip(runs, shipped, strict=True)]
    summary = verdict(ratios, 1.0, "at_least")
    interval = summary["interval"]
    return {
        "ratios": ratios,
        "median": summary["median"],
        "interval": interval,
        "level": summary["level"],
        "differs": interval is not None and (interval[0] > 1 or interval[1] < 1),
    }


async def _measured(
    stack: BenchStack,
    fleet: throughput.Fleet,
    worker_pid: int,
    clients: int,
    seconds: float,
) -> dict[str, Any]:
    worker = psutil.Process(worker_pid)
    assert stack.temporal_pid is not None
    temporal = psutil.Process(stack.temporal_pid)

    def cpu() -> tuple[float, float]:
        return sum(worker.cpu_times()[:2]), sum(temporal.cpu_times()[:2])

    # The CPU of the window the commands are counted in (`bench.window`): read at its end,
    # not after the commands still in flight then have answered.
    readings = [cpu()]
    timer = asyncio.get_running_loop().call_later(seconds, lambda: readings.append(cpu()))
    run = await throughput.closed_loop(fleet, fleet.send_pathway, clients, seconds, 0)
    timer.cancel()
    before, after = readings[0], readings[-1]
    commands = max(run["commands"], 1)
    return {
        "per_second": run["per_second"],
        "p99_ms": run["latency_ms"].get("p99"),
        "worker_cpu_ms": round((after[0] - before[0]) * 1000 / commands, 2),
        "temporal_cpu_ms": round((after[1] - before[1]) * 1000 / commands, 2),
        "errors": run["errors"],
    }


def _medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("per_second", "p99_ms", "worker_cpu_ms", "temporal_cpu_ms")
    return {k: round(statistics.median(r[k] for r in runs if r[k] is not None), 2) for k in keys}


def _ratio(value: float, base: float) -> float | None:
    return round(value / base, 3) if base else None


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['rounds']} rounds of {results['seconds']} s, {results['clients']} clients;"
        " medians, and ratios to the shipped worker",
        "",
        "| worker | commands/s | ratio | p99 ms | ratio | worker CPU ms/cmd | ratio"
        " | Temporal CPU ms/cmd | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, m in results["medians"].items():
        cells = [name]
        for k in ("per_second", "p99_ms", "worker_cpu_ms", "temporal_cpu_ms"):
            cells += [str(m[k]), str(m[f"{k}_ratio"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Commands/s against the shipped worker, round by round:", ""]
    for name, r in results["per_second_ratio"].items():
        low, high = r["interval"] or (None, None)
        shown = "a difference is shown" if r["differs"] else "no difference is shown"
        lines.append(
            f"- {name}: median ratio {r['median']}, {round(100 * r['level'])} % interval "
            f"{low}–{high} ({shown}); rounds {r['ratios']}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Compare the variants `argv` (default: the command line) names; bad ones exit 2 first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", type=variant, metavar="NAME=VAR=VALUE")
    parser.add_argument("--rounds", type=bounded(int, 1, 50), default=5)
    parser.add_argument("--seconds", type=bounded(float, 0.5, 600), default=30.0)
    parser.add_argument("--warmup", type=bounded(float, 0, 600), default=10.0)
    parser.add_argument("--clients", type=bounded(int, 1, 200), default=50)
    parser.add_argument("--out", type=Path, help="write the figures there as JSON too")
    parser.add_argument("--force", action="store_true", help="run even above a load of 1.5")
    args = parser.parse_args(argv)
    names = [v.name for v in args.variants]
    if len(set(names)) != len(names):
        parser.error(f"variant names repeat: {names}")
    exit_if_busy(parser, load_average(), args.force)
    conditions = RunConditions()
    results = asyncio.run(
        compare(args.variants, args.rounds, args.seconds, args.clients, args.warmup)
    )
    results["conditions"] = conditions.finish()
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results), end="")


if __name__ == "__main__":
    main()
