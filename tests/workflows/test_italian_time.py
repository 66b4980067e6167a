"""Time as people mean it, on the time-skipping server: Italian days, instants of facts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from domain.calendar import end_of_day
from domain.records import EventRecord
from domain.stream import stream_id_for
from domain.values import Actor
from tests.scenarios import ASSESSMENT, CONDITION, SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening


def new_id() -> str:
    return f"p-{uuid.uuid4().hex[:12]}"


async def ladder(h: Harness, pathway_id: str, obligation_id: str) -> list[EventRecord]:
    records = await h.store.read_stream(stream_id_for(pathway_id))
    return [
        r
        for r in records
        if r.type in {"DeadlineReminderSent", "DeadlineEscalated"}
        and r.data["obligation_id"] == obligation_id
    ]


def plan_with(*measures: dict[str, Any]) -> list[tuple[dict[str, Any], Actor | None]]:
    """From the baseline to an approved plan of `measures`."""
    return [
        ({"type": "record_baseline", "condition": CONDITION}, None),
        (ASSESSMENT, None),
        ({"type": "propose_plan", "measures": list(measures)}, None),
        ({"type": "approve_plan"}, SUPERVISOR),
    ]


async def send_all(
    h: Harness, pathway_id: str, commands: list[tuple[dict[str, Any], Actor | None]]
) -> None:
    for command, actor in commands:
        await h.pathways.send(pathway_id, envelope(command, *([actor] if actor else [])))


async def test_a_measure_due_by_a_day_escalates_at_the_end_of_that_day_in_italy(
    harness: Harness,
) -> None:
    pid = new_id()
    today = (await harness.env.get_current_time()).date()
    target = today + timedelta(days=20)
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        await send_all(
            harness,
            pid,
            plan_with({"measure_id": "bike", "kind": "mobility", "target_date": str(target)}),
        )
        await harness.env.sleep(
            end_of_day(target) + timedelta(hours=3) - await harness.env.get_current_time()
        )
        steps = await ladder(harness, pid, "measure:bike:target")
    supervisor = next(r for r in steps if r.data["step"] == "supervisor")
    # Not at 00:00 UTC of the next day, an hour or two later in Italy.
    assert end_of_day(target) <= supervisor.recorded_at < end_of_day(target) + timedelta(seconds=10)
    assert date.fromisoformat(supervisor.data["due_at"][:10]) == target
