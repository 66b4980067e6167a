"""The budget lines and the ledger in Postgres, as `pathways budget` and the pages use them.

Queries apart from the writer: the rows are written by the ledger's one writer,
`infra.eventstore.postgres_ledger`, whose functions `apply_budget` runs in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg.rows import dict_row

from infra.budgets.model import BudgetChange, BudgetLine, BudgetLineState
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.base import require_aware
from infra.eventstore.postgres_ledger import BUDGET_COLUMNS, set_budget_lines
from infra.payments.ledger_columns import LEDGER_COLUMNS, opened_rows
from infra.payments.model import LedgerRow


class PostgresBudgetBook:
    """A `BudgetBook` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool, sealer: FieldSealer | None = None) -> None:
        self._pool = pool
        self._sealer = sealer

    async def apply_budget(
        self, lines: Sequence[BudgetLine], *, changed_by: str, changed_at: datetime, source: str
    ) -> list[BudgetChange]:
        """See `BudgetBook.apply_budget`."""
        require_aware(changed_at, "changed_at")
        async with self._pool.connection() as conn, conn.transaction():
            return await set_budget_lines(
                conn, lines, changed_by=changed_by, changed_at=changed_at, source=source
            )

    async def budget_lines(self) -> list[BudgetLineState]:
        """See `BudgetBook.budget_lines`."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(f"SELECT {BUDGET_COLUMNS} FROM budget_lines ORDER BY line_id")
            return [BudgetLineState(**r) for r in await cur.fetchall()]

    async def ledger_rows(self) -> list[LedgerRow]:
        """See `BudgetBook.ledger_rows`."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(f"SELECT {LEDGER_COLUMNS} FROM ledger ORDER BY entry_id")
            return await opened_rows(self._sealer, await cur.fetchall())
