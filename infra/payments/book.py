"""The payments store's contract and models: bank accounts, batches, a statement's settlement.

The `PaymentsBook` (what callers ask) is `activities.payments.service.PaymentsService`,
which decides over the rows of a `PaymentsLedger` (`infra.payments.postgres.PaymentsStore`).
Apart from the PostgreSQL store (`infra.payments.postgres`) so that the statement import's
workflow and activities, and the pages, name the models and the contract without importing
an adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from domain.payments.statements import StatementLine
from infra.payments.model import BatchHeader, LedgerRow


class BankAccount(BaseModel):
    model_config = ConfigDict(frozen=True)

    organisation_id: str
    debtor_name: str
    iban: str
    bic: str | None


class Batch(BaseModel):
    """A recorded batch, its rows (by entry id) and its file."""

    model_config = ConfigDict(frozen=True)

    header: BatchHeader
    rows: tuple[LedgerRow, ...]
    document: bytes
    file_sha256: str

    @property
    def control_sum(self) -> int:
        return sum(r.entry.amount for r in self.rows)


class Settlement(StrEnum):
    PAID = "paid"
    RETURNED = "returned"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"


class LineResult(BaseModel):
    """What one statement line did to the ledger, and to which payment."""

    model_config = ConfigDict(frozen=True)

    line: StatementLine
    settlement: Settlement
    row: LedgerRow | None = None
    note: str = ""


class PaymentsBook(Protocol):
    """Bank accounts, batches and statements: what `PaymentsStore` does for its callers."""

    async def set_account(self, account: BankAccount, now: datetime) -> BankAccount:
        """See `PaymentsService.set_account`."""
        ...

    async def export(
        self, organisation_id: str, *, created_by: str, now: datetime, execution_date: date
    ) -> Batch:
        """See `PaymentsService.export`."""
        ...

    async def batch(self, batch_id: str) -> Batch:
        """See `PaymentsService.batch`."""
        ...

    async def settle(
        self,
        lines: Sequence[StatementLine],
        now: datetime,
        *,
        organisation_id: str | None = None,
        settled_by: str | None = None,
    ) -> list[LineResult]:
        """See `PaymentsService.settle`."""
        ...

    async def report_rows(
        self,
        start: date,
        end: date,
        *,
        include_approved: bool,
        organisation_id: str | None = None,
    ) -> list[tuple[LedgerRow, datetime | None]]:
        """See `PaymentsService.report_rows`."""
        ...


class StoredBatch(BaseModel):
    """A recorded batch as the store keeps it: header, rows (by entry id), the file's digest."""

    model_config = ConfigDict(frozen=True)

    header: BatchHeader
    rows: tuple[LedgerRow, ...]
    file_sha256: str


class ExportClaim(Protocol):
    """An organisation's approved rows in no batch, locked for one export's transaction."""

    account: BankAccount | None
    """The account the organisation pays from; None when it has none."""
    rows: list[LedgerRow]
    """By entry id."""

    async def record(self, batch: Batch) -> None:
        """Record the batch and mark its rows exported, in the claim's transaction."""
        ...


class Settling(Protocol):
    """The rows of one statement, locked in one transaction."""

    async def row(self, end_to_end_id: str) -> tuple[LedgerRow | None, str | None]:
        """The row of the end-to-end id, and the import that settled it, if any."""
        ...

    async def settle(
        self, row: LedgerRow, line: StatementLine, now: datetime, settled_by: str | None
    ) -> None:
        """Book the line's outcome on the row."""
        ...


class PaymentsLedger(Protocol):
    """The rows the payments' rules read and write (`infra.payments.postgres.PaymentsStore`).

    Only rows: what may be exported, the bank file and a statement's matching are decided
    by `activities.payments.service.PaymentsService`, which is the `PaymentsBook`.
    """

    async def put_account(self, account: BankAccount, now: datetime) -> None:
        """Record (or replace) the organisation's account. Raises `organisation_not_found`."""
        ...

    def claim_for_export(self, organisation_id: str) -> AbstractAsyncContextManager[ExportClaim]:
        """The export's claim, committed when the block ends, rolled back when it raises.

        Raises `organisation_not_found`.
        """
        ...

    async def stored_batch(self, batch_id: str) -> StoredBatch | None:
        """A recorded batch, or None."""
        ...

    def settling(self, end_to_end_ids: Sequence[str]) -> AbstractAsyncContextManager[Settling]:
        """The statement's rows locked, committed when the block ends."""
        ...

    async def report_rows(
        self,
        start: date,
        end: date,
        *,
        include_approved: bool,
        organisation_id: str | None = None,
    ) -> list[tuple[LedgerRow, datetime | None]]:
        """Rows paid in [start, end] (and, if asked, approved then), with their batch's time."""
        ...
