"""Workflow tests: the time-skipping server, an in-memory store, a fresh task queue per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from client.pathway import PathwayClient
from infra.eventstore.memory import InMemoryEventStore
from infra.search_attributes import register_search_attributes
from tests.conftest import venv_binary
from workers.worker import build_worker


@dataclass
class Harness:
    env: WorkflowEnvironment
    store: InMemoryEventStore
    task_queue: str
    pathways: PathwayClient

    def worker(self) -> Worker:
        return build_worker(self.env.client, self.store, self.task_queue)


@asynccontextmanager
async def time_skipping_harness() -> AsyncIterator[Harness]:
    """A time-skipping server of its own, an in-memory store and a fresh task queue."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        await register_search_attributes(env.client, env.client.namespace)
        task_queue = f"tq-{uuid.uuid4().hex[:8]}"
        store = InMemoryEventStore()
        yield Harness(env, store, task_queue, PathwayClient(env.client, task_queue, store))
    finally:
        await env.shutdown()


@pytest_asyncio.fixture(loop_scope="session")
async def harness() -> AsyncIterator[Harness]:
    """A time-skipping server of the test's own (it starts in a fraction of a second).

    Pathways keep timers for their deadlines; on a shared server, skipping time in one test
    would fire the timers of another test's pathways, whose worker is gone, and stall.
    """
    async with time_skipping_harness() as started:
        yield started


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
