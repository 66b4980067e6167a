"""A worker process for the crash tests of the durable processes: `build_worker` as
`pathways up` runs it (pathways, statement imports and bulk operations, sealed payloads, the
Postgres stores).

`python -m tests.integration.process_worker DATABASE_URL TEMPORAL_ADDRESS NAMESPACE QUEUE
SECONDS` runs it until killed, each command its steps send to a pathway taking `SECONDS`
longer, so a test can kill it with some pathways told and others not. The master key
comes from PATHWAYS_MASTER_KEY, as in production. It prints `ready` once polling.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from domain.commands import CommandEnvelope
from infra.accounts.postgres import PostgresAccountStore
from infra.config import Settings
from infra.crypto.codec import encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey, master_key
from infra.crypto.sealing import FieldSealer
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.postgres import PaymentsStore
from tests.integration.conftest import REPO
from workers.composition import payments_book
from workers.worker import build_worker
from workflows.models import CommandResult

Started = TypeVar("Started")


async def kill_when(
    worker: asyncio.subprocess.Process, done: Callable[[], Awaitable[int]], at_least: int = 3
) -> None:
    """SIGKILL `worker` once `done()` counts `at_least` steps taken (or after 30 s), and
    wait for it: the process dies mid-way, as a machine that loses power."""
    for _ in range(600):
        if await done() >= at_least:
            break
        await asyncio.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    await worker.wait()


async def crash_mid_apply(
    database: str,
    env: WorkflowEnvironment,
    queue: str,
    master: MasterKey,
    *,
    start: Callable[[], Awaitable[Started]],
    done: Callable[[], Awaitable[int]],
    rows: int,
    slow: float,
) -> Started:
    """Run `start()` against this worker in a process of its own (each command slowed by
    `slow` seconds), and SIGKILL it once `done()` counts some of the `rows` changed but not
    all; `start()`'s answer (what a fresh worker then carries on).

    The skeleton of every crash test of a durable process: the caller then runs a fresh
    worker and checks that each row changed exactly once.
    """
    worker = await spawn_worker(database, env, queue, master, slow)
    try:
        started = await start()
        await kill_when(worker, done)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    assert worker.returncode == -signal.SIGKILL
    assert 3 <= await done() < rows, "the worker was not killed mid-way"
    return started


async def spawn_worker(
    database: str, env: WorkflowEnvironment, queue: str, master: MasterKey, slow: float
) -> asyncio.subprocess.Process:
    """This worker in a process of its own, once it polls `queue` (the test kills it)."""
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.process_worker",
        database,
        env.client.service_client.config.target_host,
        env.client.namespace,
        queue,
        str(slow),
        cwd=REPO,
        env={
            **os.environ,
            "PATHWAYS_LOG_LEVEL": "WARNING",
            "PATHWAYS_MASTER_KEY": base64.b64encode(master.key).decode(),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert worker.stdout is not None and worker.stderr is not None
    ready = await asyncio.wait_for(worker.stdout.readline(), 120)
    assert ready == b"ready\n", (ready, await worker.stderr.read())
    return worker


def slowed(seconds: float) -> None:
    """Each command the worker's `PathwayClient` sends takes `seconds` longer, once sent."""
    send = PathwayClient.send

    async def slow_send(
        self: PathwayClient, pathway_id: str, envelope: CommandEnvelope
    ) -> CommandResult:
        result = await send(self, pathway_id, envelope)
        await asyncio.sleep(seconds)
        return result

    PathwayClient.send = slow_send  # type: ignore[method-assign]


async def main(database_url: str, address: str, namespace: str, queue: str, delay: str) -> None:
    slowed(float(delay))
    pool = await open_pool(database_url, min_size=1, max_size=4)
    keyring = Keyring(pool, master_key(Settings()))
    sealer = FieldSealer(keyring)
    client = await Client.connect(
        address, namespace=namespace, data_converter=encrypting_converter(keyring)
    )
    worker = build_worker(
        client,
        PostgresEventStore(pool, sealer),
        queue,
        payments=payments_book(PaymentsStore(pool, sealer)),
        accounts=PostgresAccountStore(pool),
    )
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
