"""Escalation lateness: how late the ladder's steps are recorded, against bare timers.

    .venv/bin/python -m bench.escalation_lateness [--pathways 300] [--seconds 20]

Starts its own embedded PostgreSQL and Temporal dev server (loopback, free port, a temporary
directory), opens N pathways under a policy whose baseline falls due after a few seconds
(ladder: reminder 5 s before, supervisor at the due instant, coordinator 5 s after), waits
until every step is recorded, and reports recorded_at − scheduled_at. In the same run, N bare
workflows sleep to the same instants; their lateness is the baseline. Bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from temporalio.worker import Worker

from bench.bare_timer import BareTimer
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.policy import Deadlines, LadderStep, Policy, PolicyRevision, Span
from domain.values import Actor, Role
from infra.config import Settings
from infra.db import open_pool
from infra.embedded import EmbeddedPostgres, TemporalDevServer, free_port
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate
from infra.temporal import connect
from tests.scenarios import OPEN
from workers.worker import build_worker
from workflows.client import PathwayClient

CASEWORKER = Actor(id="anna", role=Role.CASEWORKER)


def fast_policy(due_seconds: int) -> Policy:
    ladder = (
        LadderStep(
            step="reminder", offset=Span.parse("-5s"), notify=Role.CASEWORKER, escalation=False
        ),
        LadderStep(
            step="supervisor", offset=Span.parse("0s"), notify=Role.SUPERVISOR, escalation=True
        ),
        LadderStep(
            step="coordinator", offset=Span.parse("5s"), notify=Role.COORDINATOR, escalation=True
        ),
    )
    deadlines = Deadlines(baseline=Span.parse(f"{due_seconds}s"))
    return Policy(
        policy_id="bench-seconds",
        revisions=(
            PolicyRevision(effective_from=date(2000, 1, 1), deadlines=deadlines, ladder=ladder),
        ),
    )


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "n": len(ordered),
        "min": ordered[0],
        "median": statistics.median(ordered),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": ordered[-1],
    }


async def run(pathways: int, due_seconds: int) -> dict[str, object]:
    root = Path(tempfile.mkdtemp(prefix="pwb", dir="/tmp"))
    postgres = EmbeddedPostgres(root / "pg")
    temporal = TemporalDevServer(root / "temporal.db", free_port(), None, "default")
    try:
        uri = await asyncio.to_thread(postgres.start)
        await migrate(uri)
        address = await temporal.start()
        settings = Settings(temporal_address=address, database_url=uri, data_dir=root)
        client = await connect(settings, address, keyring=None)  # measures lateness, not codecs
        pool = await open_pool(uri, 2, 10)
        store = PostgresEventStore(pool)
        queue = f"bench-{uuid.uuid4().hex[:6]}"
        policy = fast_policy(due_seconds)
        pathway_client = PathwayClient(client, queue, store)
        bare_ids: list[str] = []
        gate = asyncio.Semaphore(16)
        async with (
            build_worker(client, store, queue),
            Worker(client, task_queue=queue + "-bare", workflows=[BareTimer]),
        ):

            async def open_one(index: int) -> None:
                async with gate:
                    pid = f"bench-{index:05d}"
                    command = COMMAND_ADAPTER.validate_python(
                        {**OPEN, "pathway_id": pid, "policy": policy.model_dump(mode="json")}
                    )
                    await pathway_client.open(
                        CommandEnvelope(command_id=f"open-{pid}", actor=CASEWORKER, command=command)
                    )
                    opened = datetime.now().astimezone()
                    # The baseline: bare timers at the same three instants as this pathway's ladder.
                    for offset in (-5, 0, 5):
                        wid = f"bare-{index:05d}{offset:+d}"
                        fire_at = opened + timedelta(seconds=due_seconds + offset)
                        await client.start_workflow(
                            BareTimer.run, fire_at, id=wid, task_queue=queue + "-bare"
                        )
                        bare_ids.append(wid)

            started = time.monotonic()
            await asyncio.gather(*(open_one(i) for i in range(pathways)))
            open_seconds = time.monotonic() - started
            deadline = time.monotonic() + due_seconds + 120
            lateness: list[float] = []
            while time.monotonic() < deadline:
                lateness = await ladder_lateness(pool)
                if len(lateness) >= 3 * pathways:
                    break
                await asyncio.sleep(1)
            bare = [await client.get_workflow_handle(w).result() for w in bare_ids]
        await pool.close()
        return {
            "pathways": pathways,
            "open_seconds": round(open_seconds, 2),
            "ladder_steps_expected": 3 * pathways,
            "ladder_lateness_s": percentiles(lateness) if lateness else None,
            "bare_timer_lateness_s": percentiles(bare),
        }
    finally:
        await temporal.stop()
        await asyncio.to_thread(postgres.stop)
        shutil.rmtree(root, ignore_errors=True)


async def ladder_lateness(pool) -> list[float]:  # type: ignore[no-untyped-def]
    async with pool.connection() as conn:
        rows = await (
            await conn.execute(
                "SELECT extract(epoch FROM recorded_at - (data->>'scheduled_at')::timestamptz)"
                " FROM events WHERE type IN ('DeadlineReminderSent', 'DeadlineEscalated')"
            )
        ).fetchall()
    return [float(r[0]) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pathways", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=20, help="baseline due after opening")
    args = parser.parse_args()
    result = asyncio.run(run(args.pathways, args.seconds))
    ladder, bare = result["ladder_lateness_s"], result["bare_timer_lateness_s"]
    if isinstance(ladder, dict) and isinstance(bare, dict):
        result["ratio_median"] = (
            round(ladder["median"] / bare["median"], 2) if bare["median"] else None
        )
        result["ratio_p99"] = round(ladder["p99"] / bare["p99"], 2) if bare["p99"] else None
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
