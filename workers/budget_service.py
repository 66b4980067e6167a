"""The start-up step of `pathways up` that gives a fresh database the default budget lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from infra.config import Settings
    from workers.services import Stack

log = structlog.get_logger(__name__)

SETUP_ACTOR = "system:setup"


class DefaultBudget:
    """Applies `infra/budgets/default.toml` when the database has no budget line yet.

    A database with lines keeps them: what an administrator applied is never overwritten.
    """

    name = "default-budget"

    async def start(self, stack: Stack) -> None:
        assert stack.database_url is not None, "migrations run before the budget"
        await ensure_default_budget(stack.settings, stack.database_url)

    async def stop(self) -> None:
        pass


async def ensure_default_budget(settings: Settings, database_url: str) -> int:
    """Apply the shipped budget when the database has no budget line yet; lines applied.

    Used by `pathways up` and by `pathways demo` (whose payments need budget lines).
    """
    from infra.budgets.file import SHIPPED_NAME, load_budget
    from infra.db import open_pool
    from workers.composition import Stores

    pool = await open_pool(database_url, 1, 1)
    try:
        store = Stores(settings, pool).events
        if await store.budget.budget_lines():
            return 0
        changes = await store.budget.apply_budget(
            load_budget(None),
            changed_by=SETUP_ACTOR,
            changed_at=datetime.now(UTC),
            source=SHIPPED_NAME,
        )
    finally:
        await pool.close()
    log.info("budget.default_applied", lines=len(changes))
    return len(changes)
