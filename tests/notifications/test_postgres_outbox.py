"""What only the Postgres outbox can show: the row locks that keep two senders apart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import psycopg

from domain.projections import ReadModelUpdate
from infra.eventstore.postgres import PostgresEventStore
from tests.eventstore.builders import T0, records, summary
from tests.notifications.builders import notification

P1 = "pw-0001"
LEASE = timedelta(minutes=10)
LATER = T0 + timedelta(hours=1)


async def test_a_claim_skips_the_rows_another_sender_holds_without_waiting(
    postgres_store: PostgresEventStore, database: str
) -> None:
    rows = tuple(notification(P1, v, created_at=T0 + timedelta(minutes=v)) for v in (1, 2, 3))
    models = ReadModelUpdate(summary=summary(P1, 1), obligations=(), notifications=rows)
    await postgres_store.append(P1, 0, records(P1, 0, "c-1"), models)
    held = rows[0].notification_id

    async with await psycopg.AsyncConnection.connect(database) as other, other.transaction():
        # Another sender's claim, caught between its SELECT ... FOR UPDATE and its commit.
        await other.execute("SELECT 1 FROM outbox WHERE notification_id = %s FOR UPDATE", (held,))
        claimed = await asyncio.wait_for(
            postgres_store.notifications.claim_notifications(LATER, limit=10, lease=LEASE),
            timeout=5,
        )
        assert [e.notification for e in claimed] == [rows[1], rows[2]]

    # Once that transaction is over (rolled back here), the row is due again.
    [again] = await postgres_store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)
    assert again.notification_id == held
