"""How a statement's line meets the ledger's row (`activities.payments.matching`), in memory."""

from __future__ import annotations

from datetime import date

import pytest

from activities.payments.matching import match_line
from domain.payments.statements import BankOutcome, StatementLine
from infra.payments.book import Settlement
from infra.payments.model import LedgerStatus
from tests.eventstore.ledger_builders import entry
from tests.payments.builders import row_of

PAID_ENTRY = entry("pw-1", 1_00)


def line(outcome: BankOutcome = BankOutcome.PAID, amount: int = 1_00) -> StatementLine:
    return StatementLine(
        line=2,
        booked_on=date(2025, 3, 6),
        end_to_end_id="x/1",
        amount=amount,
        outcome=outcome,
        bank_reference="BNK-1",
    )


@pytest.mark.parametrize(
    ("outcome", "status", "settlement"),
    [
        (BankOutcome.PAID, LedgerStatus.EXPORTED, Settlement.PAID),
        (BankOutcome.RETURNED, LedgerStatus.EXPORTED, Settlement.RETURNED),
        (BankOutcome.RETURNED, LedgerStatus.PAID, Settlement.RETURNED),
        (BankOutcome.PAID, LedgerStatus.PAID, Settlement.DUPLICATE),
        (BankOutcome.RETURNED, LedgerStatus.RETURNED, Settlement.DUPLICATE),
        (BankOutcome.PAID, LedgerStatus.APPROVED, Settlement.UNMATCHED),
        (BankOutcome.PAID, LedgerStatus.RETURNED, Settlement.UNMATCHED),
        (BankOutcome.RETURNED, LedgerStatus.APPROVED, Settlement.UNMATCHED),
    ],
)
def test_a_line_settles_only_a_row_that_went_to_the_bank(
    outcome: BankOutcome, status: LedgerStatus, settlement: Settlement
) -> None:
    result = match_line(line(outcome), row_of(PAID_ENTRY, status))
    assert result.settlement == settlement
    assert result.row == row_of(PAID_ENTRY, status)


def test_a_line_of_another_amount_or_no_row_is_unmatched_and_says_why() -> None:
    other_amount = match_line(line(amount=2_00), row_of(PAID_ENTRY, LedgerStatus.EXPORTED))
    unknown = match_line(line(), None)
    assert (other_amount.settlement, other_amount.note) == (
        Settlement.UNMATCHED,
        "amount 200 cents where the ledger has 100",
    )
    assert (unknown.settlement, unknown.note) == (Settlement.UNMATCHED, "unknown end-to-end id")
