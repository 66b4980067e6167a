"""`RESULTS.md` from the suite's results: the tables, the machine, the load it ran under.

The reading of the figures is generated from the same results (`bench.analysis`) and
closes the report; nothing hand-written is appended to it.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.report_longrun import sections, targets_section
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
    lines += _throughput(results["throughput"])
    if "open_loop" in results:
        lines += _open_loop(results["open_loop"])
    lines += _lateness(results["lateness"])
    lines += _reads(results["growth"])
    lines += _indicators(results["indicators"])
    lines += _growth(results["growth"])
    lines += _restart(results["restart"], results["growth"])
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
            label = f"{run['clients']} clients{suffix}"
            rows += _throughput_rows(run, label)
            cpu_rows += _cpu_rows(run, label)
    first = t["runs"][0]
    return [
        "## 1. Command throughput",
        "",
        f"Closed loop, each client owning one workflow; the pathway commands are the mix of "
        f"`bench/mix.py` through `PathwayClient.send`; the baseline is the same payloads as "
        f"updates to `BareUpdate` (a no-op handler), on a worker of the same process with "
        f"the SDK's defaults (sandboxed). {t['prepare_seconds']} s to open and prepare the "
        f"pathways. After a warm-up of {first['warmup_seconds']} s per side, "
        f"{len(first['rounds'])} interleaved rounds of {first['round_seconds']} s per side "
        "(the side going first alternates); a window counts every command answered inside "
        "it and the CPU is read over the same window. Figures are medians over the rounds; "
        "the ratio's interval is a percentile bootstrap of the median, and the target is met "
        "only when its lower bound meets it. *Sandbox off*: the same comparison, with "
        "pathways on a second worker process started with `PATHWAYS_WORKER_SANDBOX=false`.",
        "",
        *_table(
            ["figure", "pathway", "bare baseline", "ratio (median)", "interval", "target", "met"],
            rows,
        ),
        "CPU per command (ms, medians over the rounds), by process:",
        "",
        *_table(["run", "process", "pathway", "bare", "ratio"], cpu_rows),
    ]


def _throughput_rows(run: dict[str, Any], label: str) -> list[list[Any]]:
    p, b, v = run["medians"]["pathway"], run["medians"]["bare"], run["throughput"]
    interval = "–" if v["interval"] is None else f"{v['interval'][0]}–{v['interval'][1]}"
    rows = [
        [
            f"{label}: commands/s",
            p["per_second"],
            b["per_second"],
            v["median"],
            f"{round(100 * v['level'])} %: {interval}",
            f"≥ {v['target']}",
            "yes" if v["met"] else "no",
        ],
        [
            f"{label}: latency p99 (ms)",
            p["p99_ms"],
            b["p99_ms"],
            run["p99_ratio_median"],
            "",
            "",
            "",
        ],
        [f"{label}: rounds' ratios", "", "", run["ratios"], "", "", ""],
    ]
    errors = {"pathway": p["errors"], "bare": b["errors"]}
    if any(errors.values()):
        rows.append([f"{label}: errors", errors, "", "", "", "", ""])
    return rows


def _cpu_rows(run: dict[str, Any], label: str) -> list[list[Any]]:
    p = run["medians"]["pathway"]["cpu_ms_per_command"]
    b = run["medians"]["bare"]["cpu_ms_per_command"]
    rows = []
    for part in ("worker", "temporal", "postgres", "clients"):
        per_p, per_b = p.get(part), b.get(part)
        rows.append([label, part, per_p, per_b, None if not per_b else round(per_p / per_b, 2)])
    return rows


def _open_loop(o: dict[str, Any]) -> list[str]:
    rows = []
    for point in o["points"]:
        p, b, r = point["pathway"], point["bare"], point["ratio"]
        for key, name in (("median", "p50"), ("p95", "p95"), ("p99", "p99")):
            target = f"≤ {point['p99_target']}" if key == "p99" else ""
            met = ("yes" if point["meets_p99_target"] else "no") if key == "p99" else ""
            rows.append(
                [
                    f"{round(100 * point['share_of_capacity'])} % ({point['rate_per_second']}/s)",
                    f"{name} (ms)",
                    p["latency_ms"].get(key),
                    b["latency_ms"].get(key),
                    r[key],
                    target,
                    met,
                ]
            )
        errors = {"pathway": p["errors"], "bare": b["errors"]}
        if any(errors.values()):
            rows.append(["", "errors", errors, "", "", "", ""])
    return [
        "## 1b. Latency, open loop",
        "",
        f"Poisson arrivals at shares of the bare capacity ({o['capacity_per_second']} "
        f"updates/s, the median at {o.get('capacity_clients')} clients), "
        f"{o['commands_per_point']} commands per point "
        "and side, the bare updates and the pathway commands on the same schedule; latency "
        "from the scheduled arrival.",
        "",
        *_table(["load", "figure", "pathway", "bare", "ratio", "target", "met"], rows),
    ]


def _lateness(late: dict[str, Any]) -> list[str]:
    commit, decision, bare = (
        late["to_commit_s"],
        late["to_decision_s"],
        late["bare_timer_lateness_s"],
    )
    rows = [
        [f"lateness {k} (s)", commit.get(k), decision.get(k), bare.get(k)]
        for k in ("median", "p95", "p99", "max")
    ]
    load = late["load"]
    return [
        "## 2. Escalation lateness",
        "",
        f"{late['ladders']} ladders (of {late['ladders_asked']} asked) due within one second "
        f"(spread {late['due_spread_s']} s): {late['opened']} pathways opened in "
        f"{late['open_seconds']} s with a baseline a day away, then moved into the window by "
        f"a policy command each in {late['move_seconds']} s ({late['unmoved']} not moved in "
        f"time, {late['misses']} outside the window); "
        f"{late['steps_recorded']} of {late['steps_expected']} steps "
        f"recorded, under open-loop load at {load['share_of_capacity']} of the bare capacity "
        f"({load['rate_per_second']}/s offered, p99 {load['latency_ms'].get('p99')} ms). "
        "Baseline: one bare timer per ladder on the pathways' task queue. Ratio of the p99 to "
        f"the commit against the bare timer's: {late['ratio_p99']}; target p99 < "
        f"{late['p99_target_s']} s {'met' if late['meets_p99_target'] else 'not met'}.",
        "",
        *_table(["figure", "to the commit", "to the decision", "bare timer"], rows),
        "",
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
    page = ind.get("page")
    if page is not None:
        for kind in ("cold", "warm"):
            f = page[f"{kind}_ms"]
            rows.append([f"page {kind}, {f['n']} runs: median / p99 ms", f["median"], f["p99"], ""])
    return [
        *head,
        f"`bench/indicators_scale.py` at {ind['pathways']} pathways, rows {ind['rows']}, "
        f"restored from `{ind.get('dump', {}).get('path')}`; median and max of "
        f"{ind.get('runs')} runs; baseline `SELECT count(*) FROM indicator_facts`.",
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
        *_table(["own CPU: function", "% of CPU"], rows),
        *_table(["inclusive: function", "% of CPU"], inclusive),
    ]
