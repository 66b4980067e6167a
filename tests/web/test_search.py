"""Search over the API and the page, on the in-memory store: a name found in any order and
without accents, a document, a phone, a pathway code; each role within its scope (another
organisation's pathway is never found); what was shown is in the access log with its
purpose; bad input and a role that searches nothing are refused and record nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from client.pathway import PathwayClient
from domain.decider import decide
from domain.evolution import fold
from domain.projections import ReferralView
from domain.read_models import read_models
from domain.referrals.state import ReferralStatus
from domain.state import initial_state
from domain.stream import record_events, stream_id_for
from domain.values import Actor, Role
from infra.access_log.base import InMemoryAccessLog
from infra.access_log.model import AccessQuery
from infra.eventstore.memory import InMemoryEventStore
from tests.privacy.test_sealing import NOW
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.journey import envelope

ANH = {
    "given_name": "Thị Ánh",
    "family_name": "Nguyễn",
    "birth_date": "1994-05-17",
    "gender": "female",
    "nationality": "VN",
    "phone": "+39 333 000 1234",
    "document_number": "YA 1234567",
}
PATHWAYS = {
    # pathway: (organisation, caseworker, beneficiary)
    "p-anh": ("org-lecce", "anna", ANH),
    "p-amina": ("org-lecce", "anna", OPEN["beneficiary"]),
    "p-luca": ("org-lecce", "luca", ANH),
    "p-nardo": ("org-nardo", "marta", ANH),
}


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
        update = read_models(fold(first), first)
        await store.append(stream_id_for(pathway_id), 0, first, update)
        if pathway_id == "p-luca":  # referred to org-nardo, accepted for marta
            referred = ReferralView(
                pathway_id=pathway_id,
                kind="referral",
                referral_id="referral-1",
                to_organisation="org-nardo",
                given_name="Thị Ánh",
                service="Corso A2",
                measure_kind=None,
                from_organisation="org-lecce",
                referred_by="luca",
                referred_on=None,
                answer_by=None,
                effective_on=None,
                status=ReferralStatus.ACCEPTED,
                caseworker_id="marta",
            )
            await store.replace_read_models(update.model_copy(update={"referrals": (referred,)}))


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[tuple[httpx.AsyncClient, InMemoryAccessLog]]:
    store, log = InMemoryEventStore(), InMemoryAccessLog()
    await seed(store)
    pathways = PathwayClient(None, "unused")  # type: ignore[arg-type]  # search only reads
    app = create_test_app(pathways, store, await staffed_accounts(), web_settings(), access_log=log)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, log


async def found(client: httpx.AsyncClient, who: str, q: str, **params: Any) -> list[str]:
    reply = await client.get("/api/v1/search", params={"q": q, **params}, headers=bearer(who))
    assert reply.status_code == 200, reply.text
    return [hit["pathway_id"] for hit in reply.json()]


async def entries(log: InMemoryAccessLog) -> list[tuple[str, str, str, str]]:
    found = await log.search(AccessQuery(limit=500))
    return [(e.account_id, e.pathway_id, e.what, e.purpose.value) for e in found]


async def test_each_role_finds_her_only_within_its_scope(
    site: tuple[httpx.AsyncClient, InMemoryAccessLog],
) -> None:
    client, _ = site
    assert await found(client, "anna", "nguyen anh") == ["p-anh"]
    assert await found(client, "anna", "ÁNH Nguyễn thi") == ["p-anh"]
    assert await found(client, "marta", "nguyen anh") == ["p-nardo"]
    assert await found(client, "sara", "nguyen anh") == ["p-anh", "p-luca"]
    assert await found(client, "paolo", "nguyen anh") == ["p-nardo"]
    everyone = ["p-anh", "p-luca", "p-nardo"]
    assert await found(client, "cora", "nguyen anh") == everyone
    assert await found(client, "aldo", "nguyen anh") == everyone
    assert await found(client, "anna", "nguyen amina") == []


async def test_a_document_a_phone_a_birth_date_and_a_code_find_her(
    site: tuple[httpx.AsyncClient, InMemoryAccessLog],
) -> None:
    client, _ = site
    assert await found(client, "anna", "ya-1234567") == ["p-anh"]
    assert await found(client, "anna", "333 000 1234") == ["p-anh"]
    assert await found(client, "anna", "17/05/1994") == ["p-amina", "p-anh"]
    assert await found(client, "anna", "p-amina") == ["p-amina"]
    assert await found(client, "marta", "p-anh") == [], "another organisation's code"
    reply = await client.get("/api/v1/search", params={"q": "anh"}, headers=bearer("anna"))
    [hit] = reply.json()
    assert hit == {
        "pathway_id": "p-anh",
        "organisation_id": "org-lecce",
        "stage": "reception",
        "found_as": "pathway",
        "name": "Thị Ánh Nguyễn",
        "referral_id": None,
    }


async def test_a_referral_accepted_for_a_caseworker_is_found_by_its_first_name_only(
    site: tuple[httpx.AsyncClient, InMemoryAccessLog],
) -> None:
    client, log = site
    reply = await client.get("/api/v1/search", params={"q": "anh"}, headers=bearer("marta"))
    assert [(h["pathway_id"], h["found_as"], h["name"]) for h in reply.json()] == [
        ("p-nardo", "pathway", "Thị Ánh Nguyễn"),
        ("p-luca", "referral", "Thị Ánh"),
    ]
    assert reply.json()[1]["referral_id"] == "referral-1"
    assert await found(client, "marta", "p-luca") == ["p-luca"]
    assert await found(client, "marta", "ya1234567") == ["p-nardo"], "not by her document"
    assert await found(client, "paolo", "anh") == ["p-nardo"], "the referral names marta"
    shown = [(who, pid) for who, pid, what, _ in await entries(log) if what == "search_result"]
    assert ("marta", "p-luca") in shown


async def test_what_a_search_shows_is_in_the_access_log_with_its_purpose(
    site: tuple[httpx.AsyncClient, InMemoryAccessLog],
) -> None:
    client, log = site
    before = len(await entries(log))
    assert await found(client, "sara", "nguyen anh", purpose="audit") == ["p-anh", "p-luca"]
    assert await found(client, "anna", "zzz nobody") == []
    added = (await entries(log))[: len(await entries(log)) - before]
    assert sorted(added) == [
        ("sara", "p-anh", "search_result", "audit"),
        ("sara", "p-luca", "search_result", "audit"),
    ]


async def test_bad_input_and_roles_that_search_nothing_are_refused_and_record_nothing(
    site: tuple[httpx.AsyncClient, InMemoryAccessLog],
) -> None:
    client, log = site
    before = await entries(log)
    refusals = [
        ("anna", {"q": "a"}, 422, "invalid_search"),
        ("anna", {"q": "  "}, 422, "invalid_search"),
        ("anna", {"q": "x" * 101}, 422, "invalid_search"),
        ("anna", {"q": "a b c d e f g h i"}, 422, "invalid_search"),
        ("anna", {"q": "nguyen anh", "purpose": "curiosity"}, 422, "invalid_command"),
        ("adele", {"q": "nguyen anh"}, 403, "forbidden"),
    ]
    for who, params, status, code in refusals:
        reply = await client.get("/api/v1/search", params=params, headers=bearer(who))
        assert (reply.status_code, reply.json()["code"]) == (status, code), (params, reply.text)
    missing = await client.get("/api/v1/search", headers=bearer("anna"))
    assert missing.status_code == 422
    unsigned = await client.get("/api/v1/search", params={"q": "nguyen anh"})
    assert unsigned.status_code == 401
    assert await entries(log) == before


async def test_the_page_in_italian_finds_her_from_the_header_box(
    site: tuple[httpx.AsyncClient, InMemoryAccessLog],
) -> None:
    client, log = site
    await sign_in(client, "anna")
    empty = await client.get("/search")
    assert empty.status_code == 200
    assert 'class="header-search"' in empty.text and 'action="/search"' in empty.text
    assert "Cerca persona o percorso" in empty.text
    page = await client.get("/search", params={"q": "nguyen anh"})
    assert page.status_code == 200, page.text
    assert 'href="/pathways/p-anh"' in page.text and "Thị Ánh Nguyễn" in page.text
    assert "p-luca" not in page.text and "p-nardo" not in page.text
    assert 'class="access-note"' in page.text
    before = await entries(log)
    bad = await client.get("/search", params={"q": "a"})
    assert bad.status_code == 422
    assert "Cerca da 2 a 100 caratteri e al massimo 8 parole." in bad.text
    none = await client.get("/search", params={"q": "zzz nobody"})
    assert "Nessun percorso tra i tuoi corrisponde alla ricerca." in none.text
    assert await entries(log) == before
    client.cookies.clear()
    await sign_in(client, "adele")
    assert (await client.get("/search", params={"q": "nguyen anh"})).status_code == 403
