"""The benchmark's worker process: the pathway worker as `pathways worker` runs it, plus the
baselines' workflows on a task queue of their own, in one process.

    python -m bench.worker --temporal ADDR --database URL --queue Q --ready FILE

Writes FILE once both workers poll; runs until SIGTERM. Logs go to stderr as JSON at INFO,
as in production (the stack's parent sends them to a file).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from temporalio.worker import Worker

from bench.bare_timer import BareTimer
from bench.bare_update import BareUpdate
from infra.config import Settings
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.logging import configure_logging
from infra.temporal import connect
from workers.worker import build_worker


def bare_queue(queue: str) -> str:
    """The task queue of the baselines' workflows beside the pathway queue `queue`."""
    return f"{queue}-bare"


async def serve(address: str, database: str, queue: str, ready: Path) -> None:
    settings = Settings(
        temporal_address=address, database_url=database, log_format="json", log_level="INFO"
    )
    configure_logging(settings)
    client = await connect(settings, address)
    pool = await open_pool(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    bare = Worker(client, task_queue=bare_queue(queue), workflows=[BareUpdate, BareTimer])
    try:
        async with build_worker(client, PostgresEventStore(pool), queue), bare:
            ready.write_text("ready\n")
            await stop.wait()
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temporal", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--queue", required=True)
    parser.add_argument("--ready", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.temporal, args.database, args.queue, args.ready))


if __name__ == "__main__":
    main()
