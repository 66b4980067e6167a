"""What the payments office does with the bank: its account, SEPA batches, statements.

The rules live here — what may be exported and in which file, that a batch's file is the
one first written, how a statement's line matches a payment — over the rows of a
`PaymentsLedger` (`infra.payments.postgres.PaymentsStore`), which only reads and writes
them, each operation in one of its transactions. `PaymentsService` is the `PaymentsBook`
the pages, the CLI and the statement import use, built by the composition root.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from activities.payments.checks import checked_bic, checked_iban, checked_name
from activities.payments.matching import match_line
from activities.payments.sepa import build_transfer
from domain.calendar import project_day
from domain.payments.statements import StatementLine, check_booked_by
from infra.payments.book import BankAccount, Batch, LineResult, PaymentsLedger, Settlement
from infra.payments.model import BatchHeader, LedgerRow, LedgerStatus, PaymentError

NO_BANK_ACCOUNT = "no_bank_account"
NOTHING_TO_EXPORT = "nothing_to_export"
BATCH_NOT_FOUND = "batch_not_found"
BATCH_FILE_DIFFERS = "batch_file_differs"


class PaymentsService:
    """A `PaymentsBook` over `ledger`'s rows."""

    def __init__(self, ledger: PaymentsLedger) -> None:
        self._ledger = ledger

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
        await self._ledger.put_account(checked, now)
        return checked

    async def export(
        self, organisation_id: str, *, created_by: str, now: datetime, execution_date: date
    ) -> Batch:
        """Put the organisation's approved rows not yet in a batch into a new batch.

        The file is built and validated inside the claim's transaction: a row it refuses
        (a bad IBAN, say) leaves no batch, no row marked, nothing.

        Raises:
            PaymentError: `organisation_not_found`, `no_bank_account`, `nothing_to_export`,
                or the code of a row that cannot be paid (`invalid_iban`, ...).
        """
        async with self._ledger.claim_for_export(organisation_id) as claim:
            if claim.account is None:
                raise PaymentError(
                    NO_BANK_ACCOUNT,
                    f"organisation {organisation_id} has no bank account to pay from:"
                    " set it with `pathways payments account`",
                    "organisation",
                )
            if not claim.rows:
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
                debtor_name=claim.account.debtor_name,
                debtor_iban=claim.account.iban,
                debtor_bic=claim.account.bic,
            )
            exported = tuple(
                r.model_copy(update={"status": LedgerStatus.EXPORTED, "batch_id": batch_id})
                for r in claim.rows
            )
            document = build_transfer(header, list(exported))
            batch = Batch(
                header=header,
                rows=exported,
                document=document,
                file_sha256=hashlib.sha256(document).hexdigest(),
            )
            await claim.record(batch)
        return batch

    async def batch(self, batch_id: str) -> Batch:
        """A recorded batch with its file, built again: the same bytes as first written.

        Raises:
            PaymentError: `batch_not_found`; `batch_file_differs` when the file built now
                is not the one recorded (never hand the bank a different file for it).
        """
        stored = await self._ledger.stored_batch(batch_id)
        if stored is None:
            raise PaymentError(BATCH_NOT_FOUND, f"no batch {batch_id}", "batch")
        document = build_transfer(stored.header, list(stored.rows))
        if hashlib.sha256(document).hexdigest() != stored.file_sha256:
            raise PaymentError(
                BATCH_FILE_DIFFERS,
                f"batch {batch_id}: the file built now differs from the one recorded"
                f" (sha256 {stored.file_sha256}); hand the bank the file first written",
            )
        return Batch(
            header=stored.header,
            rows=stored.rows,
            document=document,
            file_sha256=stored.file_sha256,
        )

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
        async with self._ledger.settling([line.end_to_end_id for line in lines]) as rows:
            for line in lines:
                row, settled_before_by = await rows.row(line.end_to_end_id)
                # Settled by this import before this call (not by a line above): its own.
                mine = row is not None and settled_before_by == settled_by
                mine = mine and settled_by is not None and line.end_to_end_id not in seen
                seen.add(line.end_to_end_id)
                if row is not None and organisation_id not in (None, row.entry.organisation_id):
                    row = None  # another organisation's payment is not on this account
                result = match_line(line, row)
                if mine and result.settlement == Settlement.DUPLICATE:
                    result = result.model_copy(update={"settlement": Settlement(line.outcome)})
                elif result.settlement in (Settlement.PAID, Settlement.RETURNED):
                    assert row is not None
                    await rows.settle(row, line, now, settled_by)
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
        """Rows paid in [start, end] (and, if asked, approved then and not yet paid), with
        when their batch was created; by line, date, entry; all or `organisation_id`'s."""
        return await self._ledger.report_rows(
            start, end, include_approved=include_approved, organisation_id=organisation_id
        )
