"""A worker process for the statement import's crash test: `build_worker` as `pathways up`
runs it (pathways and imports, sealed payloads, the Postgres stores).

`python -m tests.payments.import_worker DATABASE_URL TEMPORAL_ADDRESS NAMESPACE QUEUE
SECONDS` runs it until killed, each outcome the import tells taking `SECONDS` longer, so
the test can kill it with some pathways told and others not. The master key comes from
PATHWAYS_MASTER_KEY, as in production. It prints `ready` once polling.
"""

from __future__ import annotations

import asyncio
import sys

from temporalio.client import Client

from domain.commands import CommandEnvelope
from infra.config import Settings
from infra.crypto.codec import encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.master import master_key
from infra.crypto.sealing import FieldSealer
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.postgres import PaymentsStore
from workers.worker import build_worker
from workflows.client import PathwayClient
from workflows.models import CommandResult


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
        payments=PaymentsStore(pool, sealer),
    )
    async with worker:
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
