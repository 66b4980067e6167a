"""The budget lines and ledger of the in-memory event store (see `infra.budgets`).

Like the rest of the in-memory store, no method awaits: on one event loop each call is
atomic, so checking every entry before writing any is what a transaction gives Postgres.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.payments.ledger import LedgerEntry, LedgerOutcome
from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.budgets.model import BudgetChange, BudgetLine, BudgetLineState, plan_changes
from infra.eventstore.base import BudgetLineExceeded, BudgetLineMissing, require_aware
from infra.payments.model import (
    FOLLOWS,
    LedgerRow,
    LedgerStatus,
    end_to_end_id_for,
)


class InMemoryLedger:
    """A `BudgetBook` in dictionaries, and the ledger's writer in `InMemoryEventStore`."""

    def __init__(self) -> None:
        self._budget: dict[str, BudgetLineState] = {}
        self._budget_history: list[tuple[BudgetChange, str, datetime, str]] = []
        self._ledger: dict[str, LedgerRow] = {}

    async def apply_budget(
        self, lines: Sequence[BudgetLine], *, changed_by: str, changed_at: datetime, source: str
    ) -> list[BudgetChange]:
        """See `BudgetBook.apply_budget`."""
        require_aware(changed_at, "changed_at")
        changes = plan_changes(self._budget, lines)
        changed = {c.line_id for c in changes}
        for line in lines:
            now = self._budget.get(line.line_id)
            self._budget[line.line_id] = BudgetLineState(
                line_id=line.line_id,
                label=line.label,
                amount=line.amount,
                committed=0 if now is None else now.committed,
                updated_at=changed_at if line.line_id in changed or now is None else now.updated_at,
            )
        self._budget_history += [(c, changed_by, changed_at, source) for c in changes]
        return changes

    async def budget_lines(self) -> list[BudgetLineState]:
        """See `BudgetBook.budget_lines`."""
        return [self._budget[k] for k in sorted(self._budget)]

    async def ledger_rows(self) -> list[LedgerRow]:
        """Every ledger row, by entry id."""
        return [self._ledger[k] for k in sorted(self._ledger)]

    def check(self, update: ReadModelUpdate) -> None:
        """Refuse an update whose entries do not fit (see `_check_booking`)."""
        self._check_booking(update.ledger)

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Book the update's entries and follow its outcomes."""
        self._book(update.ledger, records[-1].recorded_at)
        self._follow_outcomes(update.ledger_outcomes)

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """Nothing: a rebuild never books a payment again, nor applies an outcome again."""

    def _check_booking(self, entries: Sequence[LedgerEntry]) -> None:
        """Refuse the entries that do not fit, before anything of the append is written.

        Raises:
            BudgetLineExceeded: an entry does not fit (`BudgetLineMissing`: no such line).
        """
        taken: dict[str, int] = {}
        for entry in entries:
            if entry.entry_id in self._ledger:
                continue
            line = self._budget.get(entry.budget_line)
            if line is None:
                raise BudgetLineMissing(entry.budget_line, entry.entry_id, entry.amount)
            committed = line.committed + taken.get(line.line_id, 0)
            if committed + entry.amount > line.amount:
                raise BudgetLineExceeded(
                    line.line_id, entry.entry_id, entry.amount, line.amount - committed
                )
            taken[line.line_id] = taken.get(line.line_id, 0) + entry.amount

    def _book(self, entries: Sequence[LedgerEntry], at: datetime) -> None:
        """Write the entries checked by `_check_booking` and commit their amounts."""
        for entry in entries:
            if entry.entry_id in self._ledger:
                continue
            line = self._budget[entry.budget_line]
            self._budget[line.line_id] = line.model_copy(
                update={"committed": line.committed + entry.amount, "updated_at": at}
            )
            self._ledger[entry.entry_id] = LedgerRow(
                entry=entry,
                end_to_end_id=end_to_end_id_for(entry.entry_id),
                status=LedgerStatus.APPROVED,
            )

    def _follow_outcomes(self, outcomes: Sequence[LedgerOutcome]) -> None:
        """Move each outcome's row on (see `EventRecorder.append`); a return releases once."""
        for outcome in outcomes:
            row = self._ledger.get(outcome.entry_id)
            wanted = LedgerStatus(outcome.outcome)
            if row is None or row.status not in FOLLOWS[wanted]:
                continue
            if wanted == LedgerStatus.PAID:
                update: dict[str, object] = {"paid_on": outcome.on}
            else:
                update = {"returned_on": outcome.on, "return_reason": outcome.reason}
                line = self._budget[row.entry.budget_line]
                self._budget[line.line_id] = line.model_copy(
                    update={
                        "committed": line.committed - row.entry.amount,
                        "updated_at": outcome.recorded_at,
                    }
                )
            self._ledger[outcome.entry_id] = row.model_copy(
                update={
                    **update,
                    "status": wanted,
                    "bank_reference": outcome.bank_reference,
                    "settled_at": outcome.recorded_at,
                }
            )
