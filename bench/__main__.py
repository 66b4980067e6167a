"""The benchmark suite: `python -m bench [--smoke] [--force] [--out DIR]` (`make bench`).

Starts its own stack (`bench.stack`: embedded PostgreSQL, the Temporal dev server on a free
loopback port, the worker as a process, all in a temporary directory), then runs, each part
bounded by its own cap:

1. command throughput at 50 and 200 clients against bare no-op updates, in interleaved
   rounds after a warm-up, the median ratio with its bootstrap interval (`bench.rounds`),
   with CPU per process over the same windows and a yappi CPU profile of the worker; then
   latency open loop, Poisson arrivals at shares of the bare capacity (`bench.open_loop`);
2. escalation lateness, exactly a thousand ladders due within one second, under open-loop
   load at 70 % of the bare capacity, to the PostgreSQL commit (`bench.lateness`);
3. reads against plain SELECTs (`bench.reads`), and as-of at every event of a long pathway
   and at 10 points of its age (`bench.as_of`);
4. the opening rate against bare workflow starts, in interleaved rounds
   (`bench.opening_rate`); 20 pathways driven to 1,500 commands each, the p99 of their
   thousandth commands against their first (`bench.sustained`); and a command to a pathway
   evicted from the worker's cache whose history holds 100, 1,000 and 4,000 events, against a
   bare workflow's (`bench.eviction`, after growth: it restarts the worker);
5. growth (counting the pathways opened so far): throughput, reads and storage again at
   about 1,000 and 10,000 open pathways, then a full restart and the time until every
   pathway runs again (`bench.scale`);
6. the indicator dashboard over 100,000 pathways, restored from a dump made once beforehand,
   20 cold and 20 warm runs of the page (`bench.indicators_scale`, its own server). A full
   run makes the dump first when this machine has none (`bench.indicator_part.ensure_dump`,
   kept in `PATHWAYS_BENCH_CACHE`), then waits for the load it raised to fall.

Sizes are `bench.sizes` (FULL, SMOKE). The targets table of issue 25 (`bench.targets`) is
stored in the JSON and opens RESULTS.md and the reading.

Writes `results.json`, `RESULTS.md` and `ANALYSIS.md` (the reading, generated from the
JSON by `bench.analysis`) to DIR (default: bench/), with the commit, the load and the CPU
steal of the run. While it runs, each part's figures are written to `results.partial.json`
as the part ends (`bench.checkpoint`); a run that stops on an error leaves that file, with
the error, and the parts before it. SIGTERM (`timeout`, `kill`) stops a run as Ctrl-C does:
its stack is stopped and the checkpoint says so (exit 143). Refuses to start above a
1-minute load of 1.5 unless `--force` (`bench.conditions`). `--smoke` runs every part at a
tiny size, to keep the suite from rotting; its figures mean nothing. `--rounds`,
`--seconds`, `--warmup` and `--open-loop-commands` override the sizes of the throughput and
latency parts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import (
    analysis,
    as_of,
    eviction,
    holding,
    lateness,
    open_loop,
    opening_rate,
    reads,
    rounds,
    scale,
    sustained,
    targets,
    throughput,
)
from bench.arguments import bounded, rising_counts
from bench.checkpoint import PARTIAL, Checkpointed
from bench.conditions import RunConditions, exit_if_busy, load_average, wait_until_quiet
from bench.indicator_part import ensure_dump, indicator_dashboard
from bench.profiling import CpuMeter, worker_profile
from bench.report import machine_facts, write_report
from bench.sizes import FULL, SMOKE, Sizes
from bench.stack import BenchStack
from infra.config import Settings


async def suite(sizes: Sizes, out: Path) -> dict[str, Any]:
    """Every part in turn; each part's figures are on disk when it ends (`bench.checkpoint`),
    and a part that fails leaves them there with the error it stopped on."""
    conditions = RunConditions()
    results = Checkpointed(out / PARTIAL, load_before=conditions.before["load"])
    with _cancelled_on(signal.SIGTERM):
        try:
            return await _parts(sizes, out, conditions, results)
        except BaseException as error:
            results.failed(error)
            raise


@contextlib.contextmanager
def _cancelled_on(signum: signal.Signals) -> Iterator[None]:
    """While the block runs, `signum` cancels the running task, as Ctrl-C does.

    Its default would end the process at once: no `stopped_by` in the checkpoint, and the
    stack's PostgreSQL, Temporal and worker left running with nobody to stop them.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    loop.add_signal_handler(signum, task.cancel, signum.name)
    try:
        yield
    finally:
        loop.remove_signal_handler(signum)


async def _parts(
    sizes: Sizes, out: Path, conditions: RunConditions, results: Checkpointed
) -> dict[str, Any]:
    started = time.monotonic()
    stack = BenchStack()
    try:
        results["stack_start_seconds"] = round(await stack.start(), 1)
        results["machine"] = await machine_facts(stack)
        results["worker_settings"] = worker_settings()
        fleet = throughput.Fleet(stack)
        prepare = await fleet.grow(max(sizes.clients))
        results["throughput"] = {
            "prepare_seconds": round(prepare, 1),
            "runs": [await measured(stack, fleet, c, sizes) for c in sizes.clients],
        }
        measured_at = capacity_run(results["throughput"]["runs"])
        results["open_loop"] = {
            "capacity_clients": measured_at["clients"],
            **await open_loop.measure(
                fleet,
                measured_at["medians"]["bare"]["per_second"] or 1.0,
                sizes.open_loop_shares,
                sizes.open_loop_commands,
            ),
        }
        if sizes.profile_seconds:
            profile = await profiled(stack, fleet, sizes)
            if profile is not None and "tree" in profile:
                (out / "worker-profile.txt").write_text(profile.pop("tree"))
            results["throughput"]["worker_profile"] = profile
        # The same comparison with the sandbox off: pathways of a second worker process.
        unsandboxed = throughput.Fleet(stack, "tpu", stack.unsandboxed_pathways)
        clients = min(50, max(sizes.clients))
        results["throughput"]["unsandboxed_prepare_seconds"] = round(
            await unsandboxed.grow(clients), 1
        )
        results["throughput"]["unsandboxed_runs"] = [
            await measured(stack, unsandboxed, clients, sizes)
        ]
        results["lateness"] = await lateness.measure(
            stack,
            fleet,
            sizes.late_ladders,
            results["open_loop"]["capacity_per_second"],
            sizes.late_share,
            sizes.late_open,
            sizes.late_cap,
        )
        middle = await reads.write_long_pathway(stack, sizes.long_events)
        results["as_of"] = await as_of.measure(stack, sizes.read_runs)
        results["opening_rate"] = await opening_rate.measure(
            stack, sizes.rate_clients, sizes.rate_rounds, sizes.rate_seconds, sizes.rate_seconds / 2
        )
        results["sustained"] = await sustained.measure(
            stack,
            sizes.drive_pathways,
            sizes.drive_commands,
            sizes.drive_early,
            sizes.drive_late,
            sizes.drive_cap,
        )
        results["growth"] = []
        opened: list[str] = []
        for target in sizes.growth:
            have = await scale.weights(stack)
            # What is left of the budget after this point's figures, the evicted pathways,
            # the restart and the indicators; what could not be opened in it is reported,
            # not waited for.
            left = sizes.budget - (time.monotonic() - started)
            after = sizes.restart_cap + sizes.sweep_seconds + sizes.indicator_cap
            cap = min(sizes.open_cap, left - 60 - eviction_seconds(sizes) - after)
            more, seconds = await scale.open_many(
                stack.pathways,
                "open",
                len(opened),
                max(target - have["pathways"], 0),
                max(cap, 5),
                48,
            )
            opened += more
            point = await growth_point(stack, fleet, middle, sizes)
            point["target"] = target
            point["opened"] = len(more)
            point["open_seconds"] = round(seconds, 1)
            point["opens_per_second"] = round(len(more) / seconds, 1) if more else None
            results["growth"].append(point)
            results.save()
        # After growth: its restarts of the worker empty the cache, and the fleet's pathways,
        # thousands of events each, would replay inside the growth points' windows.
        results["eviction"] = await eviction.measure(
            stack, sizes.evict_events, sizes.evict_pathways, sizes.evict_rounds, sizes.evict_cap
        )
        # The freshly opened first: the fleet's pathways carry histories of thousands of
        # events, and replaying those first would leave the sweep a measure of them alone.
        all_pathways = [*opened, *fleet.pathway_ids]
        results["restart"] = await scale.restart_and_resume(
            stack, all_pathways, sizes.canaries, sizes.restart_cap, sizes.sweep_seconds
        )
    finally:
        await stack.close()
    results["indicators"] = await indicator_dashboard(
        sizes.indicator_pathways,
        sizes.indicator_cap,
        sizes.indicator_runs,
        sizes.indicator_page_runs,
        sizes.indicator_generate,
    )
    results["targets"] = targets.table(results)
    results["load_after"] = load_average()
    results["conditions"] = conditions.finish()
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return dict(results)


def worker_settings() -> dict[str, Any]:
    """What the stack's pathway worker runs with, read as it reads them (`PATHWAYS_*` from the
    environment it inherits): the pathways it caches and whether its workflows are sandboxed."""
    settings = Settings()
    return {
        "cached_workflows": settings.worker_cached_workflows,
        "sandboxed": settings.worker_sandbox,
    }


def eviction_seconds(sizes: Sizes) -> float:
    """What the evicted pathways' part may take: its driving's cap, then a minute a round
    (a worker restart and a dozen replays of up to 4,000 events each)."""
    return sizes.evict_cap + 60 * sizes.evict_rounds


async def measured(
    stack: BenchStack,
    fleet: throughput.Fleet,
    clients: int,
    sizes: Sizes,
) -> dict[str, Any]:
    """Interleaved rounds at `clients`, with the CPU each part of the stack spent per command."""
    return await rounds.interleaved(
        fleet, clients, sizes.rounds, sizes.run_seconds, sizes.warmup, lambda: CpuMeter(stack)
    )


def capacity_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds whose median bare updates/s the open-loop rates are shares of: those at 50
    clients (or at the fewest clients measured, in a smoke run)."""
    return next((r for r in runs if r["clients"] == 50), runs[0])


async def profiled(
    stack: BenchStack, fleet: throughput.Fleet, sizes: Sizes
) -> dict[str, Any] | None:
    """A py-spy profile of the worker while 50 clients send pathway commands."""
    assert stack.worker_pid is not None
    clients = min(50, max(sizes.clients))
    profile = asyncio.create_task(worker_profile(stack, sizes.profile_seconds))
    await throughput.closed_loop(fleet, fleet.send_pathway, clients, sizes.profile_seconds, 0)
    return await profile


async def growth_point(
    stack: BenchStack, fleet: throughput.Fleet, middle: Any, sizes: Sizes
) -> dict[str, Any]:
    """Per-command and per-read figures, and storage, at the current number of pathways."""
    point = await scale.weights(stack)
    clients = min(50, max(sizes.clients))
    run = await throughput.measure(fleet, clients, sizes.growth_seconds, sizes.warmup)
    point["throughput"] = {
        "clients": clients,
        "per_second": run["pathway"]["per_second"],
        "bare_per_second": run["bare"]["per_second"],
        "p99_ms": run["pathway"]["latency_ms"].get("p99"),
        "bare_p99_ms": run["bare"]["latency_ms"].get("p99"),
        "ratio": run["ratio"],
    }
    point["reads"] = await reads.measure(stack, fleet.pathway_ids[0], middle, sizes.read_runs)
    events = max(point["events"], 1)
    point["postgres_bytes_per_event"] = round(point["postgres_mb"] * 2**20 / events)
    point["temporal_bytes_per_pathway"] = round(
        point["temporal_db_mb"] * 2**20 / max(point["pathways"], 1)
    )
    return point


def main(argv: list[str] | None = None) -> None:
    """Run the suite as `argv` (default: the command line) asks; bad arguments exit 2 first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds, no meaning")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument(
        "--growth",
        type=rising_counts,
        help="open pathways to measure growth at, e.g. 1000,10000,100000 (with a --budget "
        "to match: opening runs at some tens a second on 2 cores)",
    )
    parser.add_argument("--budget", type=float, help="seconds for the whole suite (4400)")
    parser.add_argument("--rounds", type=bounded(int, 1, 50), help="throughput rounds (5)")
    parser.add_argument(
        "--seconds", type=bounded(float, 0.5, 600), help="seconds per side of a round (30)"
    )
    parser.add_argument("--warmup", type=bounded(float, 0, 600), help="warm-up seconds (10)")
    parser.add_argument(
        "--open-loop-commands",
        type=bounded(int, 2, 100_000),
        help="commands per open-loop point and side (2000)",
    )
    parser.add_argument(
        "--drive-pathways",
        type=bounded(int, 1, 200),
        help="pathways driven to 1,500 commands at once (20)",
    )
    parser.add_argument(
        "--evict-rounds",
        type=bounded(int, 1, 20),
        help="worker restarts before the timed commands to evicted workflows (3)",
    )
    parser.add_argument(
        "--force", action="store_true", help="run even above a 1-minute load of 1.5"
    )
    args = parser.parse_args(argv)
    exit_if_busy(parser, load_average(), args.force)
    sizes = SMOKE if args.smoke else FULL
    if args.growth:
        sizes = dataclasses.replace(sizes, growth=args.growth)
    if args.budget:
        sizes = dataclasses.replace(sizes, budget=args.budget, open_cap=args.budget)
    overrides = {
        "rounds": args.rounds,
        "run_seconds": args.seconds,
        "warmup": args.warmup,
        "open_loop_commands": args.open_loop_commands,
        "drive_pathways": args.drive_pathways,
        "evict_rounds": args.evict_rounds,
    }
    sizes = dataclasses.replace(sizes, **{k: v for k, v in overrides.items() if v is not None})
    args.out.mkdir(parents=True, exist_ok=True)
    dump = None
    if not sizes.indicator_generate:
        # The dashboard's data, made once and kept (bench.indicator_part), before the suite.
        dump = asyncio.run(ensure_dump(sizes.indicator_pathways))
        if dump.get("generation_s") is not None:
            dump["waited_for_quiet_s"] = wait_until_quiet()
        print(json.dumps({"indicator_dump": dump}))
    try:
        results = asyncio.run(suite(sizes, args.out))
    except asyncio.CancelledError:
        print(f"the run was stopped; the parts that ended are in {args.out / PARTIAL}")
        raise SystemExit(128 + signal.SIGTERM) from None
    except Exception:
        print(f"the run stopped; the parts that ended are in {args.out / PARTIAL}")
        raise
    results["mode"] = "smoke" if args.smoke else "full"
    results["indicator_dump"] = dump
    results["sizes"] = dataclasses.asdict(sizes)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    # Written again with the reading's derived figures: a fault in deriving them loses no run.
    results["derived"] = holding.derive(results)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    reading = analysis.generate(results, "results.json")
    (args.out / "ANALYSIS.md").write_text(reading)
    write_report(results, args.out / "RESULTS.md", reading)
    (args.out / PARTIAL).unlink(missing_ok=True)
    print(
        f"wrote {args.out / 'RESULTS.md'}, ANALYSIS.md and results.json in "
        f"{results['total_seconds']} s"
    )


if __name__ == "__main__":
    main()
