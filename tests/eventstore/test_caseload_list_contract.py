"""The caseload list's filters, orders and paging, the same on every store.

Given 240 pathways' summaries (more than the 200 My day reads), each filter keeps what a
plain reading of the rows keeps, each order is the documented one, and reading page after
page gives every row once. PostgreSQL runs the SQL of migration 0019 (the GIN index on the
measure kinds, the stage order); the in-memory store is the reference.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest
import pytest_asyncio

from domain.measures import MeasureKind
from domain.projections import PathwaySummary, ReadModelUpdate
from domain.values import ProtectionStatus, Stage
from infra.db import open_pool
from infra.eventstore.base import EventStore
from infra.eventstore.memory import InMemoryEventStore
from infra.eventstore.postgres import PostgresEventStore
from infra.eventstore.queries import CaseloadSort
from tests.eventstore.builders import T0, summary
from tests.eventstore.conftest import PostgresCluster

ROWS = 240
KINDS = list(MeasureKind)[:3]
STATUSES = list(ProtectionStatus)
NOW = T0 + timedelta(hours=ROWS // 2)


def row(i: int) -> PathwaySummary:
    """Pathway `i`: organisations, caseworkers, stages, deadlines and kinds spread about."""
    base = summary(
        f"pw-{i:03d}",
        1,
        organisation_id="org-a" if i % 2 == 0 else "org-b",
        caseworker_id=f"cw-{i % 4}",
        stage=list(Stage)[i % len(Stage)],
        next_deadline=None if i % 5 == 0 else T0 + timedelta(hours=(i * 53) % ROWS),
    )
    kinds = {0: (), 1: (KINDS[0],), 2: (KINDS[0], KINDS[1]), 3: (KINDS[2],)}[i % 4]
    return base.model_copy(
        update={
            "opened_at": T0 - timedelta(hours=(i * 37) % ROWS),
            "suspended": i % 11 == 0,
            "measure_kinds": tuple(sorted(k.value for k in kinds)),
            "protection_status": None if i % 6 == 0 else STATUSES[i % len(STATUSES)],
        }
    )


ALL = [row(i) for i in range(ROWS)]


async def filled(store: EventStore) -> EventStore:
    for summary_row in ALL:
        await store.replace_read_models(ReadModelUpdate(summary=summary_row, obligations=()))
    return store


@pytest_asyncio.fixture(scope="module")
async def filled_postgres(postgres: PostgresCluster) -> AsyncIterator[EventStore]:
    """One database for the module: the tests only read it."""
    name = await postgres.create_database()
    pool = await open_pool(postgres.uri(name), min_size=1, max_size=2)
    try:
        yield await filled(PostgresEventStore(pool))
    finally:
        await pool.close()
        await postgres.drop_database(name)


@pytest_asyncio.fixture(scope="module")
async def filled_memory() -> EventStore:
    return await filled(InMemoryEventStore())


@pytest.fixture(params=["memory", "postgres"])
def caseload(request: pytest.FixtureRequest) -> EventStore:
    store: EventStore = request.getfixturevalue(f"filled_{request.param}")
    return store


def urgency(s: PathwaySummary) -> tuple[bool, datetime, str]:
    return (s.next_deadline is None, s.next_deadline or T0, s.pathway_id)


ORDERS: dict[CaseloadSort, Callable[[PathwaySummary], object]] = {
    CaseloadSort.NEXT_DEADLINE: urgency,
    CaseloadSort.OPENED: lambda s: (s.opened_at, s.pathway_id),
    CaseloadSort.OPENED_DESC: lambda s: (-s.opened_at.timestamp(), s.pathway_id),
    CaseloadSort.STAGE: lambda s: (list(Stage).index(s.stage), *urgency(s)),
}


def expected(keep: Callable[[PathwaySummary], bool], sort: CaseloadSort) -> list[str]:
    return [s.pathway_id for s in sorted(filter(keep, ALL), key=ORDERS[sort])]


def overdue(s: PathwaySummary) -> bool:
    return not s.suspended and s.next_deadline is not None and s.next_deadline <= NOW


FILTERS: list[tuple[str, dict[str, object], Callable[[PathwaySummary], bool]]] = [
    ("none", {}, lambda s: True),
    ("organisation", {"organisation_id": "org-b"}, lambda s: s.organisation_id == "org-b"),
    ("caseworker", {"caseworker_id": "cw-2"}, lambda s: s.caseworker_id == "cw-2"),
    ("stage", {"stage": Stage.ACTIVE}, lambda s: s.stage == Stage.ACTIVE),
    ("measure kind", {"measure_kind": KINDS[0].value}, lambda s: KINDS[0] in s.measure_kinds),
    (
        "protection status",
        {"protection_status": ProtectionStatus.REFUGEE},
        lambda s: s.protection_status == ProtectionStatus.REFUGEE,
    ),
    ("overdue", {"overdue_at": NOW}, overdue),
    (
        "all together",
        {"organisation_id": "org-a", "measure_kind": KINDS[1].value, "overdue_at": NOW},
        lambda s: s.organisation_id == "org-a" and KINDS[1] in s.measure_kinds and overdue(s),
    ),
]


@pytest.mark.parametrize("name, given, keep", FILTERS, ids=[f[0] for f in FILTERS])
async def test_each_filter_keeps_the_rows_it_names(
    caseload: EventStore, name: str, given: dict[str, object], keep: Callable[..., bool]
) -> None:
    found = await caseload.caseload.list_summaries(**given, limit=500)  # type: ignore[arg-type]
    want = expected(keep, CaseloadSort.NEXT_DEADLINE)
    assert [s.pathway_id for s in found] == want
    assert want or name == "all together", "a filter that keeps nothing checks nothing"
    assert await caseload.caseload.count_summaries(**given) == len(want)  # type: ignore[arg-type]


@pytest.mark.parametrize("sort", list(CaseloadSort))
async def test_pages_past_200_give_every_row_once_in_order(
    caseload: EventStore, sort: CaseloadSort
) -> None:
    pages = [
        await caseload.caseload.list_summaries(sort=sort, limit=70, offset=offset)
        for offset in range(0, ROWS + 70, 70)
    ]
    assert [len(p) for p in pages] == [70, 70, 70, 30, 0]
    assert [s.pathway_id for page in pages for s in page] == expected(lambda s: True, sort)


async def test_the_filters_are_written_with_the_summary(caseload: EventStore) -> None:
    assert await caseload.caseload.get_summary("pw-002") == ALL[2]
    assert ALL[2].measure_kinds and ALL[2].protection_status is not None
