"""How a bank statement's line meets the ledger: paid, returned, a duplicate, or unmatched."""

from __future__ import annotations

from domain.payments.statements import BankOutcome, StatementLine
from infra.payments.book import LineResult, Settlement
from infra.payments.model import LedgerRow, LedgerStatus

ALLOWED_BEFORE: dict[BankOutcome, tuple[LedgerStatus, ...]] = {
    BankOutcome.PAID: (LedgerStatus.EXPORTED,),
    BankOutcome.RETURNED: (LedgerStatus.EXPORTED, LedgerStatus.PAID),
}
"""The statuses a row may have for the bank to report it paid or returned."""


def match_line(line: StatementLine, row: LedgerRow | None) -> LineResult:
    """What `line` does to `row` (the row of its end-to-end id, if any, on this account).

    The amounts must agree and the row must have gone to the bank; a row already in the
    line's outcome makes it a duplicate.
    """
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
    if row.status not in ALLOWED_BEFORE[line.outcome]:
        return LineResult(
            line=line,
            settlement=Settlement.UNMATCHED,
            row=row,
            note=f"the ledger has it {row.status.value}: it cannot have been {line.outcome}",
        )
    return LineResult(line=line, settlement=Settlement(line.outcome.value), row=row)
