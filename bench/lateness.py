"""Escalation lateness under command load: many ladders due at the same instants.

Pathways are opened for a bounded time (`open_seconds`), as many as the stack opens in it
(at most `most`), each with a policy of seconds whose baseline falls due at one common
instant T, `lead_seconds` after the opening ends: the reminder (T − 5 s), the supervisor's
escalation (T) and the coordinator's (T + 5 s) then fall due for all of them at once.
Meanwhile clients keep sending the command mix to other pathways. The figure is
recorded_at − scheduled_at of every ladder step; the baseline, in the same run, is one bare
workflow per pathway (`BareTimer`) sleeping to the three instants of its ladder in turn.
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
from bench.figures import percentiles, ratio
from bench.stack import BenchStack
from bench.throughput import Fleet, closed_loop
from domain.policy import Deadlines, LadderStep, Policy, PolicyRevision, Span
from domain.stream import stream_id_for
from domain.values import Role

OFFSETS = (-5, 0, 5)
"""The ladder of `fast_policy`: seconds from the due instant."""

PREFIX = "late-"


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
    """When the opened pathway's baseline falls due, as its ladder counts from it: the
    opening's own instant plus whole seconds, so a little after the common instant. The
    bare timer of the pathway sleeps to the same instants, not to the common ones."""
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


async def ladder_lateness(pool: AsyncConnectionPool, prefix: str = PREFIX) -> list[float]:
    """recorded_at − scheduled_at, in seconds, of every ladder step of pathways `prefix…`."""
    async with pool.connection() as conn:
        rows = await (
            await conn.execute(
                "SELECT extract(epoch FROM recorded_at - (data->>'scheduled_at')::timestamptz)"
                " FROM events WHERE type IN ('DeadlineReminderSent', 'DeadlineEscalated')"
                " AND stream_id LIKE %s",
                (stream_id_for(prefix) + "%",),
            )
        ).fetchall()
    return [float(r[0]) for r in rows]


async def measure(
    stack: BenchStack,
    fleet: Fleet,
    most: int,
    clients: int,
    open_seconds: float,
    lead_seconds: float = 10,
    cap_seconds: float = 60,
    concurrency: int = 48,
) -> dict[str, Any]:
    """Open up to `most` ladders in `open_seconds`, due together, under load from `clients`;
    wait at most `cap_seconds` after the last rung for every step to be recorded."""
    open_until = time.monotonic() + open_seconds
    due_at = datetime.now().astimezone() + timedelta(seconds=open_seconds + lead_seconds)
    instants = [due_at + timedelta(seconds=offset) for offset in OFFSETS]
    indexes = iter(range(most))
    opened: list[int] = []
    errors: Counter[str] = Counter()

    async def opener() -> None:
        for index in indexes:
            if time.monotonic() >= open_until:
                return
            seconds = math.ceil((due_at - datetime.now().astimezone()).total_seconds())
            pathway_id = f"{PREFIX}{index:05d}"
            try:
                await stack.pathways.open(mix.opening(pathway_id, fast_policy(seconds)))
                due = await baseline_due(stack.pool, pathway_id)
                await stack.client.start_workflow(
                    BareTimer.run,
                    [due + timedelta(seconds=offset) for offset in OFFSETS],
                    id=f"bare-timer-{index}",
                    task_queue=stack.bare_queue,
                )
            except Exception as error:  # counted and reported; that ladder is left out
                errors[type(error).__name__] += 1
                continue
            opened.append(index)

    stop_load = asyncio.Event()
    load = asyncio.create_task(
        closed_loop(fleet, fleet.send_pathway, clients, 3600, warmup=0, stop=stop_load)
    )
    started = time.perf_counter()
    await asyncio.gather(*(opener() for _ in range(concurrency)))
    took = time.perf_counter() - started
    expected = len(OFFSETS) * len(opened)
    last_rung = time.monotonic() + (instants[-1] - datetime.now().astimezone()).total_seconds()
    lateness: list[float] = []
    while time.monotonic() < last_rung + cap_seconds:
        lateness = await ladder_lateness(stack.pool)
        if len(lateness) >= expected:
            break
        await asyncio.sleep(1)
    stop_load.set()
    load_figures = await load
    answers = [
        late
        for index in opened
        for late in await stack.client.get_workflow_handle(f"bare-timer-{index}").result()
    ]
    bare = [late for late in answers if late is not None]
    ladder_figures = percentiles(lateness)
    bare_figures = percentiles(bare)
    return {
        "pathways": len(opened),
        "load": load_figures,
        "open_seconds": round(took, 1),
        "open_errors": dict(errors),
        "lead_seconds": lead_seconds,
        "steps_expected": expected,
        "steps_recorded": len(lateness),
        "ladder_lateness_s": _rounded(ladder_figures),
        "bare_timer_lateness_s": _rounded(bare_figures),
        "bare_steps_past_at_start": len(answers) - len(bare),
        "ratio_median": ratio(ladder_figures.get("median"), bare_figures.get("median")),
        "ratio_p99": ratio(ladder_figures.get("p99"), bare_figures.get("p99")),
    }


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in figures.items()}
