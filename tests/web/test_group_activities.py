"""Group activities through the API and the pages: recorded once, each refusal writing nothing.

On the dev server over the in-memory store: `/api/v1/group-activities` and
`/group-activities/new` go through `client.group_activities`, so a bad input (an unknown or
out-of-scope pathway, no attendee, too many, a day after today, a role that records none)
is a problem with its code, and no workflow is started and no event recorded; the same
activity sent again is answered with the first recording.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from domain.calendar import project_day
from domain.group_activities.activity import MAX_ATTENDEES
from domain.values import Actor, Role
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from tests.workflows.journey import envelope
from workers.worker import build_worker

__all__ = ["dev_harness"]

pytestmark = pytest.mark.integration

TODAY = project_day(datetime.now(UTC))
MARTA = Actor(id="marta", role=Role.CASEWORKER)


@dataclass
class Site:
    h: Harness
    http: httpx.AsyncClient
    lecce: list[str]
    """Anna's pathways, of org-lecce."""
    nardo: list[str]
    """Marta's pathways, of org-nardo."""
    transport: httpx.ASGITransport

    async def told(self) -> int:
        """Participations recorded on every pathway of the test."""
        events = [
            r
            for p in self.lecce + self.nardo
            for r in await self.h.store.read_stream(f"pathway-{p}")
            if r.type == "GroupParticipationRecorded"
        ]
        return len(events)

    def body(self, activity_id: str, attendees: list[str], **fields: Any) -> dict[str, Any]:
        return {
            "activity_id": f"{self.h.task_queue}-{activity_id}",
            "kind": "social_cohesion_event",
            "title": "Festa di quartiere",
            "held_on": TODAY.isoformat(),
            "place": "Lecce",
            "organisation_id": "org-lecce",
            "attendees": attendees,
            **fields,
        }


@pytest_asyncio.fixture(loop_scope="session")
async def site(dev_harness: Harness) -> AsyncIterator[Site]:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    lecce = [f"ga-{h.task_queue}-l{i}" for i in range(2)]
    nardo = [f"ga-{h.task_queue}-n{i}" for i in range(2)]
    transport = httpx.ASGITransport(app=app)
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        for pathway_id in lecce:
            await h.pathways.open(envelope({**OPEN, "pathway_id": pathway_id}))
        for pathway_id in nardo:
            await h.pathways.open(
                envelope(
                    {
                        **OPEN,
                        "pathway_id": pathway_id,
                        "organisation_id": "org-nardo",
                        "caseworker_id": "marta",
                    },
                    MARTA,
                )
            )
        yield Site(h, http, lecce, nardo, transport)


REFUSALS = [
    # (who, what to change in the body, status, code, field)
    ("anna", {"attendees": []}, 422, "invalid_command", "attendees"),
    (
        "anna",
        {"attendees": [f"p-{i}" for i in range(MAX_ATTENDEES + 1)]},
        422,
        "invalid_command",
        "attendees",
    ),
    (
        "anna",
        {"held_on": (TODAY + timedelta(days=1)).isoformat()},
        422,
        "fact_in_future",
        "held_on",
    ),
    ("anna", {"attendees": ["ga-nobody"]}, 404, "pathway_not_found", "attendees"),
    ("luca", {}, 404, "pathway_not_found", "attendees"),  # not luca's caseload
    ("sara", {"attendees": "nardo"}, 404, "pathway_not_found", "attendees"),  # another org
    ("sara", {"organisation_id": "org-nardo"}, 422, "role_forbidden", "organisation_id"),
    ("aldo", {}, 422, "role_forbidden", None),
    ("adele", {}, 422, "role_forbidden", None),
]


@pytest.mark.parametrize(("who", "change", "status", "code", "field"), REFUSALS)
async def test_a_refused_recording_writes_nothing(
    site: Site, who: str, change: dict[str, Any], status: int, code: str, field: str | None
) -> None:
    if change.get("attendees") == "nardo":
        change = {"attendees": site.lecce + site.nardo}
    body = {**site.body(f"refused-{who}-{code}", site.lecce), **change}
    answer = await site.http.post("/api/v1/group-activities", json=body, headers=bearer(who))
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert answer.json().get("field") == field
    assert await site.told() == 0
    followed = await site.http.get(
        f"/api/v1/group-activities/{body['activity_id']}", headers=bearer("cora")
    )
    assert followed.status_code == 404  # no workflow was started


async def test_the_coordinator_records_once_with_two_organisations(site: Site) -> None:
    body = site.body("dinner", site.lecce + site.nardo, organisation_id="org-nardo")
    first = await site.http.post("/api/v1/group-activities", json=body, headers=bearer("cora"))
    assert first.status_code == 202, first.text
    done = await site.h.env.client.get_workflow_handle(first.json()["process_id"]).result()
    assert [r["outcome"] for r in done["results"]] == ["done"] * 4
    again = await site.http.post("/api/v1/group-activities", json=body, headers=bearer("cora"))
    assert (again.status_code, again.json()["earlier"]) == (200, True)
    other = {**body, "title": "Another dinner"}
    reused = await site.http.post("/api/v1/group-activities", json=other, headers=bearer("cora"))
    assert reused.json()["code"] == "group_activity_id_reused"
    assert await site.told() == 4

    url = f"/api/v1/group-activities/{body['activity_id']}"
    shown = await site.http.get(url, headers=bearer("paolo"))  # org-nardo held it
    assert shown.status_code == 200 and shown.json()["stage"] == "done"
    assert (await site.http.get(url, headers=bearer("sara"))).status_code == 404
    assert (await site.http.get(url, headers=bearer("adele"))).status_code == 403


async def test_the_page_records_from_the_caseload_and_refuses_with_its_code(site: Site) -> None:
    http = site.http
    token = await sign_in(http, "anna")
    form = await http.get("/group-activities/new", params={"filter": "ga-"})
    assert form.status_code == 200
    assert all(f'value="{p}"' in form.text for p in site.lecce)
    assert not any(f'value="{p}"' in form.text for p in site.nardo)  # marta's caseload
    fields = {k: v for k, v in site.body("page", []).items() if k != "attendees"}

    empty = await http.post("/group-activities/new", data={**fields, "csrf_token": token})
    assert empty.status_code == 422 and 'data-code="invalid_command"' in empty.text
    future = (TODAY + timedelta(days=1)).isoformat()
    later = await http.post(
        "/group-activities/new",
        data={**fields, "held_on": future, "attendees": site.lecce, "csrf_token": token},
    )
    assert later.status_code == 422 and 'data-code="fact_in_future"' in later.text
    assert await site.told() == 0

    recorded = await http.post(
        "/group-activities/new", data={**fields, "attendees": site.lecce, "csrf_token": token}
    )
    assert recorded.status_code == 303, recorded.text
    await site.h.env.client.get_workflow_handle(f"group-activity-{fields['activity_id']}").result()
    page = await http.get(recorded.headers["location"])
    assert 'data-stage="done"' in page.text and page.text.count('data-outcome="done"') == 2
    assert await site.told() == 2

    async with httpx.AsyncClient(transport=site.transport, base_url="http://testserver") as aldo:
        await sign_in(aldo, "aldo")
        assert (await aldo.get("/group-activities/new")).status_code == 403
