"""A notification sender in a process of its own, wired as a deployment wires it.

    python -m tests.notifications.sender_process

Settings come from PATHWAYS_* variables (database URL, SMTP host and port, interval); the
directory is the tests' demo-like one. Runs `run_notifier` on the Postgres store until
SIGTERM or SIGINT. The crash test kills it with SIGKILL in the middle of a batch.
"""

from __future__ import annotations

import asyncio
import signal

from activities.notifications.sender import run_notifier
from infra.config import Settings
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.logging import configure_logging
from infra.mail import StaticDirectory
from tests.notifications.builders import DEMO_DIRECTORY


async def main() -> None:
    settings = Settings()
    configure_logging(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    pool = await open_pool(settings, min_size=1, max_size=2)
    try:
        await run_notifier(
            settings, PostgresEventStore(pool).notifications, StaticDirectory(DEMO_DIRECTORY), stop
        )
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
