"""RESULTS.md's sections on scale: reads, the indicator dashboard, growth and a full restart.

`bench.report` writes the report; these sections are the figures of the growth points
(`bench.reads` at each), of the indicator dashboard (`bench.indicators_scale`) and of the
full restart after growth (`bench.scale`).
"""

from __future__ import annotations

from typing import Any

from bench.markdown_table import markdown_table


def reads_section(growth: list[dict[str, Any]]) -> list[str]:
    """Section 3: each read at each growth point against its plain SELECT."""
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
        *markdown_table(
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


def indicators_section(ind: dict[str, Any]) -> list[str]:
    """Section 4: the dashboard's queries and page at scale, or why they did not run."""
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
        *markdown_table(["query", "median s", "max s", "ratio to count(*)"], rows),
    ]


def growth_section(growth: list[dict[str, Any]]) -> list[str]:
    """Section 5: throughput, reads and storage at each growth point."""
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
        *markdown_table(
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


def restart_section(r: dict[str, Any], growth: list[dict[str, Any]]) -> list[str]:
    """Section 6: a full restart with every pathway open, and the time until all run again."""
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
        *markdown_table(["figure", "value"], rows),
    ]
