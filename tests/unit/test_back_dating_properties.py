"""Back-dated entry never sets off a false escalation (hypothesis, with the workflow's loop).

Random histories of the first stages: each command recorded at a random instant, with a
random back-dating within the 30-day allowance, and the ladder run at every wake-up in
between, as `workflows.pathway` does. Whatever the order, an escalation for an obligation
whose meeting fact has a business time before its due instant is recorded only when that
fact was recorded past the catch-up window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.decider import decide
from domain.evolution import fold
from domain.obligations import next_wakeup
from domain.records import EventRecord
from domain.stream import record_events, stream_id_for
from domain.values import SYSTEM_DEADLINES, Actor
from tests.scenarios import (
    ASSESSMENT,
    CASEWORKER,
    CONDITION,
    OPEN,
    PATHWAY_ID,
    START,
    SUPERVISOR,
    plan,
)

COMMANDS: list[tuple[dict[str, Any], Actor, str, str]] = [
    (OPEN, CASEWORKER, "PathwayOpened", ""),
    (
        {"type": "record_baseline", "condition": CONDITION},
        CASEWORKER,
        "BaselineRecorded",
        "baseline",
    ),
    (ASSESSMENT, CASEWORKER, "SkillsAssessmentRecorded", "skills_assessment"),
    (plan(("bike", "mobility")), CASEWORKER, "PlanProposed", "plan_proposal"),
    ({"type": "approve_plan"}, SUPERVISOR, "PlanApproved", "plan_approval"),
]
"""Each command, who sends it, the event it records and the obligation that event meets."""

MEETS = {event: obligation for _, _, event, obligation in COMMANDS if obligation}


class Pathway:
    """The domain driven as the workflow drives it: the ladder runs at every wake-up."""

    def __init__(self) -> None:
        self.records: list[EventRecord] = []
        self.now = START

    def append(self, envelope: CommandEnvelope) -> None:
        events = decide(fold(self.records), envelope, self.now)
        self.records += record_events(
            stream_id_for(PATHWAY_ID), len(self.records), envelope, events, self.now
        )

    def run_until(self, instant: datetime) -> None:
        while (wake := next_wakeup(fold(self.records))) is not None and wake <= instant:
            self.now = max(self.now, wake)
            command = COMMAND_ADAPTER.validate_python({"type": "run_deadlines"})
            envelope = CommandEnvelope(
                command_id=f"deadlines-{len(self.records)}", actor=SYSTEM_DEADLINES, command=command
            )
            self.append(envelope)
        self.now = max(self.now, instant)


GAPS = st.lists(st.integers(min_value=0, max_value=40 * 24 * 60), min_size=5, max_size=5)
"""Minutes between one command and the next, the ladder running in between."""
BACKDATING = st.lists(st.integers(min_value=0, max_value=29 * 24 * 60), min_size=5, max_size=5)
"""Minutes each command's business time lies before its recording (within the 30 days)."""


def back_dated_history(gaps: list[int], backdating: list[int]) -> list[EventRecord]:
    """The first stages, each command recorded after its gap and back-dated by its minutes
    (never before the opening), the ladder run at every wake-up, then 60 days more."""
    pathway = Pathway()
    opened_at: datetime | None = None
    for index, ((command, actor, _, _), gap, back) in enumerate(
        zip(COMMANDS, gaps, backdating, strict=True)
    ):
        pathway.run_until(pathway.now + timedelta(minutes=gap))
        occurred = pathway.now - timedelta(minutes=back)
        if opened_at is not None:
            occurred = max(occurred, opened_at + timedelta(minutes=index))
        opened_at = opened_at or occurred
        envelope = CommandEnvelope(
            command_id=f"c{index}",
            actor=actor,
            command=COMMAND_ADAPTER.validate_python({**command}),
            occurred_at=occurred,
        )
        pathway.append(envelope)
    pathway.run_until(pathway.now + timedelta(days=60))
    return pathway.records


@given(gaps=GAPS, backdating=BACKDATING)
@settings(max_examples=60, deadline=None)
def test_no_escalation_for_an_obligation_met_on_time_unless_met_past_the_catch_up_window(
    gaps: list[int], backdating: list[int]
) -> None:
    records = back_dated_history(gaps, backdating)
    for meeting in (r for r in records if r.type in MEETS):
        obligation = MEETS[meeting.type]
        before = fold([r for r in records if r.version < meeting.version])
        known = before.known_since[obligation]
        escalations = [
            r
            for r in records
            if r.type == "DeadlineEscalated" and r.data["obligation_id"] == obligation
        ]
        for escalation in escalations:
            due = datetime.fromisoformat(escalation.data["due_at"])
            if meeting.occurred_at >= due:
                continue  # met late: the escalation was owed
            revision = before.policy.revision_at(known)
            offset = next(s.offset for s in revision.ladder if s.step == escalation.data["step"])
            scheduled = datetime.fromisoformat(escalation.data["scheduled_at"])
            assert meeting.recorded_at >= scheduled, "sent before the fact could be entered"
            if offset.after(due) <= known:
                assert scheduled >= revision.caught_up_by(known), "past when known: it waits"
