"""Deadlines on the time-skipping server: months pass in seconds, the clock acts by itself."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from domain.policy import Deadlines, Policy, PolicyRevision, Span
from domain.records import EventRecord
from domain.stream import stream_id_for
from domain.values import Actor, Role
from tests.scenarios import CONDITION
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening

ADMIN = Actor(id="root", role=Role.ADMIN)


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


def lateness(record: EventRecord) -> timedelta:
    return record.recorded_at - datetime.fromisoformat(record.data["scheduled_at"])


async def test_an_unmet_baseline_reminds_then_escalates_twice(harness: Harness) -> None:
    pid = new_id()
    async with harness.worker():
        opened = await harness.pathways.open(opening(pid))
        assert opened.version == 1
        start = (await harness.store.read_stream(stream_id_for(pid)))[0].occurred_at
        await harness.env.sleep(timedelta(days=20))
        steps = await ladder(harness, pid, "baseline")
    assert [(r.type, r.data["step"], r.data["notify"]) for r in steps] == [
        ("DeadlineReminderSent", "reminder", "caseworker"),
        ("DeadlineEscalated", "supervisor", "supervisor"),
        ("DeadlineEscalated", "coordinator", "coordinator"),
    ]
    due = start + timedelta(days=7)
    for record, offset in zip(
        steps, (timedelta(days=-3), timedelta(), timedelta(days=7)), strict=True
    ):
        assert abs(record.recorded_at - (due + offset)) < timedelta(seconds=5)
        assert record.actor.id == "system:deadlines"
        assert timedelta() <= lateness(record) < timedelta(seconds=5)


async def test_meeting_the_obligation_stops_its_ladder(harness: Harness) -> None:
    pid = new_id()
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        await harness.env.sleep(timedelta(days=5))
        await harness.pathways.send(
            pid, envelope({"type": "record_baseline", "condition": CONDITION})
        )
        await harness.env.sleep(timedelta(days=20))
        steps = await ladder(harness, pid, "baseline")
    assert [r.data["step"] for r in steps] == ["reminder"]


async def test_suspension_shifts_the_due_date(harness: Harness) -> None:
    pid = new_id()
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        start = (await harness.store.read_stream(stream_id_for(pid)))[0].occurred_at
        await harness.env.sleep(timedelta(days=1))
        await harness.pathways.send(
            pid, envelope({"type": "suspend_pathway", "reason": "hospital_stay"})
        )
        await harness.env.sleep(timedelta(days=10))
        assert await ladder(harness, pid, "baseline") == [], "the clock is paused"
        await harness.pathways.send(pid, envelope({"type": "resume_pathway"}))
        await harness.env.sleep(timedelta(days=10))
        steps = await ladder(harness, pid, "baseline")
    supervisor = next(r for r in steps if r.data["step"] == "supervisor")
    shifted_due = start + timedelta(days=7 + 10)
    assert abs(supervisor.recorded_at - shifted_due) < timedelta(minutes=1)


async def test_a_policy_change_moves_the_timer_of_a_running_pathway(harness: Harness) -> None:
    pid = new_id()
    fast = Policy(
        policy_id="fast",
        revisions=(
            PolicyRevision(
                effective_from=date(2000, 1, 1), deadlines=Deadlines(baseline=Span.parse("1 day"))
            ),
        ),
    )
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        start = (await harness.store.read_stream(stream_id_for(pid)))[0].occurred_at
        applied = await harness.pathways.send(
            pid, envelope({"type": "apply_policy", "policy": fast.model_dump(mode="json")}, ADMIN)
        )
        assert applied.events == ("PolicyApplied",)
        await harness.env.sleep(timedelta(days=2))
        steps = await ladder(harness, pid, "baseline")
    supervisor = next(r for r in steps if r.data["step"] == "supervisor")
    assert abs(supervisor.recorded_at - (start + timedelta(days=1))) < timedelta(seconds=5)


async def test_a_pathway_opened_under_a_policy_follows_it(harness: Harness) -> None:
    pid = new_id()
    fast = Policy(
        policy_id="fast",
        revisions=(
            PolicyRevision(
                effective_from=date(2000, 1, 1), deadlines=Deadlines(baseline=Span.parse("2 hours"))
            ),
        ),
    )
    command = opening(pid)
    command = command.model_copy(
        update={"command": command.command.model_copy(update={"policy": fast})}
    )
    async with harness.worker():
        result = await harness.pathways.open(command)
        assert result.events == ("PathwayOpened", "PolicyApplied")
        await harness.env.sleep(timedelta(hours=3))
        steps = await ladder(harness, pid, "baseline")
    assert [r.data["step"] for r in steps] == ["supervisor"], (
        "a reminder before the opening is skipped"
    )
