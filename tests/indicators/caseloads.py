"""Caseloads for the indicator tests: several pathways' real histories, interleaved in time.

Each pathway's commands go through the decider (refused ones are left out), so the events
are those a workflow would record; pathways differ in id, organisation and gender.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.decider import decide
from domain.errors import DomainError
from domain.evolution import fold
from domain.records import EventRecord
from domain.stream import record_events, stream_id_for
from domain.values import Actor
from infra.eventstore.base import EventStore
from tests.scenarios import OPEN, START

Step = tuple[dict[str, Any], Actor, int, int]
"""A command, who sends it, hours after the previous one, and days it is back-dated by."""


def opening(pathway_id: str, organisation: str, gender: str) -> dict[str, Any]:
    beneficiary = {**OPEN["beneficiary"], "gender": gender}
    return {**OPEN, "pathway_id": pathway_id, "organisation_id": organisation,
            "beneficiary": beneficiary}  # fmt: skip


def history(pathway_id: str, steps: list[Step], start: datetime = START) -> list[list[EventRecord]]:
    """The records of each accepted command of one pathway, command by command."""
    records: list[EventRecord] = []
    commands: list[list[EventRecord]] = []
    now = start
    for index, (command, actor, hours, backdated_days) in enumerate(steps):
        now += timedelta(hours=hours, seconds=1)
        occurred = now - timedelta(days=backdated_days) if backdated_days else None
        envelope = CommandEnvelope(
            command_id=f"{pathway_id}-c{index}",
            actor=actor,
            command=COMMAND_ADAPTER.validate_python(command),
            occurred_at=occurred,
        )
        try:
            events = decide(fold(records), envelope, now)
        except DomainError:
            continue
        if not events:
            continue
        batch = record_events(stream_id_for(pathway_id), len(records), envelope, events, now)
        records += batch
        commands.append(batch)
    return commands


def interleave(histories: list[list[list[EventRecord]]]) -> list[list[EventRecord]]:
    """Every pathway's commands in one global order: by recording time, then pathway."""
    everything = [c for h in histories for c in h]
    return sorted(everything, key=lambda c: (c[0].recorded_at, c[0].stream_id))


async def append_all(store: EventStore, commands: list[list[EventRecord]]) -> None:
    for batch in commands:
        await store.append(batch[0].stream_id, batch[0].version - 1, batch)
