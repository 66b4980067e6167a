"""The `upsert-only-changes` patch: a command that changes no search attribute upserts none."""

from __future__ import annotations

import uuid

from temporalio.api.enums.v1 import EventType

from tests.scenarios import SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workflows.models import workflow_id_for

SDK_OWN = {"TemporalChangeVersion"}
"""The SDK upserts the patch ids a run took; those upserts are not the workflow's."""


async def pathway_upserts(h: Harness, pathway_id: str) -> int:
    handle = h.env.client.get_workflow_handle(workflow_id_for(pathway_id))
    history = await handle.fetch_history()
    kind = EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
    return sum(
        1
        for e in history.events
        if e.event_type == kind
        and set(
            e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        )
        - SDK_OWN
    )


async def test_notes_upsert_no_search_attributes(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        assert await pathway_upserts(h, pid) == 1
        for n in range(3):
            await h.pathways.send(pid, envelope({"type": "add_note", "text": f"note {n}"}))
        assert await pathway_upserts(h, pid) == 1, "notes change no search attribute"
        await h.pathways.send(
            pid, envelope({"type": "reassign_caseworker", "caseworker_id": "luca"}, SUPERVISOR)
        )
        assert await pathway_upserts(h, pid) == 2, "a new caseworker is upserted"
