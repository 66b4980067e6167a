"""What the sandbox's re-import of the workflow module costs per instance, with and without .pyc.

The SDK's sandbox imports the workflow's own modules again for every workflow instance it
makes (an open, a continue-as-new, a replay: sdk-python #607). From source with no .pyc
they are compiled each time; `make install` compiles them once (`compileall`), and
Python reads a .pyc even under PYTHONDONTWRITEBYTECODE. This probe makes `--instances`
sandboxed instances of the pathway workflow (`SandboxedWorkflowRunner.prepare_workflow`,
what the worker does to validate it) in a child process per side and round:

- *without .pyc*: PYTHONDONTWRITEBYTECODE and an empty PYTHONPYCACHEPREFIX, so no .pyc is
  found or written, as an editable install run with the variable set and never compiled;
- *with .pyc*: the project compiled first, as `make install` leaves it.

The sides alternate over `--rounds` rounds; reported: each side's median per instance (ms),
the per-round ratio without/with, their median and its 90 % bootstrap interval
(`bench.confidence`), as JSON on stdout or in `--out`.

    python -m bench.sandbox_bytecode --rounds 5 --instances 20 --out bench/runs/...json
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.confidence import bootstrap_median_interval

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "workflows", "activities", "infra", "client", "workers", "web")


async def instances(count: int) -> list[float]:
    """Seconds of each of `count` sandboxed pathway instances, after one to warm up (the SDK
    makes them on its event loop)."""
    from temporalio import workflow
    from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

    from workflows.pathway import PathwayWorkflow

    runner = SandboxedWorkflowRunner()
    defn = workflow._Definition.must_from_class(PathwayWorkflow)
    runner.prepare_workflow(defn)
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        runner.prepare_workflow(defn)
        timings.append(time.perf_counter() - started)
    return timings


def compile_project() -> bool:
    """Compile the project's packages as `make install` does; True when all compiled."""
    return all(compileall.compile_dir(ROOT / p, quiet=1) for p in PACKAGES)


def side(with_pyc: bool, count: int, empty_prefix: str) -> list[float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(ROOT))
    env.pop("PYTHONPYCACHEPREFIX", None)
    if not with_pyc:
        env["PYTHONPYCACHEPREFIX"] = empty_prefix
    out = subprocess.run(
        [sys.executable, "-m", "bench.sandbox_bytecode", "--child", str(count)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    timings: list[float] = json.loads(out)
    return timings


def measure(rounds: int, count: int) -> dict[str, Any]:
    """Both sides, alternating which goes first, with the ratio of each round."""
    if not compile_project():
        raise SystemExit("compileall failed")
    runs: dict[str, list[float]] = {"without_pyc": [], "with_pyc": []}
    ratios = []
    with tempfile.TemporaryDirectory() as empty:
        for number in range(rounds):
            order = [False, True] if number % 2 == 0 else [True, False]
            medians = {}
            for with_pyc in order:
                medians[with_pyc] = statistics.median(side(with_pyc, count, empty))
            runs["without_pyc"].append(round(medians[False] * 1000, 2))
            runs["with_pyc"].append(round(medians[True] * 1000, 2))
            ratios.append(round(medians[False] / medians[True], 2))
    return {
        "rounds": rounds,
        "instances_per_round": count,
        "median_ms_per_instance": {k: v for k, v in runs.items()},
        "median_ms": {k: round(statistics.median(v), 2) for k, v in runs.items()},
        "ratio_without_over_with": ratios,
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_interval_90": [round(x, 2) for x in bootstrap_median_interval(ratios)],
        "python": sys.version.split()[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(instances(args.child))))
        return
    text = json.dumps(measure(args.rounds, args.instances), indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
