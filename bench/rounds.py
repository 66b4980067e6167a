"""Throughput in interleaved rounds: bare updates and pathway commands, turn and turn about.

After one warm-up of each side, every round measures both sides for the same number of
seconds, the side that goes first alternating, so that the machine's drift (its other
tenants) falls on both. Each round gives a ratio, pathway commands/s over bare updates/s;
the verdict is the median of the rounds' ratios with its bootstrap interval
(`bench.confidence`), met only when the interval's lower bound meets the target.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from bench.confidence import verdict
from bench.figures import ratio
from bench.profiling import CpuMeter
from bench.throughput import Fleet, Send, closed_loop

THROUGHPUT_TARGET = 0.8
"""Pathway commands/s over bare updates/s, at least (issue 25)."""
P99_TARGET = 1.5
"""Pathway p99 over bare p99, at most; closed loop, so reported, not judged here."""


def cpu_per_command(run: dict[str, Any]) -> dict[str, float]:
    """Milliseconds of CPU per counted command, by part of the stack, over the same window."""
    commands = max(run["commands"], 1)
    return {part: round(1000 * s / commands, 2) for part, s in run.get("cpu_seconds", {}).items()}


def summarise(rounds: list[dict[str, Any]], target: float = THROUGHPUT_TARGET) -> dict[str, Any]:
    """The verdict over rounds of `{"bare": run, "pathway": run}`, and the medians of each
    side's rate, p99 and CPU per command (pure: the report is generated from it)."""
    per_second = [ratio(r["pathway"]["per_second"], r["bare"]["per_second"]) for r in rounds]
    p99 = [
        ratio(r["pathway"]["latency_ms"].get("p99"), r["bare"]["latency_ms"].get("p99"))
        for r in rounds
    ]

    def median(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return round(statistics.median(present), 2) if present else None

    sides: dict[str, Any] = {}
    for side in ("pathway", "bare"):
        runs = [r[side] for r in rounds]
        cpu = [cpu_per_command(run) for run in runs]
        parts = sorted({part for c in cpu for part in c})
        sides[side] = {
            "per_second": median([run["per_second"] for run in runs]),
            "p99_ms": median([run["latency_ms"].get("p99") for run in runs]),
            "cpu_ms_per_command": {p: median([c.get(p) for c in cpu]) for p in parts},
            "errors": sum(sum(run["errors"].values()) for run in runs),
        }
    return {
        "ratios": per_second,
        "throughput": verdict(per_second, target, "at_least"),
        "p99_ratio_median": median(p99),
        "medians": sides,
    }


async def interleaved(
    fleet: Fleet,
    clients: int,
    rounds: int,
    seconds: float,
    warmup: float,
    meter: Callable[[], CpuMeter | None] = lambda: None,
) -> dict[str, Any]:
    """`rounds` interleaved rounds of `seconds` per side at `clients` clients, after a
    `warmup` of each side, each window's CPU read by a fresh `meter()`."""
    pair: tuple[tuple[str, Send], ...] = (
        ("bare", fleet.send_bare),
        ("pathway", fleet.send_pathway),
    )
    for _, send in pair:
        await closed_loop(fleet, send, clients, warmup, 0)
    measured: list[dict[str, Any]] = []
    for index in range(rounds):
        order = pair if index % 2 == 0 else pair[::-1]
        measured.append(
            {
                name: await closed_loop(fleet, send, clients, seconds, 0, meter=meter())
                for name, send in order
            }
        )
    return {
        "clients": clients,
        "round_seconds": seconds,
        "warmup_seconds": warmup,
        "rounds": measured,
        **summarise(measured),
    }
