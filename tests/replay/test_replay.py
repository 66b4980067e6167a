"""Replay committed histories of every released workflow shape against the current code.

A failure here means a change to `PathwayWorkflow` would break running pathways: guard the
change with `workflow.patched(...)` (see docs/versioning.md) instead of editing in place.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from bench.history import patch_events
from workflows.models import RUN_EVENTS
from workflows.pathway import PathwayWorkflow

DIRECTORY = Path(__file__).parent / "histories"
HISTORIES = sorted(DIRECTORY.glob("*.json"))


def load(path: Path) -> list[WorkflowHistory]:
    return [
        WorkflowHistory.from_json(run["workflow_id"], json.dumps(run["history"]))
        for run in json.loads(path.read_text())
    ]


def test_there_are_histories_to_replay() -> None:
    assert HISTORIES, "record them with: python -m tests.replay.record_histories"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_committed_history_replays(path: Path) -> None:
    runs = load(path)
    assert len(runs) >= 6, "the full pathway continues as new at every stage boundary"
    replayer = Replayer(workflows=[PathwayWorkflow], data_converter=pydantic_data_converter)

    async def each() -> AsyncIterator[WorkflowHistory]:
        for run in runs:
            yield run

    results = await replayer.replay_workflows(each(), raise_on_replay_failure=True)
    assert len(results.replay_failures) == 0


def test_a_run_recorded_before_short_runs_holds_more_events_than_they_do() -> None:
    """The history that proves the `short-runs` patch guarded: replayed by today's code, its
    first run goes past `RUN_EVENTS` without continuing as new, as it did when recorded."""
    before = load(DIRECTORY / "long_stage_before_short_runs.json")
    after = load(DIRECTORY / "short_runs.json")
    assert len(before[0].events) > RUN_EVENTS + 50
    assert all(len(run.events) <= RUN_EVENTS + 20 for run in after)


def test_runs_begun_with_their_patches_in_force_hold_no_patch_marker() -> None:
    """The history that proves `PathwayInput.patches_in_force` guarded: its runs (an opening,
    then a run at each stage boundary) hold no patch marker and no change-version upsert,
    where a run of the shape before holds one of each for every patch it asked."""
    before = load(DIRECTORY / "short_runs.json")
    after = load(DIRECTORY / "patches_in_force.json")
    assert len(after) > 1, "the journey continues as new at its stage boundaries"
    assert all(patch_events(run) == (0, 0) for run in after)
    markers, upserts = patch_events(before[0])
    assert markers >= 5 and upserts == markers
