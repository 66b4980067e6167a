"""The `keep-timer-while-deadline-holds` patch: a command that leaves the next wake-up where
it was neither cancels nor starts a timer; one that moves it re-arms the timer once."""

from __future__ import annotations

import uuid

from temporalio.api.enums.v1 import EventType

from tests.scenarios import SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workflows.models import workflow_id_for


async def timer_events(h: Harness, pathway_id: str) -> tuple[int, int]:
    """(timers started, timers cancelled) in the pathway's current run."""
    history = await h.env.client.get_workflow_handle(workflow_id_for(pathway_id)).fetch_history()
    kinds = [e.event_type for e in history.events]
    return (
        kinds.count(EventType.EVENT_TYPE_TIMER_STARTED),
        kinds.count(EventType.EVENT_TYPE_TIMER_CANCELED),
    )


async def test_notes_keep_the_armed_timer(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        started, cancelled = await timer_events(h, pid)
        assert (started, cancelled) == (1, 0), "opening arms the baseline's timer"
        for n in range(3):
            await h.pathways.send(pid, envelope({"type": "add_note", "text": f"note {n}"}))
        await h.pathways.send(
            pid, envelope({"type": "reassign_caseworker", "caseworker_id": "luca"}, SUPERVISOR)
        )
        assert await timer_events(h, pid) == (1, 0), "the deadline did not move"


async def test_a_moved_deadline_rearms_the_timer_once(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        await h.pathways.send(pid, envelope({"type": "suspend_pathway", "reason": "hospital_stay"}))
        assert await timer_events(h, pid) == (1, 1), "suspended: the clocks stop, no timer"
        await h.pathways.send(pid, envelope({"type": "resume_pathway"}))
        assert await timer_events(h, pid) == (2, 1), "resumed: one new timer"
        await h.pathways.send(pid, envelope({"type": "add_note", "text": "back"}))
        assert await timer_events(h, pid) == (2, 1)
