"""What Temporal holds of a workflow: its current run's history, and how many runs it has had."""

from __future__ import annotations

from typing import Any

from temporalio.client import Client


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
