"""The payments side of the ledger in Postgres: bank accounts, batches, statements, report.

Only the rows: what may be exported, the SEPA file and a statement's matching are the
rules of `activities.payments.service`, which drives this store through the
`PaymentsLedger` protocol (`infra.payments.book`). Exports claim their rows with
`FOR UPDATE SKIP LOCKED` and record the batch in the same transaction as they mark the rows
exported: two exports running at once never put one row in two batches, and a row is in a
batch exactly when the batch is recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.errors import ForeignKeyViolation
from psycopg.rows import dict_row

from domain.payments.statements import StatementLine
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres_ledger import mark_exported, settle_entry
from infra.payments.book import BankAccount, Batch, LineResult, Settlement, StoredBatch
from infra.payments.ledger_columns import LEDGER_COLUMNS, opened_rows
from infra.payments.model import BatchHeader, LedgerRow, PaymentError

__all__ = ["BankAccount", "Batch", "LineResult", "PaymentsStore", "Settlement"]

ORGANISATION_NOT_FOUND = "organisation_not_found"

_BATCH_COLUMNS = (
    "batch_id, organisation_id, created_at, created_by, message_id, execution_date,"
    " debtor_name, debtor_iban, debtor_bic"
)


class PaymentsStore:
    """A `PaymentsLedger` on the migrated database of `pool`: rows in, rows out.

    It reads the ledger; the rows it moves (exported, paid, returned) are written by the
    ledger's one writer, `infra.eventstore.postgres_ledger`, in this store's transactions.
    """

    def __init__(self, pool: Pool, sealer: FieldSealer | None = None) -> None:
        self._pool = pool
        self._sealer = sealer
        """Opens the ledger's sealed payee columns (docs/privacy.md)."""

    async def put_account(self, account: BankAccount, now: datetime) -> None:
        """Record (or replace) the account an organisation pays from, as given.

        Raises:
            PaymentError: `organisation_not_found`.
        """
        try:
            async with self._pool.connection() as conn:
                await conn.execute(
                    "INSERT INTO organisation_accounts"
                    " (organisation_id, debtor_name, iban, bic, updated_at)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (organisation_id) DO UPDATE SET"
                    " debtor_name = EXCLUDED.debtor_name, iban = EXCLUDED.iban,"
                    " bic = EXCLUDED.bic, updated_at = EXCLUDED.updated_at",
                    (account.organisation_id, account.debtor_name, account.iban, account.bic, now),
                )
        except ForeignKeyViolation:
            raise PaymentError(
                ORGANISATION_NOT_FOUND, f"no organisation {account.organisation_id}", "organisation"
            ) from None

    @contextlib.asynccontextmanager
    async def claim_for_export(self, organisation_id: str) -> AsyncIterator[ExportClaim]:
        """The organisation's account and its approved rows in no batch, locked, in one
        transaction that commits when the block ends and rolls back when it raises.

        Raises:
            PaymentError: `organisation_not_found`.
        """
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute(
                "SELECT o.organisation_id, a.debtor_name, a.iban, a.bic FROM organisations o"
                " LEFT JOIN organisation_accounts a USING (organisation_id)"
                " WHERE o.organisation_id = %s",
                (organisation_id,),
            )
            found = await cur.fetchone()
            if found is None:
                raise PaymentError(
                    ORGANISATION_NOT_FOUND, f"no organisation {organisation_id}", "organisation"
                )
            _, debtor_name, iban, bic = found
            async with conn.cursor(row_factory=dict_row) as dcur:
                await dcur.execute(
                    f"SELECT {LEDGER_COLUMNS} FROM ledger"
                    " WHERE organisation_id = %s AND status = 'approved' AND batch_id IS NULL"
                    " ORDER BY entry_id FOR UPDATE SKIP LOCKED",
                    (organisation_id,),
                )
                rows = await opened_rows(self._sealer, await dcur.fetchall())
            account = (
                None
                if iban is None
                else BankAccount(
                    organisation_id=organisation_id, debtor_name=debtor_name, iban=iban, bic=bic
                )
            )
            yield ExportClaim(conn, account, rows)

    async def stored_batch(self, batch_id: str) -> StoredBatch | None:
        """A recorded batch's header, rows (by entry id) and the digest of its file."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"SELECT {_BATCH_COLUMNS}, file_sha256 FROM payment_batches WHERE batch_id = %s",
                (batch_id,),
            )
            found = await cur.fetchone()
            if found is None:
                return None
            digest = found.pop("file_sha256")
            header = BatchHeader.model_validate(found)
            await cur.execute(
                f"SELECT {LEDGER_COLUMNS} FROM ledger WHERE batch_id = %s ORDER BY entry_id",
                (batch_id,),
            )
            rows = tuple(await opened_rows(self._sealer, await cur.fetchall()))
        return StoredBatch(header=header, rows=rows, file_sha256=digest)

    @contextlib.asynccontextmanager
    async def settling(self, end_to_end_ids: Sequence[str]) -> AsyncIterator[Settling]:
        """The rows of `end_to_end_ids` locked for one statement, in one transaction.

        Every row first, in one order: an append recording an outcome locks one row, then
        its budget line, so it can never hold a row this import waits for while waiting for
        a line this import holds.
        """
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "SELECT entry_id FROM ledger WHERE end_to_end_id = ANY(%s)"
                " ORDER BY entry_id FOR UPDATE",
                (list(end_to_end_ids),),
            )
            yield Settling(conn, self._sealer)

    async def report_rows(
        self,
        start: date,
        end: date,
        *,
        include_approved: bool,
        organisation_id: str | None = None,
    ) -> list[tuple[LedgerRow, datetime | None]]:
        """Rows paid in [start, end] (and, if asked, approved then and not yet paid).

        With each row, when its batch was created. Ordered by line, date, entry. Every
        organisation's, or only `organisation_id`'s.
        """
        statuses = ["paid"] + (["approved", "exported"] if include_approved else [])
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            columns = ", ".join(f"l.{c.strip()}" for c in LEDGER_COLUMNS.split(","))
            await cur.execute(
                f"SELECT {columns}, b.created_at AS batch_created_at"
                " FROM ledger l LEFT JOIN payment_batches b USING (batch_id)"
                " WHERE l.status = ANY(%(statuses)s)"
                " AND (%(organisation)s::text IS NULL OR l.organisation_id = %(organisation)s)"
                " AND CASE WHEN l.status = 'paid'"
                " THEN l.paid_on ELSE (l.approved_at AT TIME ZONE 'UTC')::date END"
                " BETWEEN %(start)s AND %(end)s"
                " ORDER BY l.budget_line, coalesce(l.paid_on,"
                " (l.approved_at AT TIME ZONE 'UTC')::date), l.entry_id",
                {
                    "statuses": statuses,
                    "start": start,
                    "end": end,
                    "organisation": organisation_id,
                },
            )
            found = await cur.fetchall()
        rows = await opened_rows(
            self._sealer, [{k: v for k, v in r.items() if k != "batch_created_at"} for r in found]
        )
        return [(row, r["batch_created_at"]) for row, r in zip(rows, found, strict=True)]


class ExportClaim:
    """An `infra.payments.book.ExportClaim` in one transaction of `PaymentsStore`."""

    def __init__(
        self, conn: AsyncConnection[Any], account: BankAccount | None, rows: list[LedgerRow]
    ) -> None:
        self._conn = conn
        self.account = account
        self.rows = rows

    async def record(self, batch: Batch) -> None:
        """Record the batch and mark its rows exported, in the claim's transaction."""
        await self._conn.execute(
            f"INSERT INTO payment_batches ({_BATCH_COLUMNS}, control_sum, entry_count,"
            " file_sha256) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                *batch.header.model_dump().values(),
                batch.control_sum,
                len(batch.rows),
                batch.file_sha256,
            ),
        )
        await mark_exported(
            self._conn, batch.header.batch_id, [r.entry.entry_id for r in batch.rows]
        )


class Settling:
    """An `infra.payments.book.Settling` in one transaction of `PaymentsStore`."""

    def __init__(self, conn: AsyncConnection[Any], sealer: FieldSealer | None) -> None:
        self._conn = conn
        self._sealer = sealer

    async def row(self, end_to_end_id: str) -> tuple[LedgerRow | None, str | None]:
        """The row of the end-to-end id, locked, and the import that settled it, if any."""
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"SELECT {LEDGER_COLUMNS}, settled_by FROM ledger"
                " WHERE end_to_end_id = %s FOR UPDATE",
                (end_to_end_id,),
            )
            found = await cur.fetchone()
        if found is None:
            return None, None
        settled_by = found.pop("settled_by")
        return (await opened_rows(self._sealer, [found]))[0], settled_by

    async def settle(
        self, row: LedgerRow, line: StatementLine, now: datetime, settled_by: str | None
    ) -> None:
        """Book the line's outcome on the row, through the ledger's one writer."""
        await settle_entry(self._conn, row.entry, line, now, settled_by)
