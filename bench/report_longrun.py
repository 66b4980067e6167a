"""RESULTS.md's targets table and its sections on opening, sustained and evicted pathways.

`bench.report` writes the rest; these parts are `bench.opening_rate`, `bench.sustained`
and `bench.eviction`, and the table is `bench.targets`' (stored in the JSON).
"""

from __future__ import annotations

from typing import Any

from bench import targets
from bench.markdown_table import markdown_table


def targets_section(results: dict[str, Any]) -> list[str]:
    rows = results.get("targets")
    if rows is None:
        return []
    return [
        "## Targets (issue 25)",
        "",
        "Each figure of the issue's table from this run; a figure with an interval is met "
        "only when the whole interval is on the target's side.",
        "",
        *targets.markdown(rows),
        "",
    ]


def sections(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if "opening_rate" in results:
        lines += _opening_rate(results["opening_rate"])
    if "sustained" in results:
        lines += _sustained(results["sustained"])
    if "eviction" in results:
        lines += _eviction(results["eviction"])
    return lines


def _opening_rate(o: dict[str, Any]) -> list[str]:
    v = o["verdict"]
    interval = "–" if v["interval"] is None else f"{v['interval'][0]}–{v['interval'][1]}"
    return [
        "## 8. Opening rate",
        "",
        f"`PathwayClient.open` (update-with-start of `open_pathway`) against "
        f"`client.start_workflow` of `BareUpdate` on the bare updates' queue, "
        f"{o['clients']} at once on each side, {len(o['rounds'])} interleaved rounds of "
        f"{o['round_seconds']} s per side after a warm-up of {o['warmup_seconds']} s each; "
        "a window counts what was answered inside it.",
        "",
        *markdown_table(
            ["figure", "value"],
            [
                ["pathways opened/s (median)", o["opened_per_second"]],
                ["bare workflows started/s (median)", o["bare_started_per_second"]],
                ["rounds' ratios", o["ratios"]],
                [
                    f"median ratio, {round(100 * v['level'])} % interval",
                    f"{v['median']}, {interval}",
                ],
                [f"target ≥ {v['target']} (lower bound) met", "yes" if v["met"] else "no"],
                ["errors", o["errors"]],
            ],
        ),
    ]


def _sustained(s: dict[str, Any]) -> list[str]:
    early, late = s["early_ms"], s["late_ms"]
    return [
        "## 9. Sustained: the thousandth command against the first",
        "",
        f"{s['pathways']} pathways driven at once, each to {s['commands_asked']} commands of "
        f"the mix one after the other ({s['commands_sent']} answered in all, the fewest "
        f"{s['fewest_commands']} on one pathway, {s['seconds']} s); latency by the command's "
        f"index in its pathway. {s['continue_as_new']} continue-as-new during the drive "
        f"({s['continue_as_new_per_pathway']['min']}–{s['continue_as_new_per_pathway']['max']}"
        f" a pathway); at the end the current runs held {_span(s['current_run_events'])} events, "
        f"at most {s['current_run_kb_max']} KB. Errors: {s['errors'] or 'none'}.",
        "",
        *markdown_table(
            ["commands", "n", "median ms", "p95 ms", "p99 ms"],
            [
                [f"{first}–{last}", *(ms.get(k) for k in ("n", "median", "p95", "p99"))]
                for (first, last), ms in ((s["early_window"], early), (s["late_window"], late))
            ],
        ),
        f"p99 ratio {s['p99_ratio']}; target ≤ {s['target']} {'met' if s['met'] else 'not met'}.",
        "",
    ]


def _eviction(e: dict[str, Any]) -> list[str]:
    rows = [
        [
            p["events"],
            _span(p["pathway"]["events_held"]),
            _span(p["pathway"].get("run_events_held") or p["pathway"]["events_held"]),
            p["pathway"]["n"],
            p["pathway"].get("median"),
            p["pathway"].get("p99"),
            _span(p["bare"]["events_held"]),
            p["bare"].get("median"),
            p["bare"].get("p99"),
            p["p99_ratio"],
        ]
        for p in e["points"]
    ]
    header = ["events", "pathway histories held", "their current runs", "n", "median ms"]
    header += ["p99 ms", "bare runs held"]
    header += ["bare median ms", "bare p99 ms", "p99 ratio"]
    return [
        "## 10. A command to an evicted pathway",
        "",
        f"{e['pathways_per_length']} pathways and as many bare workflows per length, driven "
        "until their history held that many events (a pathway's over all its runs: it "
        "continues as new every few hundred events; a bare workflow's in its one run); then "
        f"{e['rounds']} times the worker process restarted (its cache empty; "
        f"{e['worker_restart_s']} s each) and one command to each timed, one after the other: "
        "each a replay of its current run. "
        f"Target: p99 < {e['target_ms']} ms at {e['target_events']} events.",
        "",
        *markdown_table(header, rows),
    ]


def _span(low_high: dict[str, int]) -> str:
    """`{"min": a, "max": b}` as `a–b` (`–` when nothing was measured)."""
    if not low_high:
        return "–"
    return f"{low_high['min']}–{low_high['max']}"
