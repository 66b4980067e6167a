"""What the pathways are told after a statement: settled payments, by a stable command id."""

from __future__ import annotations

from datetime import date

from activities.payments.payment_outcomes import outcomes_for_pathways
from domain.payments.statements import BankOutcome, StatementLine
from infra.payments.book import LineResult, Settlement
from infra.payments.model import LedgerStatus
from tests.eventstore.ledger_builders import entry
from tests.payments.builders import row_of


def line(outcome: BankOutcome, reason: str | None = None) -> StatementLine:
    return StatementLine(
        line=2,
        booked_on=date(2025, 3, 6),
        end_to_end_id="x/1",
        amount=1_00,
        outcome=outcome,
        bank_reference="BNK-1",
        reason=reason,
    )


def test_paid_returned_and_duplicate_lines_are_told_unmatched_ones_not() -> None:
    paid, returned = entry("pw-1", 1_00), entry("pw-2", 1_00)
    results = [
        LineResult(line=line(BankOutcome.PAID), settlement=Settlement.PAID, row=row_of(paid)),
        LineResult(
            line=line(BankOutcome.RETURNED, "AC04"),
            settlement=Settlement.DUPLICATE,
            row=row_of(returned, LedgerStatus.RETURNED),
        ),
        LineResult(line=line(BankOutcome.PAID), settlement=Settlement.UNMATCHED, row=row_of(paid)),
        LineResult(line=line(BankOutcome.PAID), settlement=Settlement.UNMATCHED),
    ]

    told = outcomes_for_pathways(results)

    assert [(o.pathway_id, o.payment_id, o.attempt, o.outcome, o.reason) for o in told] == [
        ("pw-1", paid.payment_id, 1, "paid", None),
        ("pw-2", returned.payment_id, 1, "returned", "AC04"),
    ]
    assert told[0].command_id == f"bank:{paid.payment_id}.1.paid"
    assert len(told[1].command_id) <= 64
