"""Replay the committed histories of the durable processes (statement import, bulk
operation, policy roll-out, group activity) against the current code: a change to their
workflows that would break a running import or operation fails here (record them with
`python -m tests.replay.record_processes`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.replay.test_replay import load
from workflows.bulk import BulkOperationWorkflow
from workflows.group_activity import GroupActivityWorkflow
from workflows.statement_import import StatementImportWorkflow

PROCESSES = sorted((Path(__file__).parent / "processes").glob("*.json"))


def test_every_process_has_a_history() -> None:
    assert [p.stem for p in PROCESSES] == [
        "bulk_close_cohort",
        "bulk_reassign",
        "group_activity",
        "policy_rollout",
        "statement_import",
    ]


@pytest.mark.parametrize("path", PROCESSES, ids=[p.stem for p in PROCESSES])
async def test_committed_process_history_replays(path: Path) -> None:
    runs = load(path)
    replayer = Replayer(
        workflows=[StatementImportWorkflow, BulkOperationWorkflow, GroupActivityWorkflow],
        data_converter=pydantic_data_converter,
    )

    async def each() -> AsyncIterator[WorkflowHistory]:
        for run in runs:
            yield run

    results = await replayer.replay_workflows(each(), raise_on_replay_failure=True)
    assert len(results.replay_failures) == 0
