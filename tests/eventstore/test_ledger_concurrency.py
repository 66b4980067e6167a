"""Two caseworkers' supervisors racing for a budget line's last euros cannot overspend it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from infra.db import Pool, open_pool
from infra.eventstore.base import BudgetLineExceeded
from infra.eventstore.postgres import PostgresEventStore
from tests.eventstore.builders import T0, read_models, records, summary
from tests.eventstore.ledger_builders import FURNITURE, entry, lines, with_ledger


@pytest.fixture
async def wide_pool(database: str) -> AsyncIterator[Pool]:
    opened = await open_pool(database, min_size=8, max_size=16)
    try:
        yield opened
    finally:
        await opened.close()


async def race(store: PostgresEventStore, amounts: list[int]) -> tuple[list[int], list[int]]:
    """Open one pathway per amount, then approve every payment at once; (booked, refused)."""
    ids = [f"pw-{i:04d}" for i in range(len(amounts))]
    for pathway_id in ids:
        opening = records(pathway_id, 0, f"{pathway_id}-open")
        await store.append(pathway_id, 0, opening, read_models(summary(pathway_id, 1)))
    start = asyncio.Event()

    async def approve(pathway_id: str, amount: int) -> bool:
        await start.wait()
        try:
            await store.append(
                pathway_id,
                1,
                records(pathway_id, 1, f"{pathway_id}-approve"),
                with_ledger(pathway_id, 2, entry(pathway_id, amount)),
            )
        except BudgetLineExceeded:
            return False
        return True

    tasks = [asyncio.create_task(approve(p, a)) for p, a in zip(ids, amounts, strict=True)]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    booked = [a for a, ok in zip(amounts, outcomes, strict=True) if ok]
    refused = [a for a, ok in zip(amounts, outcomes, strict=True) if not ok]
    for pathway_id, ok in zip(ids, outcomes, strict=True):
        assert await store.stream_version(pathway_id) == (2 if ok else 1)
    return booked, refused


async def test_only_the_approvals_that_fit_the_last_euros_succeed(wide_pool: Pool) -> None:
    store = PostgresEventStore(wide_pool)
    await store.budget.apply_budget(
        lines(furniture=100_00), changed_by="t", changed_at=T0, source="t"
    )

    booked, refused = await race(store, [30_00] * 24)

    assert booked == [30_00] * 3
    assert len(refused) == 21
    (line,) = await store.budget.budget_lines()
    assert (line.line_id, line.amount, line.committed) == (FURNITURE, 100_00, 90_00)
    assert sum(r.entry.amount for r in await store.budget.ledger_rows()) == 90_00


async def test_uneven_amounts_never_overspend_and_refuse_only_what_did_not_fit(
    wide_pool: Pool,
) -> None:
    store = PostgresEventStore(wide_pool)
    await store.budget.apply_budget(
        lines(furniture=250_00), changed_by="t", changed_at=T0, source="t"
    )
    amounts = [17_31, 49_99, 1_00, 88_88, 25_00, 60_01, 33_33, 12_12, 99_99, 5_55] * 3

    booked, refused = await race(store, amounts)

    (line,) = await store.budget.budget_lines()
    assert line.committed == sum(booked) <= line.amount
    assert line.committed == sum(r.entry.amount for r in await store.budget.ledger_rows())
    # The line only ever shrank: whatever was refused did not fit even in what is left now.
    assert all(amount > line.available for amount in refused)
