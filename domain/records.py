"""The envelope an event travels in once it is recorded in a pathway's stream."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, Field

from domain.calendar import project_day
from domain.values import Actor, Frozen, Identifier


class EventRecord(Frozen):
    """One event as stored: position in its stream, who caused it, business and recording time.

    `data` is the event model dumped to JSON-compatible values; `domain.events.parse_event`
    turns it back into a typed event, upcasting old schema versions.
    """

    stream_id: Identifier
    version: int = Field(ge=1)
    type: str
    schema_version: int = Field(ge=1)
    data: dict[str, Any]
    actor: Actor
    command_id: Identifier
    fingerprint: str | None = None
    """The fingerprint of the command that caused it (`CommandEnvelope.fingerprint`)."""
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime
    global_position: int | None = None
    """Assigned by the store on append; None before."""
    erased: tuple[str, ...] = ()
    """Paths in `data` of personal fields whose key was destroyed (crypto-shredding): they
    hold placeholders, not what was recorded."""

    @property
    def backdated(self) -> bool:
        """True when the business time lies before the day it was recorded."""
        return project_day(self.occurred_at) < project_day(self.recorded_at)


def as_of(records: list[EventRecord], instant: datetime) -> list[EventRecord]:
    """The records that were known at `instant` (recording time, not business time)."""
    return [r for r in records if r.recorded_at <= instant]
