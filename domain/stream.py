"""From decided events to recorded ones, and from a stream back to a state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.commands import CommandEnvelope
from domain.events import Event, schema_version
from domain.records import EventRecord


def stream_id_for(pathway_id: str) -> str:
    return f"pathway-{pathway_id}"


def record_events(
    stream_id: str,
    version: int,
    envelope: CommandEnvelope,
    events: Sequence[Event],
    now: datetime,
) -> list[EventRecord]:
    """Envelopes for `events`, numbered after `version`, stamped with the command's metadata."""
    occurred = envelope.occurred_at or now
    return [
        EventRecord(
            stream_id=stream_id,
            version=version + offset,
            type=event.type,
            schema_version=schema_version(event.type),
            data=event.model_dump(mode="json", exclude={"type"}),
            actor=envelope.actor,
            command_id=envelope.command_id,
            fingerprint=envelope.fingerprint,
            occurred_at=occurred,
            recorded_at=now,
        )
        for offset, event in enumerate(events, start=1)
    ]
