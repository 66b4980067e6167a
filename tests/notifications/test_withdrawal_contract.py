"""Withdrawn escalations, part of the event store contract: both stores pass these.

The pathway's baseline, due 7 days after the opening, was escalated to the supervisor and
the coordinator 30 days on; an hour later the caseworker records it, done 6 days after the
opening (back-dated): the escalations are shown withdrawn, and not e-mailed if unsent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.projections import EscalationsWithdrawn, ReadModelUpdate, Withdrawal
from domain.records import EventRecord
from domain.values import Role
from infra.eventstore.base import EventStore, InvalidAppend
from infra.eventstore.notifications import InboxItem
from tests.eventstore.builders import records, summary
from tests.notifications.builders import overdue_pathway
from tests.scenarios import START

LEASE = timedelta(minutes=10)
DONE_ON_TIME = START + timedelta(days=6)
DONE_LATE = START + timedelta(days=8)
LADDER_AT = START + timedelta(days=30)
RECORDED_AT = LADDER_AT + timedelta(hours=1)
WITHDRAWN = Withdrawal(met_by="BaselineRecorded", met_at=DONE_ON_TIME, withdrawn_at=RECORDED_AT)


async def append(
    store: EventStore, batch: list[EventRecord], update: ReadModelUpdate | None
) -> None:
    await store.append(batch[0].stream_id, batch[0].version - 1, batch, update)


async def inbox_of(store: EventStore, user_id: str, role: Role) -> list[InboxItem]:
    return await store.notifications.inbox(user_id=user_id, role=role, organisation_id="org-lecce")


async def test_escalations_for_a_baseline_later_recorded_as_done_on_time_show_withdrawn(
    store: EventStore,
) -> None:
    await overdue_pathway(baseline_done_at=DONE_ON_TIME).append_to(store)

    (supervisor,) = await inbox_of(store, "sara", Role.SUPERVISOR)
    (coordinator,) = await inbox_of(store, "cora", Role.COORDINATOR)
    (caseworker,) = await inbox_of(store, "anna", Role.CASEWORKER)
    assert supervisor.notification.escalation and supervisor.withdrawn == WITHDRAWN
    assert coordinator.withdrawn == WITHDRAWN
    assert caseworker.withdrawn is None, "a reminder is no escalation: it stands"


async def test_a_withdrawn_escalation_still_in_the_outbox_is_never_e_mailed(
    store: EventStore,
) -> None:
    pathway = overdue_pathway(baseline_done_at=DONE_ON_TIME)

    await pathway.append_to(store)

    claimed = await store.notifications.claim_notifications(RECORDED_AT, limit=10, lease=LEASE)
    assert [e.notification.escalation for e in claimed] == [False]
    supervisor, coordinator = [n for n in pathway.notifications if n.escalation]
    for escalation in (supervisor, coordinator):
        entry = await store.notifications.get_outbox_entry(escalation.notification_id)
        assert entry is not None and entry.sent_at is None
        assert entry.withdrawn_at == RECORDED_AT


async def test_an_escalation_e_mailed_before_its_withdrawal_stays_sent(store: EventStore) -> None:
    opened, ladder, baseline = overdue_pathway(baseline_done_at=DONE_ON_TIME).batches
    for batch, update in (opened, ladder):
        await append(store, batch, update)
    for entry in await store.notifications.claim_notifications(LADDER_AT, limit=10, lease=LEASE):
        await store.notifications.mark_notification_sent(entry.notification_id, LADDER_AT)

    await append(store, *baseline)

    supervisor = next(n for n in ladder[1].notifications if n.recipient_role == Role.SUPERVISOR)
    entry = await store.notifications.get_outbox_entry(supervisor.notification_id)
    assert entry is not None and entry.sent_at == LADDER_AT and entry.withdrawn_at is None
    (item,) = await inbox_of(store, "sara", Role.SUPERVISOR)
    assert item.withdrawn == WITHDRAWN


async def test_a_baseline_recorded_as_done_after_its_due_instant_withdraws_nothing(
    store: EventStore,
) -> None:
    await overdue_pathway(baseline_done_at=DONE_LATE).append_to(store)

    (supervisor,) = await inbox_of(store, "sara", Role.SUPERVISOR)
    assert supervisor.withdrawn is None
    claimed = await store.notifications.claim_notifications(RECORDED_AT, limit=10, lease=LEASE)
    assert len(claimed) == 3


async def test_a_rebuild_marks_the_withdrawn_escalations_too(store: EventStore) -> None:
    pathway = overdue_pathway(baseline_done_at=DONE_ON_TIME)
    *earlier, (baseline, update) = pathway.batches
    for batch, models in earlier:
        await append(store, batch, models)
    # The last append wrote no read models (say, an older worker's): a rebuild writes them.
    await append(store, baseline, None)

    await store.replace_read_models(update)

    (supervisor,) = await inbox_of(store, "sara", Role.SUPERVISOR)
    assert supervisor.withdrawn == WITHDRAWN


async def test_a_withdrawal_of_another_pathway_is_refused_and_nothing_is_written(
    store: EventStore,
) -> None:
    other = EscalationsWithdrawn(
        pathway_id="pw-other", obligation_id="baseline", due_instants=(START,), withdrawal=WITHDRAWN
    )
    update = ReadModelUpdate(summary=summary("pw-1", 1), obligations=(), withdrawals=(other,))

    with pytest.raises(InvalidAppend, match="another pathway"):
        await store.append("pw-1", 0, records("pw-1", 0, "c-1"), update)

    assert await store.read_stream("pw-1") == []
