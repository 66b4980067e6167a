"""The outbox part of the event store contract: both stores pass these."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from domain.projections import Notification, ReadModelUpdate
from domain.values import Role
from infra.eventstore.base import EventStore, InvalidAppend
from infra.eventstore.notifications import OutboxEntry
from tests.eventstore.builders import T0, records, summary
from tests.notifications.builders import notification, overdue_pathway

P1, P2 = "pw-0001", "pw-0002"
LEASE = timedelta(minutes=10)
LATER = T0 + timedelta(hours=1)


def update(pathway_id: str, version: int, *notifications: Notification) -> ReadModelUpdate:
    return ReadModelUpdate(
        summary=summary(pathway_id, version), obligations=(), notifications=notifications
    )


async def entries(store: EventStore, *ids: str) -> list[OutboxEntry | None]:
    return [await store.notifications.get_outbox_entry(i) for i in ids]


async def test_the_append_queues_its_notifications_and_files_them_in_the_inbox(
    store: EventStore,
) -> None:
    pathway = overdue_pathway()

    await pathway.append_to(store)

    queued = await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)
    assert [e.notification for e in queued] == list(pathway.notifications)
    assert len(pathway.notifications) == 3
    inbox = await store.notifications.inbox(
        user_id="anna", role=Role.CASEWORKER, organisation_id="org-lecce"
    )
    assert [i.notification for i in inbox] == [pathway.notifications[0]]


async def test_a_retried_append_queues_nothing_more(store: EventStore) -> None:
    batch = records(P1, 0, "c-1")
    first = notification(P1, 1)
    await store.append(P1, 0, batch, update(P1, 1, first))
    [claimed] = await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)

    # The retry's read models differ (recomputed later): nothing of them may land.
    retry = await store.append(
        P1, 0, batch, update(P1, 1, notification(P1, 1, kind="x"), notification(P1, 2))
    )

    assert retry.duplicate is True
    assert await entries(store, first.notification_id, notification(P1, 2).notification_id) == [
        claimed,
        None,
    ]
    inbox = await store.notifications.inbox(
        user_id="cw-1", role=Role.CASEWORKER, organisation_id="org-a"
    )
    assert [i.notification for i in inbox] == [first]


async def test_a_failed_append_queues_nothing(store: EventStore) -> None:
    batch = records(P1, 0, "c-1", 2)
    poisoned = [batch[0], batch[1].model_copy(update={"data": {"ids": {"m-1"}}})]

    with pytest.raises(TypeError):
        await store.append(P1, 0, poisoned, update(P1, 2, notification(P1, 2)))

    assert await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE) == []
    assert (
        await store.notifications.inbox(
            user_id="cw-1", role=Role.CASEWORKER, organisation_id="org-a"
        )
        == []
    )


async def test_rebuilding_read_models_files_the_inbox_but_queues_no_email(
    store: EventStore,
) -> None:
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, notification(P1, 1)))
    await store.notifications.mark_read(notification(P1, 1).notification_id, LATER)

    await store.replace_read_models(update(P1, 1, notification(P1, 1), notification(P1, 2)))

    assert [
        e.notification_id
        for e in await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)
    ] == [notification(P1, 1).notification_id]
    inbox = await store.notifications.inbox(
        user_id="cw-1", role=Role.CASEWORKER, organisation_id="org-a"
    )
    assert [(i.notification.notification_id, i.read_at) for i in inbox] == [
        (notification(P1, 1).notification_id, LATER),
        (notification(P1, 2).notification_id, None),
    ]


@pytest.mark.parametrize(
    "models",
    [
        pytest.param(update(P1, 1, notification(P1, 1), notification(P1, 1)), id="twice"),
        pytest.param(update(P1, 1, notification(P2, 1)), id="other-pathway"),
    ],
)
async def test_malformed_notifications_are_refused_and_write_nothing(
    store: EventStore, models: ReadModelUpdate
) -> None:
    with pytest.raises(InvalidAppend):
        await store.append(P1, 0, records(P1, 0, "c-1"), models)

    assert await store.read_all() == []
    assert await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE) == []


async def test_claims_take_due_rows_oldest_first_count_attempts_and_hide_them_for_a_lease(
    store: EventStore,
) -> None:
    rows = [notification(P1, v, created_at=T0 + timedelta(minutes=10 - v)) for v in (1, 2, 3)]
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, *rows))

    first = await store.notifications.claim_notifications(LATER, limit=2, lease=LEASE)
    second = await store.notifications.claim_notifications(LATER, limit=2, lease=LEASE)
    during_lease = await store.notifications.claim_notifications(
        LATER + LEASE / 2, limit=10, lease=LEASE
    )
    after_lease = await store.notifications.claim_notifications(
        LATER + LEASE, limit=10, lease=LEASE
    )

    assert [e.notification for e in first] == [rows[2], rows[1]]
    assert [e.notification for e in second] == [rows[0]]
    assert {(e.attempts, e.next_attempt_at) for e in first + second} == {(1, LATER + LEASE)}
    assert during_lease == []
    assert [(e.notification, e.attempts) for e in after_lease] == [
        (rows[2], 2),
        (rows[1], 2),
        (rows[0], 2),
    ]


async def test_concurrent_claims_never_share_a_row(store: EventStore) -> None:
    rows = [notification(P1, v) for v in range(1, 13)]
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, *rows))

    claims = await asyncio.gather(
        *(store.notifications.claim_notifications(LATER, limit=5, lease=LEASE) for _ in range(4))
    )

    ids = [e.notification_id for claim in claims for e in claim]
    assert len(ids) == len(set(ids))
    # A claim may come back short when another took its rows first; the rest are still due.
    rest = await store.notifications.claim_notifications(LATER, limit=20, lease=LEASE)
    assert sorted(ids + [e.notification_id for e in rest]) == sorted(
        n.notification_id for n in rows
    )


async def test_a_sent_notification_is_marked_once_and_never_claimed_again(
    store: EventStore,
) -> None:
    row = notification(P1, 1)
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, row))
    await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)

    assert await store.notifications.mark_notification_sent(row.notification_id, LATER) is True
    assert (
        await store.notifications.mark_notification_sent(row.notification_id, LATER + LEASE)
        is False
    )
    assert (
        await store.notifications.mark_notification_failed(row.notification_id, "late", None)
        is False
    )

    entry = await store.notifications.get_outbox_entry(row.notification_id)
    assert entry is not None
    assert (entry.sent_at, entry.attempts, entry.given_up, entry.last_error) == (
        LATER,
        1,
        False,
        None,
    )
    assert (
        await store.notifications.claim_notifications(LATER + 2 * LEASE, limit=10, lease=LEASE)
        == []
    )


async def test_a_failed_notification_waits_for_its_retry_instant(store: EventStore) -> None:
    row = notification(P1, 1)
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, row))
    await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)
    retry_at = LATER + timedelta(seconds=30)

    assert await store.notifications.mark_notification_failed(
        row.notification_id, "421 busy", retry_at
    )

    assert (
        await store.notifications.claim_notifications(
            retry_at - timedelta(seconds=1), limit=9, lease=LEASE
        )
        == []
    )
    [again] = await store.notifications.claim_notifications(retry_at, limit=10, lease=LEASE)
    assert (again.attempts, again.last_error, again.given_up) == (2, "421 busy", False)


async def test_a_notification_given_up_is_never_claimed_again(store: EventStore) -> None:
    row = notification(P1, 1)
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, row))
    await store.notifications.claim_notifications(LATER, limit=10, lease=LEASE)

    assert await store.notifications.mark_notification_failed(
        row.notification_id, "no recipient", None
    )

    assert (
        await store.notifications.claim_notifications(LATER + 100 * LEASE, limit=10, lease=LEASE)
        == []
    )
    entry = await store.notifications.get_outbox_entry(row.notification_id)
    assert entry is not None
    assert (entry.given_up, entry.sent_at, entry.next_attempt_at, entry.last_error) == (
        True,
        None,
        None,
        "no recipient",
    )


async def test_unknown_notifications_are_not_marked(store: EventStore) -> None:
    assert await store.notifications.mark_notification_sent("pathway-none:1", LATER) is False
    assert await store.notifications.mark_notification_failed("pathway-none:1", "x", LATER) is False
    assert await store.notifications.get_outbox_entry("pathway-none:1") is None


async def test_instants_in_other_time_zones_are_the_same_instants(store: EventStore) -> None:
    row = notification(P1, 1)
    await store.append(P1, 0, records(P1, 0, "c-1"), update(P1, 1, row))
    rome = timezone(timedelta(hours=1))

    [claimed] = await store.notifications.claim_notifications(
        LATER.astimezone(rome), limit=1, lease=LEASE
    )

    assert claimed.next_attempt_at == LATER + LEASE
    assert claimed.notification == row


async def test_claim_arguments_are_checked(store: EventStore) -> None:
    naive = datetime(2025, 3, 3, 9, 0)
    for call in (
        store.notifications.claim_notifications(naive, limit=1, lease=LEASE),
        store.notifications.claim_notifications(LATER, limit=0, lease=LEASE),
        store.notifications.claim_notifications(LATER, limit=1, lease=timedelta()),
        store.notifications.mark_notification_sent("x", naive),
        store.notifications.mark_notification_failed("x", "e", naive),
    ):
        with pytest.raises(ValueError):
            await call
