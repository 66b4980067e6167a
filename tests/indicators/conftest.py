"""Fixtures of the indicator tests: the event-store tests' embedded PostgreSQL, reused."""

from tests.eventstore.conftest import database, pool, postgres, postgres_store

__all__ = ["database", "pool", "postgres", "postgres_store"]
