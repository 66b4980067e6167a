"""What holds each target a run did not meet, read from the run's own figures.

`derive` computes the few figures the reading needs that the parts do not record as such
(the worker's CPU per command against the bare update's, the profile's shares, memory per
pathway added, replay per history event); the suite stores them in `results.json`
(`derived`), so every number the reading cites is still a value of the JSON
(tests/bench/test_analysis.py). `section` writes one paragraph per kind of target missed,
with the lever measured or left against it; the levers' history is in
bench/runs/*-reading.md and docs/benchmarking.md.
"""

from __future__ import annotations

from typing import Any

from workflows.models import RUN_EVENTS

SHORT_RUN = 2 * RUN_EVENTS
"""The most events a current run holds at the end of a drive whose runs are kept short
(patch `short-runs`: a run continues as new at `RUN_EVENTS`, plus the commands in flight)."""

PROFILE_SHARES = {
    "sandbox": "_Instance._run_code",
    "payload_visitors": "PayloadVisitor.visit",
    "serialization_context": "get_serialization_context",
}
"""Shares of the worker's CPU (inclusive, %), by the profile entry whose name holds these."""


def derive(results: dict[str, Any]) -> dict[str, Any]:
    """The figures the reading derives from `results` (each rounded as it is cited)."""
    derived: dict[str, Any] = {}
    run = _capacity_run(results)
    if run is not None:
        worker = {
            side: run["medians"][side]["cpu_ms_per_command"].get("worker")
            for side in ("pathway", "bare")
        }
        if worker["pathway"] and worker["bare"]:
            worker["ratio"] = round(worker["pathway"] / worker["bare"], 1)
        derived["worker_cpu_ms"] = {"clients": run["clients"], **worker}
    profile = (results.get("throughput") or {}).get("worker_profile") or {}
    inclusive = profile.get("inclusive_percent") or []
    if inclusive:
        derived["profile_percent"] = {
            key: max((p for name, p in inclusive if marker in name), default=None)
            for key, marker in PROFILE_SHARES.items()
        }
    growth = results.get("growth") or []
    first, last = (growth[0], growth[-1]) if growth else ({}, {})
    cached = cache_size(results)
    if (
        None not in (first.get("worker_rss_mb"), last.get("worker_rss_mb"))
        and last["pathways"] > first["pathways"]
        and (cached is None or last["pathways"] <= cached)
    ):
        added = last["pathways"] - first["pathways"]
        derived["rss_kb_per_added_pathway"] = round(
            (last["worker_rss_mb"] - first["worker_rss_mb"]) * 1024 / added
        )
    points = (results.get("eviction") or {}).get("points") or []
    derived["replay_ms_per_event"] = [
        {
            "events": p["events"],
            "pathway": round(p["pathway"]["median"] / replayed(p["pathway"], p["events"]), 2),
            "bare": round(p["bare"]["median"] / replayed(p["bare"], p["events"]), 2),
        }
        for p in points
        if p.get("events") and p["pathway"].get("median") and p["bare"].get("median")
    ]
    return derived


def replayed(side: dict[str, Any], events: int) -> float:
    """The events a command to an evicted workflow replayed: its current runs' (the middle of
    their span), or, in results from before runs were measured apart, the length's."""
    runs = side.get("run_events_held") or {}
    return (runs["min"] + runs["max"]) / 2 if runs.get("max") else events


def section(results: dict[str, Any], derived: dict[str, Any]) -> list[str]:
    """One paragraph per kind of target `results` did not meet; nothing when all were."""
    missed = {
        kind
        for row in results.get("targets") or []
        if row["met"] is False
        for kind in (_kind(row["figure"]),)
    }
    writers = (
        ("throughput", _throughput),
        ("open loop", _open_loop),
        ("rss", _rss),
        ("eviction", _eviction),
        ("opening", _opening),
        ("lateness", _lateness),
        ("dashboard", _dashboard),
        ("sustained", _sustained),
        ("as-of", _as_of),
    )
    paragraphs = [f"- {w(results, derived)}" for kind, w in writers if kind in missed]
    if not paragraphs:
        return []
    return ["## What holds the targets not met", "", *paragraphs, ""]


def _kind(figure: str) -> str:
    for marker, kind in (
        ("commands/s", "throughput"),
        ("open loop", "open loop"),
        ("RSS", "rss"),
        ("evicted", "eviction"),
        ("opened/s", "opening"),
        ("lateness", "lateness"),
        ("dashboard", "dashboard"),
        ("p99 of commands", "sustained"),
        ("as-of", "as-of"),
    ):
        if marker in figure:
            return kind
    return "other"


def _capacity_run(results: dict[str, Any]) -> dict[str, Any] | None:
    runs = [r for r in (results.get("throughput") or {}).get("runs", []) if "medians" in r]
    return next((r for r in runs if r["clients"] == 50), runs[0] if runs else None)


def _throughput(results: dict[str, Any], derived: dict[str, Any]) -> str:
    text = "**Throughput.** "
    cpu = derived.get("worker_cpu_ms")
    if cpu and "ratio" in cpu:
        text += (
            f"The worker spends {cpu['pathway']} ms of CPU per command against {cpu['bare']} ms "
            f"per bare update ({cpu['ratio']} times, at {cpu['clients']} clients); on two cores "
            "shared by Temporal, PostgreSQL, the worker and the clients, that gap is the "
            "throughput gap. "
        )
    shares = derived.get("profile_percent") or {}
    if shares.get("sandbox") is not None:
        text += (
            f"Its profile (`worker-profile.txt`): {shares['sandbox']} % of the worker's CPU "
            f"inside the sandbox's activations, {shares.get('payload_visitors')} % in the SDK's "
            f"payload visitors ({shares.get('serialization_context')} % asking the sandbox "
            "for a serialization context, once per payload). "
        )
    unsandboxed = (results.get("throughput") or {}).get("unsandboxed_runs") or []
    if unsandboxed and "throughput" in unsandboxed[0]:
        v = unsandboxed[0]["throughput"]
        text += f"The sandbox off, in the same run: median {v['median']} of bare. "
    return text + (
        "Each command costs two sandboxed activations (the update, then its local "
        "activity's result). The lever not built, the append out of the update's path, was "
        "bounded instead: a worker that never appends, its ceiling, makes about a third more "
        "commands with half the worker's CPU, short of the target before the append is put "
        "back anywhere (bench/runs/2026-12-07-issue25-append-ceiling.md)."
    )


def _open_loop(results: dict[str, Any], derived: dict[str, Any]) -> str:
    run = _capacity_run(results)
    capacity = run["medians"]["pathway"]["per_second"] if run else None
    parts = []
    for p in (results.get("open_loop") or {}).get("points", []):
        if p["meets_p99_target"]:
            continue
        side = "above" if capacity is not None and p["rate_per_second"] > capacity else "below"
        parts.append(
            f"at {p['share_of_capacity']} of bare capacity {p['rate_per_second']}/s, {side} it"
        )
    offered = f"; offered {'; '.join(parts)}" if parts else ""
    return (
        f"**Open-loop latency** moves with throughput: the pathway's own capacity was "
        f"{capacity} commands/s (the rounds' median){offered}. Above it the queue grows for "
        "the whole point; below it, each command pays the worker's extra CPU on busy cores."
    )


def cache_size(results: dict[str, Any]) -> int | None:
    """The most pathways the run's worker kept cached (`PATHWAYS_WORKER_CACHED_WORKFLOWS`),
    or None for a run that did not record it. While the open pathways fit in the cache, its
    memory grows with them; past it, the least recently used are evicted."""
    cached: int | None = (results.get("worker_settings") or {}).get("cached_workflows")
    return cached


def _rss(results: dict[str, Any], derived: dict[str, Any]) -> str:
    growth = results.get("growth") or []
    first, last = growth[0], growth[-1]
    per = derived.get("rss_kb_per_added_pathway")
    added = f": {per} KB for each pathway more" if per is not None else ""
    cached = cache_size(results)
    bounded = (
        f" The worker caches at most {cached} pathways, so past them memory holds the "
        "cache's, not the caseload's."
        if cached is not None and last["pathways"] > cached
        else ""
    )
    return (
        f"**Worker memory**: {last['worker_rss_mb']} MB with {last['pathways']} pathways open, "
        f"{first['worker_rss_mb']} MB with {first['pathways']}{added}.{bounded} A cached "
        "pathway holds its sandboxed workflow: the sandbox's own copy of the workflow module, "
        "the SDK's instance with the pathway's state, and the SDK core's state machines for "
        "the run's commands (bench/runs/2026-12-08-issue25-cached-weight.md). Lever measured "
        "and kept: "
        "a new run's patches in force from its input, not asked, so its first task records "
        "no patch marker (a quarter less a pathway, bench/runs/2026-12-08-issue25-patches-in-"
        "force.json). Lever measured and kept: a cache sized to the largest burst, not to the "
        'caseload (`PATHWAYS_WORKER_CACHED_WORKFLOWS`; docs/benchmarking.md, "A cache sized '
        'to the burst, not the caseload"): it bounds the memory whatever the caseload '
        '(docs/scale-out.md, "Sizing").'
    )


def _eviction(results: dict[str, Any], derived: dict[str, Any]) -> str:
    per = ", ".join(
        f"{p['pathway']} ms per replayed event against {p['bare']} (histories of {p['events']})"
        for p in derived.get("replay_ms_per_event", [])
    )
    return (
        f"**A command to an evicted pathway** replays its current run first: {per}. A run "
        "continues as new every few hundred events (patch `short-runs`, "
        "`workflows.models.RUN_EVENTS`), so that replay is bounded whatever the history; the "
        "levers left: a shorter limit (more runs, each a new workflow instance), and fewer "
        "history events and less CPU per replayed command (the append out of the update's "
        "path)."
    )


def _opening(results: dict[str, Any], derived: dict[str, Any]) -> str:
    o = results["opening_rate"]
    return (
        f"**Opening**: {o['opened_per_second']} pathways a second against "
        f"{o['bare_started_per_second']} bare starts. An opening is a start, the first "
        "workflow task (the sandbox imports the workflow module for each new instance) and an "
        "update with its append; a bare start returns before any task runs. Lever measured "
        "and rejected: fewer workflow-task slots for two cores (a task keeps its slot while "
        "its append runs; bench/runs/2026-12-07-issue25-slots.md). Measured and kept for "
        "the call it saves, with no difference shown: no describe before each opening "
        "(bench/runs/2026-12-07-issue25-describe-before-open.json). The lever left is the "
        "workflow's start itself."
    )


def _lateness(results: dict[str, Any], derived: dict[str, Any]) -> str:
    late = results["lateness"]
    load = late["load"]
    bare = late["bare_timer_lateness_s"].get("p99")
    return (
        f"**Escalation lateness**: under the burst the load's commands were answered at "
        f"{load.get('answered_per_second')} a second of {load.get('offered_per_second')} "
        f"offered, and a bare timer on the same queue fired {bare} s late (p99; the pathway's "
        f"steps {late['to_commit_s'].get('p99')} s to the commit, ratio {late['ratio_p99']}). "
        "Where the ratio is near one the lateness is Temporal's own on saturated cores: the "
        "levers are those of throughput."
    )


def _dashboard(results: dict[str, Any], derived: dict[str, Any]) -> str:
    ind = results.get("indicators") or {}
    if "page" not in ind:
        return (
            "**Indicator dashboard**: not measured in this run "
            f"({str(ind.get('error', 'the part did not run')).strip()})."
        )
    queries, page = ind.get("queries", {}), ind["page"]
    trend = queries.get("trend_12_points_one_query", {}).get("median_s")
    kept = queries.get("trend_12_points_kept", {}).get("median_s")
    alone = f" ({trend} s alone, median)" if trend is not None else ""
    from_kept = (
        f" ({kept} s alone once its past points are kept)"
        if kept is not None
        else " (not in this run's figures)"
    )
    return (
        "**Indicator dashboard**: the page is one query, the trend over the year's month "
        f"ends{alone}; warm runs (median {page['warm_ms'].get('median')} ms) against cold ones "
        f"({page['cold_ms'].get('median')} ms). Levers measured and kept: the reports' reads "
        "run unprepared, each planned for its day (prepared, PostgreSQL's generic plan made "
        "warm runs slower than cold ones: infra/indicators/postgres_queries.py); the totals "
        "at past month ends are kept between reads, and a warm trend reads only the rows "
        f"opened or closed since the last of them{from_kept}: infra/indicators/"
        "kept_points.py; an organisation owning few pathways has their rows looked up by "
        "key rather than every fact row scanned (infra/indicators/postgres_fact_rows.py). A "
        "cold page still scans every fact row: the lever left is a monthly roll-up of the "
        "facts kept in the database, which breakdowns and an organisation's scope would "
        "read too."
    )


def _sustained(results: dict[str, Any], derived: dict[str, Any]) -> str:
    s = results["sustained"]
    held = s["current_run_events"].get("max")
    said = (
        f"**Sustained commands**: the late commands' p99 {s['late_ms'].get('p99')} ms against "
        f"{s['early_ms'].get('p99')} ms early, across {s['continue_as_new']} continue-as-new, "
        f"the runs holding {held} events at most at the end: "
    )
    per = s.get("continue_as_new_per_pathway") or {}
    if held is None or held > SHORT_RUN or not per.get("min"):
        return said + "a late command pays for the run's length, the lever is shorter runs."
    (a, b), (c, d) = s["early_window"], s["late_window"]
    return said + (
        f"the runs are short (each pathway continued as new {per.get('min')} to "
        f"{per.get('max')} times), so no late command replays or carries a long run. What "
        f"the late window (commands {c}–{d}) holds and the early one (commands {a}–{b}, "
        "before a pathway's first continue-as-new as a rule) hardly does is commands that "
        "met a run's end and waited for the next run's first task: the lever is a cheaper "
        "continue-as-new (docs/benchmarking.md)."
    )


def _as_of(results: dict[str, Any], derived: dict[str, Any]) -> str:
    a = results["as_of"]
    end = a["by_age"][-1]
    return (
        f"**As-of** at the end of the long pathway: p99 {end['p99_ms']} ms over "
        f"{end['events_folded']} events; the snapshots (`PATHWAYS_AS_OF_SNAPSHOT_EVERY`) bound "
        "the events folded after the nearest one."
    )
