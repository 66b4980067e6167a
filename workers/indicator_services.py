"""The indicator projector as a service of a stack: it follows the event store."""

from __future__ import annotations

import structlog

from workers.services import BackgroundTask, Stack

log = structlog.get_logger(__name__)


class IndicatorProjection(BackgroundTask):
    """Keeps `indicator_facts` up to date, polling for new events about once a second."""

    name = "indicators"

    def __init__(self, poll_seconds: float = 1.0) -> None:
        super().__init__()
        self._poll_seconds = poll_seconds

    async def start(self, stack: Stack) -> None:
        from infra.db import open_pool
        from workers.composition import Stores

        assert stack.database_url is not None, "the database starts before the projector"
        pool = await open_pool(stack.database_url, 1, 2)
        work = Stores(stack.settings, pool).indicator_projector.run(self._stop, self._poll_seconds)
        self.launch(stack, pool, work, "the indicator projector")
