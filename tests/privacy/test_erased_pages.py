"""Names on the pages: lists by the beneficiary's name (and logged), an erased pathway said
plainly rather than shown as placeholders."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from client.pathway import PathwayClient
from domain.evolution import fold
from domain.read_models import read_models
from domain.stream import stream_id_for
from infra.access_log.model import AccessQuery
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from tests.privacy.test_sealing import noted, opened
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app


async def seed(store: PostgresEventStore, pathway_id: str) -> None:
    first = opened(pathway_id)
    await store.append(stream_id_for(pathway_id), 0, first, read_models(fold(first), first))
    note = noted(pathway_id, 1, "Chiamata con la signora Diallo")
    both = [*first, *note]
    await store.append(stream_id_for(pathway_id), 1, note, read_models(fold(both), note))


async def one_erased_one_kept(pool: Pool, store: PostgresEventStore) -> FastAPI:
    """A web app on `p-erased`, whose key was destroyed, and `p-kept`, both Amina Diallo's."""
    for pid in ("p-erased", "p-kept"):
        await seed(store, pid)
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = now()"
            " WHERE pathway_id = 'p-erased'"
        )
    pathways = PathwayClient(None, "unused")  # type: ignore[arg-type]  # the pages only read
    return create_test_app(pathways, store, await staffed_accounts(), web_settings())


async def test_the_pages_of_an_erased_pathway_say_so_and_show_no_placeholder_name(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    app = await one_erased_one_kept(pool, sealed_store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as cora:
        await sign_in(cora, "cora")

        page = await cora.get("/pathways/p-erased")
        assert page.status_code == 200, page.text
        assert "<h1>Dati personali cancellati</h1>" in page.text
        assert 'id="erased-notice"' in page.text
        assert "[erased]" not in page.text.split("<main", 1)[1].split("</h1>", 1)[0]
        assert "<title>Dati personali cancellati" in page.text
        assert "Amina" not in page.text and "Diallo" not in page.text
        assert "1 gen 1" not in page.text, "the erased birth date is not shown as a date"

        history = await cora.get("/pathways/p-erased/history")
        assert history.status_code == 200, history.text
        assert 'id="erased-notice"' in history.text
        assert history.text.count('class="badge erased"') == 2, "both events lost fields"
        assert "Diallo" not in history.text

        kept = await cora.get("/pathways/p-kept")
        assert "<h1>Amina Diallo</h1>" in kept.text and 'id="erased-notice"' not in kept.text
        kept_history = await cora.get("/pathways/p-kept/history")
        assert 'class="badge erased"' not in kept_history.text


async def test_lists_name_the_beneficiaries_and_record_that_they_did(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    app = await one_erased_one_kept(pool, sealed_store)
    log = app.state.access_log
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna:
        await sign_in(anna, "anna")
        before = await log.search(AccessQuery(limit=500))
        home = await anna.get("/")
        assert home.status_code == 200, home.text
        assert '<a href="/pathways/p-kept">Amina Diallo</a>' in home.text
        assert '<a href="/pathways/p-erased">Dati personali cancellati</a>' in home.text
        assert "[erased]" not in home.text

    entries = (await log.search(AccessQuery(limit=500)))[: -len(before) or None]
    assert {(e.pathway_id, e.what, e.account_id) for e in entries} == {
        ("p-kept", "my_day", "anna"),
        ("p-erased", "my_day", "anna"),
    }
