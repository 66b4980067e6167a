"""Closing a cohort survives `kill -9` of its worker and closes each pathway once.

On the dev server and PostgreSQL, as tests/integration/test_bulk_crash.py for a
reassignment: eight pathways are walked to their follow-up by a worker in this process;
the worker applying the cohort's dry run (a process of its own, each command slowed) is
killed with SIGKILL once some pathways are closed and others not; a fresh worker carries
the application on from its last recorded batch. Every pathway then has exactly one
`PathwayClosed`, and every row is done.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.testing import WorkflowEnvironment

from client.bulk import BulkOperations, Started
from client.pathway import PathwayClient
from domain.calendar import project_day
from domain.values import Actor, Role
from tests.integration.process_worker import crash_mid_apply
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from tests.workflows.journey import compressed_opening, envelope
from tests.workflows.test_bulk_close_cohort import followed_up
from workers.worker import build_worker
from workflows.bulk_models import BulkStage, CloseCohort

__all__ = ["database", "operator", "postgres"]

pytestmark = pytest.mark.integration

PATHWAYS = 8
SLOW_SECONDS = 0.4


async def closed(o: Operator) -> int:
    async with o.pool.connection() as conn:
        cur = await conn.execute("SELECT count(*) FROM events WHERE type = 'PathwayClosed'")
        (count,) = await cur.fetchone() or (0,)
    return int(count)


async def test_a_worker_killed_mid_closure_is_replaced_and_each_pathway_closes_once(
    operator: Operator, database: str, dev_server_env: WorkflowEnvironment
) -> None:
    o = operator
    ids = [f"pw-cohort-{i:02d}" for i in range(PATHWAYS)]
    today = project_day(datetime.now(UTC))
    pathways = PathwayClient(o.client, o.queue, o.store)
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        for pathway_id in ids:
            await pathways.open(compressed_opening(pathway_id))
            for command, actor in followed_up(today):
                await pathways.send(pathway_id, envelope(command, actor))
    assert await o.stages() == []  # stages() lists pw-cc-* only: this cohort is its own

    bulk = BulkOperations(o.client, o.queue)
    sara = Actor(id="sara", role=Role.SUPERVISOR)

    async def start() -> Started:
        dry_run_id = await bulk.dry_run(CloseCohort(organisation_id="org-lecce"), sara)
        planned = await bulk.wait(dry_run_id, 60)
        assert planned is not None and planned.pathway_ids == tuple(ids), planned
        assert {r.outcome for r in planned.results} == {"would_change"}, planned.results
        return await bulk.apply(dry_run_id, sara)

    started = await crash_mid_apply(
        database,
        dev_server_env,
        o.queue,
        o.master,
        start=start,
        done=lambda: closed(o),
        rows=PATHWAYS,
        slow=SLOW_SECONDS,
    )

    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        done = await bulk.wait(started.operation_id, 180)
    assert done is not None and done.stage == BulkStage.DONE, done
    assert [(r.pathway_id, r.outcome) for r in done.results] == [(p, "done") for p in ids]
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT stream_id, count(*) FROM events WHERE type = 'PathwayClosed'"
            " GROUP BY stream_id ORDER BY stream_id"
        )
        assert await cur.fetchall() == [(f"pathway-{p}", 1) for p in ids]
        cur = await conn.execute(
            "SELECT count(*) FROM pathway_summaries"
            " WHERE pathway_id LIKE 'pw-cohort-%' AND stage = 'closed'"
        )
        assert await cur.fetchone() == (PATHWAYS,)
