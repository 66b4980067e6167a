"""Worker variants against the shipped worker, on one stack, in interleaved rounds.

    python -m bench.variants [--rounds 4] [--seconds 10] [--clients 50] [--out FILE]
        NAME=VAR=VALUE[,VAR=VALUE...] ...

Each variant is a worker process of its own, started with the environment variables given
over the stack's (a setting, `PATHWAYS_WORKER_SANDBOX=false`; or another checkout of the
code, `PYTHONPATH=/path/to/it`), with its own pathways. Every round measures the shipped
worker and then each variant for `--seconds`, closed loop, the same command mix as the
suite's throughput part. Interleaving spreads the machine's drift over all of them, which
the figures of two separate runs cannot do. Reported per variant, medians over the rounds:
commands per second, p99 latency, and the CPU its worker and the Temporal server spent per
command, each with its ratio to the shipped worker.

It is how a lever is judged before it is kept (bench/ANALYSIS.md). A profile says where the
CPU goes; only this says what a change gives.
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


def bounded(kind: type[int] | type[float], low: float, high: float) -> Any:
    """An argparse type: a number of `kind` from `low` to `high`."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not between {low} and {high}")
        return value

    return parse


async def compare(
    variants: list[Variant], rounds: int, seconds: float, clients: int, warmup: float = 3
) -> dict[str, Any]:
    stack = BenchStack()
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
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in fleets}
        for _ in range(rounds):
            for name, fleet in fleets.items():
                runs[name].append(
                    await _measured(stack, fleet, pids[name], clients, seconds, warmup)
                )
    finally:
        await stack.close()
    medians = {name: _medians(r) for name, r in runs.items()}
    base = medians[SHIPPED]
    return {
        "rounds": rounds,
        "seconds": seconds,
        "clients": clients,
        "variants": {v.name: v.env for v in variants},
        "medians": {
            name: {**m, **{f"{k}_ratio": _ratio(m[k], base[k]) for k in m}}
            for name, m in medians.items()
        },
        "runs": runs,
    }


async def _measured(
    stack: BenchStack,
    fleet: throughput.Fleet,
    worker_pid: int,
    clients: int,
    seconds: float,
    warmup: float,
) -> dict[str, Any]:
    worker = psutil.Process(worker_pid)
    assert stack.temporal_pid is not None
    temporal = psutil.Process(stack.temporal_pid)

    def cpu() -> tuple[float, float]:
        return sum(worker.cpu_times()[:2]), sum(temporal.cpu_times()[:2])

    await throughput.closed_loop(fleet, fleet.send_pathway, clients, warmup, 0)
    before = cpu()
    run = await throughput.closed_loop(fleet, fleet.send_pathway, clients, seconds, 0)
    after = cpu()
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
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Compare the variants `argv` (default: the command line) names; bad ones exit 2 first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", type=variant, metavar="NAME=VAR=VALUE")
    parser.add_argument("--rounds", type=bounded(int, 1, 20), default=4)
    parser.add_argument("--seconds", type=bounded(float, 0.5, 120), default=10.0)
    parser.add_argument("--clients", type=bounded(int, 1, 200), default=50)
    parser.add_argument("--out", type=Path, help="write the figures there as JSON too")
    args = parser.parse_args(argv)
    names = [v.name for v in args.variants]
    if len(set(names)) != len(names):
        parser.error(f"variant names repeat: {names}")
    results = asyncio.run(compare(args.variants, args.rounds, args.seconds, args.clients))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results), end="")


if __name__ == "__main__":
    main()
