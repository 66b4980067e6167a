"""What Temporal holds of a workflow: its current run's history, how many runs it has had, the
patch markers a run recorded."""

from __future__ import annotations

from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory


async def current_run(client: Client, workflow_id: str) -> dict[str, Any]:
    """The run id, history events and history bytes of the workflow's current run."""
    described = await client.get_workflow_handle(workflow_id).describe()
    info = described.raw_description.workflow_execution_info
    return {
        "run_id": described.run_id,
        "events": info.history_length,
        "bytes": info.history_size_bytes,
    }


async def runs(client: Client, workflow_id: str) -> int:
    """Runs of the workflow so far: 1 + the times it continued as new (from visibility)."""
    query = f"WorkflowId = '{workflow_id}'"
    return len([run async for run in client.list_workflows(query)])


async def ended_runs_events(client: Client, workflow_id: str) -> int:
    """History events of the runs the workflow continued as new from (visibility holds their
    final length); with its current run's (`current_run`), its whole history."""
    query = f"WorkflowId = '{workflow_id}' AND ExecutionStatus = 'ContinuedAsNew'"
    return sum([run.history_length async for run in client.list_workflows(query)])


PATCH_MARKER = "core_patch"
CHANGE_VERSION = "TemporalChangeVersion"
"""The search attribute the SDK upserts beside each patch marker: the patches a run took."""


def patch_events(run: WorkflowHistory) -> tuple[int, int]:
    """(patch markers, upserts of the SDK's change version) in one run's history."""
    markers = sum(
        1
        for e in run.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == PATCH_MARKER
    )
    upserts = sum(
        1
        for e in run.events
        if e.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES
        and CHANGE_VERSION
        in e.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
    )
    return markers, upserts
