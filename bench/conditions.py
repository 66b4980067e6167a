"""What a run ran under: the commit, the load, the CPU stolen by the host; and the refusal
to start on a machine already busy.

A ratio measured while other work shares the two cores says as much about that work as
about the code, so the suite and the variant comparison refuse to start above a 1-minute
load of `LOAD_LIMIT` unless forced, and every run records the load before and after and the
share of CPU time the hypervisor gave to others (steal, from /proc/stat) over the run.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOAD_LIMIT = 1.5
REPO = Path(__file__).resolve().parents[1]


class MachineBusy(Exception):
    """The machine is too loaded to measure on; the message says what to do."""


def load_average() -> str:
    """The 1, 5 and 15-minute load averages, as /proc/loadavg gives them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def refuse_if_busy(load: str, force: bool, limit: float = LOAD_LIMIT) -> None:
    """Raise `MachineBusy` when the 1-minute load of `load` is above `limit`, unless `force`."""
    one_minute = float(load.split()[0])
    if one_minute > limit and not force:
        raise MachineBusy(
            f"the 1-minute load is {one_minute}, above {limit}: other work shares the CPUs and "
            "the figures would measure it. Wait for a quiet machine, or pass --force (the run "
            "records the load and the steal either way)"
        )


def wait_until_quiet(
    read: Callable[[], str] = load_average,
    limit: float = LOAD_LIMIT,
    at_most: float = 600.0,
    pause: float = 10.0,
) -> float:
    """Wait until the 1-minute load of `read()` is at most `limit`, `at_most` seconds at
    most (the load after the suite's own preparation, not other tenants'); the seconds
    waited."""
    started = time.monotonic()
    while float(read().split()[0]) > limit and time.monotonic() - started < at_most:
        time.sleep(pause)
    return round(time.monotonic() - started, 1)


def exit_if_busy(parser: argparse.ArgumentParser, load: str, force: bool) -> None:
    """`refuse_if_busy` for a command line: exit 3, `machine_busy` and the reason on stderr.

    The caller reads `load` (its own `load_average`, which its tests replace)."""
    try:
        refuse_if_busy(load, force)
    except MachineBusy as busy:
        parser.exit(3, f"{parser.prog}: machine_busy: {busy}\n")


def cpu_counters(stat: str) -> tuple[int, int]:
    """(steal, total) jiffies of all CPUs from the text of /proc/stat."""
    fields = next(line for line in stat.splitlines() if line.startswith("cpu ")).split()[1:]
    ticks = [int(f) for f in fields]
    # user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
    # already counted in user and nice.
    steal = ticks[7] if len(ticks) > 7 else 0
    return steal, sum(ticks[:8])


def steal_percent(before: str, after: str) -> float | None:
    """The share of CPU time stolen by the host between two readings of /proc/stat."""
    steal_before, total_before = cpu_counters(before)
    steal_after, total_after = cpu_counters(after)
    elapsed = total_after - total_before
    if elapsed <= 0:
        return None
    return round(100 * (steal_after - steal_before) / elapsed, 2)


def read_stat() -> str:
    return Path("/proc/stat").read_text()


def commit() -> dict[str, Any]:
    """The commit the code was run at, and whether the checkout had changes on top of it."""

    def git(*args: str) -> str:
        ran = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return ran.stdout.strip() if ran.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


class RunConditions:
    """Reads the conditions at the start of a run and completes them at its end."""

    def __init__(self) -> None:
        self._stat = read_stat()
        self.before = {"load": load_average(), **commit()}

    def finish(self) -> dict[str, Any]:
        return {
            **self.before,
            "load_after": load_average(),
            "steal_percent": steal_percent(self._stat, read_stat()),
            "load_limit": LOAD_LIMIT,
        }
