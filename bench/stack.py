"""The stack a benchmark runs on: what `pathways up` starts, in a temporary directory.

The embedded PostgreSQL (unix socket) and the Temporal dev server (SQLite file, loopback,
free port), migrated, and the worker as a process of its own (`bench.worker`), so that the
clients of the benchmark do not share its interpreter. `restart` stops all three and
starts them again on the same data, as after a power cut that spared the disks.

PostgreSQL runs with `track_commit_timestamp` on (set once with ALTER SYSTEM, which needs
a restart of the server), so that escalation lateness can be read to the commit of each
event (`bench.lateness`): the events store only the workflow's decision time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from pydantic import SecretStr
from temporalio.client import Client

from bench.worker import bare_queue
from client.pathway import PathwayClient
from infra.config import Settings
from infra.crypto.master import MasterKey
from infra.db import Pool, open_pool
from infra.embedded import EmbeddedPostgres, TemporalDevServer, free_port
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate
from infra.temporal import connect
from workers.composition import Stores

WORKER_READY_SECONDS = 60.0


class BenchStack:
    """PostgreSQL, Temporal and the worker process, with the clients the benchmark uses."""

    def __init__(
        self,
        pool_size: int = 20,
        worker_env: dict[str, str] | None = None,
        *,
        unsandboxed: bool = True,
    ) -> None:
        """`unsandboxed`: start the second worker, of `unsandboxed_queue` (the suite's
        comparison with the sandbox off); `bench.variants` starts its own workers instead."""
        self.root = Path(tempfile.mkdtemp(prefix="pwbench", dir="/tmp"))
        self.queue = f"bench-{uuid.uuid4().hex[:6]}"
        self.bare_queue = bare_queue(self.queue)
        self._postgres = EmbeddedPostgres(self.root / "pg")
        self._temporal = TemporalDevServer(self.root / "temporal.db", free_port(), None, "default")
        self._pool_size = pool_size
        # A master key of this run's: the worker seals payloads and personal fields as in
        # production (docs/privacy.md), so the figures include the encryption's cost.
        self._master_key = MasterKey.generate().to_base64()
        self._worker_env = {"PATHWAYS_MASTER_KEY": self._master_key, **(worker_env or {})}
        self._worker: subprocess.Popen[bytes] | None = None
        self.unsandboxed_queue = f"{self.queue}-unsandboxed"
        """Pathways on this queue run on a second worker process, the sandbox off."""
        self._with_unsandboxed = unsandboxed
        self._unsandboxed: subprocess.Popen[bytes] | None = None
        self._variants: list[subprocess.Popen[bytes]] = []
        """Workers added with `add_worker`; stopped with the rest, not started again."""
        self.database_url = ""
        self.client: Client
        self.pool: Pool
        self.store: PostgresEventStore
        self.pathways: PathwayClient

    async def start(self) -> float:
        """Start everything; returns the seconds it took until the worker polls."""
        started = time.perf_counter()
        self.database_url = await asyncio.to_thread(self._postgres.start)
        if not await _tracks_commit_timestamps(self.database_url):
            await asyncio.to_thread(self._postgres.stop)
            self._postgres = EmbeddedPostgres(self.root / "pg")
            self.database_url = await asyncio.to_thread(self._postgres.start)
        await migrate(self.database_url)
        address = await self._temporal.start()
        settings = Settings(
            temporal_address=address,
            database_url=self.database_url,
            master_key=SecretStr(self._master_key),
        )
        self.pool = await open_pool(self.database_url, 2, self._pool_size)
        stores = Stores(settings, self.pool, eager=True)
        self.client = await connect(settings, address, keyring=stores.keyring)
        self.store = stores.events
        self.pathways = PathwayClient(self.client, self.queue, self.store)
        self.unsandboxed_pathways = PathwayClient(self.client, self.unsandboxed_queue, self.store)
        self._worker = await self._start_worker(address, self.queue, {})
        if self._with_unsandboxed:
            self._unsandboxed = await self._start_worker(
                address, self.unsandboxed_queue, {"PATHWAYS_WORKER_SANDBOX": "false"}
            )
        return time.perf_counter() - started

    async def stop(self) -> None:
        """Stop the worker, then the servers; the data stays until `close`."""
        await self._stop_worker()
        if hasattr(self, "pool"):
            await self.pool.close()
        await self._temporal.stop()
        await asyncio.to_thread(self._postgres.stop)

    async def restart(self) -> tuple[float, float]:
        """Stop everything and start it again: (seconds to stop, seconds to start)."""
        started = time.perf_counter()
        await self.stop()
        stopped = time.perf_counter()
        self._postgres = EmbeddedPostgres(self.root / "pg")
        await self.start()
        return stopped - started, time.perf_counter() - stopped

    async def restart_worker(self) -> float:
        """Stop the worker of `queue` (which also runs the baselines' workflows) and start it
        again, its cache empty, so that the next task of each of its workflows replays that
        run's whole history: seconds until it polls again."""
        assert self._worker is not None
        started = time.perf_counter()
        await _terminate(self._worker)
        self._worker = await self._start_worker(self._temporal.address, self.queue, {})
        return time.perf_counter() - started

    async def _stop_worker(self) -> None:
        for process in (self._worker, self._unsandboxed, *self._variants):
            if process is not None:
                await _terminate(process)
        self._worker = self._unsandboxed = None
        self._variants = []

    async def add_worker(self, queue: str, env: dict[str, str]) -> int:
        """One more worker process, for `queue`, with `env` over the stack's: its pid once
        it polls. A restart stops it and does not start it again."""
        process = await self._start_worker(self._temporal.address, queue, env)
        self._variants.append(process)
        return process.pid

    async def close(self) -> None:
        """Stop everything and delete the temporary directory."""
        try:
            await self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def worker_pid(self) -> int | None:
        """The worker of `queue` (the shipped configuration, sandboxed)."""
        return None if self._worker is None else self._worker.pid

    @property
    def worker_pids(self) -> list[int]:
        """Both worker processes: the sandboxed one and the one of `unsandboxed_queue`."""
        return [p.pid for p in (self._worker, self._unsandboxed) if p is not None]

    @property
    def temporal_pid(self) -> int | None:
        return self._temporal.pid

    @property
    def postgres_pid(self) -> int | None:
        try:
            return int((self.root / "pg" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def worker_rss_bytes(self) -> int:
        """Resident memory of the worker process."""
        assert self._worker is not None
        for line in Path(f"/proc/{self._worker.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS for the worker")

    def temporal_db_bytes(self) -> int:
        """The dev server's SQLite file with its write-ahead log."""
        db = self.root / "temporal.db"
        return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())

    async def postgres_bytes(self) -> int:
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute("SELECT pg_database_size(current_database())")
            ).fetchone()
        assert row is not None
        return int(row[0])

    async def postgres_version(self) -> str:
        async with self.pool.connection() as conn:
            row = await (await conn.execute("SHOW server_version")).fetchone()
        assert row is not None
        return str(row[0])

    async def _start_worker(
        self, address: str, queue: str, env: dict[str, str]
    ) -> subprocess.Popen[bytes]:
        """A worker process for `queue` (and its baselines' queue), once it polls."""
        name = "worker" if queue == self.queue else f"worker-{queue.rsplit('-', 1)[-1]}"
        ready = self.root / f"{name}.ready"
        ready.unlink(missing_ok=True)
        log = (self.root / f"{name}.log").open("ab")
        command = [
            sys.executable,
            "-m",
            "bench.worker",
            "--temporal",
            address,
            "--database",
            self.database_url,
            "--queue",
            queue,
            "--ready",
            str(ready),
        ]
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self._worker_env, **env},
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + WORKER_READY_SECONDS
        while not ready.exists():
            if process.poll() is not None:
                raise RuntimeError(f"the bench worker exited; see {self.root / name}.log")
            if time.monotonic() > deadline:
                raise RuntimeError("the bench worker was not ready in time")
            await asyncio.sleep(0.05)
        return process


async def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the worker drains and stops), SIGKILL after 30 s."""
    process.terminate()
    try:
        await asyncio.to_thread(process.wait, 30)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait)


async def _tracks_commit_timestamps(database_url: str) -> bool:
    """Whether the server records commit timestamps; if not, set it for its next start."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        row = await (await conn.execute("SHOW track_commit_timestamp")).fetchone()
        if row is not None and row[0] == "on":
            return True
        await conn.execute("ALTER SYSTEM SET track_commit_timestamp = on")
        return False
