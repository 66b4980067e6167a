"""The ledger, the SEPA export and the statement import agree with what the pathways record.

A demo-like history records payments paid or returned by `system:bank` in the pathway
(before any export); those rows are never exported, so nobody is paid twice, and a
statement saying the same afterwards is a duplicate that changes nothing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from domain.payments.rules import SYSTEM_BANK
from domain.payments.statements import BankOutcome, StatementLine
from infra.budgets.file import load_budget
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.book import BankAccount, Batch, PaymentsBook, Settlement
from infra.payments.model import LedgerRow, LedgerStatus, PaymentError
from infra.payments.postgres import PaymentsStore
from tests.eventstore.builders import T0
from tests.eventstore.pathway_history import persist
from tests.scenarios import SUPERVISOR, Scenario
from tests.unit.payment_scenarios import approve, outcome, pid, request, supported
from workers.composition import payments_book

NOW = datetime(2026, 3, 25, 12, tzinfo=UTC)
ORG_IBAN = "IT60X0542811101000000123456"
FURNITURE, UTILITIES = pid("furniture"), pid("utilities")
RENT = pid("rent_advance")
STILL_COMMITTED = {"wp2_housing.furniture": 80_000, "wp2_housing.rent_advance": 60_000}
"""Paid furniture stays spent; the returned utilities gave their 200.00 back."""


@pytest.fixture
async def stores(pool: Pool) -> tuple[PostgresEventStore, PaymentsBook]:
    store, payments = PostgresEventStore(pool), payments_book(PaymentsStore(pool))
    await store.budget.apply_budget(
        load_budget(None), changed_by="t", changed_at=T0, source="default"
    )
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO organisations (organisation_id, name) VALUES ('org-lecce', 'Lecce')"
        )
    await payments.set_account(
        BankAccount(organisation_id="org-lecce", debtor_name="Ancora", iban=ORG_IBAN, bic=None),
        NOW,
    )
    return store, payments


def three_approved() -> Scenario:
    """Furniture, utilities and a rent advance requested and approved by a supervisor."""
    s = (
        supported()
        .given(request(amount=80_000))
        .given(request(kind="utilities", amount=20_000))
        .given(request(kind="rent_advance", amount=60_000))
    )
    for payment_id in (FURNITURE, UTILITIES, RENT):
        s.given(approve(payment_id), SUPERVISOR)
    return s


async def rows(store: PostgresEventStore) -> dict[str, LedgerRow]:
    return {r.entry.payment_id: r for r in await store.budget.ledger_rows()}


async def committed(store: PostgresEventStore) -> dict[str, int]:
    return {
        line.line_id: line.committed for line in await store.budget.budget_lines() if line.committed
    }


async def export(payments: PaymentsBook) -> Batch:
    return await payments.export(
        "org-lecce", created_by="adele", now=NOW, execution_date=NOW.date()
    )


def line(row: LedgerRow, result: BankOutcome, reference: str = "BNK-9") -> StatementLine:
    return StatementLine(
        line=2,
        booked_on=date(2026, 3, 24),
        end_to_end_id=row.end_to_end_id,
        amount=row.entry.amount,
        outcome=result,
        bank_reference=reference,
    )


async def test_payments_settled_in_their_pathway_are_never_exported(
    stores: tuple[PostgresEventStore, PaymentsBook],
) -> None:
    store, payments = stores
    s = three_approved()
    s.given(outcome(FURNITURE, "paid"), SYSTEM_BANK)  # as the demo records it
    s.given(outcome(UTILITIES, "returned"), SYSTEM_BANK)
    await persist(store, s)
    by_payment = await rows(store)
    assert by_payment[FURNITURE].status == LedgerStatus.PAID
    assert by_payment[UTILITIES].status == LedgerStatus.RETURNED
    assert await committed(store) == STILL_COMMITTED

    batch = await export(payments)

    assert [r.entry.payment_id for r in batch.rows] == [RENT]
    assert FURNITURE not in batch.document.decode() and batch.control_sum == 60_000
    with pytest.raises(PaymentError) as nothing:
        await export(payments)
    assert nothing.value.code == "nothing_to_export"


async def test_a_statement_of_what_the_pathway_recorded_is_a_duplicate(
    stores: tuple[PostgresEventStore, PaymentsBook],
) -> None:
    store, payments = stores
    s = three_approved()
    s.given(outcome(FURNITURE, "paid"), SYSTEM_BANK)
    s.given(outcome(UTILITIES, "returned"), SYSTEM_BANK)
    await persist(store, s)
    before, spent = await rows(store), await committed(store)

    results = await payments.settle(
        [
            line(before[FURNITURE], BankOutcome.PAID),
            line(before[UTILITIES], BankOutcome.RETURNED),
        ],
        NOW,
    )

    assert [r.settlement for r in results] == [Settlement.DUPLICATE, Settlement.DUPLICATE]
    assert await rows(store) == before
    assert await committed(store) == spent


async def test_a_statement_booking_a_transfer_tomorrow_is_refused_whole_and_settles_nothing(
    stores: tuple[PostgresEventStore, PaymentsBook],
) -> None:
    store, payments = stores
    await persist(store, three_approved())
    await export(payments)
    exported, spent = await rows(store), await committed(store)
    tomorrow = line(exported[UTILITIES], BankOutcome.RETURNED, "BNK-2").model_copy(
        update={"line": 3, "booked_on": date(2026, 3, 26)}
    )

    with pytest.raises(PaymentError) as refused:
        await payments.settle([line(exported[FURNITURE], BankOutcome.PAID), tomorrow], NOW)

    assert refused.value.code == "fact_in_future"
    assert "line 3" in refused.value.detail and "2026-03-26" in refused.value.detail
    assert await rows(store) == exported
    assert await committed(store) == spent


async def test_the_pathway_told_after_the_statement_changes_nothing_more(
    stores: tuple[PostgresEventStore, PaymentsBook],
) -> None:
    """The import settles the ledger, then tells the pathway: its events move no row again."""
    store, payments = stores
    s = three_approved()
    await persist(store, s)
    await export(payments)
    exported = await rows(store)
    results = await payments.settle(
        [
            line(exported[FURNITURE], BankOutcome.PAID, "BNK-1"),
            line(exported[UTILITIES], BankOutcome.RETURNED, "BNK-2"),
        ],
        NOW,
    )
    assert [r.settlement for r in results] == [Settlement.PAID, Settlement.RETURNED]
    settled, spent = await rows(store), await committed(store)
    assert spent == STILL_COMMITTED

    s.given(outcome(FURNITURE, "paid"), SYSTEM_BANK)
    s.given(outcome(UTILITIES, "returned"), SYSTEM_BANK)
    await persist(store, s)

    assert await rows(store) == settled
    assert await committed(store) == spent


async def test_a_return_from_the_statement_and_from_the_pathway_at_once_releases_once(
    database: str, stores: tuple[PostgresEventStore, PaymentsBook]
) -> None:
    store, payments = stores
    s = three_approved()
    await persist(store, s)
    await export(payments)
    exported = await rows(store)
    s.given(outcome(UTILITIES, "returned"), SYSTEM_BANK)
    wide: Pool = await open_pool(database, min_size=4, max_size=4)
    try:
        racing_store, racing_payments = PostgresEventStore(wide), payments_book(PaymentsStore(wide))
        await asyncio.gather(
            persist(racing_store, s),
            racing_payments.settle([line(exported[UTILITIES], BankOutcome.RETURNED)], NOW),
        )
    finally:
        await wide.close()

    assert (await rows(store))[UTILITIES].status == LedgerStatus.RETURNED
    assert await committed(store) == STILL_COMMITTED
