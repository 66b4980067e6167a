"""Fixtures of the CLI tests: a real deployment in this process, the CLI as a real subprocess.

- `deployment`: the session's dev server and a fresh migrated database, with a pathway
  worker on the Postgres event store running in this process on a task queue of its own,
  and the environment that points `pathways` at them.
- `pathways_cli`: how to run `.venv/bin/pathways` (or any program) as a subprocess, bounded
  by a timeout, without blocking the event loop that the in-process worker runs on.
- `in_process`: `pathways <args>` through its typer app in this process, for the refusals:
  a subprocess imports the whole application first (seconds each on a busy machine), and a
  refusal is decided after that; one subprocess test per command keeps the entry point.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

import pytest
import pytest_asyncio
from click.testing import Result
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

import infra.logging
from client.pathway import PathwayClient
from infra.accounts.postgres import PostgresAccountStore
from infra.config import Settings
from infra.crypto.codec import encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate
from tests.conftest import venv_binary
from tests.web.staff import add_staff
from workers.cli import app
from workers.worker import build_worker
from workflows.models import workflow_id_for

REPO = Path(__file__).resolve().parents[2]
PATHWAYS = venv_binary("pathways")


@dataclass(frozen=True)
class Ran:
    """A finished subprocess."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        command = " ".join(self.args)
        return f"{command} → {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def clean_environ(**settings: str) -> dict[str, str]:
    """This process's environment without any PATHWAYS_* variable, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    env.update({"PATHWAYS_LOG_LEVEL": "WARNING", **settings})
    return env


async def run(
    *args: str,
    env: Mapping[str, str],
    cwd: Path,
    input: str | None = None,
    timeout: float = 120.0,
) -> Ran:
    """Run a program to completion (killed after `timeout` seconds) and capture its output.

    The timeout only stops a program that hangs: six CLI processes started at once took more
    than 30 s to import and exit on two cores shared with other test runs.
    """
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate(None if input is None else input.encode()), timeout
        )
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"{' '.join(args)} did not finish within {timeout} s")
    assert process.returncode is not None
    return Ran(tuple(args), process.returncode, out.decode(), err.decode())


async def in_process(*args: str, env: Mapping[str, str], input: str | None = None) -> Ran:
    """`pathways <args>` run by its typer app in a thread of this process, with the
    PATHWAYS_* settings of `env` only, as `run` would run it; one at a time (the runner
    swaps this process's environment and standard streams while it runs)."""
    settings: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PATHWAYS_")}
    settings.update({k: v for k, v in env.items() if k.startswith("PATHWAYS_")})
    async with _ONE_AT_A_TIME:
        ran = await asyncio.to_thread(_invoke, list(args), input, settings)
    return Ran(("pathways", *args), ran.exit_code, ran.stdout, ran.stderr)


_ONE_AT_A_TIME = asyncio.Lock()


def _invoke(args: list[str], input: str | None, settings: dict[str, str | None]) -> Result:
    """Invoke the app with the log records of its own thread only on its stderr (a worker of
    the test may log in another), then put back this process's logging as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    own = threading.get_ident()

    def configure_here(settings: Settings, stream: TextIO | None = None) -> None:
        configure(settings, stream)
        for handler in root.handlers:
            if handler.get_name() == "pathways":
                handler.addFilter(lambda record: record.thread == own)

    configure = infra.logging.configure_logging
    infra.logging.configure_logging = configure_here
    try:
        return CliRunner().invoke(app, args, input, settings)
    finally:
        infra.logging.configure_logging = configure
        root.handlers[:] = handlers
        root.setLevel(level)


@dataclass
class Deployment:
    """A dev server, a migrated database and a worker, as `pathways` sees them."""

    env: WorkflowEnvironment
    database_url: str
    task_queue: str
    pool: Pool
    workdir: Path
    """The subprocesses' working directory: empty, so that no stray `.env` is read."""
    master: MasterKey
    """The master key of the deployment's data keys (docs/privacy.md)."""
    client: Client
    """A client on the dev server sealing payloads with those keys, as every process does."""

    @property
    def pathways(self) -> PathwayClient:
        return PathwayClient(self.client, self.task_queue)

    @property
    def environ(self) -> dict[str, str]:
        return clean_environ(
            PATHWAYS_TEMPORAL_ADDRESS=self.env.client.service_client.config.target_host,
            PATHWAYS_TEMPORAL_NAMESPACE=self.env.client.namespace,
            PATHWAYS_TEMPORAL_TASK_QUEUE=self.task_queue,
            PATHWAYS_DATABASE_URL=self.database_url,
            PATHWAYS_DATA_DIR=str(self.workdir / "data"),
            PATHWAYS_MASTER_KEY=self.master.to_base64(),
        )

    async def cli(self, *args: str, input: str | None = None, timeout: float = 120.0) -> Ran:
        """`pathways <args>` as a subprocess against this deployment."""
        return await run(
            PATHWAYS, *args, env=self.environ, cwd=self.workdir, input=input, timeout=timeout
        )

    async def cli_in_process(self, *args: str, input: str | None = None) -> Ran:
        """`pathways <args>` against this deployment, in this process (`in_process`)."""
        return await in_process(*args, env=self.environ, input=input)

    def store_reader(self, sealer: FieldSealer) -> PostgresEventStore:
        """The deployment's event store, reading with `sealer`."""
        return PostgresEventStore(self.pool, sealer)

    async def event_count(self, pathway_id: str) -> int:
        """Rows of the pathway's stream in the events table."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT count(*) FROM events WHERE stream_id = %s", (f"pathway-{pathway_id}",)
            )
            row = await cur.fetchone()
        assert row is not None
        return int(row[0])

    async def recorded_at(self, pathway_id: str, version: int) -> datetime:
        """When the event at `version` of the pathway's stream was recorded."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT recorded_at FROM events WHERE stream_id = %s AND version = %s",
                (f"pathway-{pathway_id}", version),
            )
            row = await cur.fetchone()
        assert row is not None, f"no version {version} in pathway {pathway_id}"
        instant: datetime = row[0]
        return instant

    async def history_after(self, pathway_id: str, length: int) -> list[str]:
        """The types of the current run's history events after the first `length`, named
        as the server names them (`EVENT_TYPE_WORKFLOW_TASK_SCHEDULED`, …)."""
        handle = self.env.client.get_workflow_handle(workflow_id_for(pathway_id))
        events = (await handle.fetch_history()).events[length:]
        return [EventType.Name(e.event_type) for e in events]

    async def history_length(self, pathway_id: str) -> int | None:
        """Events in the current run's workflow history; None when there is no workflow."""
        handle = self.env.client.get_workflow_handle(workflow_id_for(pathway_id))
        try:
            return len((await handle.fetch_history()).events)
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return None
            raise


def encrypted_client(client: Client, keyring: Keyring) -> Client:
    """`client`'s connection with the data converter that seals payloads with `keyring`."""
    config = client.config()
    config["data_converter"] = encrypting_converter(keyring)
    return Client(**config)


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pw", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def deployment(
    dev_server_env: WorkflowEnvironment, fresh_database: str, workdir: Path
) -> AsyncIterator[Deployment]:
    await migrate(fresh_database)
    pool = await open_pool(fresh_database, min_size=1, max_size=4)
    # The CLI opens and reassigns pathways only for caseworkers it finds in the accounts.
    await add_staff(PostgresAccountStore(pool))
    task_queue = f"cli-{uuid.uuid4().hex[:8]}"
    master = MasterKey.generate()
    keyring = Keyring(pool, master)
    client = encrypted_client(dev_server_env.client, keyring)
    store = PostgresEventStore(pool, FieldSealer(keyring))
    try:
        # With the accounts, as `pathways up` runs it: bulk operations and policy roll-outs.
        async with build_worker(client, store, task_queue, accounts=PostgresAccountStore(pool)):
            yield Deployment(
                dev_server_env, fresh_database, task_queue, pool, workdir, master, client
            )
    finally:
        await pool.close()


def seconds_policy(baseline: int, reminder_before: int, coordinator_after: int) -> str:
    """A policy file whose baseline falls due `baseline` seconds after opening, with the
    default three-step ladder compressed to seconds, for tests that watch the clock act."""
    return f"""\
policy_id = "seconds"

[[revisions]]
effective_from = 2000-01-01

[revisions.deadlines]
baseline = "{baseline} seconds"

[[revisions.ladder]]
step = "reminder"
offset = "-{reminder_before} seconds"
notify = "caseworker"
escalation = false

[[revisions.ladder]]
step = "supervisor"
offset = "0 seconds"
notify = "supervisor"
escalation = true

[[revisions.ladder]]
step = "coordinator"
offset = "{coordinator_after} seconds"
notify = "coordinator"
escalation = true
"""
