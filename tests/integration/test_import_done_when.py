"""Issue 24's done-when of the import: an XLSX of 500 rows (20 with errors, 10 duplicates)
gives the row-level dry-run report, then opens 470 pathways exactly once with the worker
killed mid-way.

On the dev server and PostgreSQL: the dry run is `pathways caseload import --dry-run`
(in process); the application runs on a worker in a process of its own
(`tests.integration.process_worker`, each opening slowed), SIGKILLed once some pathways are
open; a fresh worker carries the import on from its last recorded batch.
"""

from __future__ import annotations

import re

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.pathways.imports import OPENING_AT_ONCE
from client.bulk import BulkOperations, Started
from domain.values import Actor, Role
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from tests.imports.rows import cells, xlsx_of
from tests.integration.process_worker import crash_mid_apply
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from workers.worker import build_worker
from workflows.bulk_models import BulkStage

__all__ = ["database", "operator", "postgres"]

pytestmark = pytest.mark.integration

VALID = 470
ERRORS = [
    {"family_name": ""},
    {"birth_date": "31/02/1990"},
    {"protection_status": "rifugiato"},
    {"resident_since": "2099-01-01"},
    {"caseworker_id": "marta"},  # a caseworker of another organisation
]


def five_hundred_rows() -> list[dict[str, str]]:
    """470 rows to open, 20 with an error each (four of each kind), 10 whose document
    number an earlier row has: mixed, as a real list is."""
    rows = [cells(n) for n in range(1, VALID + 1)]
    for i in range(20):
        rows.insert(23 * i + 5, cells(1000 + i, **ERRORS[i % len(ERRORS)]))
    for i in range(10):
        rows.insert(40 * i + 30, cells(1 + i, given_name="Doppio"))
    return rows


async def opened(o: Operator) -> int:
    async with o.pool.connection() as conn:
        cur = await conn.execute("SELECT count(*) FROM events WHERE type = 'PathwayOpened'")
        (count,) = await cur.fetchone() or (0,)
    return int(count)


async def test_500_rows_give_their_report_then_470_pathways_open_once_across_a_crash(
    operator: Operator, database: str, dev_server_env: WorkflowEnvironment
) -> None:
    o = operator
    rows = five_hundred_rows()
    assert len(rows) == 500
    (o.workdir / "caseload.xlsx").write_bytes(xlsx_of(rows))
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        ran = await o.here(
            "caseload", "import", str(o.workdir / "caseload.xlsx"), "--organisation", "org-lecce",
            "--dry-run", "--actor", "sara",
        )  # fmt: skip
    assert ran.code == 0, ran.stderr
    problems = re.findall(r"^row (\d+): (\w+): (\w+):", ran.stdout, re.MULTILINE)
    assert len(problems) == 30
    codes = sorted({code for _, _, code in problems})
    assert codes == sorted(
        {"missing_field", "invalid_date", "unknown_value", "fact_in_future",
         "caseworker_not_eligible", "duplicate_in_file"}
    )  # fmt: skip
    # Row numbers are the spreadsheet's (the header is row 1).
    duplicates = [int(n) for n, _, code in problems if code == "duplicate_in_file"]
    assert [rows[n - 2]["given_name"] for n in duplicates] == ["Doppio"] * 10
    assert "500 rows: 470 would be opened, 30 with problems" in ran.stdout
    assert await opened(o) == 0, "a dry run opens nothing"
    (dry_run_id,) = re.findall(r"dry run (bulk-\w+)", ran.stdout)

    bulk = BulkOperations(o.client, o.queue)
    sara = Actor(id="sara", role=Role.SUPERVISOR)

    async def start() -> Started:
        return await bulk.apply(dry_run_id, sara)

    started = await crash_mid_apply(
        database,
        dev_server_env,
        o.queue,
        o.master,
        start=start,
        done=lambda: opened(o),
        rows=VALID,
        slow=0.3,
    )
    # The replacement worker's pool holds a connection for each opening at once.
    pool = await open_pool(database, min_size=1, max_size=OPENING_AT_ONCE + 4)
    store = PostgresEventStore(pool, FieldSealer(Keyring(pool, o.master)))
    try:
        async with build_worker(o.client, store, o.queue, accounts=o.accounts):
            done = await bulk.wait(started.operation_id, 180)
            again = await bulk.apply(dry_run_id, sara)
    finally:
        await pool.close()
    assert done is not None and done.stage == BulkStage.DONE, done
    assert done.count("done") == VALID and len(done.results) == VALID
    assert again.earlier and again.operation_id == started.operation_id
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT count(DISTINCT stream_id), count(*) FROM events WHERE type = 'PathwayOpened'"
        )
        assert await cur.fetchone() == (VALID, VALID)
        cur = await conn.execute(
            "SELECT count(*) FROM pathway_summaries WHERE organisation_id = 'org-lecce'"
            " AND caseworker_id = 'anna' AND pathway_id LIKE 'imp-%'"
        )
        assert await cur.fetchone() == (VALID,)
