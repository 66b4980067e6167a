"""Time as people mean it, on the time-skipping server: Italian days, instants of facts."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from domain.calendar import PROJECT_TIMEZONE, end_of_day, next_working_day, project_day
from domain.records import EventRecord
from domain.stream import stream_id_for
from domain.values import Actor
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION, OPEN, SUPERVISOR
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
    today = project_day(await harness.env.get_current_time())
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


async def test_a_move_in_at_2230_italian_time_is_escalated_at_2230_two_days_later(
    harness: Harness,
) -> None:
    pid = new_id()
    now = await harness.env.get_current_time()
    today = now.astimezone(PROJECT_TIMEZONE).date()
    moved_at = datetime.combine(today, time(22, 30), tzinfo=PROJECT_TIMEZONE)
    if moved_at < now:
        moved_at += timedelta(days=1)
    hosting = {"kind": "housing_placement", "solution": "family_hosting", "start_on": str(today)}
    target = str(today + timedelta(days=90))
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        await send_all(
            harness,
            pid,
            [
                *plan_with(
                    {"measure_id": "home", "kind": "housing_placement", "target_date": target}
                ),
                ({"type": "start_measure", "measure_id": "home", "details": hosting}, None),
            ],
        )
        await harness.env.sleep(moved_at - await harness.env.get_current_time())
        progress = {"kind": "moved_in", "on": str(moved_at.date()), "at": "22:30"}
        await send_all(
            harness,
            pid,
            [
                (
                    {"type": "record_measure_progress", "measure_id": "home", "progress": progress},
                    None,
                )
            ],
        )
        await harness.env.sleep(timedelta(days=3))
        steps = await ladder(harness, pid, "measure:home:hosting_communication")
    supervisor = next(r for r in steps if r.data["step"] == "supervisor")
    due = moved_at + timedelta(hours=48)
    assert due <= supervisor.recorded_at < due + timedelta(seconds=10)
    assert supervisor.recorded_at.astimezone(PROJECT_TIMEZONE).time().strftime("%H:%M") == "22:30"


async def catch_up_three_weeks(h: Harness, pathway_id: str) -> None:
    """Open 20 days back, then baseline, assessment, proposal and approval a minute apart."""
    now = await h.env.get_current_time()
    start = now - timedelta(days=20)
    target = str((now + timedelta(days=60)).date())
    commands: list[tuple[dict[str, Any], Actor]] = [
        ({**OPEN, "pathway_id": pathway_id}, CASEWORKER),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER),
        (ASSESSMENT, CASEWORKER),
        (
            {
                "type": "propose_plan",
                "measures": [{"measure_id": "bike", "kind": "mobility", "target_date": target}],
            },
            CASEWORKER,
        ),
        ({"type": "approve_plan"}, SUPERVISOR),
    ]
    for minute, (command, actor) in enumerate(commands):
        sent = envelope(command, actor).model_copy(
            update={"occurred_at": start + timedelta(minutes=minute)}
        )
        if minute == 0:
            await h.pathways.open(sent)
        else:
            await h.pathways.send(pathway_id, sent)


async def test_catching_up_three_weeks_of_paperwork_in_one_sitting_sends_no_escalation(
    harness: Harness,
) -> None:
    pid = new_id()
    async with harness.worker():
        await catch_up_three_weeks(harness, pid)
        await harness.env.sleep(timedelta(days=5))
        records = await harness.store.read_stream(stream_id_for(pid))
    steps = [r for r in records if r.type in {"DeadlineReminderSent", "DeadlineEscalated"}]
    assert steps == []
    assert [r.type for r in records][-1] == "PlanApproved"
    pending = await harness.store.notifications.claim_notifications(
        await harness.env.get_current_time(), limit=100, lease=timedelta(minutes=1)
    )
    assert [n for n in pending if n.notification.pathway_id == pid] == []


async def test_a_back_dated_baseline_left_unrecorded_escalates_at_the_end_of_the_next_working_day(
    harness: Harness,
) -> None:
    pid = new_id()
    now = await harness.env.get_current_time()
    opened = envelope({**OPEN, "pathway_id": pid}).model_copy(
        update={"occurred_at": now - timedelta(days=20)}
    )
    async with harness.worker():
        await harness.pathways.open(opened)
        await harness.env.sleep(timedelta(days=6))
        steps = await ladder(harness, pid, "baseline")
    known = (await harness.store.read_stream(stream_id_for(pid)))[0].recorded_at
    window_end = end_of_day(next_working_day(known.astimezone(PROJECT_TIMEZONE).date()))
    assert sorted(r.data["step"] for r in steps) == ["coordinator", "reminder", "supervisor"]
    for step in steps:
        assert window_end <= step.recorded_at < window_end + timedelta(seconds=10)
        assert datetime.fromisoformat(step.data["scheduled_at"]) == window_end
