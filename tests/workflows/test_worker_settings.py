"""The worker's settings: pathways kept in memory, workflow-task slots, and the sandbox."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from infra.config import Settings
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workers.worker import build_worker


async def test_the_worker_caches_as_many_pathways_as_configured(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    default = build_worker(h.env.client, h.store, h.task_queue)
    assert default.config()["max_cached_workflows"] == 3_000, "three times the SDK's 1,000"
    monkeypatch.setenv("PATHWAYS_WORKER_CACHED_WORKFLOWS", "2500")
    cached = Settings().worker_cached_workflows
    worker = build_worker(h.env.client, h.store, h.task_queue + "-sized", cached)
    assert worker.config()["max_cached_workflows"] == 2500


async def test_the_worker_runs_as_many_workflow_tasks_at_once_as_configured(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    default = build_worker(h.env.client, h.store, h.task_queue + "-default")
    assert default.config()["max_concurrent_workflow_tasks"] is None, "the SDK's own"
    assert default.config()["workflow_task_executor"] is None
    monkeypatch.setenv("PATHWAYS_WORKER_WORKFLOW_TASK_SLOTS", "4")
    slots = Settings().worker_workflow_task_slots
    worker = build_worker(h.env.client, h.store, h.task_queue, workflow_task_slots=slots)
    assert worker.config()["max_concurrent_workflow_tasks"] == 4
    executor = worker.config()["workflow_task_executor"]
    assert executor is not None and executor._max_workers == 4, "a thread per slot"
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with worker:
        result = await h.pathways.open(opening(pid))
    assert result.version == 1, "a pathway runs on it"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CACHED_WORKFLOWS", "0"),
        ("CACHED_WORKFLOWS", "-5"),
        ("CACHED_WORKFLOWS", "many"),
        ("SANDBOX", "perhaps"),
        ("WORKFLOW_TASK_SLOTS", "1"),
        ("WORKFLOW_TASK_SLOTS", "0"),
        ("WORKFLOW_TASK_SLOTS", "several"),
    ],
)
def test_a_bad_worker_setting_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"PATHWAYS_WORKER_{name}", value)
    with pytest.raises(ValidationError, match=f"worker_{name.lower()}"):
        Settings()


async def test_the_sandbox_is_on_unless_turned_off(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    default = build_worker(h.env.client, h.store, h.task_queue)
    assert isinstance(default.config()["workflow_runner"], SandboxedWorkflowRunner)
    monkeypatch.setenv("PATHWAYS_WORKER_SANDBOX", "false")
    sandboxed = Settings().worker_sandbox
    worker = build_worker(h.env.client, h.store, h.task_queue + "-bare", sandboxed=sandboxed)
    assert isinstance(worker.config()["workflow_runner"], UnsandboxedWorkflowRunner)


async def test_a_pathway_runs_the_same_without_the_sandbox(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with build_worker(h.env.client, h.store, h.task_queue, sandboxed=False):
        await h.pathways.open(opening(pid))
        result = await h.pathways.send(pid, envelope({"type": "add_note", "text": "unsandboxed"}))
    assert result.version == 2 and result.events == ("NoteAdded",)
