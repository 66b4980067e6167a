"""Escalation lateness: exactly N ladders due within one second, under open-loop load.

The plan (`bench.due_window`): N pathways are opened before the burst with a policy of
seconds whose baseline is a day away; then each one's baseline is moved by an
`apply_policy` command to fall due inside one whole second [T, T + 1), the span counted
from the opening's recorded instant, so every ladder moved is due inside it. Each ladder
then climbs from its own due instant: the reminder (−5 s), the supervisor's escalation (0)
and the coordinator's (+5 s), all N within the same second each time.

From 3 s before the first rung until a few seconds after the last, the mix of commands
arrives at Poisson times at `share` (70 %) of the bare capacity (`bench.open_loop`) on the
fleet's pathways, on the same worker. The baseline is one `BareTimer` per ladder sleeping to
the same three instants, **on the pathways' own task queue** (the worker registers it
beside them), so its timers wait in the same queue behind the same load.

Lateness of a pathway's step is measured to the PostgreSQL commit of its event: the event
stores `recorded_at`, the workflow's decision time, so the bench's server runs with
`track_commit_timestamp` on (`bench.stack`) and reads `pg_xact_commit_timestamp(xmin)` of
the row. The decision's lateness is reported beside it; the bare timer's is its wake-up.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from psycopg_pool import AsyncConnectionPool

from bench import mix
from bench.bare_timer import BareTimer
from bench.due_window import in_window, span_into_window, window_start
from bench.figures import percentiles, ratio
from bench.open_loop import open_loop, poisson_schedule
from bench.stack import BenchStack
from bench.throughput import Fleet
from domain.policy import Deadlines, LadderStep, Policy, PolicyRevision, Span
from domain.stream import stream_id_for
from domain.values import Actor, Role

OFFSETS = (-5, 0, 5)
"""The ladder of `fast_policy`: seconds from the due instant."""

PREFIX = "late-"
FAR_SECONDS = 86_400
"""The baseline the ladders' pathways open with: a day, far past the burst."""
ADMIN = Actor(id="ada", role=Role.ADMIN)
"""Who moves the baselines: a policy is the admin's to apply."""
P99_TARGET_S = 2.0
LOAD_BEFORE_S = 3.0
"""Seconds of load before the first rung, so the burst meets a queue already busy."""
LOAD_AFTER_S = 5.0


def fast_policy(due_seconds: int) -> Policy:
    """A deadline policy whose baseline falls due `due_seconds` after opening, with a ladder
    of seconds: reminder 5 s before, the supervisor at the instant, the coordinator 5 s after."""
    ladder = tuple(
        LadderStep(step=step, offset=Span.parse(f"{offset}s"), notify=role, escalation=offset >= 0)
        for step, offset, role in zip(
            ("reminder", "supervisor", "coordinator"),
            OFFSETS,
            (Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR),
            strict=True,
        )
    )
    return Policy(
        policy_id="bench-seconds",
        revisions=(
            PolicyRevision(
                effective_from=date(2000, 1, 1),
                deadlines=Deadlines(baseline=Span.parse(f"{due_seconds}s")),
                ladder=ladder,
            ),
        ),
    )


async def baseline_due(pool: AsyncConnectionPool, pathway_id: str) -> datetime:
    """When the opened pathway's baseline falls due, as its ladder counts from it."""
    async with pool.connection() as conn:
        row = await (
            await conn.execute(
                "SELECT due_at FROM pathway_obligations"
                " WHERE pathway_id = %s AND obligation_id = 'baseline'",
                (pathway_id,),
            )
        ).fetchone()
    if row is None:
        raise LookupError(f"{pathway_id} owes no baseline")
    return row[0]


async def ladder_lateness(
    pool: AsyncConnectionPool, prefix: str = PREFIX
) -> list[tuple[float, float]]:
    """(to the decision, to the commit) in seconds, of every ladder step of `prefix…`.

    Raises:
        RuntimeError: the server does not track commit timestamps.
    """
    async with pool.connection() as conn:
        rows = await (
            await conn.execute(
                "SELECT extract(epoch FROM recorded_at - s), extract(epoch FROM committed - s)"
                " FROM (SELECT recorded_at, pg_xact_commit_timestamp(xmin) AS committed,"
                " (data->>'scheduled_at')::timestamptz AS s FROM events"
                " WHERE type IN ('DeadlineReminderSent', 'DeadlineEscalated')"
                " AND stream_id LIKE %s) AS steps",
                (stream_id_for(prefix) + "%",),
            )
        ).fetchall()
    if any(committed is None for _, committed in rows):
        raise RuntimeError("no commit timestamp: track_commit_timestamp is off")
    return [(float(decided), float(committed)) for decided, committed in rows]


class Burst:
    """The ladders of the plan (`bench.due_window`): `ladders` pathways opened with a
    baseline a day away, then each moved into the window by a policy command."""

    def __init__(self, stack: BenchStack, ladders: int) -> None:
        self.stack = stack
        self.ladders = ladders
        self.opened: dict[str, datetime] = {}
        """The instant each pathway's opening was recorded, as its baseline counts from it."""
        self.dues: dict[str, datetime] = {}
        """The due instant of each ladder moved into the window."""
        self.unmoved = 0
        """Pathways opened whose move was not sent before the load began."""
        self.misses = 0
        """Moves whose baseline fell outside the window (none, by the plan's arithmetic)."""
        self.errors: Counter[str] = Counter()
        self._numbers = iter(range(10**6))
        self._in_flight = 0

    async def open_all(self, concurrency: int, until: float) -> None:
        """Open pathways until `ladders` are open or `until` (monotonic) passes; a failed
        opening is counted and another opened in its place."""
        await asyncio.gather(*(self._opener(until) for _ in range(concurrency)))

    async def _opener(self, until: float) -> None:
        while len(self.opened) + self._in_flight < self.ladders and time.monotonic() < until:
            pathway_id = f"{PREFIX}{next(self._numbers):05d}"
            self._in_flight += 1
            try:
                opening = mix.opening(pathway_id, fast_policy(FAR_SECONDS))
                await self.stack.pathways.open(opening)
                due = await baseline_due(self.stack.pool, pathway_id)
            except Exception as error:  # counted and reported; another opening replaces it
                self.errors[type(error).__name__] += 1
                continue
            finally:
                self._in_flight -= 1
            self.opened[pathway_id] = due - timedelta(seconds=FAR_SECONDS)

    async def move_all(self, start: datetime, concurrency: int, until: float) -> None:
        """Move every opened pathway's baseline into the window opening at `start`, with
        its bare timer beside it; what is not sent by `until` (monotonic) stays unmoved."""
        waiting = list(self.opened.items())

        async def mover() -> None:
            while waiting and time.monotonic() < until:
                pathway_id, opened_at = waiting.pop()
                try:
                    await self._move(pathway_id, opened_at, start)
                except Exception as error:  # counted and reported: that ladder is lost
                    self.errors[type(error).__name__] += 1

        await asyncio.gather(*(mover() for _ in range(concurrency)))
        self.unmoved = len(waiting)

    async def _move(self, pathway_id: str, opened_at: datetime, start: datetime) -> None:
        policy = fast_policy(span_into_window(opened_at, start))
        document = {"type": "apply_policy", "policy": policy.model_dump(mode="json")}
        await self.stack.pathways.send(
            pathway_id, mix.envelope(f"move-{pathway_id}", document, ADMIN)
        )
        due = await baseline_due(self.stack.pool, pathway_id)
        if not in_window(due, start):
            self.misses += 1
            return
        await self.stack.client.start_workflow(
            BareTimer.run,
            [due + timedelta(seconds=offset) for offset in OFFSETS],
            id=f"bare-timer-{pathway_id}",
            task_queue=self.stack.queue,
        )
        self.dues[pathway_id] = due


async def measure(
    stack: BenchStack,
    fleet: Fleet,
    ladders: int,
    capacity: float,
    share: float,
    open_seconds: float,
    cap_seconds: float,
    concurrency: int = 16,
) -> dict[str, Any]:
    """Plan `ladders` ladders due within one second, opened in at most `open_seconds`; then
    load at `share` of `capacity` (bare updates/s) over the burst; wait at most
    `cap_seconds` after the last rung for every step to be recorded."""
    burst = Burst(stack, ladders)
    began = time.perf_counter()
    await burst.open_all(concurrency, time.monotonic() + open_seconds)
    took = time.perf_counter() - began
    # A move is one command, cheaper than an opening: half as long again as the openings
    # took leaves room to spare (at a load of 7, 300 moves took 71 s after 67 s of
    # openings). The reminder (−5 s) must find every move done and the load running.
    move_seconds = 1.5 * took + 5
    lead = move_seconds + LOAD_BEFORE_S - OFFSETS[0] + 1
    start = window_start(datetime.now().astimezone(), lead)
    first_rung = time.monotonic() + (start - datetime.now().astimezone()).total_seconds() - 5
    began = time.perf_counter()
    await burst.move_all(start, concurrency, first_rung - LOAD_BEFORE_S - 1)
    moved_in = time.perf_counter() - began
    planned = len(burst.dues)

    await asyncio.sleep(max(first_rung - LOAD_BEFORE_S - time.monotonic(), 0))
    rate = share * capacity
    load_seconds = LOAD_BEFORE_S + OFFSETS[-1] - OFFSETS[0] + 1 + LOAD_AFTER_S
    offsets = poisson_schedule(rate, max(math.ceil(rate * load_seconds), 2))
    load = asyncio.create_task(open_loop(fleet.send_pathway, offsets, len(fleet.pathway_ids)))
    last_rung = first_rung + OFFSETS[-1] - OFFSETS[0] + 1
    steps: list[tuple[float, float]] = []
    while time.monotonic() < last_rung + cap_seconds:
        steps = await ladder_lateness(stack.pool)
        if len(steps) >= len(OFFSETS) * planned and time.monotonic() > last_rung:
            break
        await asyncio.sleep(1)
    load_figures = await load
    answers = [
        late
        for pathway_id in burst.dues
        for late in await stack.client.get_workflow_handle(f"bare-timer-{pathway_id}").result()
    ]
    bare = [late for late in answers if late is not None]
    decided = percentiles([d for d, _ in steps])
    committed = percentiles([c for _, c in steps])
    bare_figures = percentiles(bare)
    dues = sorted(burst.dues.values())
    return {
        "ladders": planned,
        "ladders_asked": ladders,
        "window_start": start.isoformat(),
        "due_spread_s": round((dues[-1] - dues[0]).total_seconds(), 3) if dues else None,
        "opened": len(burst.opened),
        "open_seconds": round(took, 1),
        "move_seconds": round(moved_in, 1),
        "unmoved": burst.unmoved,
        "misses": burst.misses,
        "open_errors": dict(burst.errors),
        "load": {"share_of_capacity": share, "rate_per_second": round(rate, 2), **load_figures},
        "steps_expected": len(OFFSETS) * planned,
        "steps_recorded": len(steps),
        "to_commit_s": _rounded(committed),
        "to_decision_s": _rounded(decided),
        "bare_timer_lateness_s": _rounded(bare_figures),
        "bare_steps_past_at_start": len(answers) - len(bare),
        "ratio_median": ratio(committed.get("median"), bare_figures.get("median")),
        "ratio_p99": ratio(committed.get("p99"), bare_figures.get("p99")),
        "p99_target_s": P99_TARGET_S,
        "meets_p99_target": len(steps) == len(OFFSETS) * planned > 0
        and committed.get("p99", math.inf) < P99_TARGET_S,
    }


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in figures.items()}
