"""A policy's roll-out survives `kill -9` of its worker and puts the policy in force once on
each running pathway.

On the dev server and PostgreSQL: the worker rolling the policy out (a process of its own,
`tests.integration.process_worker`, each command slowed, one row at a time) is killed with
SIGKILL once some pathways took the policy and others not; a fresh worker carries the
roll-out on. Every pathway then has exactly one `PolicyApplied`, and every row is applied
(those the killed worker applied found by their command id, not counted as in force before).
"""

from __future__ import annotations

import asyncio
import signal
import time

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.pathways.policy_rollout import apply_command_id
from client.bulk import BulkOperations
from client.pathway import PathwayClient
from domain.policy import DEFAULT_POLICY
from domain.values import Actor, Role
from tests.integration.process_worker import kill_when, spawn_worker
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from tests.workflows.journey import opening
from workers.worker import build_worker
from workflows.bulk_models import BulkStage, RollOutPolicy

__all__ = ["database", "operator", "postgres"]

pytestmark = pytest.mark.integration

PATHWAYS = 12
SLOW_SECONDS = 0.4
VISIBILITY_SECONDS = 10.0
POLICY = DEFAULT_POLICY.model_copy(update={"policy_id": "after-crash"})


async def applied(o: Operator) -> list[tuple[str, int, str]]:
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT stream_id, version, command_id FROM events WHERE type = 'PolicyApplied'"
            " ORDER BY stream_id"
        )
        return [(str(s), int(v), str(c)) for s, v, c in await cur.fetchall()]


async def applied_count(o: Operator) -> int:
    return len(await applied(o))


async def test_a_worker_killed_mid_roll_out_is_replaced_and_each_pathway_takes_it_once(
    operator: Operator, database: str, dev_server_env: WorkflowEnvironment
) -> None:
    o = operator
    worker = await spawn_worker(database, dev_server_env, o.queue, o.master, SLOW_SECONDS)
    ids = [f"pw-roll-{i:02d}" for i in range(PATHWAYS)]
    bulk = BulkOperations(o.client, o.queue)
    try:
        pathways = PathwayClient(o.client, o.queue, o.store)
        for pathway_id in ids:
            await pathways.open(opening(pathway_id))
        deadline = time.monotonic() + VISIBILITY_SECONDS
        while not set(ids) <= set(await pathways.running_pathways()):
            assert time.monotonic() < deadline, "the pathways are not listed as running"
            await asyncio.sleep(0.2)
        started = await bulk.roll_out(
            RollOutPolicy(policy=POLICY, concurrency=1), Actor(id="root", role=Role.ADMIN)
        )
        await kill_when(worker, lambda: applied_count(o))
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    assert worker.returncode == -signal.SIGKILL
    assert 3 <= len(await applied(o)) < PATHWAYS, "the worker was not killed mid-way"

    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        done = await bulk.wait(started.operation_id, 180)
    assert done is not None and done.stage == BulkStage.DONE, done
    assert [(r.pathway_id, r.outcome) for r in done.results] == [(p, "done") for p in ids]
    assert await applied(o) == [(f"pathway-{p}", 2, apply_command_id(POLICY, p, 1)) for p in ids]
