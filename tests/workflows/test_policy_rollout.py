"""A policy rolled out to the running pathways as a bulk operation: each pathway takes it once,
asking twice while it runs is one roll-out, and rolling it out again changes nothing.

On the dev server with the in-memory store (the rows are the pathways its visibility store
lists as running on the test's task queue).
"""

from __future__ import annotations

import asyncio
import time

from activities.pathways.policy_rollout import apply_command_id
from client.bulk import BulkOperations
from domain.policy import DEFAULT_POLICY
from domain.values import Actor, Role
from tests.scenarios import CASEWORKER
from tests.workflows.conftest import Harness
from tests.workflows.journey import opening
from tests.workflows.test_bulk_reassign import Accounts
from workers.worker import build_worker
from workflows.bulk_models import (
    BulkOperation,
    BulkStage,
    RollOutPolicy,
    policy_digest,
    roll_out_id_for,
)

ROOT = Actor(id="root", role=Role.ADMIN)
POLICY = DEFAULT_POLICY.model_copy(update={"policy_id": "rolled-out"})
VISIBILITY_SECONDS = 10.0


async def listed(h: Harness, pathway_ids: list[str]) -> None:
    """Wait until the visibility store lists the pathways as running (it lags a little)."""
    deadline = time.monotonic() + VISIBILITY_SECONDS
    while not set(pathway_ids) <= set(await h.pathways.running_pathways()):
        assert time.monotonic() < deadline, f"{pathway_ids} not listed as running"
        await asyncio.sleep(0.2)


async def finished(bulk: BulkOperations, operation_id: str) -> BulkOperation:
    done = await bulk.wait(operation_id, 60)
    assert done is not None and done.stage == BulkStage.DONE, done
    return done


async def policy_commands(h: Harness, pathway_id: str) -> list[str | None]:
    records = await h.store.read_stream(f"pathway-{pathway_id}")
    return [r.command_id for r in records if r.type == "PolicyApplied"]


async def test_a_roll_out_applies_the_policy_to_each_running_pathway_once(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    running = [f"roll-{h.task_queue}-{i}" for i in range(3)]
    bulk = BulkOperations(h.env.client, h.task_queue)
    async with build_worker(h.env.client, h.store, h.task_queue, accounts=Accounts()):
        for pathway_id in running:
            await h.pathways.open(opening(pathway_id))
        await listed(h, running)

        # Asked twice at once (two admins, a command run again): one roll-out.
        first, second = await asyncio.gather(
            bulk.roll_out(RollOutPolicy(policy=POLICY), ROOT),
            bulk.roll_out(RollOutPolicy(policy=POLICY, concurrency=2), ROOT),
        )
        assert first == second
        assert first.operation_id == roll_out_id_for(policy_digest(POLICY))
        done = await finished(bulk, first.operation_id)
        assert not done.dry_run and done.pathway_ids == tuple(sorted(running))
        assert {(r.pathway_id, r.outcome) for r in done.results} == {(p, "done") for p in running}
        for pathway_id in running:
            assert await policy_commands(h, pathway_id) == [apply_command_id(POLICY, pathway_id, 1)]
            assert (await h.pathways.state(pathway_id)).policy == POLICY

        # Rolled out again once finished: a new run of the same id, every row unchanged.
        again = await bulk.roll_out(RollOutPolicy(policy=POLICY), ROOT)
        assert again.operation_id == first.operation_id and again.run_id != first.run_id
        unchanged = await finished(bulk, again.operation_id)
        assert [r.outcome for r in unchanged.results] == ["unchanged"] * 3
        for pathway_id in running:
            assert len(await policy_commands(h, pathway_id)) == 1


async def test_a_pathway_refusing_the_policy_is_a_row_with_its_code(dev_harness: Harness) -> None:
    h = dev_harness
    pathway_id = f"roll-{h.task_queue}-refused"
    bulk = BulkOperations(h.env.client, h.task_queue)
    async with build_worker(h.env.client, h.store, h.task_queue, accounts=Accounts()):
        await h.pathways.open(opening(pathway_id))
        await listed(h, [pathway_id])
        started = await bulk.roll_out(RollOutPolicy(policy=POLICY), CASEWORKER)
        done = await finished(bulk, started.operation_id)
    [row] = done.results
    assert (row.pathway_id, row.outcome) == (pathway_id, "refused")
    assert row.code == "role_forbidden" and row.message
    assert await policy_commands(h, pathway_id) == []
