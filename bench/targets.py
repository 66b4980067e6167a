"""Issue 25's targets table, from a run's results: each figure, its value, its target, met.

The suite stores the table in `results.json` (`targets`), so the report and the generated
reading render the same rows and every number they cite is a value of the JSON. A figure
with an interval is met only when the interval is wholly on the target's side (its lower
bound for a floor, `bench.confidence`); a part that did not run gives a row saying so.
"""

from __future__ import annotations

from typing import Any

RSS_TARGET_MB = 1024
"""Worker RSS with the growth part's open pathways (each holding a timer), below."""

Row = dict[str, Any]


def table(results: dict[str, Any]) -> list[Row]:
    """Every target of issue 25 that `results` holds a figure for, in the issue's order."""
    rows: list[Row] = []
    for part in (
        _throughput,
        _open_loop,
        _sustained,
        _rss,
        _eviction,
        _opening_rate,
        _lateness,
        _dashboard,
        _as_of,
    ):
        rows += part(results)
    return rows


def row(figure: str, value: Any, target: str, met: bool | None) -> Row:
    return {"figure": figure, "value": value, "target": target, "met": met}


def _interval(v: dict[str, Any]) -> str:
    if v.get("interval") is None:
        return f"{v.get('median')} (no interval)"
    low, high = v["interval"]
    return f"{v['median']} ({round(100 * v['level'])} % interval {low}–{high})"


def _throughput(r: dict[str, Any]) -> list[Row]:
    runs = r.get("throughput", {}).get("runs", [])
    return [
        row(
            f"commands/s ÷ bare updates/s, {run['clients']} clients",
            _interval(run["throughput"]),
            f"≥ {run['throughput']['target']} (lower bound)",
            run["throughput"]["met"],
        )
        for run in runs
        if "throughput" in run
    ]


def _open_loop(r: dict[str, Any]) -> list[Row]:
    points = r.get("open_loop", {}).get("points", [])
    return [
        row(
            f"p99 ÷ bare p99, open loop at {p['share_of_capacity']} of capacity",
            p["ratio"]["p99"],
            f"≤ {p['p99_target']}",
            p["meets_p99_target"],
        )
        for p in points
    ]


def _sustained(r: dict[str, Any]) -> list[Row]:
    s = r.get("sustained")
    if s is None:
        return []
    (a, b), (c, d) = s["late_window"], s["early_window"]
    return [
        row(
            f"p99 of commands {a}–{b} ÷ p99 of commands {c}–{d}, {s['pathways']} pathways, "
            f"{s['continue_as_new']} continue-as-new",
            s["p99_ratio"],
            f"≤ {s['target']}",
            s["met"],
        )
    ]


def _rss(r: dict[str, Any]) -> list[Row]:
    growth = r.get("growth") or []
    if not growth:
        return []
    last = growth[-1]
    rss = last["worker_rss_mb"]
    return [
        row(
            f"worker RSS (MB) with {last['pathways']} open pathways",
            rss,
            f"< {RSS_TARGET_MB}",
            rss < RSS_TARGET_MB,
        )
    ]


def _eviction(r: dict[str, Any]) -> list[Row]:
    e = r.get("eviction")
    if e is None:
        return []
    rows = []
    for point in e["points"]:
        judged = point["events"] == e["target_events"]
        p99 = point["pathway"].get("p99")
        rows.append(
            row(
                f"p99 (ms) of a command to an evicted pathway of {point['events']} history events "
                f"(bare: {point['bare'].get('p99')})",
                p99,
                f"< {e['target_ms']}" if judged else "reported",
                (p99 is not None and p99 < e["target_ms"]) if judged else None,
            )
        )
    return rows


def _opening_rate(r: dict[str, Any]) -> list[Row]:
    o = r.get("opening_rate")
    if o is None:
        return []
    v = o["verdict"]
    return [
        row(
            "pathways opened/s ÷ bare workflows started/s",
            _interval(v),
            f"≥ {v['target']} (lower bound)",
            v["met"],
        )
    ]


def _lateness(r: dict[str, Any]) -> list[Row]:
    late = r.get("lateness")
    if not late or "to_commit_s" not in late:
        return []
    return [
        row(
            f"escalation lateness p99 (s), {late['ladders']} ladders due at once under load",
            late["to_commit_s"].get("p99"),
            f"< {late['p99_target_s']}",
            late["meets_p99_target"],
        )
    ]


def _dashboard(r: dict[str, Any]) -> list[Row]:
    ind = r.get("indicators") or {}
    page = ind.get("page")
    if page is None:
        return [row("indicator dashboard, warm p99 (ms)", ind.get("error", "not run"), "", False)]
    return [
        row(
            f"indicator dashboard at {ind['pathways']} pathways, warm p99 (ms)",
            page["warm_ms"].get("p99"),
            f"< {page['warm_p99_target_ms']}",
            page["meets_warm_p99_target"],
        )
    ]


def _as_of(r: dict[str, Any]) -> list[Row]:
    a = r.get("as_of")
    if not a:
        return []
    end = a["by_age"][-1]
    return [
        row(
            f"as-of at 100 % of a {a['events']}-event pathway, p99 (ms)",
            end["p99_ms"],
            f"< {a['p99_target_ms']}",
            a["meets_p99_target_at_end"],
        )
    ]


def markdown(rows: list[Row]) -> list[str]:
    """The table's lines, for the report and the reading alike."""
    lines = ["| figure | value | target | met |", "|---|---|---|---|"]
    lines += [
        f"| {r['figure']} | {r['value']} | {r['target']} | {_verdict(r['met'])} |" for r in rows
    ]
    return lines


def _verdict(met: bool | None) -> str:
    return "reported" if met is None else ("yes" if met else "no")
