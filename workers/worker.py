"""The worker process: wires the event store into activities and runs the pathway workflow."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.event_store import EventStoreActivities
from infra.config import WORKER_CACHED_WORKFLOWS
from infra.eventstore.base import EventStore
from workflows.pathway import PathwayWorkflow


def build_worker(
    client: Client,
    store: EventStore,
    task_queue: str,
    cached_workflows: int = WORKER_CACHED_WORKFLOWS,
    *,
    sandboxed: bool = True,
) -> Worker:
    """A worker for pathway workflows and their activities, on `task_queue`, keeping up to
    `cached_workflows` pathways in memory between their commands; in the SDK's sandbox
    unless `sandboxed` is false (`Settings.worker_sandbox`)."""
    activities = EventStoreActivities(store)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[PathwayWorkflow],
        activities=[activities.append_events, activities.read_events_after],
        activity_executor=ThreadPoolExecutor(max_workers=4),
        max_cached_workflows=cached_workflows,
        workflow_runner=SandboxedWorkflowRunner() if sandboxed else UnsandboxedWorkflowRunner(),
    )


async def run_until_stopped(worker: Worker, stop: asyncio.Event) -> None:
    """Run `worker` until `stop` is set, then shut it down gracefully."""
    async with worker:
        await stop.wait()
