"""Fixtures of the account tests: every `AccountStore`, the Postgres one on a fresh database.

The Postgres fixtures are those of the event store tests (one embedded server per session,
a fresh migrated database per test), so both suites run against the same migrations.
"""

from __future__ import annotations

import pytest

from infra.accounts.postgres import PostgresAccountStore
from infra.accounts.store import AccountStore, InMemoryAccountStore
from infra.db import Pool
from tests.eventstore.conftest import database, pool, postgres

__all__ = ["accounts", "database", "pool", "postgres", "postgres_accounts"]


@pytest.fixture
def postgres_accounts(pool: Pool) -> PostgresAccountStore:
    return PostgresAccountStore(pool)


@pytest.fixture(params=["memory", "postgres"])
def accounts(request: pytest.FixtureRequest) -> AccountStore:
    """Every account store implementation, for the contract suite."""
    if request.param == "memory":
        return InMemoryAccountStore()
    store: PostgresAccountStore = request.getfixturevalue("postgres_accounts")
    return store
