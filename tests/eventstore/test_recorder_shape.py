"""The event recorder stays narrow (issue 22): at most six methods, and the stores add none.

What is read of the read models is queried through protocols apart (`CaseloadQueries`,
`NotificationOutbox`, `NotificationInbox`, `BudgetBook`), which the stores carry as parts;
a query added to a store's class instead of to its part fails here.
"""

from __future__ import annotations

import inspect

from infra.eventstore.base import EventRecorder
from infra.eventstore.memory import InMemoryEventStore
from infra.eventstore.postgres import PostgresEventStore

MAX_RECORDER_METHODS = 6
STORE_EXTRAS = {"ping"}
"""Beside the recorder: the readiness probe of `/readyz` (Postgres only)."""


def public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_the_recorder_has_at_most_six_methods() -> None:
    methods = public_methods(EventRecorder)
    assert {"append", "read_stream", "read_all"} <= methods
    assert len(methods) <= MAX_RECORDER_METHODS, sorted(methods)


def test_the_stores_add_no_method_to_the_recorder() -> None:
    recorder = public_methods(EventRecorder)
    for store in (PostgresEventStore, InMemoryEventStore):
        assert public_methods(store) - recorder <= STORE_EXTRAS, store.__name__


def test_the_stores_carry_each_capability_s_queries_apart() -> None:
    store = InMemoryEventStore()
    parts = (store.caseload, store.notifications, store.budget)
    assert len({id(part) for part in parts}) == len(parts)
    assert all(part is not store for part in parts)
