"""The payment approval queue of `/approvals`: what waits for the reader's role, and deciding.

Given a pathway of Lecce with a started economic support, housing placement and work
grant, and payments requested by its caseworker (and one by a supervisor), the queue of
each approver shows the payments that wait for their role only, in their words and money,
and its buttons approve or reject through the pathway's command route.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.state import PaymentStatus
from infra.budgets.file import load_budget
from tests.scenarios import ASSESSMENT, CONDITION, plan
from tests.web.page_forms import forms_of, state_of, submit, today
from tests.web.page_site import site
from tests.web.staff import bearer
from tests.web.test_pages import Site, open_pathway, sign_in

__all__ = ["site"]

IBAN = "IT60X0542811101000000123456"
BENEFICIARY_IBAN = "IT65A0306909606100000063579"


async def send(site: Site, pathway_id: str, who: str, command: dict[str, Any]) -> None:
    async with site.browser() as api:
        reply = await api.post(
            f"/api/v1/pathways/{pathway_id}/commands",
            json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **command},
            headers=bearer(who),
        )
    assert reply.status_code in (200, 201), reply.text


def first_of_previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


async def with_payments(site: Site) -> tuple[str, dict[str, str]]:
    """A Lecce pathway whose caseworker requested furniture (800.00), a rent advance above the
    coordinator threshold (1,500.00) and, with a month's attendance, an allowance; and whose
    supervisor Sara requested utilities herself. The payment ids by kind."""
    await site.harness.store.budget.apply_budget(
        load_budget(None), changed_by="test", changed_at=datetime.now(UTC), source="default"
    )
    now = await today(site)
    grant_start = first_of_previous_month(now)
    pid = await open_pathway(site, "anna", "org-lecce")
    for command in (
        {"type": "record_baseline", "condition": CONDITION},
        ASSESSMENT,
        plan(
            ("home", "housing_placement"),
            ("support", "economic_support"),
            ("wg", "work_grant"),
            target=now + timedelta(days=300),
        ),
    ):
        await send(site, pid, "anna", command)
    await send(site, pid, "sara", {"type": "approve_plan"})
    started = (now - timedelta(days=5)).isoformat()
    for measure_id, details in (
        ("home", {"kind": "housing_placement", "solution": "private_rental", "start_on": started}),
        ("support", {"kind": "economic_support", "purpose": "Casa", "start_on": started}),
        (
            "wg",
            {
                "kind": "work_grant",
                "host_company": "Sartoria Salentina",
                "tutor": "G. Rizzo",
                "start_on": grant_start.isoformat(),
                "end_on": (grant_start + timedelta(days=200)).isoformat(),
                "hours_per_week": 20,
                "monthly_allowance": 50_000,
                "payee": {"name": "Amina Diallo", "iban": BENEFICIARY_IBAN},
            },
        ),
    ):
        await send(
            site,
            pid,
            "anna",
            {"type": "start_measure", "measure_id": measure_id, "details": details},
        )
    progress = {
        "kind": "rent_contract_registered",
        "monthly_rent": 40_000,
        "registered_on": started,
    }
    await send(
        site,
        pid,
        "anna",
        {"type": "record_measure_progress", "measure_id": "home", "progress": progress},
    )
    payee = {"name": "Mobili Rossi srl", "iban": IBAN}
    for who, kind, amount, evidence in (
        ("anna", "furniture", 80_000, "Preventivo n. 42"),
        ("anna", "rent_advance", 150_000, "Contratto n. 7"),
        ("sara", "utilities", 10_000, "Bolletta n. 3"),
    ):
        await send(
            site,
            pid,
            who,
            {
                "type": "request_payment",
                "measure_id": "support",
                "kind": kind,
                "amount": amount,
                "payee": payee,
                "evidence_ref": evidence,
                "period": started,
            },
        )
    month = grant_start.strftime("%Y-%m")
    attendance = {
        "kind": "work_grant_attendance",
        "month": month,
        "hours_verified": 70,
        "verified_by": "G. Rizzo",
    }
    await send(
        site,
        pid,
        "anna",
        {"type": "record_measure_progress", "measure_id": "wg", "progress": attendance},
    )
    ids = {
        kind: payment_id_for(pid, "support", PaymentKind(kind), started)
        for kind in ("furniture", "rent_advance", "utilities")
    }
    ids["allowance"] = payment_id_for(pid, "wg", PaymentKind.WORK_GRANT_ALLOWANCE, month)
    async with site.browser() as api:
        for kind in ("furniture", "rent_advance"):  # the evidence their approval needs
            attached = await api.post(
                f"/api/v1/pathways/{pid}/documents",
                files={"file": ("evidence.pdf", b"%PDF-1.4\n" + kind.encode(), "text/plain")},
                data={"kind": "invoice", "attached_to": f"payment:{ids[kind]}"},
                headers=bearer("anna"),
            )
            assert attached.status_code == 200, attached.text
    return pid, ids


def payment_forms(page: httpx.Response, kind: str) -> list[str]:
    return sorted(f for f in forms_of(page) if f.startswith(f"form-{kind}_payment-"))


async def queue(browser: httpx.AsyncClient) -> httpx.Response:
    page = await browser.get("/approvals")
    assert page.status_code == 200, page.text
    return page


async def test_each_approver_sees_what_waits_for_their_role_and_decides_it(site: Site) -> None:
    pid, ids = await with_payments(site)
    key = {kind: f"{pid}-{payment_id}" for kind, payment_id in ids.items()}

    async with site.browser() as sara:
        await sign_in(sara, "sara")
        page = await queue(sara)
        text = html.unescape(page.text)
        assert "Pagamenti da approvare" in text and "Piani da approvare" in text
        assert payment_forms(page, "approve") == sorted(
            f"form-approve_payment-{key[k]}" for k in ("furniture", "rent_advance", "allowance")
        ), "never her own request"
        assert "Bolletta n. 3" not in text
        assert "Arredi · 800,00\xa0€" in text and "Anticipo dell'affitto · 1.500,00\xa0€" in text
        assert "Indennità della borsa lavoro" in text
        assert (
            'Mobili Rossi srl · <span class="iban">•••• •••• •••• •••• •••• •••3 456</span>' in text
        )
        assert IBAN not in text and BENEFICIARY_IBAN not in text and "•••3 579" in text
        assert "Preventivo n. 42" in text and "Contratto n. 7" in text
        assert re.search(r"70 di \d+(,\d+)? ore", text), "the allowance's basis"
        assert "Richiesto da</dt><dd>Anna · " in text

        approved = await submit(sara, page, f"form-approve_payment-{key['furniture']}")
        assert approved.status_code == 303 and approved.headers["location"] == "/approvals"
        page = await queue(sara)
        approved = await submit(sara, page, f"form-approve_payment-{key['rent_advance']}")
        assert approved.status_code == 303
        page = await queue(sara)
        assert payment_forms(page, "approve") == [f"form-approve_payment-{key['allowance']}"]

    state = await state_of(site, pid)
    assert state.payments[ids["furniture"]].status == PaymentStatus.APPROVED
    assert state.payments[ids["rent_advance"]].status == PaymentStatus.PARTIALLY_APPROVED
    ledger = {r.entry.payment_id for r in await site.harness.store.budget.ledger_rows()}
    assert ids["furniture"] in ledger and ids["rent_advance"] not in ledger

    async with site.browser() as marco:
        await sign_in(marco, "marco")
        page = await queue(marco)
        assert f"form-approve_payment-{key['utilities']}" in payment_forms(page, "approve")
        rejected = await submit(
            marco,
            page,
            f"form-reject_payment-{key['allowance']}",
            {"reason": "Ore non firmate dal tutor"},
        )
        assert rejected.status_code == 303 and rejected.headers["location"] == "/approvals"

    async with site.browser() as cora:
        await sign_in(cora, "cora", "/approvals")
        page = await queue(cora)
        forms = payment_forms(page, "approve")
        # Only what waits for the coordinator: the rent advance above the threshold.
        assert forms == [f"form-approve_payment-{key['rent_advance']}"]
        assert "Approvato da</dt><dd>Sara · ora approva il coordinatore" in page.text
        approved = await submit(cora, page, forms[0])
        assert approved.status_code == 303

    state = await state_of(site, pid)
    assert state.payments[ids["rent_advance"]].status == PaymentStatus.APPROVED
    assert state.payments[ids["rent_advance"]].approved_by == ("sara", "cora")
    assert state.payments[ids["allowance"]].status == PaymentStatus.REJECTED
    assert state.payments[ids["allowance"]].rejection_reason == "Ore non firmate dal tutor"


async def test_the_queue_is_not_offered_out_of_scope_nor_to_caseworkers(site: Site) -> None:
    pid, _ = await with_payments(site)

    async with site.browser() as paolo:
        await sign_in(paolo, "paolo")
        page = await queue(paolo)
        assert all(pid not in f for f in forms_of(page)), "another organisation's"
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        assert (await anna.get("/approvals")).status_code == 403
        # Nor does her pathway page offer her own requests for approval.
        page = await anna.get(f"/pathways/{pid}")
        forms = forms_of(page)
        assert not any(f.startswith("form-approve_payment") for f in forms)
