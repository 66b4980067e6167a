"""Erasure from the pages: requested by one person, approved by another, refused under a
legal hold, each refusal shown with its code and changing nothing.

On the sealed Postgres store (`tests.privacy.conftest`): `p-gone` is Lecce's pathway, opened
and noted, then closed as the erasure reads closure (its last record a `PathwayClosed`).
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from activities.pathways.subject_access import SubjectAccessService
from client.pathway import PathwayClient
from infra.access_log.model import AccessQuery
from infra.crypto.erasure import PostgresErasureDesk
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from tests.privacy.test_erased_pages import seed
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app

PATHWAY = "p-gone"
PAGE = f"/pathways/{PATHWAY}/erasure"


async def state(pool: Pool) -> tuple[Any, ...]:
    """Live keys, the hold, and the audit's actions: what a refusal must leave alone."""
    async with pool.connection() as conn:
        live = await (
            await conn.execute(
                "SELECT count(*) FROM pathway_keys WHERE pathway_id = %s AND wrapped IS NOT NULL",
                (PATHWAY,),
            )
        ).fetchone()
        held = await (await conn.execute("SELECT count(*) FROM legal_holds")).fetchone()
        audit = await (
            await conn.execute("SELECT action, actor FROM privacy_audit ORDER BY audit_id")
        ).fetchall()
    assert live is not None and held is not None
    return live[0], held[0], [tuple(row) for row in audit]


class Forgetting:
    """Stands in for the pages' keyring: which pathways' keys it was told to forget."""

    def __init__(self) -> None:
        self.forgotten: list[str] = []

    def forget(self, owner: str) -> None:
        self.forgotten.append(owner)


async def closed_pathway_app(
    pool: Pool, sealed_store: PostgresEventStore, keyring: Forgetting | None = None
) -> FastAPI:
    """The pages on `p-gone`, closed, with the root's erasure desk and subject access."""
    await seed(sealed_store, PATHWAY)
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE events SET type = 'PathwayClosed' WHERE stream_id = %s AND version = 2",
            (f"pathway-{PATHWAY}",),
        )
    return create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the page sends no command
        sealed_store,
        await staffed_accounts(),
        web_settings(),
        erasure=PostgresErasureDesk(pool, retention_years=10, keyring=keyring),  # type: ignore[arg-type]
        subject_documents=SubjectAccessService(sealed_store, pool),
    )


async def step(browser: httpx.AsyncClient, token: str, name: str, **fields: str) -> httpx.Response:
    return await browser.post(f"{PAGE}/{name}", data={"csrf_token": token, **fields})


async def test_two_people_erase_a_closed_pathway_and_a_legal_hold_stops_them(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    keyring = Forgetting()
    app = await closed_pathway_app(pool, sealed_store, keyring)

    def browser() -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    async with browser() as anna, browser() as paolo:
        anna_token = await sign_in(anna, "anna")
        assert (await anna.get(PAGE)).status_code == 403, "a caseworker does not erase"
        reason = {"reason": "art. 17", "confirm": PATHWAY}
        assert (await step(anna, anna_token, "request", **reason)).status_code == 403
        paolo_token = await sign_in(paolo, "paolo")
        assert (await paolo.get(PAGE)).status_code == 404, "another organisation's pathway"
        assert (await step(paolo, paolo_token, "request", **reason)).status_code == 404
    untouched = await state(pool)
    assert untouched[0] > 0 and untouched[1:] == (0, [])

    async with browser() as sara, browser() as marco, browser() as adele:
        sara_token = await sign_in(sara, "sara")
        page = await sara.get(PAGE)
        assert page.status_code == 200 and "Chiedi la cancellazione" in page.text
        typo = await step(sara, sara_token, "request", reason="art. 17", confirm="p-gon")
        assert typo.status_code == 409 and 'data-code="confirmation_mismatch"' in typo.text
        assert await state(pool) == untouched
        asked = await step(sara, sara_token, "request", reason="art. 17", confirm=PATHWAY)
        assert asked.status_code == 303, asked.text
        shown = await sara.get(PAGE)
        assert 'id="erasure-pending"' in shown.text and "approve-confirm" not in shown.text
        async with pool.connection() as conn:
            found = await (
                await conn.execute("SELECT request_id FROM privacy_audit WHERE actor = 'sara'")
            ).fetchone()
        assert found is not None
        request_id = found[0]
        approve = {"request_id": request_id, "confirm": PATHWAY}
        own = await step(sara, sara_token, "approve", **approve)
        assert own.status_code == 409 and 'data-code="same_person"' in own.text
        requested = await state(pool)
        assert requested[0] == untouched[0] and requested[2] == [("erasure_requested", "sara")]

        adele_token = await sign_in(adele, "adele")
        assert 'action="/admin/erasure"' in (await adele.get("/admin")).text
        found = await adele.get("/admin/erasure", params={"pathway": PATHWAY})
        assert found.status_code == 303 and found.headers["location"] == PAGE
        missing = await adele.get("/admin/erasure", params={"pathway": "p-nobody"})
        assert missing.status_code == 404
        assert (await step(adele, adele_token, "hold", reason="court order")).status_code == 303
        held = await state(pool)
        marco_token = await sign_in(marco, "marco")
        page = await marco.get(PAGE)
        assert 'id="erasure-held"' in page.text and 'name="request_id"' in page.text
        blocked = await step(marco, marco_token, "approve", **approve)
        assert blocked.status_code == 409 and 'data-code="legal_hold"' in blocked.text
        assert "blocco legale" in blocked.text
        assert await state(pool) == held

        released = await step(adele, adele_token, "release", reason="order lifted")
        assert released.status_code == 303
        typo = await step(marco, marco_token, "approve", request_id=request_id, confirm="x")
        assert typo.status_code == 409 and 'data-code="confirmation_mismatch"' in typo.text
        assert keyring.forgotten == [], "refusals forget no key"
        done = await step(marco, marco_token, "approve", **approve)
        assert done.status_code == 303, done.text
        # The pages' own keyring forgets the keys at once: they stop reading its data now.
        assert keyring.forgotten == [PATHWAY]
        assert 'id="erasure-erased"' in (await marco.get(PAGE)).text
        again = await step(marco, marco_token, "approve", **approve)
        assert again.status_code == 409 and 'data-code="no_erasure_request"' in again.text

    live, holds, audit = await state(pool)
    assert live == 0 and holds == 0
    assert audit == [
        ("erasure_requested", "sara"),
        ("legal_hold_set", "adele"),
        ("legal_hold_released", "adele"),
        ("erased", "marco"),
    ]


async def test_the_subject_access_export_is_downloaded_in_scope_and_logged_first(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    app = await closed_pathway_app(pool, sealed_store)
    await seed(sealed_store, "p-asked")
    export = "/pathways/p-asked/subject-access.json"
    for who, status in (("anna", 403), ("adele", 403), ("paolo", 404)):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as someone:
            await sign_in(someone, who)
            assert (await someone.get(export)).status_code == status, who

    async def exports() -> list[Any]:
        found = await app.state.access_log.search(AccessQuery(pathway_id="p-asked"))
        return [e for e in found if e.what == "export_subject"]

    assert not await exports()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as sara:
        await sign_in(sara, "sara")
        got = await sara.get(export)
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    document = got.json()
    assert document["pathway_id"] == "p-asked" and len(document["events"]) == 2
    assert "Diallo" in got.text, "personal fields opened"
    (logged,) = await exports()
    assert (logged.account_id, logged.what, logged.purpose, logged.channel) == (
        "sara",
        "export_subject",
        "subject_access",
        "page",
    )
