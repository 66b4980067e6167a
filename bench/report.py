"""`RESULTS.md` from the suite's results: the tables, the machine, the load it ran under.

The hand-written reading of the figures (what holds the ratios back) lives in
`bench/ANALYSIS.md` and is appended as it is, so a new run keeps it.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.stack import BenchStack
from infra.embedded import temporal_executable

ANALYSIS = Path(__file__).with_name("ANALYSIS.md")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


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


def write_report(results: dict[str, Any], path: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Mode **{results.get('mode')}**, {results['total_seconds']} s in all, written by "
        "`make bench` (`python -m bench`). Every baseline was measured in the same run, on "
        "the same servers. Load averages (1, 5, 15 min) before: "
        f"`{results['load_before']}`, after: `{results['load_after']}` (the suite itself keeps "
        "both cores busy; a 1-minute load above 2 before the run means other work shared them).",
        "",
    ]
    lines += _machine(results["machine"])
    lines += _throughput(results["throughput"])
    lines += _lateness(results["lateness"])
    lines += _reads(results["growth"])
    lines += _indicators(results["indicators"])
    lines += _growth(results["growth"])
    lines += _restart(results["restart"], results["growth"])
    lines += _profile(results["throughput"].get("worker_profile"))
    if ANALYSIS.exists():
        lines += ["", ANALYSIS.read_text().strip(), ""]
    path.write_text("\n".join(lines) + "\n")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return "–" if value is None else str(value)

    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows),
        "",
    ]


def _machine(m: dict[str, Any]) -> list[str]:
    return [
        "## Machine",
        "",
        *_table(
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


def _throughput(t: dict[str, Any]) -> list[str]:
    configurations = [("", t["runs"]), (" (sandbox off)", t.get("unsandboxed_runs", []))]
    rows: list[list[Any]] = []
    cpu_rows: list[list[Any]] = []
    for suffix, runs in configurations:
        for run in runs:
            rows += _throughput_rows(run, f"{run['pathway']['clients']} clients{suffix}")
            cpu_rows += _cpu_rows(run, f"{run['pathway']['clients']} clients{suffix}")
    return [
        "## 1. Command throughput",
        "",
        f"Closed loop, each client owning one workflow; the pathway commands are the mix of "
        f"`bench/mix.py` through `PathwayClient.send`; the baseline is the same payloads as "
        f"updates to `BareUpdate` (a no-op handler), on a worker of the same process with "
        f"the SDK's defaults (sandboxed). {t['prepare_seconds']} s to open and prepare the "
        "pathways. *Sandbox off*: the same comparison, with pathways on a second worker "
        "process started with `PATHWAYS_WORKER_SANDBOX=false` (its own fleet of pathways and "
        "bare workflows; the bare ones still run sandboxed, as the SDK's defaults do).",
        "",
        *_table(["figure", "pathway", "bare baseline", "ratio", "target"], rows),
        "CPU per command (ms), by process:",
        "",
        *_table(["run", "process", "pathway", "bare", "ratio"], cpu_rows),
    ]


def _throughput_rows(run: dict[str, Any], label: str) -> list[list[Any]]:
    p, b, r = run["pathway"], run["bare"], run["ratio"]
    rows = [[f"{label}: commands/s", p["per_second"], b["per_second"], r["per_second"], "≥ 0.8"]]
    for key, name in (("median", "p50"), ("p95", "p95"), ("p99", "p99")):
        target = "≤ 1.5" if key == "p99" else ""
        rows.append(
            [
                f"{label}: latency {name} (ms)",
                p["latency_ms"].get(key),
                b["latency_ms"].get(key),
                r[key],
                target,
            ]
        )
    errors = {**p["errors"], **{f"bare {k}": v for k, v in b["errors"].items()}}
    if errors:
        rows.append([f"{label}: errors", errors, "", "", ""])
    return rows


def _cpu_rows(run: dict[str, Any], label: str) -> list[list[Any]]:
    p, b = run["pathway"], run["bare"]
    rows = []
    for part in ("worker", "temporal", "postgres", "clients"):
        per_p, per_b = _per_command(p, part), _per_command(b, part)
        rows.append([label, part, per_p, per_b, None if not per_b else round(per_p / per_b, 2)])
    return rows


def _per_command(run: dict[str, Any], part: str) -> float:
    commands = max(run["commands"], 1)
    return round(1000 * run["cpu_seconds"].get(part, 0.0) / commands, 2)


def _lateness(late: dict[str, Any]) -> list[str]:
    ladder, bare = late["ladder_lateness_s"], late["bare_timer_lateness_s"]
    rows = [
        [
            f"lateness {k} (s)",
            ladder.get(k),
            bare.get(k),
            late["ratio_median"] if k == "median" else late["ratio_p99"] if k == "p99" else "",
        ]
        for k in ("median", "p95", "p99", "max")
    ]
    load = late.get("load", {})
    return [
        "## 2. Escalation lateness",
        "",
        f"{late['pathways']} pathways opened in {late['open_seconds']} s, their ladders due "
        f"together (reminder, supervisor, coordinator: {late['steps_expected']} steps, "
        f"{late['steps_recorded']} recorded), while {load.get('clients')} clients sent "
        f"{load.get('per_second')} commands/s to other pathways. The ladders fell due "
        f"{late.get('lead_seconds')} s after the last was opened. Baseline: one bare workflow "
        "per pathway sleeping in turn to the three instants of its ladder, started as soon as "
        "the pathway was open; an instant already past when it began sets no timer and is left "
        f"out ({late.get('bare_steps_past_at_start', 0)} of them).",
        "",
        *_table(["figure", "ladder step", "bare timer", "ratio"], rows),
    ]


def _reads(growth: list[dict[str, Any]]) -> list[str]:
    rows = []
    for point in growth:
        for name, f in point["reads"].items():
            rows.append(
                [
                    point["pathways"],
                    name,
                    f["median_ms"],
                    f["baseline_median_ms"],
                    f["ratio_median"],
                    f["p99_ms"],
                    f["baseline_p99_ms"],
                    f["ratio_p99"],
                ]
            )
    return [
        "## 3. Reads",
        "",
        "Through the event store and the fold, as the API serves them (without HTTP); baseline: "
        "the same SQL with psycopg, rows fetched, nothing parsed.",
        "",
        *_table(
            [
                "pathways",
                "read",
                "median ms",
                "SELECT ms",
                "ratio",
                "p99 ms",
                "SELECT p99 ms",
                "ratio p99",
            ],
            rows,
        ),
    ]


def _indicators(ind: dict[str, Any]) -> list[str]:
    head = ["## 4. Indicator dashboard", ""]
    if "error" in ind:
        return [*head, f"At {ind['pathways']} pathways: {ind['error']}", ""]
    rows = [
        [name, f["median_s"], f["max_s"], f["ratio_to_baseline"]]
        for name, f in ind["queries"].items()
    ]
    return [
        *head,
        f"`bench/indicators_scale.py` at {ind['pathways']} pathways, rows {ind['rows']}; median "
        "and max of 5 runs; baseline `SELECT count(*) FROM indicator_facts`.",
        "",
        *_table(["query", "median s", "max s", "ratio to count(*)"], rows),
    ]


def _growth(growth: list[dict[str, Any]]) -> list[str]:
    rows = [
        [
            g["pathways"],
            g["events"],
            g["opens_per_second"],
            g["throughput"]["per_second"],
            g["throughput"]["bare_per_second"],
            g["throughput"]["ratio"]["per_second"],
            g["throughput"]["p99_ms"],
            g["reads"]["pathway_state"]["median_ms"],
            g["reads"]["caseload_500"]["median_ms"],
            g["worker_rss_mb"],
            g["postgres_mb"],
            g["temporal_db_mb"],
            g["postgres_bytes_per_event"],
            g["temporal_bytes_per_pathway"],
        ]
        for g in growth
    ]
    return [
        "## 5. Growth",
        "",
        *_table(
            [
                "pathways",
                "events",
                "opens/s",
                "commands/s",
                "bare/s",
                "ratio",
                "p99 ms",
                "state read ms",
                "caseload ms",
                "worker RSS MB",
                "Postgres MB",
                "Temporal DB MB",
                "PG bytes/event",
                "Temporal bytes/pathway",
            ],
            rows,
        ),
    ]


def _restart(r: dict[str, Any], growth: list[dict[str, Any]]) -> list[str]:
    last = growth[-1]
    rows = [
        ["pathways open at restart", r["pathways"]],
        ["stop all (s)", r["stop_seconds"]],
        ["start all until the worker polls (s)", r["start_seconds"]],
        ["canary ladder steps recorded", f"{r['canary_steps_recorded']} of {3 * r['canaries']}"],
        ["all canary steps recorded after start (s)", r["canary_all_recorded_seconds"]],
        [
            "canary lateness median / max (s)",
            f"{r['canary_lateness_s'].get('median')} / {r['canary_lateness_s'].get('max')}",
        ],
        ["then: pathways replayed by the sweep", f"{r['resumed']} ({r['failed']} failed)"],
        ["replayed per second", r["resumed_per_second"]],
        ["every pathway replayed (s)", r["resume_all_seconds"]],
    ]
    for sample in r.get("failure_samples", []):
        rows.append(["a failed query", f"`{sample}`".replace("|", "\\|")])
    rate = last.get("opens_per_second")
    if rate:
        rows.append(["extrapolated: opening 100,000 pathways (min)", round(100_000 / rate / 60, 1)])
    return [
        "## 6. Open pathways at scale, and a full restart",
        "",
        "Restart: the worker, Temporal and PostgreSQL stopped, then started on the same data. "
        "Timers live in Temporal's database and fire by themselves after the start; each "
        "firing replays its pathway into the worker on demand. *Canaries* are pathways opened "
        "just before the restart with ladders of seconds, falling due while everything was "
        "down: the time until all their steps are recorded is the time until deadlines run "
        "again. *Then* a sweep queries the other pathways, which makes the worker (its cache "
        "empty) replay each: how fast the whole caseload is back in memory.",
        "",
        *_table(["figure", "value"], rows),
    ]


def _profile(profile: dict[str, Any] | None) -> list[str]:
    if not profile or "own_percent" not in profile:
        return ["## 7. Worker profile", "", f"No profile: {profile}", ""]
    rows = [[f, p] for f, p in profile["own_percent"]]
    inclusive = [[f, p] for f, p in profile["inclusive_percent"]]
    return [
        "## 7. Worker profile",
        "",
        f"yappi, CPU time of every thread of the worker process ({profile['cpu_seconds']} s "
        f"of CPU, {profile['python_percent']}% of it in Python frames; the rest is the SDK's "
        "Rust core and C code) while 50 clients sent pathway commands; % of the process's "
        "CPU. Workflow activations run in the SDK's thread pool, activities and the bridge "
        "on the event loop.",
        "",
        *_table(["own CPU: function", "% of CPU"], rows),
        *_table(["inclusive: function", "% of CPU"], inclusive),
    ]
