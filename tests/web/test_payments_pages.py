"""`/payments`: budget lines, ledger, SEPA batches, statements and the report, in scope.

On the real Postgres ledger (the payment tests' database), with payments approved the way
the pathway workflow books them (an approval appended with its ledger entries). A statement
is imported by its workflow on the dev server, whose worker tells the pathways through a
recording stand-in for the `PathwayClient`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.payments.statement_import import StatementImportActivities
from client.pathway import CommandRefused
from client.statement_import import StatementImports
from domain.commands import CommandEnvelope
from domain.values import Stage
from infra.access_log.model import AccessQuery
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.book import BankAccount
from infra.payments.model import end_to_end_id_for
from tests.eventstore.builders import T0, read_models, records, summary
from tests.eventstore.conftest import database, postgres
from tests.eventstore.ledger_builders import entry, lines, with_ledger
from tests.web.conftest import web_settings
from tests.web.staff import ORGANISATIONS, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from workers.composition import payments_desk
from workflows.models import CommandResult
from workflows.statement_import import StatementImportWorkflow

__all__ = ["database", "postgres"]

pytestmark = pytest.mark.integration

ORG_IBAN = "IT60X0542811101000000123456"
NOW = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
LECCE_1 = entry("pw-l1", 400_00, organisation_id="org-lecce")
LECCE_2 = entry("pw-l2", 250_50, organisation_id="org-lecce", payee_name="Casa Bianchi")
NARDO_1 = entry("pw-n1", 300_00, organisation_id="org-nardo")


@dataclass
class RecordingPathways:
    """Stands in for `PathwayClient.send`: records what the pathways are told."""

    sent: list[tuple[str, CommandEnvelope]] = field(default_factory=list)
    known: set[str] = field(default_factory=set)

    def checking(self, accounts: object, contacts: object = None) -> RecordingPathways:
        return self  # the pages under test name no one to hold a pathway

    async def send(self, pathway_id: str, envelope: CommandEnvelope) -> CommandResult:
        self.sent.append((pathway_id, envelope))
        if envelope.command_id in self.known:
            raise CommandRefused("already_recorded", "already recorded")
        self.known.add(envelope.command_id)
        return CommandResult(
            pathway_id=pathway_id,
            command_id=envelope.command_id,
            version=3,
            stage=Stage.ACTIVE,
            events=("PaymentPaid",),
        )


@dataclass
class Office:
    app: FastAPI
    pool: Pool
    pathways: RecordingPathways

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )

    async def rows(self, query: str) -> list[tuple[object, ...]]:
        async with self.pool.connection() as conn:
            return list(await (await conn.execute(query)).fetchall())


@pytest_asyncio.fixture(loop_scope="session")
async def office(database: str, dev_server_env: WorkflowEnvironment) -> AsyncIterator[Office]:
    pool = await open_pool(database, min_size=1, max_size=4)
    store = PostgresEventStore(pool)
    desk = payments_desk(pool)
    async with pool.connection() as conn:
        for organisation in ORGANISATIONS:
            await conn.execute(
                "INSERT INTO organisations (organisation_id, name) VALUES (%s, %s)",
                (organisation.id, organisation.name),
            )
    await store.budget.apply_budget(
        lines(furniture=1_000_00), changed_by="t", changed_at=T0, source="test"
    )
    await desk.store.set_account(
        BankAccount(organisation_id="org-lecce", debtor_name="Àncora", iban=ORG_IBAN, bic=None),
        T0,
    )
    for e in (LECCE_1, LECCE_2, NARDO_1):
        p = e.pathway_id
        await store.append(p, 0, records(p, 0, f"{p}-open"), read_models(summary(p, 1)))
        await store.append(p, 1, records(p, 1, f"approve-{p}"), with_ledger(p, 2, e))
    pathways = RecordingPathways()
    queue = f"statements-{uuid.uuid4().hex[:8]}"
    steps = StatementImportActivities(desk.store, pathways)
    worker = Worker(
        dev_server_env.client,
        task_queue=queue,
        workflows=[StatementImportWorkflow],
        activities=[steps.settle_statement, steps.tell_pathways],
    )
    app = create_test_app(
        pathways,  # type: ignore[arg-type]  # only `send` is used by these pages
        store,
        await staffed_accounts(),
        web_settings(clock=lambda: NOW),
        desk,
        statement_imports=StatementImports(dev_server_env.client, queue),
    )
    try:
        async with worker:
            yield Office(app, pool, pathways)
    finally:
        await pool.close()


async def test_a_supervisor_sees_their_organisation_batches_and_downloads_the_file(
    office: Office,
) -> None:
    async with office.browser() as sara:
        token = await sign_in(sara, "sara")
        home = await sara.get("/")
        assert 'href="/payments"' in home.text
        page = await sara.get("/payments")
        assert page.status_code == 200, page.text
        assert "wp2_housing.furniture" in page.text
        assert "950,50" in page.text  # committed of the line, in Italian
        assert "650,50" in page.text  # Lecce's approved rows
        assert "Casa Bianchi" in page.text and "pw-n1" not in page.text
        assert "Arredi ·" in page.text, "payment kinds are labelled in the reader's language"

        made = await sara.post(
            "/payments/batches",
            data={"csrf_token": token, "organisation": "org-lecce", "execution_date": "2025-03-21"},
        )
        assert made.status_code == 303, made.text
        batch_id = made.headers["location"].split("exported=")[1].split("#")[0]
        listed = await sara.get(made.headers["location"])
        assert f"/payments/batches/{batch_id}.xml" in listed.text

        file = await sara.get(f"/payments/batches/{batch_id}.xml")
        assert file.status_code == 200
        assert file.headers["content-type"].startswith("application/xml")
        (stored,) = await office.rows(
            f"SELECT file_sha256 FROM payment_batches WHERE batch_id = '{batch_id}'"
        )
        assert hashlib.sha256(file.content).hexdigest() == stored[0]
        assert (await sara.get(f"/payments/batches/{batch_id}.xml")).content == file.content
        assert end_to_end_id_for(LECCE_1.entry_id).encode() in file.content
        assert end_to_end_id_for(NARDO_1.entry_id).encode() not in file.content
        # The ledger's payees and the file's are reads of their pathways: in the access log.
        logged = await office.app.state.access_log.search(AccessQuery(account_id="sara"))
        reads = {(e.what, e.pathway_id) for e in logged}
        assert {("payments_page", "pw-l1"), ("sepa_batch_file", "pw-l2")} <= reads
        assert not any(e.pathway_id == "pw-n1" for e in logged)

        again = await sara.post(
            "/payments/batches", data={"csrf_token": token, "organisation": "org-lecce"}
        )
        assert again.status_code == 409
        assert "nothing_to_export" in again.text
        assert "Non ci sono pagamenti approvati" in again.text

    async with office.browser() as paolo:
        await sign_in(paolo, "paolo")
        assert (await paolo.get(f"/payments/batches/{batch_id}.xml")).status_code == 404
        assert (await paolo.get("/payments?organisation=org-lecce")).status_code == 404


async def test_a_refused_batch_is_explained_and_records_nothing(office: Office) -> None:
    async with office.browser() as paolo:
        token = await sign_in(paolo, "paolo")
        refused = await paolo.post(
            "/payments/batches", data={"csrf_token": token, "organisation": "org-nardo"}
        )
        assert refused.status_code == 422
        assert "no_bank_account" in refused.text and 'role="alert"' in refused.text
        stale = await paolo.post("/payments/batches", data={"organisation": "org-nardo"})
        assert stale.status_code == 403
    assert await office.rows("SELECT count(*) FROM payment_batches") == [(0,)]
    assert await office.rows("SELECT DISTINCT status FROM ledger") == [("approved",)]


async def test_a_statement_settles_the_ledger_and_tells_the_pathways_once(
    office: Office,
) -> None:
    async with office.browser() as cora:
        token = await sign_in(cora, "cora")
        made = await cora.post(
            "/payments/batches", data={"csrf_token": token, "organisation": "org-lecce"}
        )
        assert made.status_code == 303
        statement = (
            "date,end_to_end_id,amount,status,bank_reference,reason\n"
            f"2025-03-18,{end_to_end_id_for(LECCE_1.entry_id)},400.00,paid,BNK-1,\n"
            f"2025-03-19,{end_to_end_id_for(LECCE_2.entry_id)},250.50,returned,BNK-2,AC04\n"
            f"2025-03-18,{end_to_end_id_for(NARDO_1.entry_id)},300.00,paid,BNK-3,\n"
            "2025-03-18,ffffffffffffffffffffffffffffffff/1,5.00,paid,BNK-4,\n"
        )

        async def upload() -> httpx.Response:
            return await cora.post(
                "/payments/statements",
                data={"csrf_token": token, "organisation": "org-lecce"},
                files={"statement": ("march.csv", statement.encode(), "text/csv")},
            )

        ledger = "SELECT entry_id, status FROM ledger ORDER BY 1"
        exported = await office.rows(ledger)
        ahead = statement + f"2025-03-21,{end_to_end_id_for(LECCE_2.entry_id)},250.50,paid,BNK-5,\n"
        refused = await cora.post(
            "/payments/statements",
            data={"csrf_token": token, "organisation": "org-lecce"},
            files={"statement": ("april.csv", ahead.encode(), "text/csv")},
        )
        assert refused.status_code == 422 and "fact_in_future" in refused.text
        assert "line 6" in refused.text and "2025-03-21" in refused.text
        assert await office.rows(ledger) == exported
        assert office.pathways.sent == []

        first = await upload()
        assert first.status_code == 200, first.text
        figures = {
            name: first.text.split(f'id="figure-{name}">')[1].split("<")[0]
            for name in ("paid", "returned", "unmatched", "duplicate")
        }
        assert figures == {"paid": "1", "returned": "1", "unmatched": "2", "duplicate": "0"}
        assert "ffffffffffffffffffffffffffffffff/1" in first.text
        # Nardò's payment is not on Lecce's account: unmatched, untouched.
        assert end_to_end_id_for(NARDO_1.entry_id) in first.text
        # The same file again starts nothing: the first import's result, and a word of it.
        second = await upload()
        assert second.status_code == 200, second.text
        assert 'id="statement-earlier"' in second.text
        assert 'id="figure-paid">1<' in second.text
        assert 'id="figure-duplicate">0<' in second.text
        progress = await cora.get(
            f"/payments/statements/statement-{hashlib.sha256(statement.encode()).hexdigest()}"
            "-org-lecce",
            params={"organisation": "org-lecce"},
        )
        assert progress.status_code == 200
        assert 'id="figure-returned">1<' in progress.text
        elsewhere = await cora.get(
            f"/payments/statements/statement-{hashlib.sha256(statement.encode()).hexdigest()}"
            "-org-lecce",
            params={"organisation": "org-nardo"},
        )
        assert elsewhere.status_code == 404

        report = await cora.get(
            "/payments/report",
            params={"organisation": "org-lecce", "from": "2025-03-01", "to": "2025-03-31"},
        )
        assert report.status_code == 200
        table = list(csv.DictReader(io.StringIO(report.text)))
        assert [r["amount_eur"] for r in table if r["row_type"] == "total"] == ["400.00"]
        xlsx = await cora.get(
            "/payments/report",
            params={
                "organisation": "org-lecce",
                "from": "2025-03-01",
                "to": "2025-03-31",
                "format": "xlsx",
            },
        )
        assert xlsx.content.startswith(b"PK")

    assert await office.rows("SELECT entry_id, status FROM ledger ORDER BY 1") == sorted(
        [
            (LECCE_1.entry_id, "paid"),
            (LECCE_2.entry_id, "returned"),
            (NARDO_1.entry_id, "approved"),
        ]
    )
    told = [(p, e.actor.id, e.command_id) for p, e in office.pathways.sent]
    assert told[:2] == [
        ("pw-l1", "system:bank", f"bank:{LECCE_1.payment_id}.1.paid"),
        ("pw-l2", "system:bank", f"bank:{LECCE_2.payment_id}.1.returned"),
    ]
    assert told[2:] == []  # the second import is the first: no one is told twice


async def test_auditors_read_and_caseworkers_do_not_see_payments(office: Office) -> None:
    async with office.browser() as aldo:
        token = await sign_in(aldo, "aldo")
        page = await aldo.get("/payments", params={"organisation": "org-nardo"})
        assert page.status_code == 200
        assert "pw-n1" in page.text and 'action="/payments/batches"' not in page.text
        refused = await aldo.post(
            "/payments/batches", data={"csrf_token": token, "organisation": "org-nardo"}
        )
        assert refused.status_code == 403
    async with office.browser() as anna:
        await sign_in(anna, "anna")
        assert 'href="/payments"' not in (await anna.get("/")).text
        assert (await anna.get("/payments")).status_code == 403
