"""What the administration page reads of the money: an organisation's ledger and batches.

Read only, one organisation at a time (the page's scope); the budget lines themselves
are the project's and come from the event store (`BudgetBook.budget_lines`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from psycopg.rows import dict_row
from pydantic import BaseModel, ConfigDict

from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.payments.book import BankAccount, PaymentsBook
from infra.payments.ledger_columns import LEDGER_COLUMNS, opened_rows
from infra.payments.model import LedgerRow, LedgerStatus


class StatusTotal(BaseModel):
    """How many ledger rows of an organisation are in one status, and their sum in cents."""

    model_config = ConfigDict(frozen=True)

    status: LedgerStatus
    count: int
    cents: int


class BatchSummary(BaseModel):
    """A recorded batch as listed: what it pays, from which account, when."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    organisation_id: str
    created_at: datetime
    created_by: str
    message_id: str
    execution_date: date
    entry_count: int
    control_sum: int
    file_sha256: str


class PaymentsOverview:
    """The read side of the ledger and batches, on the migrated database of `pool`."""

    def __init__(self, pool: Pool, sealer: FieldSealer | None = None) -> None:
        self._pool = pool
        self._sealer = sealer

    async def totals(self, organisation_id: str) -> list[StatusTotal]:
        """Count and sum of the organisation's rows in each status, every status listed."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT status, count(*), coalesce(sum(amount), 0) FROM ledger"
                " WHERE organisation_id = %s GROUP BY status",
                (organisation_id,),
            )
            found = {status: (int(n), int(cents)) for status, n, cents in await cur.fetchall()}
        return [
            StatusTotal(status=s, count=found.get(s, (0, 0))[0], cents=found.get(s, (0, 0))[1])
            for s in LedgerStatus
        ]

    async def rows(
        self, organisation_id: str, status: LedgerStatus, limit: int = 200
    ) -> list[LedgerRow]:
        """The organisation's rows in `status`, latest approval first, at most `limit`."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"SELECT {LEDGER_COLUMNS} FROM ledger WHERE organisation_id = %s"
                " AND status = %s ORDER BY approved_at DESC, entry_id LIMIT %s",
                (organisation_id, status.value, limit),
            )
            return await opened_rows(self._sealer, await cur.fetchall())

    async def committed_by_line(self, organisation_id: str) -> dict[str, int]:
        """What the organisation's approved, exported and paid rows hold of each line."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT budget_line, sum(amount) FROM ledger WHERE organisation_id = %s"
                " AND status <> 'returned' GROUP BY budget_line",
                (organisation_id,),
            )
            return {line: int(cents) for line, cents in await cur.fetchall()}

    async def batches(self, organisation_id: str, limit: int = 100) -> list[BatchSummary]:
        """The organisation's batches, newest first, at most `limit`."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                "SELECT batch_id, organisation_id, created_at, created_by, message_id,"
                " execution_date, entry_count, control_sum, file_sha256 FROM payment_batches"
                " WHERE organisation_id = %s ORDER BY created_at DESC, batch_id DESC LIMIT %s",
                (organisation_id, limit),
            )
            return [BatchSummary.model_validate(r) for r in await cur.fetchall()]

    async def account(self, organisation_id: str) -> BankAccount | None:
        """The account the organisation pays from; None while none is set."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT debtor_name, iban, bic FROM organisation_accounts"
                " WHERE organisation_id = %s",
                (organisation_id,),
            )
            found = await cur.fetchone()
        if found is None:
            return None
        name, iban, bic = found
        return BankAccount(organisation_id=organisation_id, debtor_name=name, iban=iban, bic=bic)

    async def batch_organisation(self, batch_id: str) -> str | None:
        """Whose batch `batch_id` is; None when there is no such batch."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT organisation_id FROM payment_batches WHERE batch_id = %s", (batch_id,)
            )
            found = await cur.fetchone()
        return None if found is None else str(found[0])


@dataclass(frozen=True)
class PaymentsDesk:
    """What the web app is given of the payments: the store that writes, the read side.

    Built on a pool by the composition root (`workers.composition.payments_desk`).
    """

    store: PaymentsBook
    overview: PaymentsOverview
