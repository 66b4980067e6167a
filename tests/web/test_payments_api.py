"""`/api/v1/payments`: the ledger, batches and their SEPA files, and a payment's decision,
on the payments page's rules (`web.payments`) and the pathway's commands.

The ledger part is on the payments pages' Postgres ledger (`tests.web.test_payments_pages`
`office`: Lecce's pw-l1 and pw-l2 approved, Nardò's pw-n1; Lecce has a bank account). The
decisions are on the workflow harness, with `test_payment_approvals`' requested payments.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx

from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.state import PaymentStatus
from domain.stream import stream_id_for
from infra.access_log.model import AccessQuery
from infra.payments.model import end_to_end_id_for
from tests.eventstore.conftest import database, postgres
from tests.web.page_forms import state_of, today
from tests.web.page_site import site
from tests.web.staff import bearer
from tests.web.test_pages import Site
from tests.web.test_payment_approvals import IBAN, send, with_payments
from tests.web.test_payments_pages import LECCE_1, NARDO_1, Office, office

__all__ = ["database", "office", "postgres", "site"]


def refused(reply: httpx.Response, status: int, code: str) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["code"] == code, reply.text


async def test_the_ledger_batches_and_sepa_file_in_scope(office: Office) -> None:
    async with office.browser() as api:
        sara, paolo, aldo = bearer("sara"), bearer("paolo"), bearer("aldo")
        rows = await api.get("/api/v1/payments", headers=sara)
        assert rows.status_code == 200, rows.text
        assert {r["entry"]["pathway_id"] for r in rows.json()} == {"pw-l1", "pw-l2"}
        refused(
            await api.get("/api/v1/payments?organisation_id=org-lecce", headers=paolo),
            404,
            "not_found",
        )
        refused(await api.get("/api/v1/payments", headers=bearer("anna")), 403, "forbidden")
        refused(await api.get("/api/v1/payments?status=lost", headers=sara), 422, "invalid_command")
        audited = await api.get("/api/v1/payments?organisation_id=org-nardo", headers=aldo)
        assert [r["entry"]["pathway_id"] for r in audited.json()] == ["pw-n1"]

        batch = {"organisation_id": "org-lecce", "execution_date": "2025-03-21"}
        refused(
            await api.post("/api/v1/payments/batches", json=batch, headers=aldo), 403, "forbidden"
        )
        refused(
            await api.post("/api/v1/payments/batches", json=batch, headers=paolo), 404, "not_found"
        )
        refused(
            await api.post("/api/v1/payments/batches", json={**batch, "iban": "x"}, headers=sara),
            422,
            "invalid_command",
        )
        refused(
            await api.post(
                "/api/v1/payments/batches",
                json={"organisation_id": "org-nardo"},
                headers=bearer("cora"),
            ),
            422,
            "no_bank_account",
        )
        assert await office.rows("SELECT count(*) FROM payment_batches") == [(0,)]

        made = await api.post("/api/v1/payments/batches", json=batch, headers=sara)
        assert made.status_code == 201, made.text
        batch_id = made.json()["batch_id"]
        assert made.json()["entry_count"] == 2
        listed = await api.get("/api/v1/payments/batches", headers=sara)
        assert [b["batch_id"] for b in listed.json()] == [batch_id]
        file = await api.get(f"/api/v1/payments/batches/{batch_id}.xml", headers=sara)
        assert file.status_code == 200
        assert file.headers["content-type"].startswith("application/xml")
        assert hashlib.sha256(file.content).hexdigest() == made.json()["file_sha256"]
        assert end_to_end_id_for(LECCE_1.entry_id).encode() in file.content
        assert end_to_end_id_for(NARDO_1.entry_id).encode() not in file.content
        refused(
            await api.get(f"/api/v1/payments/batches/{batch_id}.xml", headers=paolo),
            404,
            "not_found",
        )
        refused(
            await api.post("/api/v1/payments/batches", json=batch, headers=sara),
            409,
            "nothing_to_export",
        )
        assert await office.rows("SELECT count(*) FROM payment_batches") == [(1,)]

    logged = await office.app.state.access_log.search(AccessQuery(account_id="sara"))
    reads = {(e.what, e.pathway_id, e.channel) for e in logged}
    assert {("payments_ledger", "pw-l1", "api"), ("sepa_batch_file", "pw-l2", "api")} <= reads
    assert not any(e.pathway_id == "pw-n1" for e in logged)


async def decide(
    site: Site, pathway_id: str, payment_id: str, who: str, decision: str, **body: Any
) -> httpx.Response:
    async with site.browser() as api:
        return await api.post(
            f"/api/v1/pathways/{pathway_id}/payments/{payment_id}/{decision}",
            json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **body},
            headers=bearer(who),
        )


async def test_a_decision_keeps_the_two_levels_and_the_evidence_rule(site: Site) -> None:
    pid, ids = await with_payments(site)
    await send(
        site,
        pid,
        "anna",
        {
            "type": "request_payment",
            "measure_id": "support",
            "kind": "furniture",
            "amount": 20_000,
            "payee": {"name": "Mobili Rossi srl", "iban": IBAN},
            "evidence_ref": "Preventivo n. 43",
            "period": (await today(site)).isoformat(),
        },
    )
    bare = payment_id_for(pid, "support", PaymentKind.FURNITURE, (await today(site)).isoformat())
    events = len(await site.harness.store.read_stream(stream_id_for(pid)))

    refused(await decide(site, pid, bare, "sara", "approval"), 422, "payment_evidence_missing")
    refused(
        await decide(site, pid, ids["utilities"], "sara", "approval"),
        422,
        "self_approval_forbidden",
    )
    refused(
        await decide(site, pid, ids["furniture"], "paolo", "approval"),
        404,
        "pathway_not_found",
    )
    refused(await decide(site, pid, ids["furniture"], "aldo", "approval"), 403, "forbidden")
    refused(
        await decide(site, pid, ids["allowance"], "marco", "rejection"),
        422,
        "invalid_command",
    )
    refused(
        await decide(site, pid, ids["allowance"], "marco", "rejection", reason="  "),
        422,
        "invalid_command",
    )
    assert len(await site.harness.store.read_stream(stream_id_for(pid))) == events

    approved = await decide(site, pid, ids["rent_advance"], "sara", "approval")
    assert approved.status_code == 200, approved.text
    again = await decide(site, pid, ids["rent_advance"], "marco", "approval")
    assert again.status_code == 422, "above the threshold the coordinator approves next"
    final = await decide(site, pid, ids["rent_advance"], "cora", "approval")
    assert final.status_code == 200, final.text
    no = await decide(site, pid, ids["allowance"], "marco", "rejection", reason="Ore")
    assert no.status_code == 200, no.text

    state = await state_of(site, pid)
    assert state.payments[ids["rent_advance"]].approved_by == ("sara", "cora")
    assert state.payments[ids["rent_advance"]].status == PaymentStatus.APPROVED
    assert state.payments[ids["allowance"]].status == PaymentStatus.REJECTED
