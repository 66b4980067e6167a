"""Undoing a duplicate decision over the API and the page, on the in-memory store: the
coordinator's undoing is an entry of the history (nothing deleted), the pair is a possible
duplicate again and its person link ends; the history is the coordinator's alone, a
caseworker or supervisor sees no pair and no history; a refused undoing records nothing."""

from __future__ import annotations

import httpx

from infra.eventstore.memory import InMemoryEventStore
from tests.web.staff import bearer
from tests.web.test_duplicates import DOCUMENT_PAIR, notices, site
from tests.web.test_pages import sign_in

__all__ = ["site"]

Site = tuple[httpx.AsyncClient, InMemoryEventStore]


async def decide(client: httpx.AsyncClient, decision: str, who: str = "cora") -> httpx.Response:
    body = {**DOCUMENT_PAIR, "decision": decision}
    return await client.post("/api/v1/duplicates/decisions", json=body, headers=bearer(who))


async def history(client: httpx.AsyncClient) -> list[tuple[str, str, bool]]:
    reply = await client.get("/api/v1/duplicates/decisions", headers=bearer("cora"))
    assert reply.status_code == 200, reply.text
    return [(d["decision"], d["decided_by"], d["standing"]) for d in reply.json()]


async def test_the_coordinator_undoes_on_the_page_and_the_pair_is_two_people_again(
    site: Site,
) -> None:
    client, store = site
    assert (await decide(client, "confirmed")).status_code == 204
    assert [n["reason"] for n in (await notices(client, "anna", "p-anh")).json()] == [
        "name_and_birth_date"
    ]
    client.cookies.clear()
    csrf = await sign_in(client, "cora")
    page = await client.get("/duplicates")
    assert "Decisioni prese" in page.text and "Confermato: una persona" in page.text
    assert page.text.count("Annulla questa decisione") == 1
    form = {**DOCUMENT_PAIR, "decision": "undone", "csrf_token": csrf}
    done = await client.post("/duplicates/decisions", data=form)
    assert done.status_code == 303, done.text
    after = await client.get("/duplicates")
    assert "di nuovo un possibile doppione" in after.text
    assert 'id="pair-p-anh-p-nardo"' in after.text, "a possible duplicate again"
    assert "Decisione annullata" in after.text and "Annulla questa decisione" not in after.text
    again = await client.post("/duplicates/decisions", data=form)
    assert again.status_code == 409 and "non ha una decisione da annullare" in again.text
    client.cookies.clear()
    assert await history(client) == [("undone", "cora", False), ("confirmed", "cora", False)]
    assert await store.duplicates.decisions() == []
    (link, other) = await store.duplicates.person_links()
    assert link.unlinked_at is not None and other.unlinked_at is not None
    assert [n["reason"] for n in (await notices(client, "anna", "p-anh")).json()] == [
        "name_and_birth_date",
        "same_document",
    ]
    assert (await decide(client, "dismissed")).status_code == 204, "decided anew"
    assert (await history(client))[0] == ("dismissed", "cora", True)


async def test_only_the_coordinator_undoes_or_reads_the_history_and_a_refusal_records_nothing(
    site: Site,
) -> None:
    client, store = site
    assert (await decide(client, "confirmed")).status_code == 204
    for who in ("anna", "marta", "sara", "aldo"):
        reply = await decide(client, "undone", who)
        assert (reply.status_code, reply.json()["code"]) == (403, "forbidden")
        read = await client.get("/api/v1/duplicates/decisions", headers=bearer(who))
        assert (read.status_code, read.json()["code"]) == (403, "forbidden")
        assert "p-nardo" not in read.text
    other = {"first_pathway_id": "p-anh", "second_pathway_id": "p-twin", "decision": "undone"}
    reply = await client.post("/api/v1/duplicates/decisions", json=other, headers=bearer("cora"))
    assert (reply.status_code, reply.json()["code"]) == (409, "duplicate_not_decided")
    itself = {**other, "second_pathway_id": "p-anh"}
    reply = await client.post("/api/v1/duplicates/decisions", json=itself, headers=bearer("cora"))
    assert (reply.status_code, reply.json()["code"]) == (404, "duplicate_not_found")
    client.cookies.clear()
    csrf = await sign_in(client, "marta")
    form = {**DOCUMENT_PAIR, "decision": "undone", "csrf_token": csrf}
    assert (await client.post("/duplicates/decisions", data=form)).status_code == 403
    page = await client.get("/duplicates")
    assert page.status_code == 403 and "p-anh" not in page.text
    client.cookies.clear()
    assert await history(client) == [("confirmed", "cora", True)]
    assert len(await store.duplicates.person_links()) == 2
