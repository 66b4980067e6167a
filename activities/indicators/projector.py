"""The indicator projector: follows the event store into `indicator_facts` until stopped.

The projection itself, one batch in one transaction from a tracked position, is the adapter
`infra.indicators.postgres_projection.PostgresIndicatorProjection`; this loop decides when
to ask for the next batch: at once while batches come full, else after a poll, and again
after the database went away, since a failed batch rolled back and changed nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

import psycopg
import structlog

log = structlog.get_logger(__name__)

POLL_SECONDS = 1.0


class Projection(Protocol):
    """A projection that applies the events after its stored position, a batch at a time."""

    async def run_once(self) -> int:
        """Project the next batch; return how many events it had (0: caught up)."""
        ...


class IndicatorProjector:
    """Keeps a projection up to date with the event store, polling when caught up."""

    def __init__(self, projection: Projection) -> None:
        self._projection = projection

    async def run(self, stop: asyncio.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Follow the event store until `stop` is set, polling when caught up."""
        while not stop.is_set():
            try:
                if await self._projection.run_once():
                    continue
            except psycopg.OperationalError as error:
                # The database restarting is no reason to stop: the batch rolled back.
                log.warning("indicators.projector_waiting", reason=str(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)
