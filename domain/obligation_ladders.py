"""Each open obligation with its ladder: the steps taken and when, the next one and when.

What a reader of one pathway is told about its deadlines (`pathways show`, the API's
pathway state): the state says which steps were taken for the due instant in force (by the
rule the ladder follows, `LadderMark.steps_for`: steps climbed when days ended at 00:00 UTC
count for the same day ending in Italy), the ladder events among the records say when, and
`ladder_points` says what comes next.
Instants are in Italian time, with their offset (they are the same instants as in UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.calendar import PROJECT_TIMEZONE
from domain.events import DeadlineEscalated, DeadlineReminderSent, DeadlineStepTaken, parse_event
from domain.obligations import ladder_points, owed
from domain.records import EventRecord
from domain.state import PathwayState, deadline_instants
from domain.values import Frozen, Identifier, Role


class StepTaken(Frozen):
    """A rung already climbed: whom it told, when it was due, when it was recorded."""

    step: Identifier
    notify: Role
    escalation: bool
    scheduled_at: datetime
    """When the ladder said to take it."""
    taken_at: datetime
    """When it was recorded: later than `scheduled_at` by the timer's lateness, or by the
    time an obligation recorded late had already passed its rungs."""


class StepDue(Frozen):
    """The next rung of the ladder and when it falls."""

    step: Identifier
    notify: Role
    escalation: bool
    at: datetime


class LadderState(Frozen):
    taken: tuple[StepTaken, ...] = ()
    """The rungs climbed for the due instant in force, in order."""
    next: StepDue | None = None
    """None when every rung is climbed, or while the pathway is suspended."""


class OpenObligation(Frozen):
    """Something the pathway owes, by when, and how far its ladder has gone."""

    obligation_id: str
    """Stable within the pathway, e.g. `baseline` or `measure:<id>:hosting_communication`."""
    kind: str
    """What is owed; `domain.obligation_kinds` has its words for people."""
    measure_id: Identifier | None = None
    due_at: datetime
    ladder: LadderState


def open_obligations(
    state: PathwayState, records: Iterable[EventRecord]
) -> tuple[OpenObligation, ...]:
    """Every open obligation of `state`, earliest due first, with its ladder.

    `records` are the pathway's records that `state` was folded from: the ladder events
    among them tell when each step was taken.
    """
    recorded: dict[tuple[str, str, datetime], tuple[DeadlineStepTaken, datetime]] = {}
    for record in records:
        event = parse_event(record.type, record.schema_version, record.data)
        if isinstance(event, DeadlineReminderSent | DeadlineEscalated):
            key = (event.obligation_id, event.step, event.due_at)
            recorded[key] = (event, record.recorded_at)
    upcoming = ladder_points(state)
    found = []
    for item in owed(state):
        obligation = item.obligation
        mark = state.ladder.get(obligation.obligation_id)
        steps = mark.steps_for(obligation.due_at) if mark is not None else ()
        taken = []
        for step in steps:
            climbed, taken_at = next(
                recorded[key]
                for due_at in deadline_instants(obligation.due_at)
                if (key := (obligation.obligation_id, step, due_at)) in recorded
            )
            taken.append(
                StepTaken(
                    step=step,
                    notify=climbed.notify,
                    escalation=isinstance(climbed, DeadlineEscalated),
                    scheduled_at=_italian(climbed.scheduled_at),
                    taken_at=_italian(taken_at),
                )
            )
        point = next((p for p in upcoming if p.obligation == obligation), None)
        following = (
            None
            if point is None
            else StepDue(
                step=point.step.step,
                notify=point.step.notify,
                escalation=point.step.escalation,
                at=_italian(point.at),
            )
        )
        found.append(
            OpenObligation(
                obligation_id=obligation.obligation_id,
                kind=obligation.kind,
                measure_id=obligation.measure_id,
                due_at=_italian(obligation.due_at),
                ladder=LadderState(taken=tuple(taken), next=following),
            )
        )
    return tuple(found)


def _italian(instant: datetime) -> datetime:
    return instant.astimezone(PROJECT_TIMEZONE)
