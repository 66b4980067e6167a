"""The `short-runs` patch: a pathway that stays long in one stage continues as new once its
run holds `RUN_EVENTS` events, keeping its state, its replies to retried commands and every
command sent while the run was ending."""

from __future__ import annotations

import asyncio
import uuid

from domain.commands import CommandEnvelope
from domain.evolution import fold
from domain.stream import stream_id_for
from domain.values import Stage
from tests.replay.record_histories import all_runs
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workflows.models import RUN_EVENTS, workflow_id_for

SLACK = 60
"""Events a run may hold past `RUN_EVENTS`: the commands in flight when it crossed (the
handlers a run lets finish before it continues) and the run's end."""


def note(n: int) -> CommandEnvelope:
    return envelope({"type": "add_note", "text": f"Colloquio n. {n}"}, command_id=f"note-{n}")


async def run_lengths(h: Harness, pathway_id: str) -> list[int]:
    """The number of history events of each run of the pathway, oldest first."""
    runs = await all_runs(h.env.client, workflow_id_for(pathway_id))
    return [len(run.events) for run in runs]


async def test_a_long_stage_continues_as_new_at_run_events(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        first = await h.pathways.send(pid, note(0))
        notes = RUN_EVENTS // 3  # some two and a half runs' worth, at six events a note
        for n in range(1, notes):
            await h.pathways.send(pid, note(n))
        retried = await h.pathways.send(pid, note(0))
        state = await h.pathways.state(pid)
        lengths = await run_lengths(h, pid)
    assert len(lengths) >= 3, f"runs of {lengths} events: the stage never changed"
    assert max(lengths) <= RUN_EVENTS + SLACK
    assert state.stage == Stage.RECEPTION and state.version == 1 + notes
    assert retried == first, "a retried command is answered across continue-as-new"
    records = await h.store.read_stream(stream_id_for(pid))
    assert [r.version for r in records] == list(range(1, len(records) + 1))
    assert fold(records).model_dump() == state.model_dump()


async def test_commands_sent_at_once_across_the_end_of_a_run_are_each_applied_once(
    dev_harness: Harness,
) -> None:
    """Five caseworkers' notes at a time, on the real server: the updates that arrive while
    a run waits for its handlers to finish and continues as new are taken by the next run."""
    h = dev_harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    batches = RUN_EVENTS // 15  # some two runs' worth, at six events a note
    async with h.worker():
        await h.pathways.open(opening(pid))
        for batch in range(batches):
            await asyncio.gather(*(h.pathways.send(pid, note(5 * batch + k)) for k in range(5)))
        state = await h.pathways.state(pid)
        lengths = await run_lengths(h, pid)
    assert len(lengths) >= 2, f"runs of {lengths} events: the stage never changed"
    assert max(lengths) <= RUN_EVENTS + SLACK
    records = await h.store.read_stream(stream_id_for(pid))
    command_ids = [r.command_id for r in records]
    assert sorted(command_ids[1:]) == sorted(f"note-{n}" for n in range(5 * batches))
    assert state.version == len(records) == 1 + 5 * batches
