"""The history timeline page: the whole record, filters, and the pathway as known on a day."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, get_args

import httpx
import pytest_asyncio
from fastapi import FastAPI

from domain.events import Event
from domain.stream import stream_id_for
from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import csrf_of, sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from web.pages.event_labels import EVENT_TYPES
from web.pages.render import DISPLAY_TIMEZONE
from web.pages.timeline import GROUP_OF

TEMPORAL_UI = "http://temporal.example:8233"


@dataclass
class Site:
    harness: Harness
    app: FastAPI
    ahead: list[timedelta]
    """How far the time-skipping server's clock is ahead of this machine's: the web app's
    clock follows it, so that the days the events are recorded on are not yet to come."""

    def browser(self, app: FastAPI | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app or self.app), base_url="http://testserver"
        )

    async def command(self, pathway_id: str, person: str, **command: Any) -> None:
        async with self.browser() as client:
            reply = await client.post(
                f"/api/v1/pathways/{pathway_id}/commands",
                json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **command},
                headers=bearer(person),
            )
        assert reply.status_code == 200, reply.text

    async def sleep(self, days: int) -> None:
        await self.harness.env.sleep(timedelta(days=days))
        self.ahead[0] = await self.harness.env.get_current_time() - datetime.now(UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def site(harness: Harness) -> AsyncIterator[Site]:
    ahead = [await harness.env.get_current_time() - datetime.now(UTC)]
    settings = web_settings(
        temporal_ui_url=TEMPORAL_UI + "/",
        temporal_namespace="default",
        clock=lambda: datetime.now(UTC) + ahead[0],
    )
    app = create_test_app(harness.pathways, harness.store, await staffed_accounts(), settings)
    async with harness.worker():
        yield Site(harness, app, ahead)


async def a_pathway_with_a_past(site: Site) -> tuple[str, date, date]:
    """Opened, baseline back-dated two days later, plan approved on day 3, measure on day 5.

    Returns the pathway id, the (Italian) day the plan was approved and the day the measure
    started.
    """
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    async with site.browser() as client:
        opened = await client.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=bearer("anna"),
        )
    assert opened.status_code == 201, opened.text
    records = await site.harness.store.read_stream(stream_id_for(pathway_id))
    opened_at = records[0].occurred_at
    await site.sleep(2)
    await site.command(
        pathway_id,
        "anna",
        type="record_baseline",
        condition=CONDITION,
        occurred_at=(opened_at + timedelta(hours=1)).isoformat(),
    )
    await site.command(pathway_id, "anna", **ASSESSMENT)
    target = (opened_at + timedelta(days=200)).date().isoformat()
    await site.command(
        pathway_id,
        "anna",
        type="propose_plan",
        measures=[
            {"measure_id": "course", "kind": "training_course", "target_date": target},
            {"measure_id": "flat", "kind": "housing_placement", "target_date": target},
        ],
    )
    await site.sleep(1)
    await site.command(pathway_id, "sara", type="approve_plan")
    await site.sleep(2)
    now = await site.harness.env.get_current_time()
    await site.command(
        pathway_id,
        "anna",
        type="start_measure",
        measure_id="course",
        details={
            "kind": "training_course",
            "subject": "italian_l2",
            "title": "Italiano A2",
            "provider": "CPIA Lecce",
            "planned_hours": 100,
            "start_on": now.date().isoformat(),
        },
    )
    records = await site.harness.store.read_stream(stream_id_for(pathway_id))
    by_type = {r.type: r for r in records}
    approved_on = by_type["PlanApproved"].recorded_at.astimezone(DISPLAY_TIMEZONE).date()
    started_on = by_type["MeasureStarted"].recorded_at.astimezone(DISPLAY_TIMEZONE).date()
    assert approved_on < started_on
    return pathway_id, approved_on, started_on


def entries(page: str) -> list[str]:
    return re.findall(r'<li class="event[^"]*" id="event-(\d+)"', page)


async def test_a_supervisor_reads_the_whole_record_filters_it_and_sees_it_as_of_a_day(
    site: Site,
) -> None:
    pathway_id, approved_on, _ = await a_pathway_with_a_past(site)
    url = f"/pathways/{pathway_id}/history"
    async with site.browser() as browser:
        token = await sign_in(browser, "sara")
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        text = page.text
        for what in (
            "Percorso aperto",
            "Situazione di partenza registrata",
            "Bilancio di competenze registrato",
            "Piano individuale proposto",
            "Corso di formazione (course)",
            "Inserimento abitativo (flat)",
            "Piano individuale approvato",
            "Revisione 1 approvata da Sara",
            "Misura avviata",
            "Anna, operatore/operatrice",  # the display name and the role, no login
        ):
            assert what in text, what
        assert "(anna," not in text
        assert text.count('class="badge backdated"') == 1, "only the baseline is back-dated"
        assert "Pianificazione &rarr; Attivo" in text, "the stage the approval moved to"
        assert f'href="/pathways/{pathway_id}"' in text
        # Who gets the Temporal UI link is web.temporal_ui.links' rule (issue 27).
        assert f'href="{TEMPORAL_UI}/namespaces/default/workflows/pathway-{pathway_id}"' in text
        title = text.split("<title>")[1].split("</title>")[0]
        assert pathway_id not in title and title.startswith("Storia del percorso di "), title
        newest = entries(text)
        assert newest == sorted(newest, key=int, reverse=True) and len(newest) >= 6
        oldest = entries((await browser.get(url, params={"order": "oldest"})).text)
        assert oldest == list(reversed(newest))

        by_measure = (await browser.get(url, params={"measure": "course"})).text
        assert "Misura avviata" in by_measure and "Piano individuale proposto" in by_measure
        assert "Percorso aperto" not in by_measure
        housing = (await browser.get(url, params={"wp": "wp2_housing"})).text
        assert "Piano individuale proposto" in housing and "Misura avviata" not in housing
        plan_only = (await browser.get(url, params={"group": "plan"})).text
        assert "Piano individuale approvato" in plan_only and "Percorso aperto" not in plan_only

        swapped = await browser.get(
            url, params={"measure": "course"}, headers={"HX-Request": "true"}
        )
        assert swapped.status_code == 200 and "<html" not in swapped.text
        assert "Misura avviata" in swapped.text

        then = (await browser.get(url, params={"as_of": approved_on.isoformat()})).text
        assert "noto alla fine del" in then, then[then.find("<main") :][:3000]
        assert "Piano individuale approvato" in then
        assert "Misura avviata" not in then, "recorded later: not known then"
        assert "Attivo" in then and "Prevista" in then and "In corso" not in then
        before = (
            await browser.get(url, params={"as_of": (approved_on - timedelta(days=1)).isoformat()})
        ).text
        assert "Piano individuale approvato" not in before
        assert "in attesa di approvazione" in before
        long_ago = (await browser.get(url, params={"as_of": "2001-01-01"})).text
        assert "A quella data non era ancora registrato nulla" in long_ago
        bad_day = await browser.get(url, params={"as_of": "yesterday"})
        assert bad_day.status_code == 200 and "Inserisci il giorno come data" in bad_day.text
        today = (datetime.now(UTC) + site.ahead[0]).astimezone(DISPLAY_TIMEZONE).date()
        assert f'max="{today.isoformat()}"' in bad_day.text
        to_come = await browser.get(url, params={"as_of": (today + timedelta(days=1)).isoformat()})
        assert to_come.status_code == 200 and "Quel giorno deve ancora venire" in to_come.text
        assert "noto alla fine del" not in to_come.text, "the whole record, not a cut"
        assert entries(to_come.text) == entries(
            (await browser.get(url, params={"order": "newest"})).text
        )

        await browser.post("/language", data={"language": "en", "csrf_token": token})
        english = (await browser.get(url)).text
        assert "Individual plan approved" in english and "Back-dated" in english
        assert "Revision 1 approved by Sara" in english


async def test_the_deadline_ladder_s_own_steps_are_marked(site: Site) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    async with site.browser() as client:
        opened = await client.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=bearer("anna"),
        )
        assert opened.status_code == 201
    await site.sleep(5)
    for _ in range(100):
        types = [r.type for r in await site.harness.store.read_stream(stream_id_for(pathway_id))]
        if "DeadlineReminderSent" in types:
            break
        await site.harness.env.sleep(timedelta(seconds=1))
    async with site.browser() as browser:
        await sign_in(browser, "anna")
        page = (await browser.get(f"/pathways/{pathway_id}/history")).text
        assert "Sollecito di scadenza inviato" in page
        assert "Passo automatico delle scadenze" in page
        assert "Sistema (scadenze automatiche)" in page or "System" in page
        ladder = (
            await browser.get(f"/pathways/{pathway_id}/history", params={"group": "deadlines"})
        ).text
        assert "Percorso aperto" not in ladder and "Registra la situazione di partenza" in ladder


async def test_out_of_scope_and_unknown_pathways_are_the_same_404(site: Site) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    async with site.browser() as client:
        opened = await client.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=bearer("anna"),
        )
        assert opened.status_code == 201
    for person in ("paolo", "luca", "adele"):
        async with site.browser() as browser:
            await sign_in(browser, person)
            outside = await browser.get(f"/pathways/{pathway_id}/history")
            unknown = await browser.get("/pathways/p-nobody/history")
            assert outside.status_code == unknown.status_code == 404, person
            assert "Percorso aperto" not in outside.text
            assert "Questo percorso non esiste" in outside.text
    async with site.browser() as browser:
        assert (await browser.get(f"/pathways/{pathway_id}/history")).status_code == 303
        await sign_in(browser, "aldo")
        assert (await browser.get(f"/pathways/{pathway_id}/history")).status_code == 200


async def test_without_a_temporal_ui_there_is_no_link(site: Site) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    plain = create_test_app(
        site.harness.pathways, site.harness.store, await staffed_accounts(), web_settings()
    )
    async with site.browser(plain) as client:
        opened = await client.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=bearer("anna"),
        )
        assert opened.status_code == 201
        await sign_in(client, "anna")
        page = await client.get(f"/pathways/{pathway_id}/history")
        assert "Percorso aperto" in page.text and "Temporal UI" not in page.text
        assert csrf_of(page), "the language form still works"


def test_every_event_type_has_a_label_and_a_group() -> None:
    (union, *_) = get_args(Event)
    types = {model.model_fields["type"].default for model in get_args(union)}
    assert set(EVENT_TYPES) == types
    assert set(GROUP_OF) == types
