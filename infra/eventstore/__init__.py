"""Event store: the contract, the in-memory twin and (in `infra.eventstore.postgres`) Postgres.

The Postgres store lives in its own module so that importing the contract does not import
psycopg (workflows import the request and result models through their activities).
"""

from infra.eventstore.base import (
    AppendResult,
    ConcurrencyConflict,
    EventRecorder,
    EventStore,
    EventStoreError,
    InvalidAppend,
)
from infra.eventstore.memory import InMemoryEventStore
from infra.eventstore.notifications import (
    InboxItem,
    NotificationInbox,
    NotificationOutbox,
    Notifications,
    OutboxEntry,
)
from infra.eventstore.queries import CaseloadQueries, OpenObligation, OverdueObligation

__all__ = [
    "AppendResult",
    "CaseloadQueries",
    "ConcurrencyConflict",
    "EventRecorder",
    "EventStore",
    "EventStoreError",
    "InMemoryEventStore",
    "InboxItem",
    "InvalidAppend",
    "NotificationInbox",
    "NotificationOutbox",
    "Notifications",
    "OpenObligation",
    "OutboxEntry",
    "OverdueObligation",
]
