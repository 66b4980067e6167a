"""Budget lines, their changes, and the refusals of changing them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

LineId = Annotated[
    str, StringConstraints(min_length=3, max_length=64, pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
]
"""`<work package>.<kind>`, e.g. `wp2_housing.furniture` (see `domain.payments.ledger`)."""

MAX_LINE_AMOUNT = 100_000_000_00
"""A hundred million euros: more is a typo, not a FAMI budget line."""


class BudgetLine(BaseModel):
    """A line as configured: how much the project may spend from it, in cents."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line_id: LineId
    label: str = ""
    amount: int = Field(ge=0, le=MAX_LINE_AMOUNT)


class BudgetLineState(BaseModel):
    """A line as it stands: its amount and what approved payments have committed of it."""

    model_config = ConfigDict(frozen=True)

    line_id: str
    label: str
    amount: int
    committed: int
    updated_at: datetime

    @property
    def available(self) -> int:
        return self.amount - self.committed


class BudgetChange(BaseModel):
    """One line's amount changed (or the line created: `old_amount` None)."""

    model_config = ConfigDict(frozen=True)

    line_id: str
    old_amount: int | None
    new_amount: int


class BudgetError(Exception):
    """A budget change refused as a whole, with a stable code."""

    def __init__(self, code: str, detail: str, line_id: str | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.line_id = code, detail, line_id


BUDGET_BELOW_COMMITTED = "budget_below_committed"


def plan_changes(
    current: Mapping[str, BudgetLineState], wanted: Iterable[BudgetLine]
) -> list[BudgetChange]:
    """The changes that take the lines from `current` to `wanted`, or a refusal.

    Lines that `wanted` leaves out are kept as they are: a line that payments were
    committed against is never dropped by omission.

    Raises:
        BudgetError: `budget_below_committed` when a line would fall below what is
            already committed of it.
    """
    changes: list[BudgetChange] = []
    for line in wanted:
        now = current.get(line.line_id)
        if now is None:
            changes.append(
                BudgetChange(line_id=line.line_id, old_amount=None, new_amount=line.amount)
            )
            continue
        if line.amount < now.committed:
            raise BudgetError(
                BUDGET_BELOW_COMMITTED,
                f"{line.line_id}: {format_cents(line.amount)} is below the"
                f" {format_cents(now.committed)} already committed",
                line.line_id,
            )
        if line.amount != now.amount:
            changes.append(
                BudgetChange(line_id=line.line_id, old_amount=now.amount, new_amount=line.amount)
            )
    return changes


def format_cents(cents: int) -> str:
    """`1234567` → `12,345.67 EUR`: how the CLI and messages show money."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d} EUR"
