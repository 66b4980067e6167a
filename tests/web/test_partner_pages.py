"""A partner account's pages: its assignments only, the minimum of each, every read in the
access log; no staff route exists for it, and no partner route for the staff."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any, cast

import httpx
import pytest_asyncio
from fastapi import FastAPI
from fastapi.routing import APIRoute
from temporalio.client import Client

from client.pathway import PathwayClient
from domain.evolution import fold
from domain.partners.links import LinkedContact
from domain.partners.model import ContactRole, PartnerKind
from domain.read_models import read_models
from domain.stream import stream_id_for
from domain.values import Role
from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessQuery, Purpose
from infra.accounts.credentials import hash_password, token_digest
from infra.accounts.model import Account
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import PATHWAY_ID, Scenario
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, bearer, staffed_accounts, token_of
from tests.web.test_pages import csrf_of
from tests.web_app import create_test_app
from web.auth import current_account
from web.pages.routing import signed_in

TUTOR = LinkedContact(
    contact_id="contact-tutor",
    partner_id="partner-officina",
    partner_name="Officina Rossi",
    partner_kind=PartnerKind.HOST_COMPANY,
    contact_role=ContactRole.TUTOR,
    organisation_id="org-lecce",
)
MARCO = Account(
    id="marco-tutor",
    display_name="Marco Rossi",
    role=Role.PARTNER,
    organisation_id="org-lecce",
    contact_id=TUTOR.contact_id,
)
OTHER_PATHWAY = "p-0002"


def link(measure_id: str) -> dict[str, Any]:
    return {
        "type": "link_partner_contact",
        "measure_id": measure_id,
        "contact_id": TUTOR.contact_id,
        "contact": TUTOR.model_dump(mode="json"),
    }


async def stored(store: InMemoryEventStore, scenario: Scenario) -> None:
    """Append a scenario's records to the store, one command at a time, with read models."""
    done: list[Any] = []
    for _, batch in groupby(scenario.records, key=lambda r: r.command_id):
        records = list(batch)
        before = fold(done)
        done += records
        stream = records[0].stream_id
        await store.append(stream, before.version, records, read_models(fold(done), records))


async def sign_in(browser: httpx.AsyncClient, user_id: str) -> None:
    """Sign in through the staff's own form."""
    form = await browser.get("/sign-in")
    data = {"user_id": user_id, "password": PASSWORD, "next": "/", "csrf_token": csrf_of(form)}
    assert (await browser.post("/sign-in", data=data)).status_code == 303


@dataclass
class PartnerSite:
    app: FastAPI
    http: httpx.AsyncClient
    store: InMemoryEventStore
    access_log: InMemoryAccessLog


@pytest_asyncio.fixture
async def site() -> AsyncIterator[PartnerSite]:
    accounts = await staffed_accounts()
    await accounts.create_account(MARCO, hash_password(PASSWORD))
    await accounts.add_token(MARCO.id, token_digest(token_of(MARCO.id)), "tests", None)
    store = InMemoryEventStore()
    amina = Scenario().active(("wg", "work_grant"), ("it", "training_course")).given(link("wg"))
    await stored(store, amina)
    access_log = InMemoryAccessLog()
    app = create_test_app(
        PathwayClient(cast(Client, None), "no-temporal"),
        store,
        accounts,
        web_settings(),
        access_log=access_log,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield PartnerSite(app, http, store, access_log)


async def test_a_partner_signs_in_and_sees_the_minimum_of_its_assignments(
    site: PartnerSite,
) -> None:
    await sign_in(site.http, MARCO.id)
    home = await site.http.get("/")
    assert home.status_code == 303 and home.headers["location"].endswith("/partner")
    page = await site.http.get("/partner")
    assert page.status_code == 200
    assert "I miei incarichi" in page.text and "Amina" in page.text and PATHWAY_ID in page.text
    assert f"/partner/assignments/{PATHWAY_ID}/wg" in page.text
    assert f"/partner/assignments/{PATHWAY_ID}/it" not in page.text, "another measure"
    one = await site.http.get(f"/partner/assignments/{PATHWAY_ID}/wg")
    assert one.status_code == 200
    for text in (page.text, one.text):
        for secret in ("Diallo", "320 1234567", "PS1234567", "Rifugiat", "refugee", "SAI Lecce"):
            assert secret not in text
        assert 'href="/pathways' not in text and "/account/password" not in text
    assert "Data obiettivo" in one.text and 'id="records"' in one.text

    english = await site.http.get(
        f"/partner/assignments/{PATHWAY_ID}/wg", headers={"Accept-Language": "en"}
    )
    assert english.status_code == 200


async def test_another_pathway_or_measure_is_not_found_and_every_read_is_logged(
    site: PartnerSite,
) -> None:
    headers = bearer(MARCO.id)
    for path in (
        f"/partner/assignments/{OTHER_PATHWAY}/wg",
        f"/partner/assignments/{PATHWAY_ID}/it",
        f"/partner/assignments/{PATHWAY_ID}/nope",
    ):
        assert (await site.http.get(path, headers=headers)).status_code == 404, path
    assert await site.access_log.search(AccessQuery(account_id=MARCO.id)) == []

    await site.http.get("/partner", headers=headers)
    await site.http.get(f"/partner/assignments/{PATHWAY_ID}/wg", headers=headers)
    entries = await site.access_log.search(AccessQuery(account_id=MARCO.id))
    assert sorted((e.what, e.pathway_id, e.role, e.purpose) for e in entries) == [
        ("partner_assignment", PATHWAY_ID, Role.PARTNER, Purpose.MEASURE_DELIVERY),
        ("partner_assignments", PATHWAY_ID, Role.PARTNER, Purpose.MEASURE_DELIVERY),
    ]


async def test_an_unlinked_measure_disappears_from_the_partners_pages(site: PartnerSite) -> None:
    amina = Scenario().active(("wg", "work_grant")).given(link("wg"))
    amina.given(
        {"type": "unlink_partner_contact", "measure_id": "wg", "contact_id": TUTOR.contact_id}
    )
    other = InMemoryEventStore()
    await stored(other, amina)
    assert await other.partner_links.links_of_contact(TUTOR.contact_id) == []


def _routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every route of the app, through the routers it includes (each without a prefix)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            assert not route.include_context.prefix
            yield from _routes(route.original_router.routes)


def _staff_routes(app: FastAPI) -> list[APIRoute]:
    """Every route that takes a member of staff (`CurrentAccount` or `PageAccount`)."""

    def calls(dependant: Any) -> set[Any]:
        found = {dependant.call}
        for sub in dependant.dependencies:
            found |= calls(sub)
        return found

    return [r for r in _routes(app.routes) if calls(r.dependant) & {current_account, signed_in}]


async def test_a_partner_account_finds_no_staff_route_at_all(site: PartnerSite) -> None:
    routes = _staff_routes(site.app)
    assert len(routes) > 50, "the staff routes are found"
    assert not any(r.path.startswith("/partner/") or r.path == "/partner" for r in routes)
    before = await site.store.stream_version(stream_id_for(PATHWAY_ID))
    for route in routes:
        path = re.sub(r"\{[^}]+\}", PATHWAY_ID, route.path)
        for method in route.methods - {"HEAD"}:
            reply = await site.http.request(method, path, headers=bearer(MARCO.id), json={})
            if (method, path) == ("GET", "/"):  # the staff's home leads to the partner's
                assert reply.headers["location"].endswith("/partner")
                continue
            assert reply.status_code == 404, (method, route.path, reply.status_code)
    assert await site.store.stream_version(stream_id_for(PATHWAY_ID)) == before, "no event"
    assert await site.access_log.search(AccessQuery(account_id=MARCO.id)) == []


async def test_the_staff_find_no_partner_page(site: PartnerSite) -> None:
    for person in ("anna", "sara"):
        reply = await site.http.get("/partner", headers=bearer(person))
        assert reply.status_code == 404
