"""Fixtures of the access log tests: every `AccessLog`, the Postgres one on a fresh database."""

from __future__ import annotations

import pytest

from infra.access_log.base import AccessLog, InMemoryAccessLog
from infra.access_log.postgres import PostgresAccessLog
from infra.db import Pool
from tests.eventstore.conftest import database, pool, postgres

__all__ = ["access_log", "database", "pool", "postgres"]


@pytest.fixture(params=["memory", "postgres"])
def access_log(request: pytest.FixtureRequest) -> AccessLog:
    """Every access log implementation, for the contract suite."""
    if request.param == "memory":
        return InMemoryAccessLog()
    pool: Pool = request.getfixturevalue("pool")
    return PostgresAccessLog(pool)
