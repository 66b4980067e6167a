"""Escalation lateness: exactly N ladders due within one second, under open-loop load.

The plan (`bench.due_window`): N pathways are opened before the burst, each with a policy
of seconds whose baseline falls due inside one whole second [T, T + 1); openings recorded
in the wrong second are strays, their baseline recorded at once and another opened. Each
ladder then climbs from its own due instant: the reminder (−5 s), the supervisor's
escalation (0) and the coordinator's (+5 s), all N within the same second each time.

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
import statistics
import time
from collections import Counter, deque
from datetime import date, datetime, timedelta
from typing import Any

from psycopg_pool import AsyncConnectionPool

from bench import mix
from bench.bare_timer import BareTimer
from bench.due_window import in_window, span_seconds, wait_for_middle, window_start
from bench.figures import percentiles, ratio
from bench.open_loop import open_loop, poisson_schedule
from bench.stack import BenchStack
from bench.throughput import Fleet
from domain.policy import Deadlines, LadderStep, Policy, PolicyRevision, Span
from domain.stream import stream_id_for
from domain.values import Role

OFFSETS = (-5, 0, 5)
"""The ladder of `fast_policy`: seconds from the due instant."""

PREFIX = "late-"
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
    """The ladders of the plan, opened by concurrent openers until `ladders` are due in
    the window opening at `start`, or until `until` (monotonic) passes.

    The second an opening is recorded in is predicted from the delay the last openings
    took between their send and their recording (due instant − span), which grows with
    the machine's load and the openers' concurrency; each opening is sent when the
    predicted instant is in the middle of its second (`margin` from either end), so an
    error of the prediction up to `margin` keeps it in the window."""

    def __init__(
        self, stack: BenchStack, ladders: int, start: datetime, until: float, margin: float
    ) -> None:
        self.stack = stack
        self.start = start
        self.until = until
        self.margin = margin
        self.free = ladders
        """Slots not yet taken by an opening in flight or a ladder in the window."""
        self.dues: dict[str, datetime] = {}
        self.strays = 0
        self.errors: Counter[str] = Counter()
        self.delays: deque[float] = deque([0.0], maxlen=9)
        """Seconds from send to recording of the last openings."""
        self._numbers = iter(range(10**6))

    def expected_delay(self) -> timedelta:
        return timedelta(seconds=statistics.median(self.delays))

    async def opener(self, once: bool = False) -> None:
        while self.free > 0 and time.monotonic() < self.until:
            self.free -= 1
            ahead = self.expected_delay()
            await asyncio.sleep(wait_for_middle(datetime.now().astimezone() + ahead, self.margin))
            pathway_id = f"{PREFIX}{next(self._numbers):05d}"
            try:
                due = await self._open(pathway_id, ahead)
            except Exception as error:  # counted and reported; another opening replaces it
                self.errors[type(error).__name__] += 1
                self.free += 1
                continue
            if due is None:
                self.strays += 1
                self.free += 1
            else:
                self.dues[pathway_id] = due
            if once:
                return

    async def _open(self, pathway_id: str, ahead: timedelta) -> datetime | None:
        """The ladder's due instant, or None for a stray (its baseline then recorded)."""
        sent = datetime.now().astimezone()
        seconds = span_seconds(sent + ahead, self.start)
        await self.stack.pathways.open(mix.opening(pathway_id, fast_policy(seconds)))
        due = await baseline_due(self.stack.pool, pathway_id)
        recorded = due - timedelta(seconds=seconds)
        self.delays.append(max((recorded - sent).total_seconds(), 0.0))
        if not in_window(due, self.start):
            await self.stack.pathways.send(pathway_id, mix.preparation(pathway_id)[0])
            return None
        await self.stack.client.start_workflow(
            BareTimer.run,
            [due + timedelta(seconds=offset) for offset in OFFSETS],
            id=f"bare-timer-{pathway_id}",
            task_queue=self.stack.queue,
        )
        return due


async def measure(
    stack: BenchStack,
    fleet: Fleet,
    ladders: int,
    capacity: float,
    share: float,
    open_seconds: float,
    cap_seconds: float,
    concurrency: int = 16,
    margin: float = 0.25,
) -> dict[str, Any]:
    """Plan `ladders` ladders due within one second, opened in at most `open_seconds`; then
    load at `share` of `capacity` (bare updates/s) over the burst; wait at most
    `cap_seconds` after the last rung for every step to be recorded."""
    # The reminder (−5 s) must find every opening done and the load running.
    lead = open_seconds - OFFSETS[0] + LOAD_BEFORE_S + 1
    start = window_start(datetime.now().astimezone(), lead)
    first_rung = time.monotonic() + (start - datetime.now().astimezone()).total_seconds() - 5
    burst = Burst(stack, ladders, start, first_rung - LOAD_BEFORE_S - 1, margin)
    began = time.perf_counter()
    await burst.opener(once=True)  # the first delay, before openings queue behind each other
    await asyncio.gather(*(burst.opener() for _ in range(concurrency)))
    took = time.perf_counter() - began
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
        "strays": burst.strays,
        "open_seconds": round(took, 1),
        "opening_delay_s": round(burst.expected_delay().total_seconds(), 3),
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
