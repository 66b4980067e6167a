"""The access log contract: every implementation (in-memory, Postgres) passes these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from pydantic import ValidationError

from domain.values import Actor, Role
from infra.access_log.base import AccessLog
from infra.access_log.model import AccessLogUnavailable, AccessQuery, Channel, Purpose
from infra.access_log.postgres import PostgresAccessLog
from infra.db import open_pool

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA = Actor(id="anna", role=Role.CASEWORKER)
ALDO = Actor(id="aldo", role=Role.AUDITOR)


async def everything(log: AccessLog) -> list[object]:
    return list(await log.search(AccessQuery(limit=500)))


async def test_a_recorded_read_is_found_with_who_what_why_and_how(log: AccessLog) -> None:
    await log.record(
        ANNA, "p-1", "pathway_page", Purpose.CASE_MANAGEMENT, Channel.PAGE, at=T0, detail="x=1"
    )

    (entry,) = await log.search(AccessQuery())
    assert (entry.account_id, entry.role, entry.pathway_id) == ("anna", Role.CASEWORKER, "p-1")
    assert (entry.what, entry.purpose, entry.channel) == ("pathway_page", "case_management", "page")
    assert entry.at == T0 and entry.detail == "x=1" and entry.entry_id is not None


async def test_plain_strings_are_accepted_for_purpose_and_channel(log: AccessLog) -> None:
    await log.record(ALDO, "p-1", "export_subject", "subject_access", "cli", at=T0)

    (entry,) = await log.search(AccessQuery())
    assert entry.purpose == Purpose.SUBJECT_ACCESS and entry.channel == Channel.CLI


async def test_newest_first_and_paged(log: AccessLog) -> None:
    for minute in range(5):
        await log.record(
            ANNA, f"p-{minute}", "pathway_state", "case_management", "api",
            at=T0 + timedelta(minutes=minute),
        )  # fmt: skip

    newest = await log.search(AccessQuery(limit=2))
    assert [e.pathway_id for e in newest] == ["p-4", "p-3"]
    after = await log.search(AccessQuery(limit=2, offset=2))
    assert [e.pathway_id for e in after] == ["p-2", "p-1"]


async def test_every_filter_must_match(log: AccessLog) -> None:
    await log.record(ANNA, "p-1", "pathway_page", "case_management", "page", at=T0)
    await log.record(ALDO, "p-1", "pathway_state", "audit", "api", at=T0 + timedelta(hours=1))
    await log.record(ALDO, "p-2", "pathway_history", "audit", "api", at=T0 + timedelta(hours=2))

    def ids(found: list[object]) -> list[tuple[str, str]]:
        return [(e.account_id, e.pathway_id) for e in found]  # type: ignore[attr-defined]

    assert ids(await log.search(AccessQuery(pathway_id="p-1"))) == [
        ("aldo", "p-1"),
        ("anna", "p-1"),
    ]
    assert ids(await log.search(AccessQuery(account_id="aldo", pathway_id="p-2"))) == [
        ("aldo", "p-2")
    ]
    assert ids(await log.search(AccessQuery(channel=Channel.PAGE))) == [("anna", "p-1")]
    hour = timedelta(hours=1)
    window = AccessQuery(since=T0 + hour, until=T0 + 2 * hour)
    assert ids(await log.search(window)) == [("aldo", "p-1")]
    assert await log.search(AccessQuery(account_id="nobody")) == []


async def test_a_list_records_each_pathway_once(log: AccessLog) -> None:
    await log.record_all(ALDO, ["p-1", "p-2", "p-1"], "indicator_drill_down", "audit", "page")

    found = await log.search(AccessQuery())
    assert sorted(e.pathway_id for e in found) == ["p-1", "p-2"]
    assert len({e.at for e in found}) == 1


async def test_an_empty_list_records_nothing(log: AccessLog) -> None:
    await log.record_all(ALDO, [], "indicator_drill_down", "audit", "page")

    assert await everything(log) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"purpose": "curiosity"},
        {"channel": "fax"},
        {"what": "Pathway Page"},
        {"pathway_id": "p 1; DROP"},
        {"detail": "x" * 201},
    ],
)
async def test_an_invalid_entry_is_refused_and_nothing_is_stored(
    log: AccessLog, bad: dict[str, str]
) -> None:
    given = {
        "pathway_id": "p-1",
        "what": "pathway_page",
        "purpose": "case_management",
        "channel": "page",
    }
    given.update(bad)
    detail = given.pop("detail", None)

    with pytest.raises((ValueError, ValidationError)):
        await log.record(ANNA, **given, detail=detail)  # type: ignore[arg-type]

    assert await everything(log) == []


# --- PostgreSQL only ------------------------------------------------------------------------


async def test_postgres_refuses_to_change_or_delete_an_entry(database: str) -> None:
    pool = await open_pool(database, min_size=1, max_size=2)
    try:
        await PostgresAccessLog(pool).record(ANNA, "p-1", "pathway_page", "case_management", "page")
    finally:
        await pool.close()
    async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
        for statement in ("UPDATE access_log SET purpose = 'audit'", "DELETE FROM access_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                await conn.execute(statement)
        row = await (await conn.execute("SELECT count(*), min(purpose) FROM access_log")).fetchone()
    assert row == (1, "case_management")


async def test_postgres_that_cannot_write_says_unavailable_and_stores_nothing(
    database: str,
) -> None:
    # A real failed write: the table locked by another session, the writer's lock timeout short.
    impatient = make_conninfo(database, options="-c lock_timeout=200ms")
    pool = await open_pool(impatient, min_size=1, max_size=2)
    log = PostgresAccessLog(pool)
    try:
        async with (
            await psycopg.AsyncConnection.connect(database, autocommit=True) as conn,
            conn.transaction(),
        ):
            await conn.execute("LOCK TABLE access_log IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(AccessLogUnavailable):
                await log.record(ANNA, "p-1", "pathway_page", "case_management", "page")
        assert await log.search(AccessQuery()) == []
    finally:
        await pool.close()


@pytest.fixture
def log(access_log: AccessLog) -> AccessLog:
    return access_log
