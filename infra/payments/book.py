"""The payments store's contract and models: bank accounts, batches, a statement's settlement.

Apart from the PostgreSQL store (`infra.payments.postgres`) so that the statement import's
workflow and activities, and the pages, name the models and the contract without importing
an adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from infra.payments.model import LedgerRow
from infra.payments.sepa import BatchHeader
from infra.payments.statements import StatementLine


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
        """See `PaymentsStore.set_account`."""
        ...

    async def export(
        self, organisation_id: str, *, created_by: str, now: datetime, execution_date: date
    ) -> Batch:
        """See `PaymentsStore.export`."""
        ...

    async def batch(self, batch_id: str) -> Batch:
        """See `PaymentsStore.batch`."""
        ...

    async def settle(
        self,
        lines: Sequence[StatementLine],
        now: datetime,
        *,
        organisation_id: str | None = None,
        settled_by: str | None = None,
    ) -> list[LineResult]:
        """See `PaymentsStore.settle`."""
        ...

    async def report_rows(
        self,
        start: date,
        end: date,
        *,
        include_approved: bool,
        organisation_id: str | None = None,
    ) -> list[tuple[LedgerRow, datetime | None]]:
        """See `PaymentsStore.report_rows`."""
        ...
