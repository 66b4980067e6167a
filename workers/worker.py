"""The worker process: wires the stores into activities and runs the workflows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.group_activities.attendance import AttendanceActivities
from activities.pathways.bulk import BulkActivities
from activities.pathways.event_store import EventStoreActivities
from activities.payments.statement_import import StatementImportActivities
from client.pathway import AccountLookup, PathwayClient
from infra.config import WORKER_CACHED_WORKFLOWS
from infra.eventstore.base import EventStore
from infra.payments.book import PaymentsBook
from workflows.bulk import BulkOperationWorkflow
from workflows.group_activity import GroupActivityWorkflow
from workflows.pathway import PathwayWorkflow
from workflows.statement_import import StatementImportWorkflow


def build_worker(
    client: Client,
    store: EventStore,
    task_queue: str,
    cached_workflows: int = WORKER_CACHED_WORKFLOWS,
    *,
    sandboxed: bool = True,
    workflow_task_slots: int | None = None,
    payments: PaymentsBook | None = None,
    accounts: AccountLookup | None = None,
    more_workflows: Sequence[type] = (),
) -> Worker:
    """A worker for pathway workflows and their activities, on `task_queue`, keeping up to
    `cached_workflows` pathways in memory between their commands; in the SDK's sandbox
    unless `sandboxed` is false (`Settings.worker_sandbox`); `workflow_task_slots` workflow
    tasks at once on as many threads, or the SDK's default (`Settings.worker_workflow_task_slots`).

    With `payments` (the ledger's database), it also runs statement imports, whose steps
    tell the pathways through a client on the same task queue; with `accounts`, bulk
    operations (a caseload's reassignment, a policy's roll-out), whose steps check the people
    they name. Group activities (`GroupActivityWorkflow`) always run: their step only tells
    pathways, through a client on the same task queue. `more_workflows` run beside them on
    the same queue (the bench's bare timers, which must queue behind the pathways).
    """
    activities = EventStoreActivities(store)
    attendance = AttendanceActivities(PathwayClient(client, task_queue, store))
    workflows: list[type] = [PathwayWorkflow, GroupActivityWorkflow, *more_workflows]
    steps: list[Callable[..., Any]] = [
        activities.append_events,
        activities.read_events_after,
        attendance.record_attendance,
    ]
    if payments is not None:
        imports = StatementImportActivities(payments, PathwayClient(client, task_queue, store))
        workflows.append(StatementImportWorkflow)
        steps += [imports.settle_statement, imports.tell_pathways]
    if accounts is not None:
        bulk = BulkActivities(
            store,
            store.caseload,
            accounts,
            PathwayClient(client, task_queue, store),
            store.search_index,
        )
        workflows.append(BulkOperationWorkflow)
        steps += [bulk.select_rows, bulk.preview_rows, bulk.apply_rows]
    return Worker(
        client,
        task_queue=task_queue,
        workflows=workflows,
        activities=steps,
        activity_executor=ThreadPoolExecutor(max_workers=4),
        max_cached_workflows=cached_workflows,
        max_concurrent_workflow_tasks=workflow_task_slots,
        workflow_task_executor=(
            None if workflow_task_slots is None else ThreadPoolExecutor(workflow_task_slots)
        ),
        workflow_runner=SandboxedWorkflowRunner() if sandboxed else UnsandboxedWorkflowRunner(),
    )


async def run_until_stopped(worker: Worker, stop: asyncio.Event) -> None:
    """Run `worker` until `stop` is set, then shut it down gracefully."""
    async with worker:
        await stop.wait()
