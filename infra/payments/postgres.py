"""The payments side of the ledger in Postgres: bank accounts, batches, statements, report.

Exports claim their rows with `FOR UPDATE SKIP LOCKED` and record the batch in the same
transaction as they mark the rows exported: two exports running at once never put one
row in two batches, and a row is in a batch exactly when the batch is recorded.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from psycopg.errors import ForeignKeyViolation
from psycopg.rows import dict_row

from domain.calendar import project_day
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres_ledger import mark_exported, settle_entry
from infra.payments.book import BankAccount, Batch, LineResult, Settlement
from infra.payments.checks import checked_bic, checked_iban, checked_name
from infra.payments.ledger_columns import LEDGER_COLUMNS, opened_rows
from infra.payments.model import LedgerRow, LedgerStatus, PaymentError
from infra.payments.overview import PaymentsDesk, PaymentsOverview
from infra.payments.sepa import BatchHeader, build_transfer
from infra.payments.statements import BankOutcome, StatementLine, check_booked_by

__all__ = ["BankAccount", "Batch", "LineResult", "PaymentsStore", "Settlement", "payments_desk"]

NO_BANK_ACCOUNT = "no_bank_account"
NOTHING_TO_EXPORT = "nothing_to_export"
BATCH_NOT_FOUND = "batch_not_found"
ORGANISATION_NOT_FOUND = "organisation_not_found"

_BATCH_COLUMNS = (
    "batch_id, organisation_id, created_at, created_by, message_id, execution_date,"
    " debtor_name, debtor_iban, debtor_bic"
)


class PaymentsStore:
    """A `PaymentsBook` on the migrated database of `pool`.

    It reads the ledger; the rows it moves (exported, paid, returned) are written by the
    ledger's one writer, `infra.eventstore.postgres_ledger`, in this store's transactions.
    """

    def __init__(self, pool: Pool, sealer: FieldSealer | None = None) -> None:
        self._pool = pool
        self._sealer = sealer
        """Opens the ledger's sealed payee columns (docs/privacy.md)."""

    async def set_account(self, account: BankAccount, now: datetime) -> BankAccount:
        """Record (or replace) the account an organisation pays from, once checked.

        Raises:
            PaymentError: `invalid_iban`, `invalid_bic`, `unknown_payee` (no name),
                `organisation_not_found`.
        """
        whose = f"organisation {account.organisation_id}"
        checked = BankAccount(
            organisation_id=account.organisation_id,
            debtor_name=checked_name(account.debtor_name, whose),
            iban=checked_iban(account.iban, whose),
            bic=None if not account.bic else checked_bic(account.bic, whose),
        )
        try:
            async with self._pool.connection() as conn:
                await conn.execute(
                    "INSERT INTO organisation_accounts"
                    " (organisation_id, debtor_name, iban, bic, updated_at)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (organisation_id) DO UPDATE SET"
                    " debtor_name = EXCLUDED.debtor_name, iban = EXCLUDED.iban,"
                    " bic = EXCLUDED.bic, updated_at = EXCLUDED.updated_at",
                    (checked.organisation_id, checked.debtor_name, checked.iban, checked.bic, now),
                )
        except ForeignKeyViolation:
            raise PaymentError(
                ORGANISATION_NOT_FOUND, f"no organisation {account.organisation_id}", "organisation"
            ) from None
        return checked

    async def export(
        self, organisation_id: str, *, created_by: str, now: datetime, execution_date: date
    ) -> Batch:
        """Put the organisation's approved rows not yet in a batch into a new batch.

        The file is built and validated inside the transaction: a row it refuses (a bad
        IBAN, say) leaves no batch, no row marked, nothing.

        Raises:
            PaymentError: `organisation_not_found`, `no_bank_account`, `nothing_to_export`,
                or the code of a row that cannot be paid (`invalid_iban`, ...).
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
            if iban is None:
                raise PaymentError(
                    NO_BANK_ACCOUNT,
                    f"organisation {organisation_id} has no bank account to pay from:"
                    " set it with `pathways payments account`",
                    "organisation",
                )
            async with conn.cursor(row_factory=dict_row) as dcur:
                await dcur.execute(
                    f"SELECT {LEDGER_COLUMNS} FROM ledger"
                    " WHERE organisation_id = %s AND status = 'approved' AND batch_id IS NULL"
                    " ORDER BY entry_id FOR UPDATE SKIP LOCKED",
                    (organisation_id,),
                )
                rows = await opened_rows(self._sealer, await dcur.fetchall())
            if not rows:
                raise PaymentError(
                    NOTHING_TO_EXPORT, f"organisation {organisation_id} owes no approved payment"
                )
            batch_id = f"b-{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
            header = BatchHeader(
                batch_id=batch_id,
                organisation_id=organisation_id,
                created_at=now.replace(microsecond=0),
                created_by=created_by,
                message_id=f"PW-{batch_id}",
                execution_date=execution_date,
                debtor_name=debtor_name,
                debtor_iban=iban,
                debtor_bic=bic,
            )
            exported = tuple(
                r.model_copy(update={"status": LedgerStatus.EXPORTED, "batch_id": batch_id})
                for r in rows
            )
            document = build_transfer(header, list(exported))
            digest = hashlib.sha256(document).hexdigest()
            await conn.execute(
                f"INSERT INTO payment_batches ({_BATCH_COLUMNS}, control_sum, entry_count,"
                " file_sha256) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    *header.model_dump().values(),
                    sum(r.entry.amount for r in rows),
                    len(rows),
                    digest,
                ),
            )
            await mark_exported(conn, batch_id, [r.entry.entry_id for r in rows])
        return Batch(header=header, rows=exported, document=document, file_sha256=digest)

    async def batch(self, batch_id: str) -> Batch:
        """A recorded batch with its file, built again: the same bytes as first written.

        Raises:
            PaymentError: `batch_not_found`; `batch_file_differs` when the file built now
                is not the one recorded (never hand the bank a different file for it).
        """
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"SELECT {_BATCH_COLUMNS}, file_sha256 FROM payment_batches WHERE batch_id = %s",
                (batch_id,),
            )
            found = await cur.fetchone()
            if found is None:
                raise PaymentError(BATCH_NOT_FOUND, f"no batch {batch_id}", "batch")
            digest = found.pop("file_sha256")
            header = BatchHeader.model_validate(found)
            await cur.execute(
                f"SELECT {LEDGER_COLUMNS} FROM ledger WHERE batch_id = %s ORDER BY entry_id",
                (batch_id,),
            )
            rows = tuple(await opened_rows(self._sealer, await cur.fetchall()))
        document = build_transfer(header, list(rows))
        if hashlib.sha256(document).hexdigest() != digest:
            raise PaymentError(
                "batch_file_differs",
                f"batch {batch_id}: the file built now differs from the one recorded"
                f" (sha256 {digest}); hand the bank the file first written",
            )
        return Batch(header=header, rows=rows, document=document, file_sha256=digest)

    async def settle(
        self,
        lines: Sequence[StatementLine],
        now: datetime,
        *,
        organisation_id: str | None = None,
        settled_by: str | None = None,
    ) -> list[LineResult]:
        """Apply a statement to the ledger in one transaction: paid, returned, or not.

        A line matches the row of its end-to-end id when the amounts agree and the row
        went to the bank (exported); a row already settled the same way makes the line
        a duplicate, so importing a statement again changes nothing, nor does a line whose
        outcome the pathway recorded first (the ledger follows it). A return (even of a
        payment first booked as paid) gives its amount back to the budget line: the
        payment, approved again, commits it anew. With `organisation_id` (the statement
        of that organisation's account), a line of another organisation's payment is
        unmatched and changes nothing. A line booked after the Italian day of `now` refuses
        the whole statement (`fact_in_future`) before anything is written.

        `settled_by` names the import (its workflow id): rows it settles keep it, and a
        row it settled already, the same way, counts as settled by it again, not as a
        duplicate. So the import's step, retried after a commit whose answer was lost,
        reports what the import did; another import of the same lines sees duplicates.
        """
        check_booked_by(lines, project_day(now))
        results: list[LineResult] = []
        seen: set[str] = set()
        async with self._pool.connection() as conn, conn.transaction():
            # Every row first, in one order: an append recording an outcome locks one row,
            # then its budget line, so it can never hold a row this import waits for
            # while waiting for a line this import holds.
            await conn.execute(
                "SELECT entry_id FROM ledger WHERE end_to_end_id = ANY(%s)"
                " ORDER BY entry_id FOR UPDATE",
                ([line.end_to_end_id for line in lines],),
            )
            for line in lines:
                async with conn.cursor(row_factory=dict_row) as cur:
                    await cur.execute(
                        f"SELECT {LEDGER_COLUMNS}, settled_by FROM ledger"
                        " WHERE end_to_end_id = %s FOR UPDATE",
                        (line.end_to_end_id,),
                    )
                    found = await cur.fetchone()
                # Settled by this import before this call (not by a line above): its own.
                mine = found is not None and found.pop("settled_by") == settled_by
                mine = mine and settled_by is not None and line.end_to_end_id not in seen
                seen.add(line.end_to_end_id)
                row = None if found is None else (await opened_rows(self._sealer, [found]))[0]
                if row is not None and organisation_id not in (None, row.entry.organisation_id):
                    row = None  # another organisation's payment is not on this account
                result = _match(line, row)
                if mine and result.settlement == Settlement.DUPLICATE:
                    result = result.model_copy(update={"settlement": Settlement(line.outcome)})
                elif result.settlement in (Settlement.PAID, Settlement.RETURNED):
                    assert row is not None
                    await settle_entry(conn, row.entry, line, now, settled_by)
                results.append(result)
        return results

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


def payments_desk(pool: Pool, sealer: FieldSealer | None = None) -> PaymentsDesk:
    """The web app's payments on `pool`: this store, and the overview that reads the ledger."""
    return PaymentsDesk(PaymentsStore(pool, sealer), PaymentsOverview(pool, sealer))


def _match(line: StatementLine, row: LedgerRow | None) -> LineResult:
    if row is None:
        return LineResult(line=line, settlement=Settlement.UNMATCHED, note="unknown end-to-end id")
    if row.entry.amount != line.amount:
        return LineResult(
            line=line,
            settlement=Settlement.UNMATCHED,
            row=row,
            note=f"amount {line.amount} cents where the ledger has {row.entry.amount}",
        )
    wanted = LedgerStatus(line.outcome.value)
    if row.status == wanted:
        return LineResult(line=line, settlement=Settlement.DUPLICATE, row=row)
    allowed = {
        BankOutcome.PAID: (LedgerStatus.EXPORTED,),
        BankOutcome.RETURNED: (LedgerStatus.EXPORTED, LedgerStatus.PAID),
    }[line.outcome]
    if row.status not in allowed:
        return LineResult(
            line=line,
            settlement=Settlement.UNMATCHED,
            row=row,
            note=f"the ledger has it {row.status.value}: it cannot have been {line.outcome}",
        )
    return LineResult(line=line, settlement=Settlement(line.outcome.value), row=row)
