"""Versioned SQL migrations: `infra/migrations/NNNN_name.sql`, applied in order, once each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import psycopg
import structlog

_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<slug>[a-z0-9_]+)\.sql$")

# Any constant shared by every process that migrates this database; spells "pathways".
_ADVISORY_LOCK_KEY = 0x70617468_77617973

_CREATE_LEDGER = b"""
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""

_log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Migration:
    """One migration file: `version` from its four-digit prefix, `name` its file stem."""

    version: int
    name: str
    sql: bytes


def available_migrations() -> list[Migration]:
    """The migrations shipped with the package, ordered by version.

    Read through importlib.resources so that they are found in an installed wheel too.
    """
    folder = resources.files("infra").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            continue
        found.append(
            Migration(
                version=int(match["version"]),
                name=entry.name.removesuffix(".sql"),
                sql=entry.read_bytes(),
            )
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a version: {[m.name for m in found]}")
    return found


async def migrate(conninfo: str) -> list[str]:
    """Apply the migrations this database lacks and return the names of those applied now.

    Each migration runs in its own transaction under a transaction-level advisory lock,
    so processes that start at the same time apply every migration exactly once; running
    it again on an up-to-date database applies nothing.
    """
    applied: list[str] = []
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        for migration in available_migrations():
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK_KEY,))
                # Created under the lock: concurrent CREATE ... IF NOT EXISTS can still collide.
                await conn.execute(_CREATE_LEDGER)
                cur = await conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = %s", (migration.version,)
                )
                if await cur.fetchone() is not None:
                    continue
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
            _log.info("migration_applied", migration=migration.name)
            applied.append(migration.name)
    return applied
