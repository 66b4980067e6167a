"""Partner links through the JSON API, on the time-skipping server: the contact resolved from
the registry at the command's entry, shown in the pathway's answer and the read model, and
every bad input a problem with its code and no event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI

from domain.calendar import project_day
from domain.values import Role
from infra.accounts.model import Account
from infra.partners.store import InMemoryPartnerStore
from tests.scenarios import ASSESSMENT, CONDITION
from tests.web.conftest import Api, web_settings
from tests.web.page_forms import step, submit
from tests.web.staff import staffed_accounts
from tests.web.test_api import ANNA, SARA, assert_problem, opened, send, versions
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from workers.composition import partner_registry

LECCE = Account(id="sara", display_name="Sara", role=Role.SUPERVISOR, organisation_id="org-lecce")
NARDO = Account(id="paolo", display_name="Paolo", role=Role.SUPERVISOR, organisation_id="org-nardo")


@dataclass
class Linked:
    api: Api
    app: FastAPI
    tutor: str
    """A tutor of a host company of org-lecce (the pathways' organisation)."""
    foreign: str
    """A teacher of a partner of org-nardo."""


@pytest_asyncio.fixture(loop_scope="session")
async def linked(harness: Harness) -> AsyncIterator[Linked]:
    registry = partner_registry(InMemoryPartnerStore({"org-lecce", "org-nardo"}))
    workshop = await registry.register(LECCE, {"name": "Officina Rossi", "kind": "host_company"})
    tutor = await registry.add_contact(
        LECCE, workshop.id, {"name": "Marco", "role": "tutor", "phone": "+39 0832 999 111"}
    )
    school = await registry.register(NARDO, {"name": "CPIA Nardò", "kind": "training_provider"})
    teacher = await registry.add_contact(NARDO, school.id, {"name": "Ida", "role": "teacher"})
    app = create_test_app(
        harness.pathways, harness.store, await staffed_accounts(), web_settings(), partners=registry
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        harness.worker(),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        yield Linked(Api(harness, http), app, tutor.id, teacher.id)


async def active(api: Api) -> str:
    pid = await opened(api)
    target = (
        project_day(await api.harness.env.get_current_time()) + timedelta(days=90)
    ).isoformat()
    plan = {
        "type": "propose_plan",
        "measures": [{"measure_id": "wg", "kind": "work_grant", "target_date": target}],
    }
    steps: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"type": "record_baseline", "condition": CONDITION}, ANNA),
        (ASSESSMENT, ANNA),
        (plan, ANNA),
        ({"type": "approve_plan"}, SARA),
    ]
    for command, who in steps:
        reply = await send(api, pid, command, who)
        assert reply.status_code == 200, reply.text
    return pid


def link(contact_id: str, measure_id: str = "wg", **more: Any) -> dict[str, Any]:
    return {
        "type": "link_partner_contact",
        "measure_id": measure_id,
        "contact_id": contact_id,
        **more,
    }


async def test_a_link_carries_the_contact_as_the_registry_knows_it(linked: Linked) -> None:
    api = linked.api
    pid = await active(api)
    forged = {
        "contact_id": linked.tutor,
        "partner_id": "x",
        "partner_name": "Forged",
        "partner_kind": "school",
        "contact_role": "teacher",
        "organisation_id": "org-lecce",
    }
    reply = await send(api, pid, link(linked.tutor, contact=forged))
    assert reply.status_code == 200, reply.text
    assert reply.json()["events"] == ["PartnerContactLinked"]

    answer = (await api.http.get(f"/api/v1/pathways/{pid}", headers=SARA)).json()
    [contact] = answer["partner_links"]["wg"]
    assert (contact["partner_name"], contact["contact_role"]) == ("Officina Rossi", "tutor")
    rows = await api.harness.store.partner_links.links_of_contact(linked.tutor)
    assert [(r.pathway_id, r.measure_id, r.measure_kind) for r in rows] == [
        (pid, "wg", "work_grant")
    ]

    unlinked = await send(
        api, pid, {"type": "unlink_partner_contact", "measure_id": "wg", "contact_id": linked.tutor}
    )
    assert unlinked.status_code == 200, unlinked.text
    assert await api.harness.store.partner_links.links_of_contact(linked.tutor) == []


async def test_bad_links_are_problems_with_their_code_and_record_nothing(linked: Linked) -> None:
    api = linked.api
    pid = await active(api)
    assert (await send(api, pid, link(linked.tutor))).status_code == 200
    before = await versions(api.harness, pid)
    unlink = {"type": "unlink_partner_contact", "measure_id": "wg", "contact_id": linked.foreign}
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        (link("contact-nobody"), "partner_contact_not_found", "contact_id"),
        (link(linked.foreign), "partner_contact_not_found", "contact_id"),
        (link(linked.tutor), "partner_contact_already_linked", "contact_id"),
        (link(linked.tutor, "nope"), "measure_not_found", "measure_id"),
        (link(""), "invalid_command", "contact_id"),
        (unlink, "partner_link_not_found", "contact_id"),
    ]
    for command, code, field in cases:
        body = assert_problem(await send(api, pid, command), 422, code)
        assert body["field"] == field, body
    assert await versions(api.harness, pid) == before


async def test_the_pathway_page_links_a_contact_of_its_organisation_only(linked: Linked) -> None:
    pid = await active(linked.api)
    browser = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=linked.app), base_url="http://testserver"
    )
    async with browser:
        await sign_in(browser, "anna")
        page = await browser.get(f"/pathways/{pid}")
        assert "Collega un referente di un partner a una misura" in page.text
        assert linked.tutor in page.text and linked.foreign not in page.text
        before = await versions(linked.api.harness, pid)
        for contact_id in (linked.foreign, "contact-nobody"):
            values = {"measure_id": "wg", "contact_id": contact_id}
            refused = await submit(browser, page, "form-link_partner_contact", values)
            assert refused.status_code == 422 and "partner_contact_not_found" in refused.text
        assert await versions(linked.api.harness, pid) == before

        await step(
            browser, pid, "link_partner_contact", {"measure_id": "wg", "contact_id": linked.tutor}
        )
        shown = (await browser.get(f"/pathways/{pid}")).text
        assert "Realizzata con" in shown and "Marco · Officina Rossi · tutor" in shown
        assert "0832 999 111" not in shown
        history = (await browser.get(f"/pathways/{pid}/history")).text
        assert "Referente di un partner collegato a una misura" in history
