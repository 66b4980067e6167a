"""The suite's sizes: a full run's (`FULL`, `make bench`) and a smoke run's (`SMOKE`).

`python -m bench` (`bench.__main__`) takes one of them, with its command line's overrides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    clients: tuple[int, ...]
    rounds: int
    """Interleaved bare/pathway rounds of throughput at each number of clients."""
    run_seconds: float
    """Seconds of each side of a round."""
    warmup: float
    open_loop_commands: int
    """Commands at each point of the open-loop latency, on each side."""
    open_loop_shares: tuple[float, ...]
    """The points, as shares of the bare updates/s measured at 50 clients."""
    profile_seconds: float
    late_ladders: int
    """Ladders due within one second (`bench.lateness`)."""
    late_open: float
    """Seconds at most to open them in, before the burst."""
    late_share: float
    """The load over the burst, as a share of the bare updates/s measured at 50 clients."""
    late_cap: float
    long_events: int
    read_runs: int
    rate_clients: int
    """Concurrent openings, and bare starts, in the opening rate's rounds (`bench.opening_rate`)."""
    rate_rounds: int
    rate_seconds: float
    """Seconds of each side of a round; a warm-up of half that per side first."""
    drive_pathways: int
    """Pathways driven at once to `drive_commands` commands each (`bench.sustained`)."""
    drive_commands: int
    drive_early: tuple[int, int]
    drive_late: tuple[int, int]
    """The commands, by index in their pathway, whose p99s are compared: `[from, to)`."""
    drive_cap: float
    """Seconds at most of the drive; the commands sent by then are reported."""
    evict_events: tuple[int, ...]
    """History events of the runs a command to an evicted workflow replays (`bench.eviction`)."""
    evict_pathways: int
    """Pathways, and bare workflows, at each length."""
    evict_rounds: int
    """Restarts of the worker, each followed by one timed command to every workflow."""
    evict_cap: float
    """Seconds at most of driving the runs to their lengths; the growth part reserves it
    and a minute a round (`bench.__main__.eviction_seconds`)."""
    growth: tuple[int, ...]
    growth_seconds: float
    open_cap: float
    canaries: int
    restart_cap: float
    """Seconds after a full restart for every canary step to be recorded."""
    sweep_seconds: float
    """Seconds, after that, of replaying pathways into the worker's empty cache."""
    indicator_pathways: int
    indicator_runs: int
    """Timed runs of each dashboard query (their median)."""
    indicator_page_runs: int
    """Cold and warm runs of the dashboard page each."""
    indicator_generate: bool
    """Generate a missing dump inside the cap (a smoke's is small); a full run's is made
    beforehand (bench/README.md) and its absence reported."""
    indicator_cap: float
    budget: float
    """Seconds for the whole suite: opening pathways for growth stops in time for the rest."""


FULL = Sizes(
    clients=(50, 200),
    rounds=5,
    run_seconds=30,
    warmup=10,
    open_loop_commands=2000,
    open_loop_shares=(0.5, 0.8),
    profile_seconds=10,
    late_ladders=1000,
    late_open=150,
    late_share=0.7,
    late_cap=60,
    long_events=1000,
    read_runs=100,
    rate_clients=48,  # as the growth part opens
    rate_rounds=5,
    rate_seconds=10,
    drive_pathways=20,
    drive_commands=1500,
    drive_early=(5, 25),
    drive_late=(990, 1010),
    drive_cap=900,
    evict_events=(100, 1000, 4000),
    evict_pathways=2,
    evict_rounds=3,
    evict_cap=240,
    growth=(1000, 10_000),
    growth_seconds=6,
    open_cap=1000,
    canaries=100,
    restart_cap=45,
    sweep_seconds=20,
    indicator_pathways=100_000,
    indicator_runs=5,
    indicator_page_runs=20,
    indicator_generate=False,
    indicator_cap=300,
    budget=5200,
)
# Every part and every branch of the suite at the least that still exercises it (one client,
# one growth point, one canary, one cold and one warm page, a load of a tenth of capacity
# over the ladders): `tests/bench/test_smoke.py` runs it in `make test`, where its CPU is
# the suite's (docs/testing.md); a second count or point ran the same code again, and each
# client more kept the stack busier for the same windows.
SMOKE = Sizes(
    clients=(1,),
    rounds=2,
    run_seconds=1,
    warmup=0.25,
    open_loop_commands=10,
    open_loop_shares=(0.5, 0.8),
    profile_seconds=0.5,
    late_ladders=3,
    late_open=10,
    late_share=0.1,
    late_cap=30,
    long_events=40,
    read_runs=2,
    rate_clients=2,
    rate_rounds=2,
    rate_seconds=1,  # an opening takes about a second on a loaded machine
    drive_pathways=2,
    drive_commands=30,
    drive_early=(5, 10),
    drive_late=(25, 30),
    drive_cap=60,
    evict_events=(20,),
    evict_pathways=1,
    evict_rounds=1,
    evict_cap=60,
    growth=(12,),
    growth_seconds=1,
    open_cap=30,
    canaries=1,
    restart_cap=60,
    sweep_seconds=20,
    indicator_pathways=50,
    indicator_runs=1,
    indicator_page_runs=1,
    indicator_generate=True,
    indicator_cap=150,  # its own PostgreSQL, 50 pathways, dump, restore: past 60 s at a load of 15
    budget=240,
)
