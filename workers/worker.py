"""The worker process: wires the event store into activities and runs the pathway workflow."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.event_store import EventStoreActivities
from infra.eventstore.base import EventStore
from workflows.pathway import PathwayWorkflow


def build_worker(client: Client, store: EventStore, task_queue: str) -> Worker:
    """A worker for pathway workflows and their activities, on `task_queue`."""
    activities = EventStoreActivities(store)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[PathwayWorkflow],
        activities=[activities.append_events],
        activity_executor=ThreadPoolExecutor(max_workers=4),
    )


async def run_until_stopped(worker: Worker, stop: asyncio.Event) -> None:
    """Run `worker` until `stop` is set, then shut it down gracefully."""
    async with worker:
        await stop.wait()
