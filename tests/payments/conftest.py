"""Fixtures of the payment tests: the event store tests' Postgres (a fresh database each)."""

from __future__ import annotations

from tests.eventstore.conftest import database, pool, postgres

__all__ = ["database", "pool", "postgres"]
