"""`pathways up` and `pathways worker` as an operator runs them: start, use, stop, restart.

The stack that `pathways up` starts, stops on Ctrl-C and starts again is tested once, with
its web app, in tests/integration/test_up_web.py (each start costs 10-20 s of CPU); here, the
helpers that drive it, the lone worker, and which services `up` starts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import psycopg
import pytest
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from infra.config import Settings
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.db import open_pool
from infra.policy_file import load_policy
from tests.integration.conftest import (
    PATHWAYS,
    REPO,
    clean_environ,
    encrypted_client,
    run,
)
from tests.workflows.journey import opening
from workers.stack import up_services

pytestmark = pytest.mark.integration

WALK = REPO / "examples" / "walkthrough"
READY_TIMEOUT = 120.0
"""A guard against a hang: the stack is ready in 10-20 s quiet, past 45 s at a load of 20."""
STOP_TIMEOUT = 60.0
"""A guard against a hang: a stop takes 1-5 s quiet; 20 s was passed at a load of 24."""


class Up:
    """One `pathways up` subprocess and the server processes it started."""

    def __init__(self, process: asyncio.subprocess.Process, data_dir: Path) -> None:
        self.process = process
        self.data_dir = data_dir
        self.servers: list[int] = []
        """Pids of the Temporal dev server and the postmaster, once it is ready."""
        self.banner: list[str] = []

    async def ready(self) -> float:
        """Wait for the `ready` line; returns the seconds it took."""
        started = time.monotonic()
        assert self.process.stdout is not None
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), READY_TIMEOUT)
            if not line:
                pytest.fail(f"`pathways up` exited before ready:\n{self.log()}")
            self.banner.append(line.decode().rstrip())
            if self.banner[-1] == "ready":
                break
        children = psutil.Process(self.process.pid).children(recursive=True)
        postmaster = int((self.data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
        self.servers = [c.pid for c in children] + [postmaster]
        return time.monotonic() - started

    async def interrupt(self) -> tuple[int, float]:
        """Ctrl-C; returns the exit code and the seconds the shutdown took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
        return code, time.monotonic() - started

    def kill_leftovers(self) -> None:
        """After a failure: kill `up` and the servers it started, if they still run."""
        if self.process.returncode is None:
            self.process.kill()
        for pid in self.servers:
            with contextlib.suppress(psutil.NoSuchProcess):
                # The pid is ours only while it runs the server we saw (pids are reused).
                if alive(pid) and psutil.Process(pid).name() in {"temporal", "postgres"}:
                    os.kill(pid, signal.SIGKILL)

    def log(self) -> str:
        log = self.data_dir / "up.log"
        return log.read_text() if log.exists() else ""


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextlib.asynccontextmanager
async def pathways_up(env: dict[str, str], data_dir: Path) -> AsyncIterator[Up]:
    with (data_dir / "up.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            PATHWAYS, "up", stdout=asyncio.subprocess.PIPE, stderr=log, env=env, cwd=data_dir
        )
    up = Up(process, data_dir)
    try:
        yield up
    finally:
        up.kill_leftovers()
        await process.wait()


async def test_worker_migrates_serves_and_stops_on_sigterm(
    dev_server_env: WorkflowEnvironment, fresh_database: str, workdir: Path
) -> None:
    task_queue = f"worker-{uuid.uuid4().hex[:8]}"
    env = clean_environ(
        PATHWAYS_TEMPORAL_ADDRESS=dev_server_env.client.service_client.config.target_host,
        PATHWAYS_TEMPORAL_TASK_QUEUE=task_queue,
        PATHWAYS_DATABASE_URL=fresh_database,
        PATHWAYS_DATA_DIR=str(workdir),
    )
    migrated = await run(PATHWAYS, "migrate", env=env, cwd=workdir)
    assert migrated.code == 0, migrated
    assert migrated.stdout.startswith("applied 0001_event_store"), migrated
    without_key = await run(PATHWAYS, "worker", env=env, cwd=workdir)
    assert without_key.code == 2 and "master_key_required" in without_key.stderr, without_key
    master = MasterKey.generate()
    env["PATHWAYS_MASTER_KEY"] = master.to_base64()

    with (workdir / "worker.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            PATHWAYS, "worker", stdout=asyncio.subprocess.PIPE, stderr=log, env=env, cwd=workdir
        )
    try:
        assert process.stdout is not None
        banner = []
        while not banner or banner[-1] != "ready":
            line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
            assert line, (workdir / "worker.log").read_text()
            banner.append(line.decode().rstrip())
        assert f"  Worker       task queue {task_queue}" in banner

        pathway_id = f"p-{uuid.uuid4().hex[:12]}"
        pool = await open_pool(fresh_database, 1, 1)
        client = encrypted_client(dev_server_env.client, Keyring(pool, master))
        try:
            opened = await PathwayClient(client, task_queue).open(opening(pathway_id))
        finally:
            await pool.close()
        assert opened.version == 1
        async with await psycopg.AsyncConnection.connect(fresh_database) as conn:
            cur = await conn.execute(
                "SELECT type FROM events WHERE stream_id = %s", (f"pathway-{pathway_id}",)
            )
            assert await cur.fetchall() == [("PathwayOpened",)]

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), STOP_TIMEOUT) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_up_starts_only_the_servers_that_are_not_configured(workdir: Path) -> None:
    def started(**configured: object) -> list[str]:
        # Explicit None: what this process's environment configures must not leak in.
        given = {
            "database_url": None,
            "temporal_address": None,
            "smtp_host": None,
            "demo_accounts": None,
            **configured,
        }
        settings = Settings(_env_file=None, data_dir=workdir, **given)  # type: ignore[arg-type]
        services = up_services(settings, load_policy(None), "a session secret " * 2)
        return [type(service).__name__ for service in services]

    # The sink before the web, whose password resets and invitations are mailed through it.
    served = ["PathwayWorker", "LocalMailSink", "WebServer", "Notifier", "IndicatorProjection"]
    everything = [
        "EmbeddedDatabase",
        "EmbeddedTemporal",
        "Migrations",
        "DefaultBudget",
        "DemoAccounts",
        *served,
    ]
    assert started() == everything
    # Demo accounts, with their known password, never on a configured database by default.
    assert started(database_url="postgresql://db.example/pathways") == [
        "ConfiguredDatabase",
        "EmbeddedTemporal",
        "Migrations",
        "DefaultBudget",
        *served,
    ]
    assert "DemoAccounts" in started(database_url="postgresql://db/p", demo_accounts=True)
    assert "DemoAccounts" not in started(demo_accounts=False)
    assert started(temporal_address="temporal.example:7233") == [
        "EmbeddedDatabase",
        "ConfiguredTemporal",
        "Migrations",
        "DefaultBudget",
        "DemoAccounts",
        *served,
    ]
    assert started(smtp_host="smtp.example.org")[-4:] == [
        "PathwayWorker",
        "WebServer",
        "Notifier",
        "IndicatorProjection",
    ]
