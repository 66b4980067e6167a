"""A caseload's reassignment survives `kill -9` of its worker and changes each pathway once.

On the dev server and PostgreSQL: the worker applying a dry run (a process of its own,
`tests.integration.process_worker`, each command slowed) is killed with SIGKILL once some
pathways are reassigned and others not; a fresh worker carries the application on from its
last recorded batch. Every pathway then has exactly one reassignment, and every row is done.
"""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment

from client.bulk import BulkOperations, Started
from client.pathway import PathwayClient
from domain.values import Actor, Role
from tests.integration.process_worker import crash_mid_apply
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from tests.workflows.journey import opening
from workers.worker import build_worker
from workflows.bulk_models import BulkStage, ReassignCaseload

__all__ = ["database", "operator", "postgres"]

pytestmark = pytest.mark.integration

PATHWAYS = 12
SLOW_SECONDS = 0.4


async def reassigned(o: Operator) -> int:
    async with o.pool.connection() as conn:
        cur = await conn.execute("SELECT count(*) FROM events WHERE type = 'CaseworkerReassigned'")
        (count,) = await cur.fetchone() or (0,)
    return int(count)


async def test_a_worker_killed_mid_application_is_replaced_and_each_row_changes_once(
    operator: Operator, database: str, dev_server_env: WorkflowEnvironment
) -> None:
    o = operator
    ids = [f"pw-bulk-{i:02d}" for i in range(PATHWAYS)]
    bulk = BulkOperations(o.client, o.queue)
    sara = Actor(id="sara", role=Role.SUPERVISOR)

    async def start() -> Started:
        pathways = PathwayClient(o.client, o.queue, o.store)
        for pathway_id in ids:
            await pathways.open(opening(pathway_id))
        operation = ReassignCaseload(
            organisation_id="org-lecce", from_caseworker_id="anna", to_caseworker_id="luca"
        )
        dry_run_id = await bulk.dry_run(operation, sara)
        planned = await bulk.wait(dry_run_id, 60)
        assert planned is not None and planned.pathway_ids == tuple(ids)
        return await bulk.apply(dry_run_id, sara)

    started = await crash_mid_apply(
        database,
        dev_server_env,
        o.queue,
        o.master,
        start=start,
        done=lambda: reassigned(o),
        rows=PATHWAYS,
        slow=SLOW_SECONDS,
    )

    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        done = await bulk.wait(started.operation_id, 180)
    assert done is not None and done.stage == BulkStage.DONE, done
    assert [(r.pathway_id, r.outcome) for r in done.results] == [(p, "done") for p in ids]
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT stream_id, count(*) FROM events WHERE type = 'CaseworkerReassigned'"
            " GROUP BY stream_id ORDER BY stream_id"
        )
        assert await cur.fetchall() == [(f"pathway-{p}", 1) for p in ids]
    assert await o.caseworkers() == [(p, "luca") for p in ids]
