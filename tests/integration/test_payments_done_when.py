"""Issue 6, done when: on the real stack (`pathways up`), the demo caseload's payments are
approved by a supervisor in the web app, exported as a SEPA file, reconciled with a bank
statement, and the expenditure report balances to the cent. Issue 26, done when: the
organisations' bank accounts are set in the admin page and the SEPA batches prepared from
the pages alone, on a fresh stack.

The run's figures are printed (pytest -s) and written to `payments-figures.txt` in the
data directory, for the issue's note.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from openpyxl import load_workbook

from domain.calendar import project_day
from infra.embedded import EmbeddedPostgres, free_port
from infra.payments.model import entry_id_for
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run
from tests.integration.test_up import pathways_up
from tests.integration.test_up_web import sign_in
from tests.web.page_forms import forms_of
from workers.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.integration

DEMO_COUNT = 12
DEMO_SEED = 8
"""The smallest caseload found with every case of the test (30 pathways cost twice the CPU):
a Lecce payment waiting for its supervisor, a Maglie one approved and never exported, and
Nardò's paid by the bank before any export (the demo pays them itself)."""
ORGANISATIONS = ("org-lecce", "org-nardo", "org-maglie")
ORG_IBAN = "IT60X0542811101000000123456"


def transfers(document: bytes) -> list[tuple[str, int]]:
    """(end-to-end id, cents) of each credit transfer of a pain.001 file."""
    root = ET.fromstring(document)
    for element in root.iter():
        element.tag = element.tag.split("}", 1)[-1]
    found = []
    for tx in root.iter("CdtTrfTxInf"):
        e2e = tx.findtext("PmtId/EndToEndId") or ""
        amount = Decimal(tx.findtext("Amt/InstdAmt") or "0")
        found.append((e2e, int(amount * 100)))
    return found


async def approve_all(http: httpx.AsyncClient, who: str) -> int:
    """Sign in as `who` and approve every payment of their queue through its form."""
    assert (await sign_in(http, who, DEMO_PASSWORD)).status_code == 303
    approved = 0
    page = await http.get("/approvals")
    assert page.status_code == 200, page.text
    for form_id, form in forms_of(page).items():
        if not form_id.startswith("form-approve_payment-"):
            continue
        reply = await http.post(form["action"], data=form["fields"])
        assert reply.status_code == 303, reply.text
        assert reply.headers["location"] == "/approvals"
        approved += 1
    await http.post("/sign-out", data={"csrf_token": csrf(await http.get("/"))})
    http.cookies.clear()
    return approved


def csrf(page: httpx.Response) -> str:
    return next(
        (f["fields"]["csrf_token"] for f in forms_of(page).values() if "csrf_token" in f["fields"]),
        "",
    )


async def query(uri: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    async with await psycopg.AsyncConnection.connect(uri) as conn:
        return list(await (await conn.execute(sql, args)).fetchall())


async def test_the_demo_is_approved_exported_reconciled_and_reported_to_the_cent(
    workdir: Path,
) -> None:
    web_port = free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = clean_environ(
        PATHWAYS_DATA_DIR=str(workdir),
        PATHWAYS_TEMPORAL_PORT=str(free_port()),
        PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
        PATHWAYS_SMTP_PORT=str(free_port()),
        PATHWAYS_WEB_PORT=str(web_port),
        PATHWAYS_LOG_LEVEL="INFO",
    )

    async def cli(*args: str, timeout: float = 120) -> Ran:
        return await run(PATHWAYS, *args, env=env, cwd=workdir, timeout=timeout)

    async def ok(*args: str, timeout: float = 120) -> str:
        ran = await cli(*args, timeout=timeout)
        assert ran.code == 0, ran
        return ran.stdout

    figures: dict[str, object] = {}
    async with pathways_up(env, workdir) as up:
        await up.ready()
        uri = EmbeddedPostgres(workdir / "postgres").running_uri()
        assert uri is not None
        seeded = await ok("demo", "--count", str(DEMO_COUNT), "--seed", str(DEMO_SEED), timeout=900)
        figures["demo"] = seeded.strip().splitlines()[0]
        settled_by_demo = {
            r[0]
            for r in await query(
                uri,
                "SELECT entry_id FROM ledger WHERE batch_id IS NULL"
                " AND status IN ('paid', 'returned')",
            )
        }
        assert settled_by_demo, "the demo records payments paid by the bank itself"

        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            figures["approved_by_sara"] = await approve_all(http, "sara")
            figures["approved_by_cora"] = await approve_all(http, "cora")
        assert figures["approved_by_sara"], "the demo leaves payments for the supervisor"

        owed = await query(
            uri,
            "SELECT entry_id, amount FROM ledger"
            " WHERE status = 'approved' AND batch_id IS NULL ORDER BY entry_id",
        )
        sent: list[tuple[str, int]] = []
        # No terminal: the admin sets each account in its page and prepares the batches.
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            assert (await sign_in(http, "adele", DEMO_PASSWORD)).status_code == 303
            for org in ORGANISATIONS:
                page = await http.get("/admin/bank-account", params={"organisation": org})
                assert 'id="bank-none"' in page.text, "a fresh stack has no bank account"
                saved = await http.post(
                    "/admin/bank-account",
                    data={
                        "csrf_token": csrf(page),
                        "organisation": org,
                        "debtor_name": "Cooperativa",
                        "iban": ORG_IBAN,
                    },
                )
                assert saved.status_code == 303, saved.text
                payments = await http.get("/payments", params={"organisation": org})
                exported = await http.post(
                    "/payments/batches", data={"csrf_token": csrf(payments), "organisation": org}
                )
                if exported.status_code == 409 and "nothing_to_export" in exported.text:
                    continue
                assert exported.status_code == 303, exported.text
                batch_id = exported.headers["location"].split("exported=")[1].split("#")[0]
                file = await http.get(f"/payments/batches/{batch_id}.xml")
                assert file.status_code == 200 and ORG_IBAN.encode() in file.content
                batch = transfers(file.content)
                figures[f"exported_{org}"] = (
                    f"{len(batch)} transfers, {sum(a for _, a in batch) / 100:.2f} EUR"
                )
                sent += batch
                again = await http.post(
                    "/payments/batches", data={"csrf_token": csrf(payments), "organisation": org}
                )
                assert again.status_code == 409 and "nothing_to_export" in again.text
        # Every approved, never exported entry once; none that the pathways had settled.
        assert sorted((entry_id_for(e), a) for e, a in sent) == sorted(owed)
        assert len({e for e, _ in sent}) == len(sent)
        assert not {entry_id_for(e) for e, _ in sent} & settled_by_demo
        assert len(sent) >= 2, "the statement needs a paid transfer and a returned one"
        figures["exported"] = f"{len(sent)} transfers, {sum(a for _, a in sent) / 100:.2f} EUR"

        returned_e2e, returned_cents = sent[0]
        today = project_day(datetime.now(UTC)).isoformat()
        statement = workdir / "statement.csv"
        lines = ["date,end_to_end_id,amount,status,bank_reference,reason"]
        for n, (e2e, cents) in enumerate(sent, start=1):
            outcome, reason = ("returned", "AC04") if e2e == returned_e2e else ("paid", "")
            lines.append(f"{today},{e2e},{cents / 100:.2f},{outcome},BNK-{n:04d},{reason}")
        statement.write_text("\n".join(lines) + "\n")
        (returned_entry,) = [
            r
            for r in await query(
                uri,
                "SELECT entry_id, pathway_id, payment_id, budget_line FROM ledger"
                " WHERE end_to_end_id = %s",
                returned_e2e,
            )
        ]
        line_before = await query(
            uri, "SELECT committed FROM budget_lines WHERE line_id = %s", returned_entry[3]
        )
        imported = await ok("payments", "import-statement", str(statement), timeout=300)
        figures["import"] = " / ".join(imported.strip().splitlines())
        assert imported.startswith(
            f"{len(sent)} lines: {len(sent) - 1} paid, 1 returned, 0 unmatched, 0 duplicates"
        ), imported
        # The same file again starts nothing: the first import's result answers (in process,
        # as the next commands: `in_process`, a start-up saved each).
        reimported = await in_process("payments", "import-statement", str(statement), env=env)
        assert reimported.code == 0, reimported
        assert reimported.stdout == imported

        # The returned payment: returned in its pathway, its commitment released.
        issued = await in_process("user", "token", "sara", "--label", "e2e", env=env)
        assert issued.code == 0, issued
        token = issued.stdout.strip()
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            state = await http.get(
                f"/api/v1/pathways/{returned_entry[1]}",
                headers={"Authorization": f"Bearer {token}"},
            )
        assert state.status_code == 200, state.text
        payment = state.json()["payments"][returned_entry[2]]
        assert payment["status"] == "returned" and payment["attempt"] == 2
        line_after = await query(
            uri, "SELECT committed FROM budget_lines WHERE line_id = %s", returned_entry[3]
        )
        assert line_after[0][0] == line_before[0][0] - returned_cents
        # Every line commits exactly what its unreturned ledger rows owe.
        assert (
            await query(
                uri,
                "SELECT b.line_id, b.committed, coalesce(sum(l.amount)"
                " FILTER (WHERE l.status <> 'returned'), 0) FROM budget_lines b"
                " LEFT JOIN ledger l ON l.budget_line = b.line_id"
                " GROUP BY b.line_id, b.committed"
                " HAVING b.committed <> coalesce(sum(l.amount)"
                " FILTER (WHERE l.status <> 'returned'), 0)",
            )
            == []
        )

        await ok(
            "payments",
            "report",
            "--from",
            "2000-01-01",
            "--to",
            "2199-12-31",
            "--out",
            "report.csv",
        )
        xlsx = await in_process(
            *("payments", "report", "--from", "2000-01-01", "--to", "2199-12-31"),
            *("--format", "xlsx", "--out", str(workdir / "report.xlsx")),
            env=env,
        )
        assert xlsx.code == 0, xlsx
        paid = await query(uri, "SELECT entry_id, amount FROM ledger WHERE status = 'paid'")
        table = list(csv.DictReader(io.StringIO((workdir / "report.csv").read_text())))
        reported = [r["entry_id"] for r in table if r["row_type"] == "payment"]
        assert sorted(reported) == sorted(e for e, _ in paid), "each paid entry once"
        for e2e, _ in sent:
            expected = 0 if e2e == returned_e2e else 1
            assert reported.count(entry_id_for(e2e)) == expected
        (total,) = [r for r in table if r["row_type"] == "total"]
        paid_cents = sum(a for _, a in paid)
        assert int(Decimal(total["amount_eur"]) * 100) == paid_cents
        book = load_workbook(workdir / "report.xlsx")
        last = list(book["summary"].iter_rows(values_only=True))[-1]
        assert last[0] == "total" and last[1] == len(paid)
        assert round(Decimal(str(last[2])) * 100) == paid_cents
        figures["report"] = f"{len(paid)} paid payments, total {paid_cents / 100:.2f} EUR"
        figures["returned"] = f"{returned_entry[0]} ({returned_cents / 100:.2f} EUR)"
        figures["paid_or_returned_by_the_demo_never_exported"] = len(settled_by_demo)

        code, _ = await up.interrupt()
        assert code == 0, up.log()

    text = "\n".join(f"{k}: {v}" for k, v in figures.items())
    (workdir.parent / f"{workdir.name}-payments-figures.txt").write_text(text + "\n")
    print("\n" + text)
