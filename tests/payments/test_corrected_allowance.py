"""A month's hours corrected on PostgreSQL: the allowance enters the ledger once, corrected.

Given the tutor's 80 hours of May and their allowance requested, a caseworker corrects the
month to 65 hours; the supervisor approves; the ledger holds one entry of the corrected
amount, the SEPA export pays it once, and a later correction is refused.
"""

from __future__ import annotations

import pytest

from domain import errors
from domain.evolution import fold
from domain.stream import stream_id_for
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.postgres import PaymentsStore
from tests.eventstore.pathway_history import persist
from tests.payments.test_ledger_follows_pathways import export, rows, stores
from tests.scenarios import PATHWAY_ID, SUPERVISOR
from tests.unit.payment_scenarios import approve
from tests.unit.test_partner_records import ALLOWANCE, correct, tutored

__all__ = ["stores"]


async def test_a_corrected_month_enters_the_ledger_once_at_the_corrected_amount(
    stores: tuple[PostgresEventStore, PaymentsStore],
) -> None:
    store, payments = stores
    s = tutored(80).given(correct(65))
    await persist(store, s)
    assert await rows(store) == {}, "nothing is in the ledger before the approval"

    s.given(approve(ALLOWANCE), SUPERVISOR)
    await persist(store, s)

    stored = fold(await store.read_stream(stream_id_for(PATHWAY_ID)))
    figure = stored.figures.by_id["wg.0"]
    assert (figure.partner_id, figure.contact_id) == ("sartoria", "rizzo"), "the actor reads back"
    assert stored.payments[ALLOWANCE].amount == 37_500
    [row] = (await rows(store)).values()
    assert (row.entry.payment_id, row.entry.amount) == (ALLOWANCE, 37_500)
    batch = await export(payments)
    assert [(r.entry.payment_id, r.entry.amount) for r in batch.rows] == [(ALLOWANCE, 37_500)]
    with pytest.raises(errors.AllowanceInLedger):
        s.decide(correct(70))
