"""A command sent from a pathway's page reads (decrypts, folds) the pathway's stream at most
once in the web process, the page it leads to included, whatever its answer: accepted,
refused, invalid, on a closed pathway.

The posted form is checked against the state the running workflow answers, so only the page
shown after it folds the stream; a closed pathway's record is read once, for the form and the
client's answer to a retry. Counted on the event store the app (and its client) are given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest_asyncio

from client.pathway import PathwayClient
from domain.calendar import project_day
from domain.stream import stream_id_for
from domain.values import Stage
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import CONDITION
from tests.web.conftest import web_settings
from tests.web.page_forms import forms_of, submit
from tests.web.staff import staffed_accounts
from tests.web.test_pages import Site, open_pathway, sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from tests.workflows.journey import compressed_opening, envelope, full_journey

MOST_READS = 1


class CountingStore:
    """The harness's store, counting the reads of a whole stream (each one folded)."""

    def __init__(self, store: InMemoryEventStore) -> None:
        self._store = store
        self.stream_reads = 0

    async def read_stream(self, stream_id: str, **kwargs: Any) -> Any:
        self.stream_reads += 1
        return await self._store.read_stream(stream_id, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest_asyncio.fixture(loop_scope="session")
async def counted(harness: Harness) -> AsyncIterator[tuple[Site, CountingStore]]:
    store = CountingStore(harness.store)
    pathways = PathwayClient(harness.env.client, harness.task_queue, store)  # type: ignore[arg-type]
    accounts = await staffed_accounts()
    settings = web_settings(clock=lambda: datetime.now(UTC))
    app = create_test_app(pathways, store, accounts, settings)  # type: ignore[arg-type]
    async with harness.worker():
        yield Site(harness, accounts, app), store


async def reads_of(store: CountingStore, post: Callable[[], Any]) -> tuple[httpx.Response, int]:
    before = store.stream_reads
    reply: httpx.Response = await post()
    return reply, store.stream_reads - before


async def test_an_accepted_command_reads_the_stream_at_most_once(
    counted: tuple[Site, CountingStore],
) -> None:
    site, store = counted
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        reply, reads = await reads_of(
            store, lambda: submit(anna, page, "form-record_baseline", {"condition": CONDITION})
        )
        assert reply.status_code == 303, reply.text
        shown, shown_reads = await reads_of(store, lambda: anna.get(reply.headers["location"]))
        assert shown.status_code == 200
        assert reads + shown_reads <= MOST_READS


async def test_a_refused_or_invalid_command_reads_the_stream_at_most_once(
    counted: tuple[Site, CountingStore],
) -> None:
    site, store = counted
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        version = await site.harness.store.stream_version(stream_id_for(pathway_id))
        invalid, reads = await reads_of(store, lambda: submit(anna, page, "form-record_baseline"))
        assert invalid.status_code == 422
        assert reads <= MOST_READS
        fields = forms_of(page)["form-add_note"]["fields"]
        refused, reads = await reads_of(
            store,
            lambda: anna.post(
                f"/pathways/{pathway_id}/commands/approve_plan",
                data={k: v for k, v in fields.items() if k in ("csrf_token", "command_id")},
            ),
        )
        assert refused.status_code == 422, refused.text
        assert "role_forbidden" in refused.text or "wrong_stage" in refused.text
        assert reads <= MOST_READS
    assert await site.harness.store.stream_version(stream_id_for(pathway_id)) == version


async def test_a_reassignment_reads_the_stream_at_most_once(
    counted: tuple[Site, CountingStore],
) -> None:
    site, store = counted
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as sara:
        await sign_in(sara, "sara")
        page = await sara.get(f"/pathways/{pathway_id}")
        reply, reads = await reads_of(
            store,
            lambda: submit(sara, page, "form-reassign_caseworker", {"caseworker_id": "luca"}),
        )
        assert reply.status_code == 303, reply.text
        shown, shown_reads = await reads_of(store, lambda: sara.get(reply.headers["location"]))
        assert shown.status_code == 200
        assert reads + shown_reads <= MOST_READS


async def test_a_command_on_a_closed_pathway_reads_the_stream_at_most_once(
    counted: tuple[Site, CountingStore],
) -> None:
    """Refused as closed, or, sent again after its reply was lost, answered from the record."""
    site, store = counted
    h = site.harness
    pathway_id = "p-closing"
    await h.pathways.open(compressed_opening(pathway_id))
    today = project_day(await h.env.get_current_time())
    for command, actor in full_journey(today)[:-1]:
        await h.pathways.send(pathway_id, envelope(command, actor))
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        note = forms_of(page)["form-add_note"]
        closing = forms_of(page)["form-close_pathway"]
        closed = await submit(anna, page, "form-close_pathway")
        assert closed.status_code == 303, closed.text
        assert (await h.pathways.state(pathway_id)).stage == Stage.CLOSED

        again, reads = await reads_of(
            store, lambda: anna.post(closing["action"], data=closing["fields"])
        )
        assert again.status_code == 303, again.text
        assert reads <= MOST_READS
        fields = {**note["fields"], "text": "After the closure"}
        refused, reads = await reads_of(store, lambda: anna.post(note["action"], data=fields))
        assert refused.status_code == 422 and "pathway_closed" in refused.text
        assert reads <= MOST_READS


async def test_no_answer_from_the_workflow_redraws_the_form_and_sends_nothing(
    harness: Harness,
) -> None:
    """503 with the form again, read from the record once; the command is not sent."""
    store = CountingStore(harness.store)
    pathways = PathwayClient(harness.env.client, harness.task_queue, store)  # type: ignore[arg-type]
    settings = web_settings(reply_timeout=1)
    app = create_test_app(pathways, store, await staffed_accounts(), settings)  # type: ignore[arg-type]
    site = Site(harness, await staffed_accounts(), app)
    async with site.browser() as anna:
        async with harness.worker():
            pathway_id = await open_pathway(site, "anna", "org-lecce")
            await sign_in(anna, "anna")
            page = await anna.get(f"/pathways/{pathway_id}")
        version = await harness.store.stream_version(stream_id_for(pathway_id))
        note = {**forms_of(page)["form-add_note"]["fields"], "text": "Nobody answers"}
        reply, reads = await reads_of(
            store, lambda: anna.post(f"/pathways/{pathway_id}/commands/add_note", data=note)
        )
    assert reply.status_code == 503, reply.text
    assert "Nobody answers" in reply.text, "the form comes back filled in"
    assert reads <= MOST_READS
    assert await harness.store.stream_version(stream_id_for(pathway_id)) == version
