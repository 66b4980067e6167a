"""PathwayWorkflow on the time-skipping server, with the in-memory event store."""

from __future__ import annotations

import uuid

import pytest

from client.pathway import CommandRefused
from domain.calendar import project_day
from domain.evolution import fold
from domain.stream import stream_id_for
from domain.values import Stage
from tests.workflows.conftest import Harness
from tests.workflows.journey import compressed_opening, envelope, full_journey, opening
from workflows.models import workflow_id_for
from workflows.pathway import PathwayWorkflow


def new_id() -> str:
    return f"p-{uuid.uuid4().hex[:12]}"


async def update_events(h: Harness, pathway_id: str) -> list[str]:
    """The update ids that the workflow's history mentions (admitted, accepted or completed).

    The time-skipping server has no speculative workflow tasks, so a rejected update still
    adds workflow-task events; what must not appear is the update itself.
    """
    history = await h.env.client.get_workflow_handle(workflow_id_for(pathway_id)).fetch_history()
    ids = []
    for event in history.events:
        if event.HasField("workflow_execution_update_accepted_event_attributes"):
            ids.append(
                event.workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id
            )
        if event.HasField("workflow_execution_update_admitted_event_attributes"):
            ids.append(
                event.workflow_execution_update_admitted_event_attributes.request.meta.update_id
            )
    return ids


async def test_full_pathway_from_opening_to_closure(harness: Harness) -> None:
    pid = new_id()
    today = project_day(await harness.env.get_current_time())
    async with harness.worker():
        result = await harness.pathways.open(compressed_opening(pid))
        assert result.stage == Stage.RECEPTION and result.version == 2  # opened, policy applied
        for command, actor in full_journey(today):
            result = await harness.pathways.send(pid, envelope(command, actor))
        assert result.stage == Stage.CLOSED
        handle = harness.env.client.get_workflow_handle_for(
            PathwayWorkflow.run, workflow_id_for(pid)
        )
        final = await handle.result()
    records = await harness.store.read_stream(stream_id_for(pid))
    assert [r.version for r in records] == list(range(1, len(records) + 1))
    assert len(records) == 2 + len(full_journey(today))
    assert fold(records).model_dump() == final.model_dump()
    last = (await handle.fetch_history()).events[-1]
    assert last.HasField("workflow_execution_completed_event_attributes")
    summary = await harness.store.caseload.get_summary(pid)
    assert summary is not None and summary.stage == Stage.CLOSED and summary.measures_completed == 2


async def test_refused_command_leaves_no_trace(harness: Harness) -> None:
    pid = new_id()
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        start = envelope(
            {
                "type": "start_measure",
                "measure_id": "x",
                "details": {"kind": "mobility", "route": "bicycle", "start_on": "2026-01-01"},
            }
        )
        with pytest.raises(CommandRefused) as refused:
            await harness.pathways.send(pid, start)
        assert refused.value.code == "plan_not_approved"
        assert start.command_id not in await update_events(harness, pid)
        assert (await harness.pathways.state(pid)).version == 1
    assert len(await harness.store.read_stream(stream_id_for(pid))) == 1


async def test_same_command_id_twice_is_applied_once(harness: Harness) -> None:
    pid = new_id()
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        note = envelope({"type": "add_note", "text": "Called the CPIA"}, command_id="note-1")
        first = await harness.pathways.send(pid, note)
        second = await harness.pathways.send(pid, note)
    assert first == second
    assert [r.type for r in await harness.store.read_stream(stream_id_for(pid))] == [
        "PathwayOpened",
        "NoteAdded",
    ]


async def test_opening_twice_is_refused_but_a_retry_is_answered(harness: Harness) -> None:
    pid = new_id()
    async with harness.worker():
        first = await harness.pathways.open(
            opening(pid).model_copy(update={"command_id": "open-1"})
        )
        again = await harness.pathways.open(
            opening(pid).model_copy(update={"command_id": "open-1"})
        )
        assert first == again
        with pytest.raises(CommandRefused) as refused:
            await harness.pathways.open(opening(pid))
    assert refused.value.code == "pathway_already_open"


async def test_continue_as_new_at_stage_boundary_keeps_state(harness: Harness) -> None:
    pid = new_id()
    today = project_day(await harness.env.get_current_time())
    async with harness.worker():
        first = await harness.pathways.open(
            opening(pid).model_copy(update={"command_id": "open-a"})
        )
        for command, actor in full_journey(today)[:2]:
            await harness.pathways.send(pid, envelope(command, actor))
        state = await harness.pathways.state(pid)
        history = await harness.env.client.get_workflow_handle(workflow_id_for(pid)).fetch_history()
        retried = await harness.pathways.open(
            opening(pid).model_copy(update={"command_id": "open-a"})
        )
    started = history.events[0].workflow_execution_started_event_attributes
    # The latest run was continued from an earlier one, twice: reception → assessment → planning.
    assert started.continued_execution_run_id
    assert first.version == 1
    assert (
        state.stage == Stage.PLANNING
        and state.baseline is not None
        and state.assessment is not None
    )
    assert state.version == 3
    assert retried == first, "a retried command is answered across continue-as-new"
    assert (
        fold(await harness.store.read_stream(stream_id_for(pid))).model_dump() == state.model_dump()
    )


async def test_pathway_survives_a_worker_restart(dev_harness: Harness) -> None:
    harness = dev_harness
    pid = new_id()
    today = project_day(await harness.env.get_current_time())
    journey = full_journey(today)
    async with harness.worker():
        await harness.pathways.open(compressed_opening(pid))
        for command, actor in journey[:5]:
            await harness.pathways.send(pid, envelope(command, actor))
    async with harness.worker():
        for command, actor in journey[5:]:
            result = await harness.pathways.send(pid, envelope(command, actor))
    assert result.stage == Stage.CLOSED
    assert len(await harness.store.read_stream(stream_id_for(pid))) == 2 + len(journey)


async def test_unknown_pathway_is_reported(harness: Harness) -> None:
    async with harness.worker():
        with pytest.raises(CommandRefused) as refused:
            await harness.pathways.send(new_id(), envelope({"type": "add_note", "text": "hello"}))
    assert refused.value.code == "pathway_not_found"


async def closed_pathway(harness: Harness) -> tuple[str, list[tuple[dict[str, object], object]]]:
    pid = new_id()
    today = project_day(await harness.env.get_current_time())
    opened = compressed_opening(pid).model_copy(update={"command_id": f"open-{pid}"})
    await harness.pathways.open(opened)
    journey = full_journey(today)
    for index, (command, actor) in enumerate(journey):
        await harness.pathways.send(pid, envelope(command, actor, command_id=f"{pid}-{index}"))  # type: ignore[arg-type]
    return pid, journey


async def test_a_closed_pathway_refuses_commands_and_is_never_reopened(harness: Harness) -> None:
    async with harness.worker():
        pid, _ = await closed_pathway(harness)
        with pytest.raises(CommandRefused) as refused:
            await harness.pathways.send(pid, envelope({"type": "add_note", "text": "late"}))
        assert refused.value.code == "pathway_closed"
        with pytest.raises(CommandRefused) as reopened:
            await harness.pathways.open(opening(pid))
        assert reopened.value.code == "pathway_closed"
    assert (await harness.store.caseload.get_summary(pid)).stage == Stage.CLOSED  # type: ignore[union-attr]


async def test_retries_after_closure_get_their_first_answer(harness: Harness) -> None:
    async with harness.worker():
        pid, journey = await closed_pathway(harness)
        command, actor = journey[-1]
        last_id = f"{pid}-{len(journey) - 1}"
        close_again = await harness.pathways.send(pid, envelope(command, actor, command_id=last_id))  # type: ignore[arg-type]
        first_open = compressed_opening(pid).model_copy(update={"command_id": f"open-{pid}"})
        open_again = await harness.pathways.open(first_open)
    assert close_again.stage == Stage.CLOSED and close_again.events == ("PathwayClosed",)
    assert open_again.version == 2 and open_again.stage == Stage.RECEPTION  # opened, policy
    records = await harness.store.read_stream(stream_id_for(pid))
    assert len(records) == 2 + len(journey)
