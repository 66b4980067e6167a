"""A statement's import survives `kill -9` of its worker and completes exactly once.

On the real dev server and PostgreSQL: pathways opened and their furniture approved through
their workflows, the payments exported, then the statement imported by its workflow. The
worker (a process of its own, `tests.integration.process_worker`, each outcome slowed) is
killed with SIGKILL once some pathways are told and others not; a fresh worker carries the
import on from its last recorded step. Every payment is then paid once in the ledger and
once in its pathway's events, the import's result counts each line once, and importing the
same file again starts nothing. The import's payloads in Temporal are sealed.
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from client.statement_import import StatementImports
from domain.calendar import project_day
from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.statements import parse_statement
from infra.crypto.codec import ENCODING, encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.book import BankAccount, PaymentsBook
from infra.payments.postgres import PaymentsStore
from tests.eventstore.ledger_builders import lines
from tests.integration.process_worker import kill_when, spawn_worker
from tests.scenarios import (
    ASSESSMENT,
    CASEWORKER,
    CONDITION,
    OPEN,
    SUPERVISOR,
    evidence_for,
    plan,
)
from tests.workflows.journey import envelope
from workers.composition import payments_book
from workers.worker import build_worker
from workflows.statement_import_models import ImportStage

pytestmark = pytest.mark.integration

PATHWAYS = 12
AMOUNT = 800_00
ORG_IBAN = "IT60X0542811101000000123456"
PAYEE = {"name": "Mobili Rossi srl", "iban": "IT65A0306909606100000063579"}
SLOW_SECONDS = 0.4
"""Each outcome the first worker tells takes this long: a window to kill it in."""


@dataclass
class Office:
    pool: Pool
    client: Client
    store: PostgresEventStore
    payments: PaymentsBook
    queue: str
    master: MasterKey

    async def rows(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        async with self.pool.connection() as conn:
            return list(await (await conn.execute(query, args)).fetchall())


@pytest_asyncio.fixture(loop_scope="session")
async def office(database: str, dev_server_env: WorkflowEnvironment) -> AsyncIterator[Office]:
    pool = await open_pool(database, min_size=1, max_size=4)
    master = MasterKey.generate()
    keyring = Keyring(pool, master, cache_seconds=0)
    sealer = FieldSealer(keyring)
    config = dev_server_env.client.config()
    config["data_converter"] = encrypting_converter(keyring)
    office = Office(
        pool,
        Client(**config),
        PostgresEventStore(pool, sealer),
        payments_book(PaymentsStore(pool, sealer)),
        f"imports-{uuid.uuid4().hex[:8]}",
        master,
    )
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO organisations (organisation_id, name) VALUES ('org-lecce', 'Lecce')"
        )
    now = datetime.now(UTC)
    await office.store.budget.apply_budget(
        lines(furniture=PATHWAYS * AMOUNT), changed_by="t", changed_at=now, source="test"
    )
    await office.payments.set_account(
        BankAccount(organisation_id="org-lecce", debtor_name="Àncora", iban=ORG_IBAN, bic=None),
        now,
    )
    try:
        yield office
    finally:
        await pool.close()


def furniture_approved(pathway_id: str, today: date) -> list[tuple[dict[str, Any], Any]]:
    """The commands from an opening to a furniture payment approved, for `pathway_id`."""
    day = today.isoformat()
    return [
        ({**OPEN, "pathway_id": pathway_id}, CASEWORKER),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER),
        (ASSESSMENT, CASEWORKER),
        (plan(("support", "economic_support"), target=today + timedelta(days=180)), CASEWORKER),
        ({"type": "approve_plan"}, SUPERVISOR),
        (
            {
                "type": "start_measure",
                "measure_id": "support",
                "details": {"kind": "economic_support", "purpose": "Casa", "start_on": day},
            },
            CASEWORKER,
        ),
        (
            {
                "type": "request_payment",
                "measure_id": "support",
                "kind": "furniture",
                "amount": AMOUNT,
                "payee": PAYEE,
                "evidence_ref": "Preventivo n. 42",
                "period": day,
            },
            CASEWORKER,
        ),
        (
            evidence_for(payment_id_for(pathway_id, "support", PaymentKind.FURNITURE, day)),
            CASEWORKER,
        ),
        (
            {
                "type": "approve_payment",
                "payment_id": payment_id_for(pathway_id, "support", PaymentKind.FURNITURE, day),
            },
            SUPERVISOR,
        ),
    ]


async def paid_events(office: Office) -> int:
    (row,) = await office.rows("SELECT count(*) FROM events WHERE type = 'PaymentPaid'")
    return int(row[0])


async def test_a_worker_killed_while_telling_the_pathways_is_replaced_and_imports_once(
    office: Office, database: str, dev_server_env: WorkflowEnvironment
) -> None:
    worker = await spawn_worker(database, dev_server_env, office.queue, office.master, SLOW_SECONDS)
    try:
        pathways = PathwayClient(office.client, office.queue, office.store)
        today = project_day(datetime.now(UTC))
        ids = [f"pw-imp-{i:02d}" for i in range(PATHWAYS)]
        for pathway_id in ids:
            (opening, actor), *rest = furniture_approved(pathway_id, today)
            await pathways.open(envelope(opening, actor))
            for command, by in rest:
                await pathways.send(pathway_id, envelope(command, by))
        batch = await office.payments.export(
            "org-lecce", created_by="sara", now=datetime.now(UTC), execution_date=today
        )
        assert len(batch.rows) == PATHWAYS
        data = (
            "date,end_to_end_id,amount,status,bank_reference,reason\n"
            + "".join(
                f"{today.isoformat()},{row.end_to_end_id},800.00,paid,BNK-{i},\n"
                for i, row in enumerate(batch.rows)
            )
        ).encode()
        imports = StatementImports(office.client, office.queue)
        statement = parse_statement(data, "march.csv")
        started = await imports.start(data, "march.csv", statement, datetime.now(UTC))
        assert not started.earlier

        await kill_when(worker, lambda: paid_events(office))
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    assert worker.returncode == -signal.SIGKILL
    told_before = await paid_events(office)
    assert 3 <= told_before < PATHWAYS, "the worker was not killed mid-way"

    async with build_worker(office.client, office.store, office.queue, payments=office.payments):
        done = await imports.wait(started.import_id, 180)
    assert done is not None and done.stage == ImportStage.DONE, done
    assert done.counts == {"paid": PATHWAYS, "returned": 0, "unmatched": 0, "duplicate": 0}
    assert done.to_tell == PATHWAYS
    assert done.told.sent + done.told.already_known == PATHWAYS and not done.told.refused

    # Each payment once: paid in the ledger by this import, paid once in its pathway.
    assert await office.rows("SELECT status, settled_by, count(*) FROM ledger GROUP BY 1, 2") == [
        ("paid", started.import_id, PATHWAYS)
    ]
    assert await office.rows(
        "SELECT stream_id, count(*) FROM events WHERE type = 'PaymentPaid'"
        " GROUP BY stream_id ORDER BY stream_id"
    ) == [(f"pathway-{p}", 1) for p in ids]

    # The same file again: nothing new starts, the first import's result answers.
    again = await imports.start(data, "march.csv", statement, datetime.now(UTC))
    assert again == type(again)(started.import_id, earlier=True)
    assert await imports.progress(started.import_id) == done
    assert await paid_events(office) == PATHWAYS

    # The statement's lines travel sealed: the payee's data never reach Temporal in clear.
    history = await office.client.get_workflow_handle(started.import_id).fetch_history()
    raw = b"".join(e.SerializeToString() for e in history.events)
    assert ENCODING in raw
    assert not [text for text in (b"BNK-1", b"Mobili Rossi", b"IT65A03069") if text in raw]
