"""Crashes on the way of a payment leave it exactly once in the ledger and in the bank files.

1. The worker killed between the approval and the ledger write: there is no such moment,
   because the ledger row and the budget commitment are written in the transaction that
   appends the approval's events. The test kills a real worker process (`kill -9`) while
   that transaction is open, ledger row and commitment written, events not yet: nothing
   remains, and the retry of the same command (what Temporal does with the activity)
   books the payment once, and a second retry nothing.
2. The export killed between recording the batch and writing its file
   (`PATHWAYS_FAULT=after_batch_commit`): `export --batch` writes that file, the next
   export pays only what came after, and every payment is in exactly one file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from activities.pathways.event_store import EventStoreActivities
from domain.payments.ledger import PaymentKind, budget_line_id
from infra.faults import CRASH_EXIT_CODE, FAULT_VARIABLE
from infra.payments.model import end_to_end_id_for
from tests.eventstore.builders import read_models, records, summary
from tests.eventstore.ledger_builders import entry, lines
from tests.integration.conftest import PATHWAYS, REPO, run
from tests.payments.crash_append import AMOUNT, approval_request
from tests.payments.test_payments_cli import ORG_IBAN, Admin, admin

__all__ = ["admin"]

pytestmark = pytest.mark.integration

FURNITURE_LINE = budget_line_id(PaymentKind.FURNITURE)
HOLD_FIRST_APPEND = """
CREATE SEQUENCE hold_once;
CREATE FUNCTION hold_first_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A sequence is not transactional: only the first append ever waits here.
    IF nextval('hold_once') = 1 THEN
        PERFORM pg_sleep(120);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER hold_first_append BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION hold_first_append();
"""


async def _held_backend(admin: Admin, seconds: float = 30) -> int:
    """The pid of the backend waiting in the trigger, once the append has got there."""
    for _ in range(int(seconds * 10)):
        found = await admin.rows(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event = 'PgSleep'"
        )
        if found:
            return int(str(found[0][0]))
        await asyncio.sleep(0.1)
    pytest.fail("the worker's append never reached the events insert")


async def _ledger_state(admin: Admin, pathway_id: str) -> tuple[object, ...]:
    (row,) = await admin.rows(
        "SELECT (SELECT count(*) FROM ledger),"
        f" (SELECT committed FROM budget_lines WHERE line_id = '{FURNITURE_LINE}'),"
        f" (SELECT count(*) FROM events WHERE stream_id = '{pathway_id}')"
    )
    return row


async def test_a_worker_killed_inside_the_approval_leaves_nothing_and_its_retry_books_once(
    admin: Admin, database: str
) -> None:
    pathway = "pw-crash-1"
    await admin.store.budget.apply_budget(
        lines(furniture=2_000_00),
        changed_by="t",
        changed_at=summary(pathway, 1).updated_at,
        source="test",
    )
    await admin.store.append(
        pathway, 0, records(pathway, 0, "open"), read_models(summary(pathway, 1))
    )
    async with admin.pool.connection() as conn:
        await conn.execute(HOLD_FIRST_APPEND)
        # Postgres then notices a client gone mid-query within 100 ms, and rolls back.
        await conn.execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET"
            " client_connection_check_interval = 100', current_database()); END $$"
        )

    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.payments.crash_append",
        database,
        pathway,
        cwd=REPO,
        env={**os.environ, "PATHWAYS_LOG_LEVEL": "WARNING"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    backend = await _held_backend(admin)
    # The ledger row and the commitment are written (the line's row is locked by them),
    # the events not yet, and nothing of it is visible: one transaction.
    async with admin.pool.connection() as conn:
        with pytest.raises(psycopg.errors.LockNotAvailable):
            await conn.execute(
                "SELECT committed FROM budget_lines WHERE line_id = %s FOR UPDATE NOWAIT",
                (FURNITURE_LINE,),
            )
    assert await _ledger_state(admin, pathway) == (0, 0, 1)

    worker.send_signal(signal.SIGKILL)
    await worker.wait()
    assert worker.returncode == -signal.SIGKILL
    for _ in range(100):
        if not await admin.rows(f"SELECT 1 FROM pg_stat_activity WHERE pid = {backend}"):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("Postgres kept the dead worker's transaction open")

    assert await _ledger_state(admin, pathway) == (0, 0, 1)

    # Temporal retries the activity with the same input: the same command id.
    activities = EventStoreActivities(admin.store)
    first = await activities.append_events(approval_request(pathway))
    again = await activities.append_events(approval_request(pathway))

    assert (first.duplicate, again.duplicate) == (False, True)
    assert await _ledger_state(admin, pathway) == (1, AMOUNT, 2)
    assert await admin.rows("SELECT payment_id, attempt, amount, status FROM ledger") == [
        (entry(pathway, AMOUNT).payment_id, 1, AMOUNT, "approved")
    ]


def _end_to_end_ids(path: Path) -> list[str]:
    tree = ET.parse(path)
    return [el.text or "" for el in tree.iter() if el.tag.endswith("}EndToEndId")]


async def test_an_export_killed_before_its_file_is_written_pays_everyone_once(
    admin: Admin,
) -> None:
    await admin.store.budget.apply_budget(
        lines(furniture=10_000_00),
        changed_by="t",
        changed_at=summary("x", 1).updated_at,
        source="test",
    )
    await admin.ok("payments", "account", "org-lecce", "--name", "Àncora", "--iban", ORG_IBAN)
    first = [entry(f"pw-exp-{i}", 100_00 + i, organisation_id="org-lecce") for i in (1, 2)]
    await admin.approve(*first)
    out = admin.workdir / "sepa"

    crashed = await run(
        PATHWAYS,
        *("payments", "export", "--organisation", "org-lecce", "--out", str(out)),
        env={**admin.env, FAULT_VARIABLE: "after_batch_commit"},
        cwd=admin.workdir,
        timeout=60,
    )

    assert crashed.code == CRASH_EXIT_CODE, crashed
    assert not out.exists() or not list(out.iterdir())
    ((batch_id, count),) = await admin.rows("SELECT batch_id, entry_count FROM payment_batches")
    assert count == 2
    assert await admin.rows("SELECT DISTINCT status, batch_id FROM ledger") == [
        ("exported", batch_id)
    ]

    later = entry("pw-exp-3", 300_00, organisation_id="org-lecce")
    await admin.approve(later)
    rewritten = (
        await admin.ok("payments", "export", "--batch", str(batch_id), "--out", str(out))
    ).splitlines()
    fresh = (
        await admin.ok("payments", "export", "--organisation", "org-lecce", "--out", str(out))
    ).splitlines()
    await admin.refused("nothing_to_export", "payments", "export", "--organisation", "org-lecce")

    files = sorted(out.glob("*.xml"))
    assert [f.name for f in files] == sorted([Path(rewritten[0]).name, Path(fresh[0]).name])
    in_files = Counter(e2e for f in files for e2e in _end_to_end_ids(f))
    assert in_files == Counter(end_to_end_id_for(e.entry_id) for e in [*first, later])
    assert await admin.rows(
        "SELECT count(*), count(DISTINCT entry_id), count(batch_id) FROM ledger"
    ) == [(3, 3, 3)]
