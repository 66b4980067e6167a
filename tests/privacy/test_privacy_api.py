"""The erasure and subject access in the API: the pages' rules (`web.erasure`,
`web.subject_access`) with bearer tokens and problem documents.

On the sealed Postgres store of `tests.privacy.conftest`, `p-gone` closed as in
`test_erasure_pages`: every refusal answers with its code and changes nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from infra.access_log.model import AccessQuery
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from tests.privacy.test_erased_pages import seed
from tests.privacy.test_erasure_pages import PATHWAY, closed_pathway_app, state
from tests.web.staff import bearer

API = f"/api/v1/pathways/{PATHWAY}/erasure"


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def step(api: httpx.AsyncClient, who: str, name: str, **body: str) -> httpx.Response:
    return await api.post(f"{API}/{name}", json=body, headers=bearer(who))


def refused(reply: httpx.Response, status: int, code: str) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["code"] == code, reply.text


async def test_two_people_erase_through_the_api_and_every_refusal_changes_nothing(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    app = await closed_pathway_app(pool, sealed_store)
    asked = {"reason": "art. 17", "confirm": PATHWAY}
    async with client(app) as api:
        untouched = await state(pool)
        for who, status, code in (
            ("anna", 403, "forbidden"),
            ("cora", 403, "forbidden"),
            ("aldo", 403, "forbidden"),
            ("paolo", 404, "pathway_not_found"),
        ):
            refused(await api.get(API, headers=bearer(who)), status, code)
            refused(await step(api, who, "request", **asked), status, code)
        refused(
            await step(api, "sara", "request", reason="x", confirm="p-gon"),
            409,
            "confirmation_mismatch",
        )
        refused(await step(api, "sara", "request", confirm=PATHWAY), 409, "reason_required")
        invalid = await api.post(
            f"{API}/request", json={"reason": "a\u0000b"}, headers=bearer("sara")
        )
        refused(invalid, 422, "invalid_command")
        refused(await step(api, "sara", "erase", **asked), 422, "invalid_command")
        assert await state(pool) == untouched

        shown = await api.get(API, headers=bearer("sara"))
        assert shown.status_code == 200, shown.text
        assert shown.json()["pending"] is None and shown.json()["closed_at"] is not None
        done = await step(api, "sara", "request", **asked)
        assert done.status_code == 200, done.text
        pending = done.json()["pending"]
        assert pending["requested_by"] == "sara" and pending["reason"] == "art. 17"
        again = await step(api, "marco", "request", **asked)
        refused(again, 409, "erasure_already_requested")
        approve = {"request_id": pending["request_id"], "confirm": PATHWAY}
        refused(await step(api, "sara", "approve", **approve), 409, "same_person")

        held = await step(api, "adele", "hold", reason="court order")
        assert held.status_code == 200 and held.json()["hold_reason"] == "court order"
        refused(await step(api, "adele", "hold", reason="again"), 409, "legal_hold_exists")
        before = await state(pool)
        refused(await step(api, "marco", "approve", **approve), 409, "legal_hold")
        assert await state(pool) == before
        released = await step(api, "adele", "release", reason="order lifted")
        assert released.status_code == 200 and released.json()["hold_reason"] is None
        erased = await step(api, "marco", "approve", **approve)
        assert erased.status_code == 200 and erased.json()["erased"] is True, erased.text
        refused(await step(api, "marco", "approve", **approve), 409, "no_erasure_request")

    live, holds, audit = await state(pool)
    assert live == 0 and holds == 0
    assert [action for action, _ in audit] == [
        "erasure_requested",
        "legal_hold_set",
        "legal_hold_released",
        "erased",
    ]


async def test_subject_access_is_answered_in_scope_and_logged_first(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    app = await closed_pathway_app(pool, sealed_store)
    await seed(sealed_store, "p-asked")
    url = "/api/v1/pathways/p-asked/subject-access"

    async def exports() -> list[Any]:
        found = await app.state.access_log.search(AccessQuery(pathway_id="p-asked"))
        return [e for e in found if e.what == "export_subject"]

    async with client(app) as api:
        for who, status, code in (
            ("anna", 403, "forbidden"),
            ("adele", 403, "forbidden"),
            ("aldo", 403, "forbidden"),
            ("paolo", 404, "pathway_not_found"),
        ):
            refused(await api.get(url, headers=bearer(who)), status, code)
        refused(
            await api.get("/api/v1/pathways/p-nobody/subject-access", headers=bearer("cora")),
            404,
            "pathway_not_found",
        )
        assert not await exports()
        got = await api.get(url, headers=bearer("sara"))
    assert got.status_code == 200, got.text
    document = got.json()
    assert document["pathway_id"] == "p-asked" and len(document["events"]) == 2
    assert "Diallo" in got.text, "personal fields opened"
    (logged,) = await exports()
    assert (logged.account_id, logged.purpose, logged.channel) == ("sara", "subject_access", "api")
