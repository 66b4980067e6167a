"""The inbox and "what is overdue" part of the event store contract: both stores pass these."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.projections import ReadModelUpdate
from domain.values import Role
from infra.eventstore.base import EventStore
from tests.eventstore.builders import T0, obligation, records, summary
from tests.notifications.builders import notification

P1, P2, P3 = "pw-0001", "pw-0002", "pw-0003"
DAY = timedelta(days=1)


async def two_organisations(store: EventStore) -> None:
    """P1 of cw-1 in org-a, then P2 of cw-2 in org-b, each notifying its three roles."""
    for hour, (pathway_id, org, cw) in enumerate([(P1, "org-a", "cw-1"), (P2, "org-b", "cw-2")]):
        created = T0 + timedelta(hours=hour)
        notifications = tuple(
            notification(
                pathway_id, v, role=role, recipient_id=cw, organisation_id=org, created_at=created
            )
            for v, role in enumerate([Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR], 1)
        )
        row = summary(pathway_id, 1, organisation_id=org, caseworker_id=cw)
        await store.append(
            pathway_id,
            0,
            records(pathway_id, 0, f"{pathway_id}-c1"),
            ReadModelUpdate(summary=row, obligations=(), notifications=notifications),
        )


async def ids(store: EventStore, user_id: str, role: Role, org: str, **kw: object) -> list[str]:
    rows = await store.notifications.inbox(user_id=user_id, role=role, organisation_id=org, **kw)  # type: ignore[arg-type]
    return [i.notification.notification_id for i in rows]


async def test_a_caseworker_sees_what_is_addressed_to_them_in_person(store: EventStore) -> None:
    await two_organisations(store)

    assert await ids(store, "cw-1", Role.CASEWORKER, "org-a") == [f"pathway-{P1}:1"]
    assert await ids(store, "cw-2", Role.CASEWORKER, "org-b") == [f"pathway-{P2}:1"]
    # Another caseworker of the same organisation sees none of it.
    assert await ids(store, "cw-9", Role.CASEWORKER, "org-a") == []


async def test_a_supervisor_sees_the_supervisor_rows_of_their_organisation(
    store: EventStore,
) -> None:
    await two_organisations(store)

    assert await ids(store, "sup-a", Role.SUPERVISOR, "org-a") == [f"pathway-{P1}:2"]
    assert await ids(store, "sup-b", Role.SUPERVISOR, "org-b") == [f"pathway-{P2}:2"]
    assert await ids(store, "sup-c", Role.SUPERVISOR, "org-c") == []


async def test_the_coordinator_sees_the_coordinator_rows_of_every_organisation_newest_first(
    store: EventStore,
) -> None:
    await two_organisations(store)

    assert await ids(store, "cora", Role.COORDINATOR, "org-a") == [
        f"pathway-{P2}:3",
        f"pathway-{P1}:3",
    ]
    assert await ids(store, "cora", Role.COORDINATOR, "org-a", limit=1) == [f"pathway-{P2}:3"]
    assert await ids(store, "aldo", Role.AUDITOR, "org-a") == []


async def test_read_rows_leave_the_unread_list_and_keep_their_first_read_instant(
    store: EventStore,
) -> None:
    await two_organisations(store)
    first_read, second_read = T0 + DAY, T0 + 2 * DAY

    assert await store.notifications.mark_read(f"pathway-{P2}:3", first_read) is True
    assert await store.notifications.mark_read(f"pathway-{P2}:3", second_read) is True
    assert await store.notifications.mark_read("pathway-none:1", first_read) is False

    assert await ids(store, "cora", Role.COORDINATOR, "org-a", unread_only=True) == [
        f"pathway-{P1}:3"
    ]
    rows = await store.notifications.inbox(
        user_id="cora", role=Role.COORDINATOR, organisation_id="org-a"
    )
    assert [(i.notification.pathway_id, i.read_at) for i in rows] == [
        (P2, first_read),
        (P1, None),
    ]


async def test_rows_of_one_instant_come_in_id_order(store: EventStore) -> None:
    rows = tuple(notification(P1, v, role=Role.COORDINATOR) for v in (3, 1, 2))
    await store.append(
        P1,
        0,
        records(P1, 0, "c-1"),
        ReadModelUpdate(summary=summary(P1, 1), obligations=(), notifications=rows),
    )

    assert await ids(store, "cora", Role.COORDINATOR, "org-x") == [
        f"pathway-{P1}:1",
        f"pathway-{P1}:2",
        f"pathway-{P1}:3",
    ]


# --- what is overdue ------------------------------------------------------------------------


async def caseloads(store: EventStore) -> None:
    for pathway_id, org, cw, suspended, owed in [
        (P1, "org-a", "cw-1", False, [("baseline", T0 + DAY), ("assessment", T0 + 10 * DAY)]),
        (P2, "org-b", "cw-2", False, [("baseline", T0 + 2 * DAY)]),
        (P3, "org-a", "cw-3", True, [("baseline", T0)]),
    ]:
        row = summary(pathway_id, 1, organisation_id=org, caseworker_id=cw)
        await store.append(
            pathway_id,
            0,
            records(pathway_id, 0, f"{pathway_id}-c1"),
            ReadModelUpdate(
                summary=row.model_copy(update={"suspended": suspended}),
                obligations=tuple(obligation(oid, due, kind=oid) for oid, due in owed),
            ),
        )


async def overdue(store: EventStore, now: datetime, **filters: object) -> list[tuple[str, str]]:
    rows = await store.caseload.overdue_obligations(now, **filters)  # type: ignore[arg-type]
    return [(r.pathway_id, r.obligation.obligation_id) for r in rows]


async def test_overdue_for_the_project_an_organisation_and_a_caseworker(
    store: EventStore,
) -> None:
    await caseloads(store)
    now = T0 + 5 * DAY

    assert await overdue(store, now) == [(P1, "baseline"), (P2, "baseline")]
    assert await overdue(store, now, organisation_id="org-a") == [(P1, "baseline")]
    assert await overdue(store, now, caseworker_id="cw-2") == [(P2, "baseline")]
    assert await overdue(store, now, organisation_id="org-a", caseworker_id="cw-2") == []
    assert await overdue(store, now, limit=1) == [(P1, "baseline")]
    # Due at the very instant counts as overdue; a moment before it does not.
    assert await overdue(store, T0 + DAY) == [(P1, "baseline")]
    assert await overdue(store, T0 + DAY - timedelta(seconds=1)) == []


async def test_overdue_rows_say_whose_caseload_they_are_in(store: EventStore) -> None:
    await caseloads(store)

    [row] = await store.caseload.overdue_obligations(T0 + 2 * DAY, caseworker_id="cw-2")

    assert (row.pathway_id, row.organisation_id, row.caseworker_id) == (P2, "org-b", "cw-2")
    assert row.obligation == obligation("baseline", T0 + 2 * DAY, kind="baseline")


async def test_suspended_pathways_owe_nothing_overdue(store: EventStore) -> None:
    await caseloads(store)

    assert (P3, "baseline") not in await overdue(store, T0 + 100 * DAY)
    assert await overdue(store, T0 + 100 * DAY, caseworker_id="cw-3") == []


async def test_inbox_and_overdue_arguments_are_checked(store: EventStore) -> None:
    with pytest.raises(ValueError):
        await store.caseload.overdue_obligations(datetime(2025, 3, 3))
    with pytest.raises(ValueError):
        await store.notifications.inbox(
            user_id="u", role=Role.CASEWORKER, organisation_id="o", limit=0
        )
    with pytest.raises(ValueError):
        await store.notifications.mark_read("x", datetime(2025, 3, 3))
