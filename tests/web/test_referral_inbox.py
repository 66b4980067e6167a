"""The receiving organisation's side of a referral, over pages and the API: its supervisors'
inbox (the `referral_inbox` read model), the page of one referral with its accept and
decline forms, role by role; bad input and another organisation's supervisor change
nothing; every read is in the access log. The module's tests share one server, worker, app
and log (`logged_site`); each opens and refers pathways of its own and looks only at them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest_asyncio

from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessQuery
from tests.scenarios import ASSESSMENT, CONDITION
from tests.web.conftest import web_settings
from tests.web.page_forms import state_of, submit, today, version_of
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_api import plan_command
from tests.web.test_pages import Site, open_pathway, sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness

NARDO = [{"kind": "organisation", "id": "org-nardo"}]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def logged_site(served_harness: Harness) -> tuple[Site, InMemoryAccessLog]:
    """The pages with their access log at hand, one app for the module on its server and
    worker (an app costs most of a second of CPU to build, a server and worker as much)."""
    log = InMemoryAccessLog()
    accounts = await staffed_accounts()
    settings = web_settings(clock=lambda: datetime.now(UTC) + timedelta())
    h = served_harness
    app = create_test_app(h.pathways, h.store, accounts, settings, access_log=log)
    return Site(h, accounts, app), log


async def command(site: Site, pathway_id: str, body: dict[str, Any], who: str = "anna") -> None:
    async with site.browser() as api:
        reply = await api.post(
            f"/api/v1/pathways/{pathway_id}/commands",
            json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **body},
            headers=bearer(who),
        )
    assert reply.status_code == 200, reply.text


async def referred(site: Site) -> str:
    """A pathway of anna's (org-lecce) referred to org-nardo, waiting for its answer."""
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    day = (await today(site)).isoformat()
    notice = {"type": "record_privacy_notice", "given_on": day, "language": "it", "version": "1"}
    await command(site, pathway_id, notice)
    consent = {"recipients": NARDO, "purpose": "referral", "given_on": day}
    await command(site, pathway_id, {"type": "give_consent", **consent})
    refer = {"type": "refer_pathway", "to_organisation": "org-nardo", "service": "Corso A2"}
    await command(site, pathway_id, refer)
    return pathway_id


async def test_the_inbox_api_lists_what_is_addressed_to_the_supervisors_organisation(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, log = logged_site
    pathway_id = await referred(site)
    async with site.browser() as api:
        for who, status in (("marta", 403), ("anna", 403), ("aldo", 403), ("cora", 403)):
            reply = await api.get("/api/v1/referrals", headers=bearer(who))
            assert (reply.status_code, reply.json()["code"]) == (status, "forbidden")
        mine = (await api.get("/api/v1/referrals", headers=bearer("paolo"))).json()
        theirs = (await api.get("/api/v1/referrals", headers=bearer("sara"))).json()
    [row] = [row for row in mine if row["pathway_id"] == pathway_id]
    assert (row["given_name"], row["service"], row["status"]) == ("Amina", "Corso A2", "pending")
    assert (row["from_organisation"], row["referred_by"]) == ("org-lecce", "anna")
    assert "family_name" not in str(row) and "phone" not in str(row)
    assert all(row["pathway_id"] != pathway_id for row in theirs)
    read = await log.search(AccessQuery(pathway_id=pathway_id, limit=50))
    assert ("paolo", "referral_inbox") in [(e.account_id, e.what) for e in read]


async def test_the_receiving_supervisor_answers_from_the_inbox_and_no_one_else_can(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, log = logged_site
    pathway_id = await referred(site)
    url = f"/referrals/{pathway_id}/referral-1"
    before = await version_of(site, pathway_id)

    async with site.browser() as sara:
        await sign_in(sara, "sara")
        assert (await sara.get(url)).status_code == 404
        own = await sara.get("/referrals")
        assert own.status_code == 200 and pathway_id not in own.text
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        waiting = await anna.get(f"/pathways/{pathway_id}")
        assert "Invio in attesa di risposta" in waiting.text, "A waits for B's answer"
        assert (await anna.get("/referrals")).status_code == 403
        assert (await anna.get(url)).status_code == 404

    async with site.browser() as paolo:
        await sign_in(paolo, "paolo")
        listed = await paolo.get("/referrals")
        assert listed.status_code == 200 and "Invii ricevuti" in listed.text
        assert f'href="{url}"' in listed.text and "Amina" in listed.text
        page = await paolo.get(url)
        assert page.status_code == 200 and "Corso A2" in page.text
        assert "form-accept" in page.text and "form-decline" in page.text
        assert '<option value="marta"' in page.text and 'value="anna"' not in page.text

        for form, values, code in (
            ("form-accept", {"caseworker_id": ""}, "invalid_command"),
            ("form-accept", {"caseworker_id": "luca"}, "caseworker_not_eligible"),
            ("form-decline", {"reason": ""}, "invalid_command"),
        ):
            refused = await submit(paolo, page, form, values)
            assert refused.status_code == 422 and code in refused.text, (form, values)
        async with site.browser() as sara:
            csrf = await sign_in(sara, "sara")
            for decision, field in (("accept", "caseworker_id"), ("decline", "reason")):
                data = {"csrf_token": csrf, field: "marta"}
                assert (await sara.post(f"{url}/{decision}", data=data)).status_code == 404
        assert await version_of(site, pathway_id) == before

        accepted = await submit(paolo, page, "form-accept", {"caseworker_id": "marta"})
        assert accepted.status_code == 303 and accepted.headers["location"] == "/referrals"
        answered = await paolo.get(url)
        assert "form-accept" not in answered.text and "Accettato" in answered.text

    [made] = (await state_of(site, pathway_id)).referrals.given.values()
    assert (made.status, made.caseworker_id) == ("accepted", "marta")
    [row] = [
        v
        for v in await site.harness.store.referral_inbox.addressed_to("org-nardo")
        if v.pathway_id == pathway_id
    ]
    assert (row.status, row.caseworker_id) == ("accepted", "marta")
    read = await log.search(AccessQuery(pathway_id=pathway_id, limit=50))
    assert ("paolo", "pathway_referrals") in [(e.account_id, e.what) for e in read]


async def test_after_a_transfer_the_giving_organisation_reads_its_own_records_marked_moved(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, log = logged_site
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    day = await today(site)
    notice = {"type": "record_privacy_notice", "given_on": str(day), "language": "it"}
    await command(site, pathway_id, {**notice, "version": "1"})
    consent = {"recipients": NARDO, "purpose": "transfer", "given_on": str(day)}
    await command(site, pathway_id, {"type": "give_consent", **consent})
    move = {"to_organisation": "org-nardo", "reason": "Moved", "effective_on": str(day)}
    await command(site, pathway_id, {"type": "transfer_pathway", **move})
    await command(site, pathway_id, {"type": "accept_transfer", "caseworker_id": "marta"}, "paolo")
    await command(site, pathway_id, {"type": "add_note", "text": "Benvenuta a Nardò"}, "marta")

    for who in ("sara", "anna"):
        async with site.browser() as browser:
            await sign_in(browser, who)
            page = await browser.get(f"/pathways/{pathway_id}")
            assert page.status_code == 200, (who, page.text)
            assert "Trasferito a org-nardo il" in page.text
            assert "Percorso aperto" in page.text and "Percorso trasferito" not in page.text
            assert "Benvenuta" not in page.text and "form-" not in page.text
            history = await browser.get(f"/pathways/{pathway_id}/history")
            assert history.status_code == 200 and "Benvenuta" not in history.text
    async with site.browser() as luca:  # recorded nothing on it: nothing to keep
        await sign_in(luca, "luca")
        assert (await luca.get(f"/pathways/{pathway_id}")).status_code == 404
    async with site.browser() as paolo:  # the new owner reads the whole pathway
        await sign_in(paolo, "paolo")
        page = await paolo.get(f"/pathways/{pathway_id}")
        assert page.status_code == 200 and 'id="transferred"' not in page.text
    read = await log.search(AccessQuery(pathway_id=pathway_id, limit=50))
    assert ("sara", "pathway_transferred") in [(e.account_id, e.what) for e in read]


async def test_the_receiving_caseworker_reads_the_referred_measure_only(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, log = logged_site
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    day = await today(site)
    plan = plan_command((day + timedelta(days=90)).isoformat())
    notice = {"type": "record_privacy_notice", "given_on": str(day), "language": "it"}
    consent = {"recipients": NARDO, "purpose": "referral", "given_on": str(day)}
    refer = {"to_organisation": "org-nardo", "service": "Corso A2", "measure_id": "italian"}
    accept = {"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "marta"}
    for body, who in (
        ({"type": "record_baseline", "condition": CONDITION}, "anna"),
        (ASSESSMENT, "anna"),
        (plan, "anna"),
        ({"type": "approve_plan"}, "sara"),
        ({**notice, "version": "1"}, "anna"),
        ({"type": "give_consent", **consent}, "anna"),
        ({"type": "refer_pathway", **refer}, "anna"),
        (accept, "paolo"),
    ):
        await command(site, pathway_id, body, who)
    work = f"/referrals/{pathway_id}/referral-1/work"

    async with site.browser() as marta:
        await sign_in(marta, "marta")
        home = await marta.get("/")
        assert "In carico per invio" in home.text and f'href="{work}"' in home.text
        page = await marta.get(work)
        assert page.status_code == 200 and "Corso A2" in page.text and 'id="measure"' in page.text
        assert (await marta.get(f"/pathways/{pathway_id}")).status_code == 404
    for who in ("anna", "paolo", "luca", "sara"):
        async with site.browser() as other:
            await sign_in(other, who)
            assert (await other.get(work)).status_code == 404, who
    read = await log.search(AccessQuery(pathway_id=pathway_id, limit=50))
    seen = [(e.account_id, e.what) for e in read]
    assert ("marta", "referred_measure") in seen and ("marta", "referred_caseload") in seen


async def test_answered_referrals_and_transfers_leave_the_list_to_answer(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, _ = logged_site
    pathway_id = await referred(site)
    day = (await today(site)).isoformat()
    consent = {"recipients": NARDO, "purpose": "transfer", "given_on": day}
    await command(site, pathway_id, {"type": "give_consent", **consent})
    move = {"to_organisation": "org-nardo", "reason": "Trasloco", "effective_on": day}
    await command(site, pathway_id, {"type": "transfer_pathway", **move})

    async def listed(status: str) -> list[tuple[str, str]]:
        async with site.browser() as api:
            reply = await api.get(f"/api/v1/referrals?status={status}", headers=bearer("paolo"))
        assert reply.status_code == 200, reply.text
        rows = [r for r in reply.json() if r["pathway_id"] == pathway_id]
        return [(r["referral_id"] or "transfer", r["status"]) for r in rows]

    assert await listed("pending") == [("referral-1", "pending"), ("transfer", "pending")]
    assert await listed("answered") == []
    decline = {"type": "decline_referral", "referral_id": "referral-1", "reason": "Pieno"}
    await command(site, pathway_id, decline, "paolo")
    await command(site, pathway_id, {"type": "decline_transfer", "reason": "Pieno"}, "paolo")
    assert await listed("pending") == []
    assert await listed("answered") == [("referral-1", "declined"), ("transfer-1", "declined")]

    before = await version_of(site, pathway_id)
    async with site.browser() as api:
        bad = await api.get("/api/v1/referrals?status=maybe", headers=bearer("paolo"))
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_command")
    assert await version_of(site, pathway_id) == before

    async with site.browser() as paolo:
        await sign_in(paolo, "paolo")
        page = (await paolo.get("/referrals")).text
    to_answer, answered = page.split('id="answered"')
    assert pathway_id not in to_answer and "Da rispondere" in to_answer
    assert f"/referrals/{pathway_id}/transfer-1" in answered and "Con risposta" in answered
    assert "Rifiutato" in answered
