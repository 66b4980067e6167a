"""Possible duplicates over the API and the pages, on the in-memory store: a caseworker is
told at which organisation to ask, never the other pathway's code or person; only the
coordinator lists and decides the pairs; a refused decision changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from client.pathway import PathwayClient
from domain.decider import decide
from domain.evolution import fold
from domain.read_models import read_models
from domain.state import initial_state
from domain.stream import record_events, stream_id_for
from domain.values import Actor, Role
from infra.eventstore.memory import InMemoryEventStore
from tests.privacy.test_sealing import NOW
from tests.scenarios import OPEN
from tests.web.conftest import Api, web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web.test_search import ANH
from tests.web_app import create_test_app
from tests.workflows.journey import envelope

PATHWAYS: dict[str, tuple[str, str, dict[str, Any]]] = {
    # pathway: (organisation, caseworker, beneficiary)
    "p-anh": ("org-lecce", "anna", ANH),
    "p-amina": ("org-lecce", "anna", OPEN["beneficiary"]),
    # Her document again, written otherwise, at another organisation.
    "p-nardo": ("org-nardo", "marta", {**ANH, "document_number": "ya-123 4567"}),
    # Her name shortened, the same birth date, no document.
    "p-twin": (
        "org-nardo",
        "marta",
        {**ANH, "given_name": "Ánh", "document_number": None, "phone": None},
    ),
}
DOCUMENT_PAIR = {"first_pathway_id": "p-anh", "second_pathway_id": "p-nardo"}


async def seed(store: InMemoryEventStore) -> None:
    for pathway_id, (organisation, caseworker, beneficiary) in PATHWAYS.items():
        opening = {
            **OPEN,
            "pathway_id": pathway_id,
            "organisation_id": organisation,
            "caseworker_id": caseworker,
            "beneficiary": beneficiary,
        }
        command = envelope(opening, Actor(id=caseworker, role=Role.CASEWORKER))
        events = decide(initial_state(), command, NOW)
        first = record_events(stream_id_for(pathway_id), 0, command, events, NOW)
        await store.append(stream_id_for(pathway_id), 0, first, read_models(fold(first), first))


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[tuple[httpx.AsyncClient, InMemoryEventStore]]:
    store = InMemoryEventStore()
    await seed(store)
    pathways = PathwayClient(None, "unused")  # type: ignore[arg-type]  # these routes only read
    app = create_test_app(pathways, store, await staffed_accounts(), web_settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, store


async def notices(client: httpx.AsyncClient, who: str, pathway_id: str) -> httpx.Response:
    return await client.get(
        f"/api/v1/pathways/{pathway_id}/possible-duplicates", headers=bearer(who)
    )


async def test_a_caseworker_is_told_where_to_ask_and_nothing_of_the_other_pathway(
    site: tuple[httpx.AsyncClient, InMemoryEventStore],
) -> None:
    client, _ = site
    reply = await notices(client, "anna", "p-anh")
    assert reply.status_code == 200, reply.text
    assert reply.json() == [
        {
            "organisation_id": "org-nardo",
            "organisation_name": "Partner di Nardò",
            "reason": "name_and_birth_date",
        },
        {
            "organisation_id": "org-nardo",
            "organisation_name": "Partner di Nardò",
            "reason": "same_document",
        },
    ]
    assert "p-nardo" not in reply.text and "p-twin" not in reply.text
    assert (await notices(client, "anna", "p-amina")).json() == []
    marta = await notices(client, "marta", "p-nardo")
    assert {n["organisation_name"] for n in marta.json()} == {
        "Partner di Lecce",
        "Partner di Nardò",
    }
    assert "p-anh" not in marta.text


async def test_another_organisations_pathway_is_not_found(
    site: tuple[httpx.AsyncClient, InMemoryEventStore],
) -> None:
    client, _ = site
    for who, pathway_id in (("anna", "p-nardo"), ("marta", "p-anh"), ("anna", "p-unknown")):
        reply = await notices(client, who, pathway_id)
        assert (reply.status_code, reply.json()["code"]) == (404, "pathway_not_found")


async def test_the_pathway_page_shows_the_notice_in_italian_without_the_other_pathway(
    site: tuple[httpx.AsyncClient, InMemoryEventStore],
) -> None:
    client, _ = site
    client.cookies.clear()
    await sign_in(client, "anna")
    page = await client.get("/pathways/p-anh")
    assert page.status_code == 200, page.text
    assert 'id="duplicate-notice"' in page.text
    assert "Possibile doppione" in page.text and "Partner di Nardò" in page.text
    assert "p-nardo" not in page.text and "p-twin" not in page.text
    assert 'href="/duplicates"' not in page.text, "the coordinator's page only"
    other = await client.get("/pathways/p-amina")
    assert 'id="duplicate-notice"' not in other.text
    assert (await client.get("/duplicates")).status_code == 403
    client.cookies.clear()


async def test_only_the_coordinator_lists_and_decides_and_a_refusal_changes_nothing(
    site: tuple[httpx.AsyncClient, InMemoryEventStore],
) -> None:
    client, store = site
    for who in ("anna", "sara", "aldo"):
        listed = await client.get("/api/v1/duplicates", headers=bearer(who))
        assert (listed.status_code, listed.json()["code"]) == (403, "forbidden")
        body = {**DOCUMENT_PAIR, "decision": "confirmed"}
        refused = await client.post("/api/v1/duplicates/decisions", json=body, headers=bearer(who))
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    bad = [
        ({"first_pathway_id": "p-anh", "second_pathway_id": "p-amina"}, 404, "duplicate_not_found"),
        ({"first_pathway_id": "p-anh", "second_pathway_id": "p-gone"}, 404, "duplicate_not_found"),
        ({"first_pathway_id": "p-anh", "second_pathway_id": "p-anh"}, 404, "duplicate_not_found"),
    ]
    for pair, status, code in bad:
        body = {**pair, "decision": "confirmed"}
        reply = await client.post("/api/v1/duplicates/decisions", json=body, headers=bearer("cora"))
        assert (reply.status_code, reply.json()["code"]) == (status, code), reply.text
    odd = {**DOCUMENT_PAIR, "decision": "merged"}
    reply = await client.post("/api/v1/duplicates/decisions", json=odd, headers=bearer("cora"))
    assert reply.status_code == 422
    assert await store.duplicates.decisions() == []
    assert await store.duplicates.person_links() == []
    listed = await client.get("/api/v1/duplicates", headers=bearer("cora"))
    assert [
        (p["first_pathway_id"], p["second_pathway_id"], p["reason"]) for p in listed.json()
    ] == [
        ("p-anh", "p-nardo", "same_document"),
        ("p-anh", "p-twin", "name_and_birth_date"),
        ("p-nardo", "p-twin", "name_and_birth_date"),
    ]


async def test_the_coordinator_confirms_on_the_page_and_the_pair_is_one_person(
    site: tuple[httpx.AsyncClient, InMemoryEventStore],
) -> None:
    client, store = site
    client.cookies.clear()
    csrf = await sign_in(client, "cora")
    page = await client.get("/duplicates")
    assert page.status_code == 200, page.text
    assert "Possibili doppioni" in page.text and "Stesso numero di documento" in page.text
    assert 'id="pair-p-anh-p-nardo"' in page.text
    form = {**DOCUMENT_PAIR, "decision": "confirmed", "csrf_token": csrf}
    done = await client.post("/duplicates/decisions", data=form)
    assert done.status_code == 303, done.text
    after = await client.get("/duplicates")
    assert "i due percorsi contano come una sola persona" in after.text
    assert 'id="pair-p-anh-p-nardo"' not in after.text and 'id="pair-p-anh-p-twin"' in after.text
    again = await client.post("/duplicates/decisions", data=form)
    assert again.status_code == 409 and "già stato deciso" in again.text
    links = await store.duplicates.person_links()
    assert [(link.pathway_id, link.person_key) for link in links] == [
        ("p-anh", "p-anh"),
        ("p-nardo", "p-anh"),
    ]
    dismiss = {"first_pathway_id": "p-nardo", "second_pathway_id": "p-twin"}
    reply = await client.post(
        "/api/v1/duplicates/decisions",
        json={**dismiss, "decision": "dismissed"},
        headers=bearer("cora"),
    )
    assert reply.status_code == 204, reply.text
    assert len(await store.duplicates.person_links()) == 2, "a dismissal links no one"
    assert [n["reason"] for n in (await notices(client, "anna", "p-anh")).json()] == [
        "name_and_birth_date"
    ]
    client.cookies.clear()


async def test_opening_with_a_document_open_elsewhere_tells_where_to_ask_and_opens(
    api: Api,
) -> None:
    """The done-when, through the opening's command path (the workflow, its append and
    the index written with it): not refused, told where to ask, nothing of the other."""
    first = {**OPEN, "pathway_id": "p-lecce-1", "command_id": "c-lecce-1"}
    opened = await api.http.post("/api/v1/pathways", json=first, headers=bearer("anna"))
    assert opened.status_code == 201, opened.text
    assert opened.json()["possible_duplicates"] == []
    again = {
        **OPEN,
        "pathway_id": "p-nardo-1",
        "command_id": "c-nardo-1",
        "organisation_id": "org-nardo",
        "caseworker_id": "marta",
        "beneficiary": {**OPEN["beneficiary"], "given_name": "Aminata", "family_name": "Bah"},
    }
    reply = await api.http.post("/api/v1/pathways", json=again, headers=bearer("marta"))
    assert reply.status_code == 201, reply.text
    assert reply.json()["pathway_id"] == "p-nardo-1"
    assert reply.json()["possible_duplicates"] == [
        {
            "organisation_id": "org-lecce",
            "organisation_name": "Partner di Lecce",
            "reason": "same_document",
        }
    ]
    assert "p-lecce-1" not in reply.text and "Amina" not in reply.text
