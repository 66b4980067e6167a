"""The budget contract: what every event store (in-memory, Postgres) keeps of budget lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from infra.budgets.model import BudgetChange, BudgetLine, BudgetLineState, plan_changes
from infra.payments.model import LedgerRow


class BudgetBook(Protocol):
    """The project's budget lines, and the ledger that `EventRecorder.append` books against them."""

    async def apply_budget(
        self, lines: Sequence[BudgetLine], *, changed_by: str, changed_at: datetime, source: str
    ) -> list[BudgetChange]:
        """Set the lines' amounts (creating new lines), all or none; return what changed.

        Lines left out are kept as they are. Every change of an amount is recorded with who
        made it, when and from which file: what the project knew of its budget, and when.

        Raises:
            BudgetError: `budget_below_committed`, a line lowered below what is committed.
            ValueError: `changed_at` has no time zone.
        """
        ...

    async def budget_lines(self) -> list[BudgetLineState]:
        """Every line with its amount and committed cents, by line id."""
        ...

    async def ledger_rows(self) -> list[LedgerRow]:
        """Every ledger row, by entry id."""
        ...


async def preview_budget(book: BudgetBook, lines: Sequence[BudgetLine]) -> list[BudgetChange]:
    """What `book.apply_budget(lines, ...)` would change now, by the same rule; changes nothing.

    The admin's budget page shows it before asking to confirm; applying checks again, in its
    transaction, so a payment approved in between cannot be overdrawn.

    Raises:
        BudgetError: `budget_below_committed`, as applying would.
    """
    current = {line.line_id: line for line in await book.budget_lines()}
    return plan_changes(current, lines)
