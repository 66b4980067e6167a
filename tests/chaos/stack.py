"""The stack `make chaos` breaks: PostgreSQL, Temporal, `pathways worker` and `pathways web`.

Everything runs on loopback under one temporary directory. The worker and the web
process are subprocesses that a supervisor starts again whenever they are not running;
`close()` stops every process the stack started, whatever state the run left it in.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from infra.crypto.master import MasterKey
from infra.embedded import EmbeddedPostgres, TemporalDevServer
from infra.server_process import free_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TASK_QUEUE = "chaos"
POLICY = Path(__file__).with_name("policy.toml")
"""The shipped policy with a catch-up window of seconds (the overdue baselines' ladders)."""


@dataclass
class Process:
    """A `pathways` subprocess in a session of its own (its whole group is signalled)."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.args,
                env=self.env,
                stdout=out,
                stderr=out,
                cwd=self.log.parent,
                start_new_session=True,
            )
        self.starts += 1

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill9(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


@dataclass
class Stack:
    """The servers and processes of one chaos run, under `root`."""

    root: Path
    postgres: EmbeddedPostgres
    temporal: TemporalDevServer
    master: MasterKey = field(default_factory=MasterKey.generate)
    """One master key for every process, and for the checks that read sealed fields."""
    processes: list[Process] = field(default_factory=list)
    database_url: str = ""
    address: str = ""
    web_port: int = 0
    _supervisor: asyncio.Task[None] | None = None

    @classmethod
    def in_temporary_directory(cls, parent: Path) -> Stack:
        root = Path(tempfile.mkdtemp(prefix="chaos", dir=parent))
        return cls(
            root=root,
            postgres=EmbeddedPostgres(root / "pg"),
            temporal=TemporalDevServer(
                root / "temporal.db",
                port=free_port(),
                ui_port=None,
                namespace="default",
                log_file=root / "temporal.log",
            ),
        )

    @property
    def env(self) -> dict[str, str]:
        """The environment of every `pathways` process of the run (worker, web, CLI)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
        return env | {
            "PYTHONPATH": str(REPO),
            "PATHWAYS_DATABASE_URL": self.database_url,
            "PATHWAYS_TEMPORAL_ADDRESS": self.address,
            "PATHWAYS_TEMPORAL_TASK_QUEUE": TASK_QUEUE,
            "PATHWAYS_DATA_DIR": str(self.root / "data"),
            "PATHWAYS_SESSION_SECRET": "chaos-" + "s" * 40,
            "PATHWAYS_MASTER_KEY": self.master.to_base64(),
            "PATHWAYS_WEB_PORT": str(self.web_port),
            "PATHWAYS_LOG_LEVEL": "WARNING",
            "PATHWAYS_POLICY_FILE": str(POLICY),
        }

    @property
    def worker(self) -> Process:
        return self.processes[0]

    @property
    def web(self) -> Process:
        return self.processes[1]

    async def start_servers(self) -> None:
        """PostgreSQL (not migrated yet) and Temporal."""
        self.database_url = await asyncio.to_thread(self.postgres.start)
        self.address = await self.temporal.start()
        self.web_port = free_port()

    def start_processes(self) -> None:
        """The worker and the web process, and their supervisor."""
        pathways = str(BIN / "pathways")
        self.processes = [
            Process("worker", [pathways, "worker"], self.env, self.root / "worker.log"),
            Process("web", [pathways, "web"], self.env, self.root / "web.log"),
        ]
        for process in self.processes:
            process.start()
        self._supervisor = asyncio.create_task(self._supervise())

    async def _supervise(self) -> None:
        while True:
            for process in self.processes:
                if not process.running():
                    process.start()
            await asyncio.sleep(0.5)

    async def restart_temporal(self) -> None:
        await self.temporal.stop()
        await self.temporal.start()

    async def stop_postgres(self, seconds: float) -> None:
        await asyncio.to_thread(self.postgres.stop)
        await asyncio.sleep(seconds)
        await asyncio.to_thread(self.postgres.start)

    async def close(self, *, keep: bool) -> None:
        """Stop the supervisor first (it would start them again), then every process."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        for process in self.processes:
            process.stop()
        await self.temporal.stop()
        await asyncio.to_thread(self.postgres.stop)
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)
