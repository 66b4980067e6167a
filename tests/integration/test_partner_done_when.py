"""Issue 23's first done-when, on the real stack (PostgreSQL, the Temporal dev server, a
worker, the web app served by uvicorn, Debian's Chromium): the coordinator registers a host
company and a CPIA; Amina's caseworker links their contacts to her work grant and Italian
course; the tutor, invited and signed in on a phone, records two months of attendance, the
teacher 40 hours and an A2 level; each month's allowance requested is the one computed for
the tutor's hours; the tutor sees neither Amina's phone nor another beneficiary (404), and
her reads are in the access log. Skipped without Chromium (`apt-get install chromium`)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect

from client.pathway import PathwayClient
from domain.calendar import PROJECT_TIMEZONE
from domain.evolution import fold
from domain.payments.allowance import allowance, full_hours
from domain.payments.rules import terms_at
from domain.stream import stream_id_for
from infra.access_log.model import AccessQuery, Purpose
from infra.config import Settings
from tests.integration.conftest import Deployment
from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.unit.test_measures_work import WORK_GRANT
from tests.web.conftest import web_settings
from tests.web.staff import bearer
from tests.web_app import create_test_app
from workers.composition import Stores

CHROMIUM = os.environ.get("PATHWAYS_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
STRONG = "una password lunga e sicura 42"
AMINA_PHONE = "320 1234567"

pytestmark = pytest.mark.skipif(
    not Path(shutil.which(CHROMIUM) or CHROMIUM).exists(),
    reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make test does)",
)


async def served(deployment: Deployment, stores: Stores) -> AsyncIterator[str]:
    """The web app over the deployment's database and dev server, on a free loopback port."""
    pathways = PathwayClient(deployment.client, deployment.task_queue, stores.events)
    app = create_test_app(
        pathways,
        stores.events,
        stores.accounts,
        web_settings(),
        partners=stores.partners,
        invitations=stores.invitations,
        access_log=stores.access_log,
    )
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
            await serving


async def api(http: httpx.AsyncClient, path: str, body: dict[str, Any], who: str) -> Any:
    reply = await http.post(path, json=body, headers=bearer(who))
    assert reply.status_code in (200, 201), reply.text
    return reply.json()


async def command(http: httpx.AsyncClient, pid: str, body: dict[str, Any], who: str) -> None:
    cid = f"c-{uuid.uuid4().hex[:12]}"
    await api(http, f"/api/v1/pathways/{pid}/commands", {"command_id": cid, **body}, who)


async def invited(http: httpx.AsyncClient, partner_id: str, contact_id: str) -> tuple[str, str]:
    """The coordinator invites the contact: its account and the link's path."""
    path = f"/api/v1/partners/{partner_id}/contacts/{contact_id}/invitation"
    made = await api(http, path, {}, "cora")
    return made["account_id"], "/invitations/" + made["link"].rsplit("/", 1)[1]


async def partner_signed_in(
    chromium: Browser, base_url: str, account_id: str, link: str, viewport: dict[str, int]
) -> Page:
    """The partner sets its password on the invitation's page and signs in."""
    context = await chromium.new_context(base_url=base_url, viewport=viewport, locale="it-IT")  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(link)
    await page.fill("#password", STRONG)
    await page.fill("#password_again", STRONG)
    await page.locator("form:has(#password_again) button[type=submit]").click()
    await expect(page).to_have_url(f"{base_url}/sign-in")
    await page.fill("#user_id", account_id)
    await page.fill("#password", STRONG)
    await page.locator("form:has(#password) button[type=submit]").click()
    await expect(page).to_have_url(f"{base_url}/partner")
    return page


async def record(page: Page, form: str, values: dict[str, str]) -> None:
    """Fill and send one of the assignment's record forms; the page comes back with it done."""
    for name, value in values.items():
        field = page.locator(f'#{form} [name="{name}"]')
        if await field.evaluate("e => e.tagName.toLowerCase()") == "select":
            await field.select_option(value)
        else:
            await field.fill(value)
    await page.locator(f"#{form} button[type=submit]").click()
    await expect(page.locator(".flash")).to_be_visible()


def months_back(today: date, n: int) -> date:
    first = today.replace(day=1)
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


async def test_partners_record_from_their_pages_and_the_allowance_follows_the_tutor(
    deployment: Deployment, workdir: Path
) -> None:
    settings = Settings(
        database_url=deployment.database_url,
        master_key=deployment.master.to_base64(),
        data_dir=workdir / "data",
    )
    stores = Stores(settings, deployment.pool)
    today = datetime.now(PROJECT_TIMEZONE).date()
    grant_start = months_back(today, 2)
    months = [grant_start.strftime("%Y-%m"), months_back(today, 1).strftime("%Y-%m")]
    async for base_url in served(deployment, stores):
        async with httpx.AsyncClient(base_url=base_url) as http:
            lecce = {"organisation_id": "org-lecce"}
            company = await api(
                http,
                "/api/v1/partners",
                {"name": "Sartoria Salentina", "kind": "host_company", **lecce},
                "cora",
            )
            cpia = await api(
                http,
                "/api/v1/partners",
                {"name": "CPIA Lecce", "kind": "training_provider", **lecce},
                "cora",
            )
            tutor = await api(
                http,
                f"/api/v1/partners/{company['id']}/contacts",
                {"name": "Gino Rizzo", "role": "tutor", "email": "gino@sartoria.it"},
                "cora",
            )
            teacher = await api(
                http,
                f"/api/v1/partners/{cpia['id']}/contacts",
                {"name": "Ida Bianchi", "role": "teacher", "email": "ida@cpia.it"},
                "cora",
            )

            pid, other = (f"p-{uuid.uuid4().hex[:8]}" for _ in range(2))
            for opened in (pid, other):
                body = {**OPEN, "pathway_id": opened, "command_id": f"c-{opened}"}
                await api(http, "/api/v1/pathways", body, "anna")
            target = (today + timedelta(days=300)).isoformat()
            course = {
                "kind": "training_course",
                "subject": "italian_l2",
                "title": "Italiano A2",
                "provider": "CPIA Lecce",
                "planned_hours": 100,
                "start_on": grant_start.isoformat(),
            }
            grant = {
                **WORK_GRANT,
                "start_on": grant_start.isoformat(),
                "end_on": (grant_start + timedelta(days=200)).isoformat(),
            }
            for body, who in [
                ({"type": "record_baseline", "condition": CONDITION}, "anna"),
                (ASSESSMENT, "anna"),
                ({"type": "propose_plan", "measures": [
                    {"measure_id": "wg", "kind": "work_grant", "target_date": target},
                    {"measure_id": "it", "kind": "training_course", "target_date": target}]},
                 "anna"),
                ({"type": "approve_plan"}, "sara"),
                ({"type": "start_measure", "measure_id": "wg", "details": grant}, "anna"),
                ({"type": "start_measure", "measure_id": "it", "details": course}, "anna"),
                ({"type": "link_partner_contact", "measure_id": "wg",
                  "contact_id": tutor["id"]}, "anna"),
                ({"type": "link_partner_contact", "measure_id": "it",
                  "contact_id": teacher["id"]}, "anna"),
            ]:  # fmt: skip
                await command(http, pid, body, who)
            tutor_account, tutor_link = await invited(http, company["id"], tutor["id"])
            teacher_account, teacher_link = await invited(http, cpia["id"], teacher["id"])

        async with async_playwright() as playwright:
            chromium = await playwright.chromium.launch(
                executable_path=shutil.which(CHROMIUM) or CHROMIUM,
                headless=True,
                args=["--no-sandbox"],
            )
            try:
                gino = await partner_signed_in(chromium, base_url, tutor_account, tutor_link, PHONE)
                await gino.locator(f'a[href="/partner/assignments/{pid}/wg"]').click()
                form = "form-record_measure_progress-work_grant_attendance"
                # Who verified is the tutor's own contact, not a name typed on the form.
                verifier = gino.locator(f'#{form} [name="progress.verified_by"]')
                assert await verifier.get_attribute("type") == "hidden"
                assert await verifier.get_attribute("value") == tutor["id"]
                for month, hours in zip(months, (60, 70), strict=True):
                    figures = {"progress.month": month, "progress.hours_verified": str(hours)}
                    await record(gino, form, figures)
                text = await gino.content()
                assert AMINA_PHONE not in text and "Diallo" not in text
                assert await gino.evaluate("document.documentElement.scrollWidth <= 390")
                elsewhere = await gino.goto(f"/partner/assignments/{other}/wg")
                assert elsewhere is not None and elsewhere.status == 404
                course_page = await gino.goto(f"/partner/assignments/{pid}/it")
                assert course_page is not None and course_page.status == 404

                ida = await partner_signed_in(
                    chromium,
                    base_url,
                    teacher_account,
                    teacher_link,
                    {"width": 1280, "height": 900},
                )
                await ida.goto(f"/partner/assignments/{pid}/it")
                await record(ida, "form-record_measure_progress-course_attendance", {
                    "progress.period_end": today.isoformat(), "progress.hours": "40"})  # fmt: skip
                await record(ida, "form-record_measure_progress-course_level_reached", {
                    "progress.on": today.isoformat(), "progress.cefr_level": "A2"})  # fmt: skip
            finally:
                await chromium.close()

    state = fold(await stores.events.read_stream(stream_id_for(pid)))
    figures = sorted(
        (f.measure_id, f.progress_kind, f.contact_id) for f in state.figures.by_id.values()
    )
    assert figures == [
        ("it", "course_attendance", teacher["id"]),
        ("it", "course_level_reached", teacher["id"]),
        ("wg", "work_grant_attendance", tutor["id"]),
        ("wg", "work_grant_attendance", tutor["id"]),
    ]
    paid = {p.period: p for p in state.payments.values() if p.measure_id == "wg"}
    assert sorted(paid) == months
    for month, hours in zip(months, (60, 70), strict=True):
        payment = paid[month]
        terms = terms_at(state, payment.requested_at)
        due = allowance(
            grant["monthly_allowance"],
            full_hours(20, grant_start, grant_start + timedelta(days=200), month,
                       terms.full_month_hours),
            hours,
            Fraction(terms.allowance_minimum_share_percent, 100),
        )  # fmt: skip
        assert payment.amount == due > 0, (month, payment)

    reads = await stores.access_log.search(AccessQuery(pathway_id=pid, account_id=tutor_account))
    assert reads and {r.purpose for r in reads} == {Purpose.MEASURE_DELIVERY}
    assert not await stores.access_log.search(
        AccessQuery(pathway_id=other, account_id=tutor_account)
    )
