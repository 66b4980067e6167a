"""Workflow tests: the time-skipping server, an in-memory store, a fresh task queue per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from infra.eventstore.memory import InMemoryEventStore
from workers.worker import build_worker
from workflows.client import PathwayClient


@dataclass
class Harness:
    env: WorkflowEnvironment
    store: InMemoryEventStore
    task_queue: str
    pathways: PathwayClient

    def worker(self) -> Worker:
        return build_worker(self.env.client, self.store, self.task_queue)


@pytest_asyncio.fixture(loop_scope="session")
async def harness(time_skipping_env: WorkflowEnvironment) -> AsyncIterator[Harness]:
    task_queue = f"tq-{uuid.uuid4().hex[:8]}"
    store = InMemoryEventStore()
    yield Harness(
        time_skipping_env,
        store,
        task_queue,
        PathwayClient(time_skipping_env.client, task_queue, store),
    )


@pytest_asyncio.fixture(loop_scope="session")
async def dev_harness(dev_server_env: WorkflowEnvironment) -> AsyncIterator[Harness]:
    """The same harness on the real dev server, for what the test server does not model.

    (Updates to a workflow whose worker was restarted stall on the time-skipping server:
    its clock does not advance while an update waits, so the dead sticky queue never times
    out. The real server handles it as production would.)
    """
    task_queue = f"tq-{uuid.uuid4().hex[:8]}"
    store = InMemoryEventStore()
    yield Harness(
        dev_server_env, store, task_queue, PathwayClient(dev_server_env.client, task_queue, store)
    )
