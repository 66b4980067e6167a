"""`pathways budget` and `pathways payments` as an administrator runs them, on real Postgres.

Approved payments are put in the ledger the way the pathway workflow does it: by appending
an approval with its ledger entries. Statements are settled with `--ledger-only`: telling
the pathways needs Temporal, and is tested with the workflows.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
import pytest_asyncio
import xmlschema
from openpyxl import load_workbook

from domain.calendar import project_day
from domain.payments.ledger import LedgerEntry, PaymentKind
from infra.budgets.file import load_budget
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.payments.book import BankAccount
from infra.payments.model import PaymentError
from infra.payments.postgres import PaymentsStore
from tests.eventstore.builders import T0, read_models, records, summary
from tests.eventstore.ledger_builders import entry, with_ledger
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run
from tests.payments.builders import camt053
from workers.composition import payments_book

pytestmark = pytest.mark.integration

DEFAULT_BUDGET = Path(str(resources.files("infra").joinpath("budgets", "default.toml")))
ORG_IBAN = "IT60X0542811101000000123456"


@dataclass
class Admin:
    env: dict[str, str]
    workdir: Path
    pool: Pool

    @property
    def store(self) -> PostgresEventStore:
        return PostgresEventStore(self.pool)

    async def cli(self, *args: str) -> Ran:
        return await run(PATHWAYS, *args, env=self.env, cwd=self.workdir, timeout=60)

    async def ok(self, *args: str) -> str:
        ran = await self.cli(*args)
        assert ran.code == 0, ran
        return ran.stdout

    async def done(self, *args: str) -> str:
        """What `pathways <args>` prints, run in this process (`in_process`), to save a
        start-up: for a command that a subprocess of this module already ran once."""
        ran = await in_process(*args, env=self.env)
        assert ran.code == 0, ran
        return ran.stdout

    async def refused(self, code: str, *args: str) -> Ran:
        """`pathways <args>`, refused with `code`; in this process, to save a start-up (the
        commands that succeed run the entry point itself)."""
        ran = await in_process(*args, env=self.env)
        assert ran.code == 2 and ran.stderr.startswith(f"error: {code}: "), ran
        return ran

    async def rows(self, query: str) -> list[tuple[object, ...]]:
        async with self.pool.connection() as conn:
            return list(await (await conn.execute(query)).fetchall())

    async def approve(self, *entries: LedgerEntry) -> None:
        """Open each entry's pathway and append its approval with the entry, as workflows do."""
        for e in entries:
            p = e.pathway_id
            if await self.store.stream_version(p) == 0:
                await self.store.append(
                    p, 0, records(p, 0, f"{p}-open"), read_models(summary(p, 1))
                )
            version = await self.store.stream_version(p)
            await self.store.append(
                p,
                version,
                records(p, version, f"approve-{e.payment_id}-{e.attempt}"),
                with_ledger(p, version + 1, e),
            )


@pytest_asyncio.fixture(loop_scope="session")
async def admin(database: str, tmp_path: Path) -> AsyncIterator[Admin]:
    pool = await open_pool(database, min_size=1, max_size=4)
    env = clean_environ(PATHWAYS_DATABASE_URL=database, PATHWAYS_DATA_DIR=str(tmp_path / "data"))
    try:
        async with pool.connection() as conn:
            for org in ("org-lecce", "org-nardo"):
                await conn.execute(
                    "INSERT INTO organisations (organisation_id, name) VALUES (%s, %s)", (org, org)
                )
        yield Admin(env, tmp_path, pool)
    finally:
        await pool.close()


ALLOWANCE = entry(
    "pw-0001",
    600_00,
    kind=PaymentKind.WORK_GRANT_ALLOWANCE,
    period="2025-02",
    organisation_id="org-lecce",
)
FURNITURE = entry("pw-0002", 1234_56, organisation_id="org-lecce")
UTILITIES = entry("pw-0003", 180_00, kind=PaymentKind.UTILITIES, organisation_id="org-lecce")


def e2e(e: LedgerEntry) -> str:
    from infra.payments.model import end_to_end_id_for

    return end_to_end_id_for(e.entry_id)


async def test_budget_export_statement_and_report_balance_to_the_cent(admin: Admin) -> None:
    applied = await admin.ok("budget", "apply", str(DEFAULT_BUDGET), "--actor", "adele")
    assert applied.splitlines()[0] == "7 of 7 lines changed"
    await admin.ok(
        "payments",
        "account",
        "org-lecce",
        "--name",
        "Cooperativa Àncora",
        "--iban",
        "IT60 X054 2811 1010 0000 0123 456",
        "--bic",
        "BPMOIT22",
    )
    await admin.approve(ALLOWANCE, FURNITURE, UTILITIES)
    shown = await admin.done("budget", "show")
    assert "wp2_housing.furniture" in shown and "1,234.56 EUR" in shown

    exported = (
        await admin.ok(
            "payments", "export", "--organisation", "org-lecce", "--out", "sepa", "--actor", "adele"
        )
    ).splitlines()
    path = admin.workdir / exported[0]
    assert "3 transfers, 2014.56 EUR" in exported[1]
    shipped = resources.files("sepaxml").joinpath("schemas", "pain.001.001.03.xsd")
    xmlschema.XMLSchema(str(shipped)).validate(path.read_text())
    batch_id = path.stem
    assert await admin.rows(
        "SELECT count(*), sum(amount) FROM ledger"
        f" WHERE status = 'exported' AND batch_id = '{batch_id}'"
    ) == [(3, 2014_56)]
    assert [f.name for f in path.parent.iterdir()] == [path.name]  # no temporary file left

    again = await admin.done(
        "payments", "export", "--batch", batch_id, "--out", str(admin.workdir / "again")
    )
    assert (admin.workdir / again.splitlines()[0]).read_bytes() == path.read_bytes()
    await admin.refused("nothing_to_export", "payments", "export", "--organisation", "org-lecce")

    statement = admin.workdir / "statement.csv"
    statement.write_text(
        "date,end_to_end_id,amount,status,bank_reference,reason\n"
        f"2025-03-06,{e2e(ALLOWANCE)},600.00,paid,BNK-1,\n"
        f"2025-03-07,{e2e(FURNITURE)},1234.56,returned,BNK-2,AC04\n"
        f"2025-03-06,{e2e(UTILITIES)},181.00,paid,BNK-3,\n"
        "2025-03-06,ffffffffffffffffffffffffffffffff/1,5.00,paid,BNK-4,\n"
    )
    exported_rows = await admin.rows("SELECT entry_id, status FROM ledger ORDER BY 1")
    tomorrow = project_day(datetime.now(UTC)) + timedelta(
        days=2
    )  # after today in Italy, whatever the hour
    ahead = admin.workdir / "ahead.csv"
    ahead.write_text(
        statement.read_text() + f"{tomorrow.isoformat()},{e2e(UTILITIES)},180.00,paid,BNK-5,\n"
    )
    refused = await admin.refused("fact_in_future", "payments", "import-statement", str(ahead))
    assert "line 6" in refused.stderr and refused.stdout == ""
    assert await admin.rows("SELECT entry_id, status FROM ledger ORDER BY 1") == exported_rows

    first = await admin.cli("payments", "import-statement", str(statement), "--ledger-only")
    assert first.code == 0, first
    assert first.stdout == "4 lines: 1 paid, 1 returned, 2 unmatched, 0 duplicates\n"
    assert first.stderr.count("unmatched: ") == 2
    ledger = "SELECT entry_id, status, paid_on, returned_on, bank_reference FROM ledger ORDER BY 1"
    settled = await admin.rows(ledger)
    second = await admin.done("payments", "import-statement", str(statement), "--ledger-only")
    assert second == "4 lines: 0 paid, 0 returned, 2 unmatched, 2 duplicates\n"
    assert await admin.rows(ledger) == settled
    # The returned furniture gave its money back to the line.
    assert await admin.rows(
        "SELECT committed FROM budget_lines WHERE line_id = 'wp2_housing.furniture'"
    ) == [(0,)]

    camt = admin.workdir / "statement.xml"
    camt.write_bytes(
        camt053((e2e(UTILITIES), e2e(FURNITURE), "0" * 32 + "/1"), ("180.00", "1234.56", "1.00"))
    )
    third = await in_process(
        "payments", "import-statement", str(camt), "--ledger-only", env=admin.env
    )
    assert third.stdout == "3 lines: 1 paid, 0 returned, 1 unmatched, 1 duplicates\n", third

    report_csv = await admin.ok("payments", "report", "--from", "2025-03-01", "--to", "2025-03-31")
    table = list(csv.DictReader(io.StringIO(report_csv)))
    (total,) = [r for r in table if r["row_type"] == "total"]
    paid = await admin.rows("SELECT sum(amount) FROM ledger WHERE status = 'paid'")
    assert total["amount_eur"] == "780.00" and paid == [(780_00,)]
    await admin.done(
        *("payments", "report", "--from", "2025-03-01", "--to", "2025-03-31"),
        *("--format", "xlsx", "--out", str(admin.workdir / "report.xlsx")),
    )
    book = load_workbook(admin.workdir / "report.xlsx")
    last = list(book["summary"].iter_rows(values_only=True))[-1]
    assert last[0] == "total" and round(last[2] * 100) == 780_00


async def test_refused_exports_record_nothing_and_write_no_file(admin: Admin) -> None:
    await admin.done("budget", "apply", str(DEFAULT_BUDGET))
    bad = entry("pw-0009", 50_00, organisation_id="org-nardo", iban="IT61X0542811101000000123456")
    await admin.approve(bad)
    out = admin.workdir / "out"

    await admin.refused(
        "no_bank_account", "payments", "export", "--organisation", "org-nardo", "--out", str(out)
    )
    await admin.refused(
        "organisation_not_found", "payments", "export", "--organisation", "org-nowhere"
    )
    await admin.refused(
        "invalid_iban",
        "payments",
        "account",
        "org-nardo",
        "--name",
        "Nardò",
        "--iban",
        "IT61X0542811101000000123456",
    )
    await admin.done("payments", "account", "org-nardo", "--name", "Nardò", "--iban", ORG_IBAN)
    refused = await admin.refused(
        "invalid_iban", "payments", "export", "--organisation", "org-nardo", "--out", str(out)
    )
    assert bad.entry_id in refused.stderr

    assert await admin.rows("SELECT count(*) FROM payment_batches") == [(0,)]
    assert await admin.rows("SELECT status, batch_id FROM ledger") == [("approved", None)]
    assert not out.exists()
    await admin.refused("batch_not_found", "payments", "export", "--batch", "b-nothing")


async def test_a_line_cannot_be_set_below_what_is_committed(admin: Admin) -> None:
    await admin.done("budget", "apply", str(DEFAULT_BUDGET))
    await admin.approve(FURNITURE)
    lowered = admin.workdir / "lower.toml"
    lowered.write_text('[wp2_housing.furniture]\neuros = "1234.55"\n')
    changes = await admin.rows("SELECT * FROM budget_line_changes ORDER BY 1")

    await admin.refused("budget_below_committed", "budget", "apply", str(lowered))
    await admin.refused("invalid_budget", "budget", "apply", str(admin.workdir / "none.toml"))

    assert await admin.rows("SELECT * FROM budget_line_changes ORDER BY 1") == changes
    lowered.write_text('[wp2_housing.furniture]\neuros = "1234.56"\n')
    assert (await admin.done("budget", "apply", str(lowered))).startswith("1 of 1 lines changed")


async def test_two_exports_at_once_never_batch_the_same_row(admin: Admin) -> None:
    store = payments_book(PaymentsStore(admin.pool))
    await admin.store.budget.apply_budget(
        load_budget(None), changed_by="t", changed_at=T0, source="t"
    )
    await store.set_account(
        BankAccount(organisation_id="org-lecce", debtor_name="Ancora", iban=ORG_IBAN, bic=None), T0
    )
    await admin.approve(
        *(entry(f"pw-{i:04d}", 10_00 + i, organisation_id="org-lecce") for i in range(12))
    )

    async def export() -> set[str]:
        try:
            batch = await store.export(
                "org-lecce", created_by="t", now=T0, execution_date=T0.date()
            )
        except PaymentError as refused:
            assert refused.code == "nothing_to_export"
            return set()
        return {r.entry.entry_id for r in batch.rows}

    batches = await asyncio.gather(*(export() for _ in range(4)))

    everything = {r[0] for r in await admin.rows("SELECT entry_id FROM ledger")}
    assert sum(len(b) for b in batches) == len(everything) == 12
    assert set().union(*batches) == everything
