"""The ledger follows its pathway: a paid or returned payment moves its ledger row on in the
append that records it, whoever sent the bank's answer.

Every implementation (in-memory, Postgres) passes these.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import pytest

from domain.payments.ledger import LedgerEntry, LedgerOutcome
from domain.payments.rules import SYSTEM_BANK
from domain.projections import ReadModelUpdate
from infra.budgets.book import BudgetBook
from infra.budgets.file import load_budget
from infra.eventstore.base import EventStore, InvalidAppend
from infra.payments.model import LedgerStatus
from tests.eventstore.builders import T0, read_models, records, summary
from tests.eventstore.ledger_builders import FURNITURE, entry, lines, with_ledger
from tests.eventstore.pathway_history import persist
from tests.scenarios import SUPERVISOR
from tests.unit.payment_scenarios import approve, outcome, pid, request, supported

P1 = "pw-0001"
SETTLED_AT = T0 + timedelta(days=3)


class Store(EventStore, BudgetBook):
    """What the tests use of a store: events and budget."""


@pytest.fixture
def book(store: EventStore) -> Store:
    return cast(Store, store)


def told(e: LedgerEntry, result: str, reference: str = "BNK-1") -> LedgerOutcome:
    return LedgerOutcome(
        entry_id=e.entry_id,
        pathway_id=e.pathway_id,
        outcome="paid" if result == "paid" else "returned",
        on=date(2025, 3, 6),
        bank_reference=reference,
        reason="AC04" if result == "returned" else None,
        recorded_at=SETTLED_AT,
    )


def with_outcomes(version: int, *outcomes: LedgerOutcome) -> ReadModelUpdate:
    return ReadModelUpdate(summary=summary(P1, version), obligations=(), ledger_outcomes=outcomes)


async def approved(book: Store, *entries: LedgerEntry) -> None:
    await book.budget.apply_budget(
        lines(furniture=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await book.append(P1, 0, records(P1, 0, "open"), read_models(summary(P1, 1)))
    await book.append(P1, 1, records(P1, 1, "approve"), with_ledger(P1, 2, *entries))


async def tell(book: Store, *outcomes: LedgerOutcome) -> None:
    version = await book.stream_version(P1)
    await book.append(
        P1,
        version,
        records(P1, version, f"bank-{version}", recorded_at=SETTLED_AT),
        with_outcomes(version + 1, *outcomes),
    )


async def committed(book: Store) -> int:
    (line,) = [x for x in await book.budget.budget_lines() if x.line_id == FURNITURE]
    return line.committed


async def test_a_payment_paid_in_its_pathway_is_paid_in_the_ledger(book: Store) -> None:
    payment = entry(P1, 400_00)
    await approved(book, payment)

    await tell(book, told(payment, "paid"))

    (row,) = await book.budget.ledger_rows()
    assert row.status == LedgerStatus.PAID and row.batch_id is None
    assert (row.paid_on, row.bank_reference, row.settled_at) == (
        date(2025, 3, 6),
        "BNK-1",
        SETTLED_AT,
    )
    assert await committed(book) == 400_00  # paid money stays spent


async def test_a_return_releases_its_commitment_once(book: Store) -> None:
    payment, other = entry(P1, 400_00), entry(P1, 100_00, period="2025-03-11")
    await approved(book, payment, other)

    await tell(book, told(payment, "returned"))
    await tell(book, told(payment, "returned", "BNK-again"))

    rows = {r.entry.entry_id: r for r in await book.budget.ledger_rows()}
    returned = rows[payment.entry_id]
    assert returned.status == LedgerStatus.RETURNED
    assert (returned.returned_on, returned.bank_reference, returned.return_reason) == (
        date(2025, 3, 6),
        "BNK-1",
        "AC04",
    )
    assert rows[other.entry_id].status == LedgerStatus.APPROVED
    assert await committed(book) == 100_00


async def test_paid_then_returned_releases_once_and_a_late_paid_changes_nothing(
    book: Store,
) -> None:
    payment = entry(P1, 400_00)
    await approved(book, payment)

    await tell(book, told(payment, "paid"))
    await tell(book, told(payment, "returned", "BNK-2"))
    await tell(book, told(payment, "paid", "BNK-3"))

    (row,) = await book.budget.ledger_rows()
    assert (row.status, row.paid_on, row.returned_on, row.bank_reference) == (
        LedgerStatus.RETURNED,
        date(2025, 3, 6),
        date(2025, 3, 6),
        "BNK-2",
    )
    assert await committed(book) == 0


async def test_an_outcome_without_its_ledger_row_changes_nothing(book: Store) -> None:
    await approved(book, entry(P1, 400_00))

    await tell(book, told(entry(P1, 50_00, period="2024-01-01"), "returned"))

    (row,) = await book.budget.ledger_rows()
    assert row.status == LedgerStatus.APPROVED
    assert await committed(book) == 400_00
    assert await book.stream_version(P1) == 3


async def test_an_outcome_of_another_pathway_is_refused_and_nothing_written(book: Store) -> None:
    payment = entry(P1, 400_00)
    await approved(book, payment)

    with pytest.raises(InvalidAppend, match="another pathway"):
        await tell(book, told(entry("pw-0002", 400_00), "returned"))

    assert await book.stream_version(P1) == 2
    assert await committed(book) == 400_00


async def test_the_domain_history_of_a_payment_moves_its_row(book: Store) -> None:
    """request → approve → paid by the bank → returned: the append of each event does it."""
    await book.budget.apply_budget(
        load_budget(None), changed_by="t", changed_at=T0, source="default"
    )
    s = supported().given(request(amount=80_000)).given(approve(pid()), SUPERVISOR)
    await persist(book, s)
    (row,) = await book.budget.ledger_rows()
    assert row.status == LedgerStatus.APPROVED

    await persist(book, s.given(outcome(pid(), "paid"), SYSTEM_BANK))
    (row,) = await book.budget.ledger_rows()
    assert (row.status, row.bank_reference) == (LedgerStatus.PAID, "STMT-1-paid")

    await persist(book, s.given(outcome(pid(), "returned"), SYSTEM_BANK))
    (row,) = await book.budget.ledger_rows()
    assert row.status == LedgerStatus.RETURNED
    assert await committed(book) == 0
