"""Notifications the ladder owes people: derived from ladder events, sent through the outbox.

They carry no personal data: the pathway's opaque id, the kind of obligation and dates.
Recipients are a role within the pathway's organisation (or the caseworker in person); the
sender resolves them to addresses.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.events import DeadlineEscalated, DeadlineReminderSent, parse_event
from domain.projections import Notification
from domain.records import EventRecord
from domain.state import PathwayState
from domain.values import Role


def notifications(state: PathwayState, records: Iterable[EventRecord]) -> tuple[Notification, ...]:
    """One notification per ladder step among `records`, addressed from the pathway's state."""
    assert state.pathway_id and state.organisation_id and state.caseworker_id
    found = []
    for record in records:
        event = parse_event(record.type, record.schema_version, record.data)
        if not isinstance(event, DeadlineReminderSent | DeadlineEscalated):
            continue
        found.append(
            Notification(
                notification_id=f"{record.stream_id}:{record.version}",
                pathway_id=state.pathway_id,
                organisation_id=state.organisation_id,
                recipient_role=event.notify,
                recipient_id=state.caseworker_id if event.notify == Role.CASEWORKER else None,
                escalation=isinstance(event, DeadlineEscalated),
                obligation_kind=event.obligation_kind,
                obligation_id=event.obligation_id,
                measure_id=event.measure_id,
                due_at=event.due_at,
                created_at=record.recorded_at,
            )
        )
    return tuple(found)
