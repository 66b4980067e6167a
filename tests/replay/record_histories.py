"""Record the histories that `test_replay.py` replays; run when a workflow shape is released.

    .venv/bin/python -m tests.replay.record_histories <name of the new shape> [--back-dated]
        [--long-stage]

Runs the full journey of `tests/workflows/journey.py` (opened under its `COMPRESSED` policy,
whose follow-up may come right after the exit) on the time-skipping server and saves
every run of the pathway's workflow (it continues as new at each stage boundary), oldest
first, as `histories/<name>.json`. Commit the file: from then on every change to the
workflow must replay it without a non-determinism error.

With `--back-dated` the pathway is opened 20 days back and left alone for 6 days first, so
the history also holds the ladder of a baseline already overdue when it became known:
timers armed for the end of the catch-up window, and the steps taken when they fire.

With `--long-stage` the pathway takes `LONG_STAGE_NOTES` notes in reception before the
journey, so its first run holds some hundreds of events: more than a run of the shape it was
recorded with may hold before it continues as new (`workflows.pathway.RUN_EVENTS`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from domain.calendar import project_day
from infra.eventstore.memory import InMemoryEventStore
from infra.search_attributes import register_search_attributes
from tests.scenarios import CASEWORKER
from tests.workflows.journey import compressed_opening, envelope, full_journey
from workers.worker import build_worker
from workflows.models import workflow_id_for

HISTORIES = Path(__file__).parent / "histories"


async def all_runs(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of a workflow, following the continue-as-new chain back from the latest."""
    runs: list[WorkflowHistory] = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        runs.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return runs[::-1]
        run_id = started.continued_execution_run_id


BACK_DATED_BY = timedelta(days=20)
LEFT_ALONE_FOR = timedelta(days=6)
"""Long enough for the catch-up window (to the end of the next Italian working day) to end."""
LONG_STAGE_NOTES = 60


async def record(
    name: str = "full_pathway", *, back_dated: bool = False, long_stage: bool = False
) -> Path:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        await register_search_attributes(env.client, env.client.namespace)
        task_queue = f"record-{uuid.uuid4().hex[:8]}"
        pathways = PathwayClient(env.client, task_queue)
        pathway_id = "p-replay-0001"
        opened = compressed_opening(pathway_id)
        if back_dated:
            started = await env.get_current_time() - BACK_DATED_BY
            opened = opened.model_copy(update={"occurred_at": started})
        async with build_worker(env.client, InMemoryEventStore(), task_queue):
            await pathways.open(opened)
            if back_dated:
                await env.sleep(LEFT_ALONE_FOR)
            today = project_day(await env.get_current_time())
            notes = LONG_STAGE_NOTES if long_stage else 0
            for n in range(notes):
                note = {"type": "add_note", "text": f"Colloquio n. {n + 1}: tutto regolare."}
                await pathways.send(pathway_id, envelope(note, CASEWORKER))
            for command, actor in full_journey(today):
                await pathways.send(pathway_id, envelope(command, actor))
        runs = await all_runs(env.client, workflow_id_for(pathway_id))
    finally:
        await env.shutdown()
    path = HISTORIES / f"{name}.json"
    path.write_text(
        json.dumps(
            [{"workflow_id": h.workflow_id, "history": json.loads(h.to_json())} for h in runs]
        )
    )
    return path


if __name__ == "__main__":
    arguments = sys.argv[1:]
    flags = {"--back-dated", "--long-stage"}
    names = [a for a in arguments if a not in flags]
    print(
        asyncio.run(
            record(
                *names[:1],
                back_dated="--back-dated" in arguments,
                long_stage="--long-stage" in arguments,
            )
        )
    )
