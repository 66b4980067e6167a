"""The demo's group activities: two social events, each with attendees of two organisations,
recorded by the demo coordinator.

Recorded through `client.group_activities` like any other, once: their ids are fixed, so
running `pathways demo` again finds them recorded (on another day, the id names the
activity of the first run, and it is left as it is). The attendees are the demo plan's
pathways that end open and not suspended, the first few of each organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import structlog

from client.group_activities import GroupActivities
from domain.errors import GroupActivityIdReused
from domain.group_activities.activity import GroupActivity, GroupActivityKind
from domain.values import Actor, Role, Stage
from workers.demo_plan import DemoPathway
from workflows.group_activity_models import GroupActivityProgress

log = structlog.get_logger("pathways.demo")

DEMO_RECORDER = Actor(id="cora", role=Role.COORDINATOR)
"""The demo coordinator (`demo_data`): the one role that spans organisations."""
WAIT_SECONDS = 120.0
EACH = 4
"""Attendees of each organisation per activity."""


class DemoActivity(NamedTuple):
    activity_id: str
    kind: GroupActivityKind
    title: str
    place: str
    organisations: tuple[int, int]
    """Which organisations of the plan (by their order) the attendees come from."""


DEMO_ACTIVITIES = (
    DemoActivity(
        "demo-cena-multiculturale",
        GroupActivityKind.SOCIAL_COHESION_EVENT,
        "Cena multiculturale",
        "Lecce, Piazza Sant'Oronzo",
        (0, 1),
    ),
    DemoActivity(
        "demo-gita-otranto",
        GroupActivityKind.ASSOCIATION_OUTING,
        "Gita a Otranto con l'associazione",
        "Otranto",
        (1, 2),
    ),
)


def demo_activities(plan: Sequence[DemoPathway], today: date) -> list[GroupActivity]:
    """The demo's activities, held `today`, with attendees from two organisations each;
    none when the plan leaves no pathway open (a demo of one or two pathways, say)."""
    attending = [p for p in plan if p.stage != Stage.CLOSED and not p.suspended]
    organisations = sorted({p.organisation_id for p in attending})
    found: list[GroupActivity] = []
    if not organisations:
        return found
    for demo in DEMO_ACTIVITIES:
        held_by = [organisations[i % len(organisations)] for i in demo.organisations]
        attendees = tuple(
            p.pathway_id
            for organisation in dict.fromkeys(held_by)
            for p in [p for p in attending if p.organisation_id == organisation][:EACH]
        )
        found.append(
            GroupActivity(
                activity_id=demo.activity_id,
                kind=demo.kind,
                title=demo.title,
                held_on=today,
                place=demo.place,
                organisation_id=held_by[0],
                attendees=attendees,
            )
        )
    return found


async def seed_demo_group_activities(
    recorder: GroupActivities, plan: Sequence[DemoPathway], today: date
) -> list[GroupActivityProgress]:
    """Record the demo's activities as the demo coordinator, and wait for each to be told."""
    recorded = []
    for activity in demo_activities(plan, today):
        try:
            started = await recorder.record(activity, DEMO_RECORDER, None)
        except GroupActivityIdReused:
            log.info("demo_group_activity_kept", activity_id=activity.activity_id)
            started_id = f"group-activity-{activity.activity_id}"
        else:
            started_id = started.process_id
        done = await recorder.wait(started_id, WAIT_SECONDS)
        if done is not None:
            recorded.append(done)
    return recorded
