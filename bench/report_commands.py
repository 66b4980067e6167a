"""RESULTS.md's sections on commands: throughput, latency in an open loop, escalation lateness.

`bench.report` writes the report; these sections are the figures of `bench.throughput`,
`bench.open_loop` and `bench.lateness`, each beside its bare baseline.
"""

from __future__ import annotations

from typing import Any

from bench.markdown_table import markdown_table


def throughput_section(t: dict[str, Any]) -> list[str]:
    """Section 1: commands per second and CPU per command, sandboxed and not, against bare."""
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
        *markdown_table(
            ["figure", "pathway", "bare baseline", "ratio (median)", "interval", "target", "met"],
            rows,
        ),
        "CPU per command (ms, medians over the rounds), by process:",
        "",
        *markdown_table(["run", "process", "pathway", "bare", "ratio"], cpu_rows),
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


def open_loop_section(o: dict[str, Any]) -> list[str]:
    """Section 1b: latency under Poisson arrivals at shares of the bare capacity."""
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
        *markdown_table(["load", "figure", "pathway", "bare", "ratio", "target", "met"], rows),
    ]


def lateness_section(late: dict[str, Any]) -> list[str]:
    """Section 2: how late the ladders' steps due within one second were recorded."""
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
        *markdown_table(["figure", "to the commit", "to the decision", "bare timer"], rows),
        "",
    ]
