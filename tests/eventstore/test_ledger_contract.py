"""The ledger half of the event store contract: booking approved payments with their events.

Every implementation (in-memory, Postgres) passes these.
"""

from __future__ import annotations

import pytest

from infra.budgets.model import BudgetError
from infra.eventstore.base import BudgetLineExceeded, BudgetLineMissing, EventStore, InvalidAppend
from infra.payments.model import LedgerStatus, end_to_end_id_for, entry_id_for
from tests.eventstore.builders import T0, read_models, records, summary
from tests.eventstore.ledger_builders import FURNITURE, entry, lines, with_ledger

P1 = "pw-0001"
P2 = "pw-0002"


Store = EventStore


@pytest.fixture
def book(store: EventStore) -> Store:
    return store


async def opened(book: Store, pathway_id: str = P1) -> None:
    await book.append(
        pathway_id,
        0,
        records(pathway_id, 0, f"{pathway_id}-open"),
        read_models(summary(pathway_id, 1)),
    )


async def committed(book: Store) -> dict[str, tuple[int, int]]:
    return {
        line.line_id: (line.amount, line.committed) for line in await book.budget.budget_lines()
    }


async def test_an_approval_books_its_entry_and_commits_its_amount(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    payment = entry(P1, 400_00)

    await book.append(P1, 1, records(P1, 1, "approve"), with_ledger(P1, 2, payment))

    assert await committed(book) == {FURNITURE: (1000_00, 400_00)}
    (row,) = await book.budget.ledger_rows()
    assert row.entry == payment
    assert row.status == LedgerStatus.APPROVED and row.batch_id is None
    assert row.end_to_end_id == end_to_end_id_for(payment.entry_id)
    assert entry_id_for(row.end_to_end_id) == payment.entry_id
    assert len(row.end_to_end_id) <= 35


async def test_an_entry_that_does_not_fit_refuses_the_whole_append(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=500_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    await book.append(P1, 1, records(P1, 1, "first"), with_ledger(P1, 2, entry(P1, 300_00)))

    with pytest.raises(BudgetLineExceeded) as refused:
        await book.append(
            P1,
            2,
            records(P1, 2, "second"),
            with_ledger(P1, 3, entry(P1, 200_01, period="2025-03-11")),
        )

    assert refused.value.code == "budget_line_exceeded"
    assert refused.value.available == 200_00
    assert await book.stream_version(P1) == 2
    assert await committed(book) == {FURNITURE: (500_00, 300_00)}
    assert len(await book.budget.ledger_rows()) == 1
    summary_row = await book.caseload.get_summary(P1)
    assert summary_row is not None and summary_row.version == 2


async def test_the_last_cent_fits_exactly(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=500_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    await book.append(P1, 1, records(P1, 1, "all"), with_ledger(P1, 2, entry(P1, 500_00)))
    assert await committed(book) == {FURNITURE: (500_00, 500_00)}


async def test_entries_of_one_append_fit_together_or_not_at_all(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=500_00, utilities=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    from domain.payments.ledger import PaymentKind

    fits = entry(P1, 100_00, kind=PaymentKind.UTILITIES)
    first, second = entry(P1, 300_00, period="a"), entry(P1, 300_00, period="b")

    with pytest.raises(BudgetLineExceeded):
        await book.append(P1, 1, records(P1, 1, "three"), with_ledger(P1, 2, fits, first, second))

    assert [v[1] for v in (await committed(book)).values()] == [0, 0]
    assert await book.budget.ledger_rows() == []
    assert await book.stream_version(P1) == 1


async def test_a_missing_budget_line_refuses_the_append(book: Store) -> None:
    await opened(book)
    with pytest.raises(BudgetLineMissing) as refused:
        await book.append(P1, 1, records(P1, 1, "approve"), with_ledger(P1, 2, entry(P1, 1_00)))
    assert refused.value.code == "budget_line_missing"
    assert await book.stream_version(P1) == 1
    assert await book.budget.ledger_rows() == []


async def test_a_retried_append_books_nothing_twice(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    batch, models = records(P1, 1, "approve"), with_ledger(P1, 2, entry(P1, 400_00))
    await book.append(P1, 1, batch, models)

    again = await book.append(P1, 1, batch, models)

    assert again.duplicate
    assert await committed(book) == {FURNITURE: (1000_00, 400_00)}
    assert len(await book.budget.ledger_rows()) == 1


async def test_an_entry_already_in_the_ledger_is_not_committed_again(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    payment = entry(P1, 400_00)
    await book.append(P1, 1, records(P1, 1, "approve"), with_ledger(P1, 2, payment))

    await book.append(P1, 2, records(P1, 2, "later"), with_ledger(P1, 3, payment))

    assert await committed(book) == {FURNITURE: (1000_00, 400_00)}
    assert len(await book.budget.ledger_rows()) == 1


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(entry(P2, 1_00), id="another pathway"),
        pytest.param(entry(P1, 0), id="no amount"),
        pytest.param(entry(P1, 1_00).model_copy(update={"attempt": 2}), id="wrong attempt"),
    ],
)
async def test_malformed_entries_are_invalid_and_write_nothing(book: Store, bad: object) -> None:
    await book.budget.apply_budget(
        lines(furniture=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    with pytest.raises(InvalidAppend):
        await book.append(P1, 1, records(P1, 1, "bad"), with_ledger(P1, 2, bad))  # type: ignore[arg-type]
    assert await book.budget.ledger_rows() == []
    assert await book.stream_version(P1) == 1


async def test_applying_a_budget_records_what_changed(book: Store) -> None:
    first = await book.budget.apply_budget(
        lines(furniture=1000_00, utilities=500_00),
        changed_by="adele",
        changed_at=T0,
        source="a.toml",
    )
    second = await book.budget.apply_budget(
        lines(furniture=1200_00, utilities=500_00),
        changed_by="adele",
        changed_at=T0,
        source="b.toml",
    )

    assert [(c.line_id, c.old_amount, c.new_amount) for c in first] == [
        (FURNITURE, None, 1000_00),
        ("wp2_housing.utilities", None, 500_00),
    ]
    assert [(c.line_id, c.old_amount, c.new_amount) for c in second] == [
        (FURNITURE, 1000_00, 1200_00)
    ]


async def test_a_line_cannot_be_lowered_below_what_is_committed(book: Store) -> None:
    await book.budget.apply_budget(
        lines(furniture=1000_00), changed_by="adele", changed_at=T0, source="test"
    )
    await opened(book)
    await book.append(P1, 1, records(P1, 1, "approve"), with_ledger(P1, 2, entry(P1, 400_00)))

    with pytest.raises(BudgetError) as refused:
        await book.budget.apply_budget(
            lines(furniture=399_99, utilities=10_00),
            changed_by="adele",
            changed_at=T0,
            source="test",
        )

    assert refused.value.code == "budget_below_committed"
    assert await committed(book) == {FURNITURE: (1000_00, 400_00)}
    await book.budget.apply_budget(
        lines(furniture=400_00), changed_by="adele", changed_at=T0, source="test"
    )
    assert await committed(book) == {FURNITURE: (400_00, 400_00)}
