"""Documents through the API and the pathway page (docs/documents.md).

Given a Lecce pathway, a caseworker attaches files; each refusal (a type disguised by its
name, too large, empty, an unknown or another organisation's pathway, a partner) has its
stable code and stores nothing, no row and no event; downloads are attachments of the
checked type, recorded in the access log; a rent advance is approved once its contract is
attached to it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from domain.stream import stream_id_for
from infra.access_log.model import AccessQuery
from infra.documents.store import InMemoryDocumentStore
from tests.scenarios import ASSESSMENT, CONDITION, plan
from tests.web.page_forms import today
from tests.web.page_site import site
from tests.web.staff import bearer
from tests.web.test_pages import Site, csrf_of, open_pathway, sign_in
from tests.web.test_payment_approvals import IBAN, send

__all__ = ["site"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32


def store_of(site: Site) -> InMemoryDocumentStore:
    documents = site.app.state.documents
    assert isinstance(documents, InMemoryDocumentStore)
    return documents


async def upload(
    site: Site, pathway_id: str, who: str, content: bytes, name: str = "x.pdf", **form: str
) -> httpx.Response:
    async with site.browser() as api:
        return await api.post(
            f"/api/v1/pathways/{pathway_id}/documents",
            files={"file": (name, content, "application/pdf")},
            data={"kind": "rent_contract", **form},
            headers=bearer(who),
        )


async def events_of(site: Site, pathway_id: str) -> list[str]:
    return [r.type for r in await site.harness.store.read_stream(stream_id_for(pathway_id))]


async def test_a_document_is_attached_listed_and_downloaded_once_logged(site: Site) -> None:
    pid = await open_pathway(site, "anna", "org-lecce")
    reply = await upload(site, pid, "anna", PDF, name="../contratto Diallo.PDF")
    assert reply.status_code == 200, reply.text
    async with site.browser() as api:
        listed = (await api.get(f"/api/v1/pathways/{pid}/documents", headers=bearer("sara"))).json()
        (document,) = listed
        assert (document["kind"], document["media_type"], document["size"]) == (
            "rent_contract",
            "application/pdf",
            len(PDF),
        )
        assert document["filename"] == "contratto_Diallo.pdf"
        url = f"/api/v1/pathways/{pid}/documents/{document['document_id']}"
        got = await api.get(url, headers=bearer("sara"), params={"purpose": "supervision"})
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == 'attachment; filename="contratto_Diallo.pdf"'
    assert got.headers["x-content-type-options"] == "nosniff"
    log = site.app.state.access_log
    (entry, *_) = await log.search(AccessQuery(pathway_id=pid, account_id="sara"))
    assert (entry.what, entry.purpose, entry.detail) == (
        "document",
        "supervision",
        document["document_id"],
    )
    again = await upload(site, pid, "anna", PDF, name="copia.pdf")
    assert (again.status_code, again.json()["code"]) == (422, "already_recorded")
    assert len(store_of(site).rows) >= 1
    assert (await events_of(site, pid)).count("DocumentAttached") == 1


async def test_bad_files_and_foreign_pathways_change_nothing(site: Site) -> None:
    pid = await open_pathway(site, "anna", "org-lecce")
    rows, events = len(store_of(site).rows), await events_of(site, pid)
    refusals: list[tuple[str, str, bytes, dict[str, Any], int, str]] = [
        ("anna", pid, b"MZ\x90\x00 not a pdf at all", {}, 415, "document_type_not_allowed"),
        ("anna", pid, b"GIF89a" + b"\x00" * 20, {}, 415, "document_type_not_allowed"),
        ("anna", pid, b"junk before %PDF-1.4", {}, 415, "document_type_not_allowed"),
        ("anna", pid, b"", {}, 422, "document_empty"),
        ("anna", pid, PDF, {"kind": "passport"}, 422, "invalid_command"),
        ("anna", pid, PDF, {"attached_to": "payment"}, 422, "invalid_command"),
        ("anna", pid, PDF, {"attached_to": "payment:pay-x"}, 422, "document_target_not_found"),
        ("anna", "p-unknown", PDF, {}, 404, "pathway_not_found"),
        ("marta", pid, PDF, {}, 404, "pathway_not_found"),
        ("luca", pid, PDF, {}, 404, "pathway_not_found"),
        ("aldo", pid, PDF, {}, 403, "forbidden"),
    ]
    for who, target, content, form, status, code in refusals:
        reply = await upload(site, target, who, content, **form)
        assert (reply.status_code, reply.json()["code"]) == (status, code), (who, content[:8])
    too_large = await upload(site, pid, "anna", PDF + b"0" * (10 * 1024 * 1024))
    assert (too_large.status_code, too_large.json()["code"]) == (413, "document_too_large")
    assert (len(store_of(site).rows), await events_of(site, pid)) == (rows, events)
    async with site.browser() as api:
        for who in ("marta", "paolo"):
            listed = await api.get(f"/api/v1/pathways/{pid}/documents", headers=bearer(who))
            assert listed.status_code == 404
        missing = await api.get(f"/api/v1/pathways/{pid}/documents/doc-x", headers=bearer("anna"))
        assert (missing.status_code, missing.json()["code"]) == (404, "document_not_found")
        described = await api.post(
            f"/api/v1/pathways/{pid}/commands",
            json={"command_id": "c-described", "type": "attach_document"},
            headers=bearer("anna"),
        )
        assert described.status_code == 422


async def test_the_pathway_page_uploads_lists_and_downloads(site: Site) -> None:
    pid = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as browser:
        await sign_in(browser, "anna", f"/pathways/{pid}")
        page = await browser.get(f"/pathways/{pid}")
        assert 'enctype="multipart/form-data"' in page.text and "Documenti" in page.text
        form = {"csrf_token": csrf_of(page), "kind": "certificate", "attached_to": ""}
        disguised = await browser.post(
            f"/pathways/{pid}/documents",
            data=form,
            files={"file": ("attestato.pdf", b"<html>not a pdf</html>", "application/pdf")},
        )
        assert disguised.status_code == 415
        assert 'data-code="document_type_not_allowed"' in disguised.text
        empty = await browser.post(
            f"/pathways/{pid}/documents", data=form, files={"file": ("a.png", b"", "image/png")}
        )
        assert empty.status_code == 422
        assert "DocumentAttached" not in await events_of(site, pid)
        done = await browser.post(
            f"/pathways/{pid}/documents",
            data=form,
            files={"file": ("attestato.png", PNG, "application/pdf")},
        )
        assert done.status_code == 303, done.text
        page = await browser.get(f"/pathways/{pid}")
        assert "Certificato: attestato.png" in page.text
        (document_id,) = [r for (p, r) in store_of(site).rows if p == pid]
        got = await browser.get(f"/pathways/{pid}/documents/{document_id}")
        assert (got.status_code, got.headers["content-type"], got.content) == (
            200,
            "image/png",
            PNG,
        )
    async with site.browser() as other:
        await sign_in(other, "marta")
        assert (await other.get(f"/pathways/{pid}/documents/{document_id}")).status_code == 404


async def test_a_rent_advance_is_approved_once_its_contract_is_attached(site: Site) -> None:
    from infra.budgets.file import load_budget

    await site.harness.store.budget.apply_budget(
        load_budget(None),
        changed_by="test",
        changed_at=__import__("datetime").datetime.now(__import__("datetime").UTC),
        source="default",
    )
    now = await today(site)
    pid = await open_pathway(site, "anna", "org-lecce")
    for command in (
        {"type": "record_baseline", "condition": CONDITION},
        ASSESSMENT,
        plan(
            ("home", "housing_placement"),
            ("support", "economic_support"),
            target=now + timedelta(days=300),
        ),
    ):
        await send(site, pid, "anna", command)
    await send(site, pid, "sara", {"type": "approve_plan"})
    started = (now - timedelta(days=5)).isoformat()
    for measure_id, details in (
        ("home", {"kind": "housing_placement", "solution": "private_rental", "start_on": started}),
        ("support", {"kind": "economic_support", "purpose": "Casa", "start_on": started}),
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
    await send(
        site,
        pid,
        "anna",
        {
            "type": "request_payment",
            "measure_id": "support",
            "kind": "rent_advance",
            "amount": 40_000,
            "payee": {"name": "Locatore", "iban": IBAN},
            "evidence_ref": "Contratto n. 7",
            "period": started,
        },
    )
    state = await site.harness.store.read_stream(stream_id_for(pid))
    payment_id = next(r.data["payment_id"] for r in state if r.type == "PaymentRequested")
    async with site.browser() as api:
        approve = {"type": "approve_payment", "payment_id": payment_id}
        refused = await api.post(
            f"/api/v1/pathways/{pid}/commands",
            json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **approve},
            headers=bearer("sara"),
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "payment_evidence_missing")
        assert "PaymentApproved" not in await events_of(site, pid)
        attached = await upload(site, pid, "anna", PDF, attached_to=f"payment:{payment_id}")
        assert attached.status_code == 200, attached.text
        approved = await api.post(
            f"/api/v1/pathways/{pid}/commands",
            json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **approve},
            headers=bearer("sara"),
        )
    assert approved.status_code == 200, approved.text
    assert "PaymentApproved" in await events_of(site, pid)
