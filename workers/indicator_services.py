"""The indicator projector as a service of a stack: it follows the event store."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import structlog

from workers.services import Stack

if TYPE_CHECKING:
    from infra.db import Pool

log = structlog.get_logger(__name__)


class IndicatorProjection:
    """Keeps `indicator_facts` up to date, polling for new events about once a second."""

    name = "indicators"

    def __init__(self, poll_seconds: float = 1.0) -> None:
        self._poll_seconds = poll_seconds
        self._pool: Pool | None = None
        self._stop = asyncio.Event()
        self._run: asyncio.Task[None] | None = None

    async def start(self, stack: Stack) -> None:
        from infra.db import open_pool
        from infra.indicators.projector import IndicatorProjector

        assert stack.database_url is not None, "the database starts before the projector"
        self._pool = await open_pool(stack.database_url, 1, 2)
        projector = IndicatorProjector(self._pool)
        self._run = asyncio.create_task(
            projector.run(self._stop, self._poll_seconds), name="indicator-projector"
        )
        self._run.add_done_callback(lambda task: _on_exit(task, stack))

    async def stop(self) -> None:
        self._stop.set()
        if self._run is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._run
        if self._pool is not None:
            await self._pool.close()


def _on_exit(task: asyncio.Task[None], stack: Stack) -> None:
    if stack.stopping:
        return
    error = None if task.cancelled() else task.exception()
    stack.fail(f"the indicator projector stopped unexpectedly: {error or 'cancelled'}")
