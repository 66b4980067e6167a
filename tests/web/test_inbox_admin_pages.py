"""The inbox page (reminders, escalations, overdue in scope) and the administration pages.

The module's tests share one server, worker and app (`site`); each opens pathways of its
own. Only the reminder's test opens pathways of anna's, whose inbox it reads to the end; the
others open luca's, and the app's clock is set to the server's before each test.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest_asyncio
from fastapi import FastAPI

from domain.stream import stream_id_for
from infra.accounts.store import InMemoryAccountStore
from tests.scenarios import CONDITION, OPEN
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, bearer, staffed_accounts
from tests.web.test_pages import csrf_of, sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness

MARK_READ = re.compile(r'action="/inbox/([^"]+)/read"')


@dataclass
class Site:
    harness: Harness
    accounts: InMemoryAccountStore
    app: FastAPI
    skew: list[timedelta] = field(default_factory=lambda: [timedelta()])

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_site(served_harness: Harness) -> Site:
    """One app for the module, on its server and worker (an app costs most of a second of
    CPU to build, a server and worker about as much)."""
    accounts = await staffed_accounts()
    skew = [timedelta()]
    settings = web_settings(clock=lambda: datetime.now(UTC) + skew[0])
    app = create_test_app(served_harness.pathways, served_harness.store, accounts, settings)
    return Site(served_harness, accounts, app, skew)


@pytest_asyncio.fixture(loop_scope="session")
async def site(shared_site: Site) -> Site:
    """The module's app as a test finds it: its clock the server's (a test before may have
    skipped the server's ahead) and the staff's language Italian (tests switch it)."""
    now = await shared_site.harness.env.get_current_time()
    shared_site.skew[0] = now - datetime.now(UTC)
    for account in await shared_site.accounts.list_accounts():
        await shared_site.accounts.update_account(account.id, language="it")
    return shared_site


async def open_pathway(site: Site, caseworker_id: str = "anna") -> str:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    opening = {**OPEN, "caseworker_id": caseworker_id}
    async with site.browser() as client:
        reply = await client.post(
            "/api/v1/pathways",
            json={**opening, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=bearer(caseworker_id),
        )
    assert reply.status_code == 201, reply.text
    return pathway_id


async def test_the_baseline_reminder_reaches_the_inbox_and_is_marked_read_by_its_owner(
    site: Site,
) -> None:
    pathway_id = await open_pathway(site)
    # The baseline is due 7 days after opening; the caseworker is reminded at 4 days.
    await site.harness.env.sleep(timedelta(days=4, hours=1))
    for _ in range(100):
        types = [r.type for r in await site.harness.store.read_stream(stream_id_for(pathway_id))]
        if "DeadlineReminderSent" in types:
            break
        await asyncio.sleep(0.1)

    async with site.browser() as browser:
        await sign_in(browser, "luca")
        luca_page = (await browser.get("/inbox")).text
        assert pathway_id not in luca_page
        luca_token = csrf_of(await browser.get("/inbox"))
        async with site.browser() as anna:
            anna_token = await sign_in(anna, "anna")
            page = await anna.get("/inbox")
            assert page.status_code == 200
            assert "Sollecito" in page.text and "Registra la situazione di partenza" in page.text
            assert f'href="/pathways/{pathway_id}"' in page.text
            assert 'href="/inbox"' in page.text, "the nav links to the inbox"
            ids = [i for i in MARK_READ.findall(page.text) if i.startswith(f"pathway-{pathway_id}")]
            assert len(ids) == 1
            notification_id = ids[0]

            stolen = await browser.post(
                f"/inbox/{notification_id}/read", data={"csrf_token": luca_token}
            )
            assert stolen.status_code == 404
            no_token = await anna.post(f"/inbox/{notification_id}/read")
            assert no_token.status_code == 403
            assert notification_id in (await anna.get("/inbox", params={"show": "unread"})).text

            read = await anna.post(
                f"/inbox/{notification_id}/read",
                data={"csrf_token": anna_token},
                headers={"HX-Request": "true"},
            )
            assert read.status_code == 200 and "<html" not in read.text
            assert "Letto" in read.text and "Segna come letto" not in read.text
            unread = (await anna.get("/inbox", params={"show": "unread"})).text
            assert notification_id not in unread and "Hai letto tutto." in unread
            again = await anna.post(
                f"/inbox/{notification_id}/read", data={"csrf_token": anna_token}
            )
            assert again.status_code == 303 and again.headers["location"] == "/inbox"

            await anna.post("/language", data={"language": "en", "csrf_token": anna_token})
            english = (await anna.get("/inbox")).text
            assert "Reminder" in english and "Record the starting condition" in english


async def test_supervisors_see_what_is_overdue_in_their_organisation(site: Site) -> None:
    pathway_id = await open_pathway(site, "luca")
    site.skew[0] += timedelta(days=30)
    try:
        seen = {}
        for person in ("sara", "paolo", "cora", "anna"):
            async with site.browser() as browser:
                await sign_in(browser, person)
                seen[person] = (await browser.get("/inbox")).text
    finally:
        site.skew[0] -= timedelta(days=30)
    assert "Scadenze superate nel tuo ambito" in seen["sara"] and pathway_id in seen["sara"]
    assert pathway_id in seen["cora"]
    assert pathway_id not in seen["paolo"]
    assert "Scadenze superate nel tuo ambito" not in seen["anna"]


async def test_an_admin_adds_an_organisation_and_an_account_that_can_sign_in(site: Site) -> None:
    async with site.browser() as admin:
        token = await sign_in(admin, "adele")
        page = await admin.get("/admin")
        assert page.status_code == 200 and "Amministrazione" in page.text
        assert "Partner di Lecce" in page.text and "marta" in page.text
        added = await admin.post(
            "/admin/organisations",
            data={"id": "org-galatina", "name": "Partner di Galatina", "csrf_token": token},
        )
        assert added.status_code == 303, added.text
        twice = await admin.post(
            "/admin/organisations",
            data={"id": "org-galatina", "name": "Again", "csrf_token": token},
        )
        assert twice.status_code == 409 and "organizzazione con questo identificativo" in twice.text

        new = {
            "id": "giulia",
            "display_name": "Giulia",
            "role": "caseworker",
            "organisation_id": "org-galatina",
            "email": "giulia@example.org",
            "language": "it",
            "csrf_token": token,
        }
        weak = await admin.post("/admin/accounts", data={**new, "password": "giulia123"})
        assert weak.status_code == 422
        assert "Usa almeno 12 caratteri vari" in weak.text
        assert 'aria-describedby="acc-password-help acc-password-error"' in weak.text
        assert 'id="acc-password-error"' in weak.text, "the error is next to its field"
        assert 'value="Giulia"' in weak.text, "what was typed stays"
        assert await site.accounts.get_account("giulia") is None, "nothing stored"
        orphan = await admin.post(
            "/admin/accounts", data={**new, "organisation_id": "", "password": PASSWORD}
        )
        assert orphan.status_code == 422 and 'id="acc-organisation_id-error"' in orphan.text
        assert await site.accounts.get_account("giulia") is None

        created = await admin.post("/admin/accounts", data={**new, "password": PASSWORD})
        assert created.status_code == 303, created.text
        account = await site.accounts.get_account("giulia")
        assert account is not None and account.organisation_id == "org-galatina"

        issued = await admin.post("/admin/accounts/giulia/token", data={"csrf_token": token})
        assert issued.status_code == 200
        assert issued.headers["cache-control"] == "no-store"
        api_token = re.search(r'<code class="secret">([^<]+)</code>', issued.text)
        assert api_token is not None
        async with site.browser() as client:
            auth = {"Authorization": f"Bearer {api_token.group(1)}"}
            assert (await client.get("/api/v1/me", headers=auth)).status_code == 200
            async with site.browser() as giulia:
                await sign_in(giulia, "giulia")
                assert "Giulia" in (await giulia.get("/")).text
            deactivated = await admin.post(
                "/admin/accounts/giulia/deactivate", data={"csrf_token": token}
            )
            assert deactivated.status_code == 303
            assert (await client.get("/api/v1/me", headers=auth)).status_code == 401
        listed = (await admin.get("/admin")).text
        assert "Disattivato" in listed

        await admin.post("/language", data={"language": "en", "csrf_token": token})
        english = (await admin.get("/admin")).text
        assert "Administration" in english and "Add an account" in english


async def test_only_an_admin_reaches_the_administration(site: Site) -> None:
    for person in ("sara", "anna", "cora", "aldo"):
        async with site.browser() as browser:
            token = await sign_in(browser, person)
            page = await browser.get("/admin")
            assert page.status_code == 403, person
            assert "Il tuo ruolo non" in page.text or "ruolo" in page.text
            assert 'href="/admin"' not in page.text
            sneaky = await browser.post(
                "/admin/accounts",
                data={
                    "id": f"x-{person}",
                    "display_name": "X",
                    "role": "admin",
                    "password": PASSWORD,
                    "csrf_token": token,
                },
            )
            assert sneaky.status_code == 403
            assert await site.accounts.get_account(f"x-{person}") is None


async def test_a_supervisor_sees_the_team_of_their_organisation(site: Site) -> None:
    async with site.browser() as browser:
        await sign_in(browser, "sara")
        team = await browser.get("/team")
        assert team.status_code == 200
        assert "Anna" in team.text and "Luca" in team.text and "Marta" not in team.text
        assert "<form" not in team.text.split("<main", 1)[1].split("</main>", 1)[0]
    async with site.browser() as browser:
        await sign_in(browser, "anna")
        assert (await browser.get("/team")).status_code == 403


def escalations_of(pathway_id: str, page: str) -> list[str]:
    """The escalation cards of the pathway on the page."""
    return [c for c in page.split("<li ") if pathway_id in c and 'class="card escalation' in c]


async def test_an_escalation_for_a_baseline_later_recorded_as_done_on_time_shows_withdrawn(
    site: Site,
) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    opened_at = await site.harness.env.get_current_time() - timedelta(days=20)
    async with site.browser() as client:
        opening = {
            **OPEN,
            "caseworker_id": "luca",
            "pathway_id": pathway_id,
            "command_id": f"c-{pathway_id}",
        }
        reply = await client.post(
            "/api/v1/pathways",
            json={**opening, "occurred_at": opened_at.isoformat()},
            headers=bearer("luca"),
        )
        assert reply.status_code == 201, reply.text
        # Past the catch-up window of the baseline (due 13 days ago), the ladder escalates it.
        await site.harness.env.sleep(timedelta(days=6))
        for _ in range(100):
            records = await site.harness.store.read_stream(stream_id_for(pathway_id))
            if "DeadlineEscalated" in [r.type for r in records]:
                break
            await asyncio.sleep(0.1)
        baseline = {
            "type": "record_baseline",
            "condition": CONDITION,
            "command_id": f"c-{pathway_id}-baseline",
            "occurred_at": (opened_at + timedelta(days=3)).isoformat(),
        }
        reply = await client.post(
            f"/api/v1/pathways/{pathway_id}/commands", json=baseline, headers=bearer("luca")
        )
        assert reply.status_code == 200, reply.text

    async with site.browser() as sara:
        token = await sign_in(sara, "sara")
        inbox, day = [(await sara.get(path)).text for path in ("/inbox", "/")]
        await sara.post("/language", data={"language": "en", "csrf_token": token})
        english = (await sara.get("/inbox")).text
    (card,) = escalations_of(pathway_id, inbox)
    assert "Ritirata" in card, "the escalation is still shown, marked withdrawn"
    assert "adempiuta in tempo (Situazione di partenza registrata" in card
    assert "Non più dovuto" in card
    # My day lists what is still owed (domain.obligations.standing): not a met obligation.
    assert escalations_of(pathway_id, day) == []
    (card,) = escalations_of(pathway_id, english)
    assert "Withdrawn: met in time (Starting condition recorded" in card
