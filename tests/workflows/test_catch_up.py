"""A pathway whose stream is ahead of its state catches up instead of refusing for ever.

The workflow is its stream's single writer, but one of its appends can land in a workflow
task that is then lost: the worker stops between the append and the task's completion, and
the sender gives up on that command. Before `catch-up-on-conflict`, every later command of
that pathway was refused as `concurrency_conflict`; now the workflow reads the events it
missed, folds them, and decides the command again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain.decider import decide
from domain.evolution import fold
from domain.read_models import read_models
from domain.stream import record_events, stream_id_for
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workflows.models import workflow_id_for
from workflows.pathway import PathwayWorkflow


async def land_a_lost_append(
    h: Harness, pathway_id: str, command_id: str, *, earlier: timedelta = timedelta(0)
) -> None:
    """What a lost task leaves: the workflow's own note, in the store and nowhere else,
    stored at that task's time (`earlier` than now)."""
    state = await h.pathways.state(pathway_id)
    note = envelope(
        {"type": "add_note", "text": "written, then the worker stopped"}, command_id=command_id
    )
    now = await h.env.get_current_time() - earlier
    stream = stream_id_for(pathway_id)
    records = record_events(stream, state.version, note, decide(state, note, now), now)
    await h.store.append(stream, state.version, records, read_models(fold(records, state), records))


async def test_the_next_command_folds_the_missed_events_and_applies(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        await land_a_lost_append(h, pid, "lost-note")
        applied = await h.pathways.send(pid, envelope({"type": "add_note", "text": "next"}))
        assert applied.version == 3 and applied.events == ("NoteAdded",)
        again = await h.pathways.send(pid, envelope({"type": "add_note", "text": "after"}))
        assert again.version == 4
        stored = await h.store.read_stream(stream_id_for(pid))
        assert [r.version for r in stored] == [1, 2, 3, 4]
        assert await h.pathways.state(pid) == fold(stored)
        history = await h.env.client.get_workflow_handle(workflow_id_for(pid)).fetch_history()
    replayer = Replayer(workflows=[PathwayWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)  # the catch-up replays as it ran


async def test_a_retry_of_the_lost_command_gets_its_first_reply(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        await land_a_lost_append(h, pid, "lost-note")
        await h.pathways.send(pid, envelope({"type": "add_note", "text": "next"}))
        retried = await h.pathways.send(
            pid,
            envelope(
                {"type": "add_note", "text": "written, then the worker stopped"},
                command_id="lost-note",
            ),
        )
        assert (retried.version, retried.command_id) == (2, "lost-note")
        assert len(await h.store.read_stream(stream_id_for(pid))) == 3, "nothing twice"


async def test_the_lost_command_sent_again_folds_what_was_stored(harness: Harness) -> None:
    """The update of a lost task comes back in the next task, whose clock is later: the
    append answers it as a duplicate, and the state takes the stored events (their
    instants), not the copy the second task made. Else the state, and every caseload
    row written from it after, differs from a rebuild (found by `make chaos`)."""
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        await h.env.sleep(timedelta(minutes=10))
        await land_a_lost_append(h, pid, "lost-note", earlier=timedelta(minutes=5))
        retried = await h.pathways.send(
            pid,
            envelope(
                {"type": "add_note", "text": "written, then the worker stopped"},
                command_id="lost-note",
            ),
        )
        assert (retried.version, retried.events) == (2, ("NoteAdded",))
        stored = await h.store.read_stream(stream_id_for(pid))
        assert await h.pathways.state(pid) == fold(stored)
        await h.pathways.send(pid, envelope({"type": "add_note", "text": "next"}))
        stored = await h.store.read_stream(stream_id_for(pid))
        assert await h.store.caseload.get_summary(pid) == read_models(fold(stored), stored).summary
        history = await h.env.client.get_workflow_handle(workflow_id_for(pid)).fetch_history()
    replayer = Replayer(workflows=[PathwayWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)
