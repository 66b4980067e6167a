"""Patches in force from a run's start: a run begun by this code (an opening, a continue-as-new)
records no patch marker and no `TemporalChangeVersion` upsert; a run begun before
`PathwayInput.patches_in_force` still asks `workflow.patched`, as its history expects."""

from __future__ import annotations

import uuid

from temporalio.client import WorkflowHistory

from bench.history import patch_events
from tests.replay.record_histories import all_runs
from tests.workflows.conftest import Harness
from tests.workflows.journey import CONDITION, envelope, opening
from workflows import patches
from workflows.models import PathwayInput, workflow_id_for
from workflows.names import PATHWAY


def started_with(run: WorkflowHistory) -> PathwayInput:
    started = run.events[0].workflow_execution_started_event_attributes
    return PathwayInput.model_validate_json(started.input.payloads[0].data)


def note(n: int) -> dict[str, str]:
    return {"type": "add_note", "text": f"Colloquio n. {n}"}


async def test_runs_begun_by_this_code_record_no_patch(harness: Harness) -> None:
    """An opening and the run it continues as: every patch in force, none asked."""
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.pathways.open(opening(pid))
        await h.pathways.send(pid, envelope(note(0)))
        # Change stage: the run continues as new at the boundary.
        await h.pathways.send(
            pid,
            envelope({"type": "record_baseline", "condition": CONDITION}, command_id="stage"),
        )
        await h.pathways.send(pid, envelope(note(1)))
        runs = await all_runs(h.env.client, workflow_id_for(pid))
    assert len(runs) >= 2, "the stage change continued the run as new"
    for run in runs:
        assert started_with(run).patches_in_force == patches.IN_FORCE
        assert patch_events(run) == (0, 0)


async def test_a_run_begun_before_the_field_still_asks(harness: Harness) -> None:
    """A run whose input names no patch (begun before the field) records a marker for each
    patch it asks, as the committed histories of such runs hold (tests/replay)."""
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with h.worker():
        await h.env.client.start_workflow(
            PATHWAY,
            PathwayInput(pathway_id=pid),
            id=workflow_id_for(pid),
            task_queue=h.task_queue,
        )
        await h.pathways.open(opening(pid))
        await h.pathways.send(pid, envelope(note(0)))
        (run,) = await all_runs(h.env.client, workflow_id_for(pid))
    markers, upserts = patch_events(run)
    assert markers >= 5 and upserts == markers


def test_every_patch_is_in_force_for_new_runs() -> None:
    """A patch written and left out of `IN_FORCE` would be asked by every new run again."""
    declared = {
        value for name, value in vars(patches).items() if name.isupper() and isinstance(value, str)
    }
    assert set(patches.IN_FORCE) == declared
    assert len(patches.IN_FORCE) == len(declared)


def test_an_input_naming_patches_is_refused_by_a_worker_that_predates_the_field() -> None:
    """What keeps a run begun with patches in force off an older worker: that worker's
    `PathwayInput` forbids unknown fields, so it fails the task and leaves it to a newer one."""
    assert PathwayInput.model_config.get("extra") == "forbid"
    assert PathwayInput.opening("p-1").patches_in_force == patches.IN_FORCE
