"""Event store: the contract, the in-memory twin and (in `infra.eventstore.postgres`) Postgres.

The Postgres store lives in its own module so that importing the contract does not import
psycopg (workflows import the request and result models through their activities).
"""

from infra.eventstore.base import (
    AppendResult,
    ConcurrencyConflict,
    EventStore,
    EventStoreError,
    InvalidAppend,
    OpenObligation,
)
from infra.eventstore.memory import InMemoryEventStore

__all__ = [
    "AppendResult",
    "ConcurrencyConflict",
    "EventStore",
    "EventStoreError",
    "InMemoryEventStore",
    "InvalidAppend",
    "OpenObligation",
]
