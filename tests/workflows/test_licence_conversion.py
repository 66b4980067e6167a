"""A licence conversion under a short policy climbs its ladder on time (time skipped)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from domain.calendar import project_day
from domain.evolution import fold
from domain.obligations import owed, start_of
from domain.policy import Deadlines, LadderStep, Policy, PolicyRevision, Span
from domain.stream import stream_id_for
from domain.values import Role
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope

HOUR = timedelta(hours=1)


def two_days_to_convert(effective_from: date) -> Policy:
    """The conversion two days after residence; a reminder an hour before, two escalations."""
    ladder = (
        LadderStep(step="reminder", offset=Span(duration=-HOUR), notify=Role.CASEWORKER,
                   escalation=False),
        LadderStep(step="supervisor", offset=Span(), notify=Role.SUPERVISOR, escalation=True),
        LadderStep(step="coordinator", offset=Span(duration=HOUR), notify=Role.COORDINATOR,
                   escalation=True),
    )  # fmt: skip
    return Policy(
        policy_id="short-conversion",
        revisions=(
            PolicyRevision.model_validate(
                {
                    "effective_from": effective_from,
                    "deadlines": Deadlines.model_validate({"licence_conversion": "2 days"}),
                    "ladder": ladder,
                }
            ),
        ),
    )


async def test_a_conversion_two_days_after_residence_reminds_then_escalates_on_time(
    harness: Harness,
) -> None:
    pid = f"p-{uuid.uuid4().hex[:12]}"
    today = project_day(await harness.env.get_current_time())
    opening = envelope({**OPEN, "pathway_id": pid, "resident_since": today.isoformat()})
    short = two_days_to_convert(today)
    opening = opening.model_copy(
        update={"command": opening.command.model_copy(update={"policy": short})}
    )
    plan = {
        "type": "propose_plan",
        "measures": [
            {
                "measure_id": "licence",
                "kind": "mobility",
                "target_date": (today + timedelta(days=90)).isoformat(),
            }
        ],
    }
    start = {
        "type": "start_measure",
        "measure_id": "licence",
        "details": {"kind": "mobility", "route": "licence_conversion", "start_on": str(today)},
    }
    async with harness.worker():
        await harness.pathways.open(opening)
        for command in ({"type": "record_baseline", "condition": CONDITION}, ASSESSMENT, plan):
            await harness.pathways.send(pid, envelope(command))
        await harness.pathways.send(pid, envelope({"type": "approve_plan"}, SUPERVISOR))
        await harness.pathways.send(pid, envelope(start))
        state = fold(await harness.store.read_stream(stream_id_for(pid)))
        [conversion] = [
            o.obligation for o in owed(state) if o.obligation.kind == "licence_conversion"
        ]
        assert conversion.due_at == start_of(today) + timedelta(days=2)
        wake = conversion.due_at + 2 * HOUR
        await harness.env.sleep(wake - await harness.env.get_current_time())
        records = await harness.store.read_stream(stream_id_for(pid))

    taken = {
        r.data["step"]: (r.type, r.recorded_at)
        for r in records
        if r.type in {"DeadlineReminderSent", "DeadlineEscalated"}
        and r.data["obligation_id"] == conversion.obligation_id
    }
    assert {step: kind for step, (kind, _) in taken.items()} == {
        "reminder": "DeadlineReminderSent",
        "supervisor": "DeadlineEscalated",
        "coordinator": "DeadlineEscalated",
    }
    for step, offset in (("reminder", -HOUR), ("supervisor", timedelta()), ("coordinator", HOUR)):
        at = conversion.due_at + offset
        assert at <= taken[step][1] < at + timedelta(seconds=10), (step, at, taken[step][1])
