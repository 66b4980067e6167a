"""Notifications for the tests: hand-made rows, and real ones from the domain's ladder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.decider import decide
from domain.evolution import fold
from domain.projections import Notification, ReadModelUpdate
from domain.read_models import read_models
from domain.records import EventRecord
from domain.stream import record_events, stream_id_for
from domain.values import SYSTEM_DEADLINES, Actor, Role
from infra.eventstore.base import EventStore
from tests.eventstore.builders import T0
from tests.scenarios import CASEWORKER, CONDITION, OPEN, START

DEMO_DIRECTORY = [
    ("anna", Role.CASEWORKER, "org-lecce", "anna@example.org", "it"),
    ("luca", Role.CASEWORKER, "org-lecce", "luca@example.org", "en"),
    ("sara", Role.SUPERVISOR, "org-lecce", "sara@example.org", "it"),
    ("marta", Role.CASEWORKER, "org-nardo", "marta@example.org", "it"),
    ("paolo", Role.SUPERVISOR, "org-nardo", "paolo@example.org", "en"),
    ("cora", Role.COORDINATOR, "org-lecce", "cora@example.org", "en"),
]
"""(user id, role, organisation, e-mail, language), shaped like the demo users."""
HOUR = timedelta(hours=1)


def notification(
    pathway_id: str,
    version: int,
    *,
    role: Role = Role.CASEWORKER,
    recipient_id: str | None = "cw-1",
    organisation_id: str = "org-a",
    created_at: datetime = T0,
    kind: str = "baseline",
) -> Notification:
    """A hand-made notification of ladder event `version` of the pathway's stream."""
    return Notification(
        notification_id=f"pathway-{pathway_id}:{version}",
        pathway_id=pathway_id,
        organisation_id=organisation_id,
        recipient_role=role,
        recipient_id=recipient_id if role == Role.CASEWORKER else None,
        escalation=role != Role.CASEWORKER,
        obligation_kind=kind,
        obligation_id=kind,
        measure_id=None,
        due_at=created_at - timedelta(days=1),
        created_at=created_at,
    )


@dataclass
class Appended:
    """What a domain pathway appended: its two commands' records and read models."""

    batches: list[tuple[list[EventRecord], ReadModelUpdate]]

    @property
    def notifications(self) -> tuple[Notification, ...]:
        return tuple(n for _, update in self.batches for n in update.notifications)

    async def append_to(self, store: EventStore) -> None:
        version = 0
        for records, update in self.batches:
            await store.append(records[0].stream_id, version, records, update)
            version = records[-1].version


def overdue_pathway(
    pathway_id: str = "p-0001",
    *,
    organisation_id: str = "org-lecce",
    caseworker_id: str = "anna",
    days_later: int = 30,
    baseline_done_at: datetime | None = None,
) -> Appended:
    """A pathway opened at START whose ladder ran `days_later` days on, through the domain.

    Thirty days on, the baseline (due in 7 days) has reminded the caseworker and escalated
    to the supervisor and to the coordinator: three notifications. With `baseline_done_at`,
    an hour after the ladder the caseworker records the baseline, done (back-dated) then.
    """
    opening: dict[str, Any] = {
        **OPEN,
        "pathway_id": pathway_id,
        "organisation_id": organisation_id,
        "caseworker_id": caseworker_id,
    }
    actor = Actor(id=caseworker_id, role=CASEWORKER.role)
    batches: list[tuple[list[EventRecord], ReadModelUpdate]] = []
    records: list[EventRecord] = []
    ladder_at = START + timedelta(days=days_later)
    commands: list[tuple[str, dict[str, Any], Actor, datetime, datetime | None]] = [
        (f"{pathway_id}-open", opening, actor, START, None),
        (f"{pathway_id}-ladder", {"type": "run_deadlines"}, SYSTEM_DEADLINES, ladder_at, None),
    ]
    if baseline_done_at is not None:
        baseline = {"type": "record_baseline", "condition": CONDITION}
        commands.append(
            (f"{pathway_id}-baseline", baseline, actor, ladder_at + HOUR, baseline_done_at)
        )
    for command_id, command, by, now, occurred_at in commands:
        envelope = CommandEnvelope(
            command_id=command_id,
            actor=by,
            command=COMMAND_ADAPTER.validate_python(command),
            occurred_at=occurred_at,
        )
        before = fold(records)
        events = decide(before, envelope, now)
        new = record_events(stream_id_for(pathway_id), len(records), envelope, events, now)
        records += new
        batches.append((new, read_models(fold(records), new, before=before)))
    return Appended(batches)
