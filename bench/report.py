"""`RESULTS.md` from the suite's results: the tables, the machine, the load it ran under.

The reading of the figures is generated from the same results (`bench.analysis`) and
closes the report; nothing hand-written is appended to it. The sections on commands are
`bench.report_commands`', those on scale `bench.report_scale`', the targets and the long
runs `bench.report_longrun`'.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.markdown_table import markdown_table
from bench.report_commands import lateness_section, open_loop_section, throughput_section
from bench.report_longrun import sections, targets_section
from bench.report_scale import growth_section, indicators_section, reads_section, restart_section
from bench.stack import BenchStack
from infra.embedded import temporal_executable


async def machine_facts(stack: BenchStack) -> dict[str, Any]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    temporal = subprocess.run(
        [str(temporal_executable()), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "temporal": temporal,
        "temporalio_sdk": version("temporalio"),
        "postgres": await stack.postgres_version(),
        "os": platform.platform(),
    }


def write_report(results: dict[str, Any], path: Path, reading: str) -> None:
    """The tables of `results`, then `reading` (generated from them), to `path`."""
    lines = [
        "# Benchmark results",
        "",
        f"Mode **{results.get('mode')}**, {results['total_seconds']} s in all, written by "
        "`make bench` (`python -m bench`). Every baseline was measured in the same run, on "
        "the same servers. Load averages (1, 5, 15 min) before: "
        f"`{results['load_before']}`, after: `{results['load_after']}` (the suite itself keeps "
        "both cores busy; a 1-minute load above 2 before the run means other work shared them).",
        "",
        *_conditions(results.get("conditions")),
    ]
    lines += targets_section(results)
    lines += _machine(results["machine"])
    lines += throughput_section(results["throughput"])
    if "open_loop" in results:
        lines += open_loop_section(results["open_loop"])
    lines += lateness_section(results["lateness"])
    lines += reads_section(results["growth"])
    lines += indicators_section(results["indicators"])
    lines += growth_section(results["growth"])
    lines += restart_section(results["restart"], results["growth"])
    lines += sections(results)
    lines += _profile(results["throughput"].get("worker_profile"))
    lines += ["", reading.strip(), ""]
    path.write_text("\n".join(lines) + "\n")


def _conditions(c: dict[str, Any] | None) -> list[str]:
    if not c:
        return []
    dirty = " with uncommitted changes" if c["dirty"] else ""
    return [
        f"Commit `{c['commit']}`{dirty}; CPU time stolen by the host over the run: "
        f"{c['steal_percent']} %.",
        "",
    ]


def _machine(m: dict[str, Any]) -> list[str]:
    return [
        "## Machine",
        "",
        *markdown_table(
            ["fact", "value"],
            [
                ["CPUs", m["cpus"]],
                ["CPU model", m["cpu_model"]],
                ["RAM", f"{m['ram_gb']} GiB"],
                ["Python", m["python"]],
                ["Temporal", m["temporal"]],
                ["temporalio SDK", m["temporalio_sdk"]],
                ["PostgreSQL", m["postgres"]],
                ["OS", m["os"]],
            ],
        ),
    ]


def _profile(profile: dict[str, Any] | None) -> list[str]:
    if not profile or "own_percent" not in profile:
        return ["## 11. Worker profile", "", f"No profile: {profile}", ""]
    rows = [[f, p] for f, p in profile["own_percent"]]
    inclusive = [[f, p] for f, p in profile["inclusive_percent"]]
    return [
        "## 11. Worker profile",
        "",
        f"yappi, CPU time of every thread of the worker process ({profile['cpu_seconds']} s "
        f"of CPU, {profile['python_percent']}% of it in Python frames; the rest is the SDK's "
        "Rust core and C code) while 50 clients sent pathway commands; % of the process's "
        "CPU. Workflow activations run in the SDK's thread pool, activities and the bridge "
        "on the event loop.",
        "",
        *markdown_table(["own CPU: function", "% of CPU"], rows),
        *markdown_table(["inclusive: function", "% of CPU"], inclusive),
    ]
